"""Kill the process writing the session record (SIGKILL) at random moments.

A child process writes clinical rows through :class:`SessionRecord` and
prints each row's id right after the write call returns ("shown as
recorded"). The parent kills it at a random instant, reopens the file and
checks that every printed id is there and that SQLite's integrity check
passes. Kill times are drawn from the whole life of the child, so some land
while it opens or migrates the file, most while it writes.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from therapist_console.record import SessionRecord

TRIALS = 24

CHILD = r"""
import sys, time
from therapist_console.record import SessionRecord
rec = SessionRecord(sys.argv[1])
interrupted = rec.interrupted_sessions()
if interrupted:
    sid = rec.resume_session(interrupted[-1].id, t=time.time()).id
else:
    patient = rec.find_patient("Kill-01") or rec.add_patient("Kill-01", t=time.time())
    sid = rec.start_session(patient.id, t=time.time(), language="en").id
print("session", sid, flush=True)
step = rec.start_step(sid, t=time.time(), step_index=0, step_key="s", scene="spiders",
                      params={"distance": 1.0}).id
print("steps", step, flush=True)
i = 0
while True:
    i += 1
    t = time.time()
    k = i % 5
    if k == 0:
        print("suds", rec.add_suds(sid, value=i % 101, source="therapist", t=t, step_id=step),
              flush=True)
    elif k == 1:
        print("heart_rate", rec.add_heart_rate(sid, t=t, bpm=60 + i % 40, source="sim",
                                               rr_ms=[800.0, 810.0]), flush=True)
    elif k == 2:
        print("events", rec.add_event(sid, t=t, kind="scene_event", name=f"e{i}",
                                      engine_id=("inst", i)), flush=True)
    elif k == 3:
        print("notes", rec.add_note(sid, text=f"note {i}", t=t), flush=True)
    else:
        cid = rec.add_command(sid, t=t, kind="fire", args={"event": "x"})
        rec.command_result(cid, ok=True, t=t, engine_frame=i, engine_t=t)
        print("commands", cid, flush=True)
"""


def test_sigkill_loses_nothing_shown_as_recorded(tmp_path: Path) -> None:
    db = tmp_path / "record.sqlite3"
    rng = random.Random(20261123)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2]) + os.pathsep + env.get(
        "PYTHONPATH", "")
    acknowledged: list[tuple[str, int]] = []
    started = time.monotonic()
    killed_writing = 0
    for _trial in range(TRIALS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )
        # Wait for the child to be writing in most trials (it prints its
        # session first); then kill it after a random extra delay.
        assert child.stdout is not None
        if rng.random() < 0.85:
            first = child.stdout.readline()
            assert first.startswith(b"session"), (first, child.poll())
            lines = [first]
            killed_writing += 1
        else:
            lines = []
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL, err.decode()
        for line in [*lines, *out.splitlines(keepends=True)]:
            if not line.endswith(b"\n"):
                continue  # cut mid-print: the id was not fully shown
            table, _, ident = line.decode().strip().partition(" ")
            acknowledged.append((table, int(ident)))
    assert killed_writing >= TRIALS // 2
    with SessionRecord(db) as record:
        assert record.integrity_check() == ["ok"]
        conn = record.connection
        missing = [
            (table, ident) for table, ident in acknowledged
            if table != "session"
            and conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (ident,)).fetchone() is None
        ]
        sessions = {i for t, i in acknowledged if t == "session"}
        for sid in sessions:
            record.session(sid)
        assert not missing, f"{len(missing)} acknowledged rows lost: {missing[:5]}"
        # Writes really happened in most trials (the test is not vacuous).
        assert len(acknowledged) > TRIALS * 5
        # The interrupted session is offered for resume or close.
        assert record.interrupted_sessions()
        status = conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert status == "wal"
    assert time.monotonic() - started < 40


def test_record_reopens_after_kill_during_first_open(tmp_path: Path) -> None:
    """A kill before the schema is complete leaves a file that opens and migrates."""
    db = tmp_path / "fresh.sqlite3"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    for delay in (0.0, 0.02, 0.05, 0.1):
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(db)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(delay)
        child.kill()
        child.wait(timeout=10)
        with SessionRecord(db) as record:
            assert record.integrity_check() == ["ok"]
            assert record.schema_version >= 1
