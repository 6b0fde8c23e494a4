"""The benchmark seed still matches the models and builds a ledger the verification accepts."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_seeded_community_is_deterministic_and_its_reputation_verifies(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env["SECRET_KEY"] = "bench-seed-test-" + "x" * 32
    outputs = []
    for name in ("one", "two"):
        database = tmp_path / f"{name}.sqlite3"
        done = subprocess.run(
            [sys.executable, "-m", "bench.seed", "--scale", "0.0001", "--sqlite", str(database), "--verify"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert "0 differences" in done.stdout
        with sqlite3.connect(database) as conn:
            outputs.append([
                conn.execute("SELECT count(*), sum(score), sum(answer_count) FROM questions").fetchone(),
                conn.execute("SELECT count(*), sum(delta) FROM reputation_entries").fetchone(),
                conn.execute("SELECT answer_count FROM questions ORDER BY answer_count DESC LIMIT 2").fetchall(),
                conn.execute("SELECT title FROM questions ORDER BY id LIMIT 3").fetchall(),
            ])
    assert outputs[0] == outputs[1]
    (count, _, answers), _, top, _ = outputs[0]
    assert count == 20 and answers == 100
    assert top[0] == (50,) and top[1][0] < 50  # exactly one thread of 50 answers, for the question-page benchmark
