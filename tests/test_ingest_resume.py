"""A run killed mid-way (SIGKILL, no clean-up) resumes from its cursor: nothing lost, nothing doubled."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time


def _count(db):
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_killed_import_resumes_without_loss_or_duplicates(tmp_path, _vigie_home):
    data = tmp_path / "big.ndjson"
    n = 15_000
    with data.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"external_id": str(i), "text": f"Message numéro {i} sur la ville",
                                 "channel": "social"}) + "\n")
    env = {**os.environ, "VIGIE_HOME": str(_vigie_home), "VIGIE_INGEST_BATCH_SIZE": "500"}
    vigie = [sys.executable, "-m", "vigie", "--workspace", "coop"]
    subprocess.run([*vigie[:3], "init", "--name", "Coop", "--slug", "coop"], env=env, check=True,
                   capture_output=True)
    db = str(_vigie_home / "vigie.db")
    proc = subprocess.Popen([*vigie, "import", str(data), "--json"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _count(db) < 1_500 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _count(db)
    assert 0 < partial < n, "the import should have been killed half-way"
    done = subprocess.run([*vigie, "import", str(data), "--json"], env=env, check=True, capture_output=True,
                          text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    with sqlite3.connect(db) as conn:
        total, distinct = conn.execute("SELECT count(*), count(DISTINCT external_id) FROM mentions").fetchone()
    assert total == distinct == n
    # The second run read only what the first had not committed (plus at most the batch in flight).
    assert result["seen"] <= n - partial + 500
