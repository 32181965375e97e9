"""Kill the process writing the session record (SIGKILL) at random moments.

A child process writes clinical rows and prints each row's id (and what it
wrote) right after the write call returns: that is "shown as recorded". The
parent kills it at a random instant and, after every kill, reopens the file
as a restarted console would and checks that SQLite's integrity check
passes and that every row acknowledged so far, in this trial or an earlier
one, is there with what was written.

Two writers: :class:`SessionRecord` driven directly, and the console's
:class:`ConsoleModel` (``enter_suds``, ``add_note``, ``go_to_step``), whose
promise is that a call that returned has committed. Kill moments are drawn
from the child's whole life: some while it starts, opens, migrates or
resumes the file, most while it writes (after a random number of
acknowledged rows, so the kill lands wherever the child then is).
"""

from __future__ import annotations

import functools
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from palier.core.lines import LineReader
from palier.therapist_console.record import SessionRecord

TRIALS = 24
ROOT = Path(__file__).resolve().parents[2]

RECORD_CHILD = r"""
import sys, time
from palier.therapist_console.record import SessionRecord
rec = SessionRecord(sys.argv[1])
interrupted = rec.interrupted_sessions()
if interrupted:
    sid = rec.resume_session(interrupted[-1].id, t=time.time()).id
else:
    patient = rec.find_patient("Kill-01") or rec.add_patient("Kill-01", t=time.time())
    sid = rec.start_session(patient.id, t=time.time(), language="en").id
print("session", sid, "-", flush=True)
step = rec.start_step(sid, t=time.time(), step_index=0, step_key="s", scene="spiders",
                      params={"distance": 1.0}).id
print("steps", step, "s", flush=True)
i = 0
while True:
    i += 1
    t = time.time()
    k = i % 5
    if k == 0:
        print("suds", rec.add_suds(sid, value=i % 101, source="therapist", t=t, step_id=step),
              i % 101, flush=True)
    elif k == 1:
        print("heart_rate", rec.add_heart_rate(sid, t=t, bpm=60 + i % 40, source="sim",
                                               rr_ms=[800.0, 810.0]), "-", flush=True)
    elif k == 2:
        print("events", rec.add_event(sid, t=t, kind="scene_event", name=f"e{i}",
                                      engine_id=("inst", i)), "-", flush=True)
    elif k == 3:
        print("notes", rec.add_note(sid, text=f"note {i}", t=t), f"note_{i}", flush=True)
    else:
        cid = rec.add_command(sid, t=t, kind="fire", args={"event": "x"})
        rec.command_result(cid, ok=True, t=t, engine_frame=i, engine_t=t)
        print("commands", cid, "-", flush=True)
"""

MODEL_CHILD = r"""
import sys
from palier.therapist_console.session import Plan, PlanStep, ConsoleModel
from palier.therapist_console.record import SessionRecord
plan = Plan("specific_phobia.spiders", tuple(
    PlanStep(f"k{n}", {"en": f"Step {n}", "fr": f"Palier {n}"}, "spiders",
             {"distance": 3.0 - n}, 20 * n) for n in range(3)))
model = ConsoleModel(SessionRecord(sys.argv[1]), language="en")
interrupted = model.running.interrupted_sessions()
if interrupted:
    model.resume_session(interrupted[-1].id)
else:
    known = model.record.find_patient("Kill-M")
    if known is None:
        model.patient_plan.create_patient("Kill-M")
    else:
        model.patient_plan.choose_patient(known.id)
    model.patient_plan.set_plan(plan)
    model.start_session()
print("session", model.running.info.id, "-", flush=True)
i = 0
while True:
    i += 1
    k = i % 4
    if k == 0:
        print("steps", model.commands.go_to_step(i // 4 % 3).row.id, f"k{i // 4 % 3}", flush=True)
    elif k == 3:
        print("notes", model.clinical.add_note(f"note {i}").record_id, f"note_{i}", flush=True)
    else:
        print("suds", model.ratings.enter(str(i % 101)).record_id, i % 101, flush=True)
"""

# What each acknowledged row must hold (the third printed field), by table.
CONTENT = {
    "suds": "SELECT value FROM suds WHERE id = ?",
    "notes": "SELECT text FROM notes WHERE id = ?",
    "steps": "SELECT step_key FROM steps WHERE id = ?",
}


