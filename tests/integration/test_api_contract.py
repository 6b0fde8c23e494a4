"""The API against its own generated OpenAPI document, checked by schemathesis with every check.

The suite's app serves on 127.0.0.1 from a thread (the same database, SQLite or PostgreSQL), and
the real `schemathesis run` command tests it, stateful phase included, once with a member's token
and once with a moderator's. The examples per operation are bounded so each run takes a minute or
two; the seed is fixed so a failure reproduces.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from forum.extensions import db
from forum.services import tokens
from forum.transaction import unit_of_work
from moderation import escalation
from tests.factories import make_answer, make_comment, make_moderator, make_question, make_user
from tests.live_api import serve

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("PEERCARE_CONTRACT_EXAMPLES", "12"))
SEED = 15


@pytest.fixture
def served(app):
    """Seed a few threads and a case, then serve the app on a free port until the test ends."""
    member = make_user("contract_member", reputation_points=200)
    moderator = make_moderator("contract_mod")
    questions = [make_question(member, tags=["wifi"]) for _ in range(3)]
    answer = make_answer(questions[0], moderator)
    make_comment(answer, member)
    with unit_of_work():
        escalation.escalate(questions[1].id, actor=moderator, priority="high", note="seeded")
        issued = {"member": tokens.create_token(member, "contract"),
                  "moderator": tokens.create_token(moderator, "contract")}
    with serve(app) as base:
        yield {"base": base, **issued}


def run_schemathesis(base: str, token: str, workdir: Path) -> dict:
    """One `schemathesis run` in its own folder (its cache of past failures stays out of the repository)."""
    command = [str(Path(sys.executable).parent / "schemathesis"), "run", f"{base}/api/v1/openapi.json",
               "--checks", "all", "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--workers", "1",
               "--header", f"Authorization: Bearer {token}", "--report", "ndjson", "--report-ndjson-path",
               str(workdir / "events.ndjson"), "--no-color", "--suppress-health-check", "all", "--request-timeout", "30"]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env, cwd=workdir)
    return {"exit": result.returncode, "output": result.stdout + result.stderr}


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_schemathesis_finds_no_failure(served, who, tmp_path):
    outcome = run_schemathesis(served["base"], served[who], tmp_path)
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / f"schemathesis-{who}-{db.engine.dialect.name}.txt").write_text(outcome["output"])
    assert outcome["exit"] == 0, outcome["output"][-12000:]

