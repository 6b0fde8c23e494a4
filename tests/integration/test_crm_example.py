"""examples/crm_sync.py against the app served over real HTTP: cases mirrored, a public update posted once."""

import json
import subprocess
import sys
from pathlib import Path

from forum.services import tokens
from forum.transaction import unit_of_work
from moderation import escalation
from tests.factories import make_moderator, make_question
from tests.live_api import serve

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "crm_sync.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def test_crm_sync_mirrors_cases_and_posts_a_public_update(app, client, tmp_path):
    agent = make_moderator()
    threads = [make_question() for _ in range(3)]
    with unit_of_work():
        cases = [escalation.escalate(q.id, actor=agent, note="seen by the CRM").case for q in threads]
        token = tokens.create_token(agent, "CRM", "read-write-cases")
    with unit_of_work():
        reader = tokens.create_token(agent, "reader", "read")
    out = tmp_path / "cases.json"
    reply = "We have shipped a replacement unit."
    with serve(app) as base:
        for _ in range(2):  # a second run (a retry) must not post the update twice
            result = run("--base", base, "--token", token, "--out", str(out), "--reply", cases[0].reference, reply)
            assert result.returncode == 0, result.stderr
        assert "mirrored 3 cases" in result.stdout
        refused = run("--base", base, "--token", reader, "--out",
                      str(tmp_path / "x.json"), "--reply", cases[0].reference, reply)
        assert refused.returncode != 0 and "read-write-cases" in refused.stderr
    mirrored = json.loads(out.read_text())
    assert set(mirrored) == {c.reference for c in cases}
    updates = mirrored[cases[0].reference]["updates"]
    assert [u["body"] for u in updates if u["public"]] == [reply]
    assert any(u["body"] == "seen by the CRM" for u in updates)
    thread = client.get(f"/api/v1/questions/{cases[0].question_id}").get_json()
    assert [u["body"] for u in thread["escalation"]["updates"]] == [reply]