def _check(db: Path, acknowledged: list[tuple[str, int, str]]) -> None:
    """Reopen the file as a restarted console would and check everything."""
    with SessionRecord(db) as record:
        assert record.integrity_check() == ["ok"]
        conn = record.connection
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        missing, wrong = [], []
        for table, ident, content in acknowledged:
            if table == "session":
                record.session(ident)  # raises if absent
                continue
            if table in CONTENT:
                row = conn.execute(CONTENT[table], (ident,)).fetchone()
                expected = content.replace("_", " ") if table == "notes" else content
                if row is None:
                    missing.append((table, ident))
                elif str(row[0]) != expected:
                    wrong.append((table, ident, row[0], expected))
            elif conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (ident,)).fetchone() is None:
                missing.append((table, ident))
        assert not missing, f"{len(missing)} acknowledged rows lost: {missing[:5]}"
        assert not wrong, f"rows differ from what was acknowledged: {wrong[:5]}"


def _past(lines: list[str], n: int, _line: str) -> bool:
    return len(lines) > n


def _kill_loop(db: Path, child_code: str, seed: int) -> tuple[list[tuple[str, int, str]], int]:
    rng = random.Random(seed)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    acknowledged: list[tuple[str, int, str]] = []
    killed_writing = 0
    for trial in range(TRIALS):
        child = subprocess.Popen(
            [sys.executable, "-c", child_code, str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdout is not None and child.stderr is not None
        reader = LineReader(child.stdout, name="durability-child")
        lines: list[str] = []
        if rng.random() < 0.15:
            # While Python starts or the file is opened, migrated or resumed.
            time.sleep(rng.uniform(0.0, 0.4))
        else:
            # After a random number of acknowledged rows: the child is then
            # somewhere in its next write (the pipe is not waited on).
            got = reader.until(
                functools.partial(_past, lines, rng.randrange(0, 120)), timeout=20, seen=lines
            )
            assert got is not None, (trial, lines[-3:], child.poll())
            killed_writing += 1
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL, child.stderr.read()
        while (line := reader.next(timeout=10)) is not None:
            lines.append(line)
        assert reader.eof
        child.stdout.close()
        child.stderr.close()
        for line in lines:
            if not line.endswith("\n"):
                continue  # cut mid-print: the id was not fully shown
            table, ident, content = line.split()
            acknowledged.append((table, int(ident), content))
        _check(db, acknowledged)  # after every kill, not once at the end
    return acknowledged, killed_writing


@pytest.mark.parametrize(
    "writer,child_code,tables",
    [
        (
            "record",
            RECORD_CHILD,
            {"session", "steps", "suds", "heart_rate", "events", "notes", "commands"},
        ),
        ("model", MODEL_CHILD, {"session", "steps", "suds", "notes"}),
    ],
)
def test_sigkill_loses_nothing_shown_as_recorded(
    tmp_path: Path, writer: str, child_code: str, tables: set[str]
) -> None:
    db = tmp_path / "record.sqlite3"
    acknowledged, killed_writing = _kill_loop(db, child_code, seed=20261123 + len(writer))
    assert killed_writing >= TRIALS // 2
    # Writes really happened in most trials, of every kind (not vacuous).
    assert len(acknowledged) > TRIALS * 20
    assert {t for t, _, _ in acknowledged} == tables
    with SessionRecord(db) as record:
        # The interrupted session was offered for resume, and resumed: one session.
        sessions = {i for t, i, _ in acknowledged if t == "session"}
        assert len(sessions) == 1
        assert record.interrupted_sessions()


def test_record_reopens_after_kill_during_first_open(tmp_path: Path) -> None:
    """A kill before the schema is complete leaves a file that opens and migrates."""
    db = tmp_path / "fresh.sqlite3"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    for delay in (0.0, 0.02, 0.05, 0.1):
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        child = subprocess.Popen(
            [sys.executable, "-c", RECORD_CHILD, str(db)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        time.sleep(delay)
        child.kill()
        child.wait(timeout=10)
        with SessionRecord(db) as record:
            assert record.integrity_check() == ["ok"]
            assert record.schema_version >= 1
