"""Mirror PeerCare support cases into a local JSON file and post a public update back.

A small CRM-side script using only `requests` and the documented API (/api/v1/openapi.json):

    python examples/crm_sync.py --base https://forum.example.com --token "$TOKEN" --out cases.json
    python examples/crm_sync.py --base … --token … --out cases.json \\
        --reply CASE-000012 "We have shipped a replacement unit."

The token needs the "read-write-cases" scope (Settings → API tokens, staff only). Pages are
followed through the `Link: <…>; rel="next"` header; the reply is sent with an
Idempotency-Key, so running the same command again after a lost response doesn't post twice.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

import requests


def next_link(response: requests.Response) -> str | None:
    return response.links.get("next", {}).get("url")


def fetch_cases(session: requests.Session, base: str) -> dict[str, dict]:
    """Every case with its updates, by reference."""
    cases: dict[str, dict] = {}
    url: str | None = f"{base}/api/v1/cases?per_page=100"
    while url:
        response = session.get(url, timeout=30)
        response.raise_for_status()
        for item in response.json()["items"]:
            detail = session.get(f"{base}/api/v1/cases/{item['reference']}", timeout=30)
            detail.raise_for_status()
            cases[item["reference"]] = detail.json()
        url = next_link(response)
    return cases


def post_public_update(session: requests.Session, base: str, reference: str, text: str) -> dict:
    key = "crm-sync-" + hashlib.sha256(f"{reference}\n{text}".encode()).hexdigest()[:32]
    response = session.post(f"{base}/api/v1/cases/{reference}/updates", json={"body": text, "public": True},
                            headers={"Idempotency-Key": key}, timeout=30)
    if response.status_code >= 400:
        raise SystemExit(f"{reference}: {response.json()['error']['message']}")
    return response.json()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="The forum's address, e.g. https://forum.example.com")
    parser.add_argument("--token", required=True, help="An API token with the read-write-cases scope")
    parser.add_argument("--out", required=True, type=Path, help="The JSON file the cases are mirrored into")
    parser.add_argument("--reply", nargs=2, metavar=("REFERENCE", "TEXT"), help="Post a public update to a case")
    args = parser.parse_args(argv)
    base = args.base.rstrip("/")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {args.token}"
    if args.reply:
        update = post_public_update(session, base, *args.reply)
        print(f"posted update {update['id']} to {args.reply[0]}")
    cases = fetch_cases(session, base)
    args.out.write_text(json.dumps(cases, indent=2, sort_keys=True))
    print(f"mirrored {len(cases)} cases into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
