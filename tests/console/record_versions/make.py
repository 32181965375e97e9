"""Write the session-record fixtures of earlier schema versions, with the code of their time.

Each fixture is a record made by Palier as it was at one commit, with a few
rows in every table that existed then, dumped as SQL text (reviewable, and
loadable with ``sqlite3 file < fixture.sql``). ``test_record_migrations.py``
migrates each one to the newest schema and compares it with a fresh record.

Run from the repository root, once per new schema version (the commits stay
in the history; the fixtures are committed):

    .venv/bin/python tests/console/record_versions/make.py

The rows are written through that commit's own ``SessionRecord`` (and, where
it had them, ``LadderStore`` and ``ClinicalLog``), never through the current
scripts, so a migrated fixture proves what the migrations do to a real file.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

FIXTURES: tuple[tuple[str, str, str], ...] = (
    # (file, commit, what the code of that commit made)
    ("v1.sql", "1ed9cb5", "schema 1: the core session record"),
    ("v2-ladders.sql", "f8a37a9", "schema 2 as first released: ladder tables only"),
    ("v2.sql", "5004f0f", "schema 2 with the clinical log tables, created at every open"),
    ("v3.sql", "dd263fd", "schema 3: the clinical log tables by migration 3"),
    ("v4.sql", "9e7432a", "schema 4: heart-rate sources"),
    ("v5.sql", "f52b8f4", "schema 5: ERP rituals and hotspot events (migration 5)"),
)

# Runs inside the old tree (its own imports, its own API); feature checks
# cover what that commit did not have yet.
WRITER = r"""
import sys
assert sys.path[1].startswith(sys.argv[2]), sys.path  # the old tree, not this checkout
try:
    from palier.therapist_console.record import SessionRecord
except ImportError:
    from therapist_console.record import SessionRecord

T = 1_790_000_000.0
with SessionRecord(sys.argv[1]) as rec:
    a = rec.add_patient("Old-A", "spiders; referred by Dr B", t=T - 86400)
    b = rec.add_patient("Old-B", t=T - 3600)
    version_id = None
    if hasattr(rec, "ladder_store"):
        try:
            from palier.protocols.ladders import Ladder
            try:
                from palier.protocols.model import library
            except ImportError:  # schema 3: the library moved to protocols/files.py
                from palier.protocols.files import library
        except ImportError:
            from protocols.ladders import Ladder
            from protocols.model import library
        store = rec.ladder_store()
        first = store.create(Ladder.from_protocol(library()[0], a.id), t=T - 600, note="copied")
        edited = first.edit(first.steps[1].id, expected_suds=first.steps[1].expected_suds + 5)
        version_id = store.save(edited, t=T - 300, note="step 2 feels harder").version_id
        store.create(Ladder.from_protocol(library()[0], b.id), t=T - 200)
    plan = {"protocol_id": "spiders-graded", "ladder_version_id": version_id,
            "steps": [{"key": "floor-far-still", "scene": "spiders",
                       "params": {"distance": 3.0, "size": 3.0}}]}
    s = rec.start_session(a.id, t=T, language="fr", protocol_id="spiders-graded",
                          ladder_version_id=version_id, plan=plan,
                          meta={"engine": "fixture"})
    st = rec.start_step(s.id, t=T + 10, step_index=0, step_key="floor-far-still",
                        scene="spiders", params={"distance": 3.0, "size": 3.0},
                        label={"en": "Far", "fr": "Loin"}, expected_suds=20)
    c1 = rec.add_command(s.id, t=T + 10.1, kind="load_scene",
                         args={"scene": "spiders", "params": {"distance": 3.0}},
                         step_id=st.id, seq=1)
    rec.command_result(c1, ok=True, t=T + 10.2, engine_frame=900, engine_t=3610.2)
    c2 = rec.add_command(s.id, t=T + 30, kind="set_params",
                         args={"params": {"distance": 9.0}}, step_id=st.id, seq=2)
    rec.command_result(c2, ok=False, t=T + 30.1, error="distance out of range")
    rec.update_step_params(st.id, {"distance": 2.5, "size": 3.0})
    rec.add_event(s.id, t=T + 40, kind="scene_event", name="run_toward",
                  detail={"event": "run_toward"}, step_id=st.id, engine_t=3640.0,
                  engine_frame=3600, engine_id=("engine-1", 1))
    rec.add_event(s.id, t=T + 50, kind="pause", name="therapist", step_id=st.id)
    rec.add_suds(s.id, value=35, source="therapist", t=T + 60, step_id=st.id)
    rec.add_suds(s.id, value=40, source="headset", t=T + 70, step_id=st.id,
                 engine_t=3670.0, engine_id=("engine-1", 2))
    rec.add_heart_rate(s.id, t=T + 61, bpm=88.5, source="sim", rr_ms=[680.0, 676.5])
    rec.add_heart_rate(s.id, t=T + 62, bpm=90.0, source="sim")
    if hasattr(rec, "add_sensor_state"):  # schema 4: heart-rate sources
        rec.add_heart_rate(s.id, t=T + 63, bpm=91.0, source="ble:AA", rr_ms=[650.0, 2400.0],
                           rr_artifacts=[None, "range"], t_source=12.5, contact=True,
                           rmssd_ms=31.5)
        rec.add_sensor_state(s.id, t=T + 64, source="ble:AA", state="reconnecting",
                             detail="signal lost")
        rec.set_heart_rate_alarm(a.id, age_years=40.0, fraction=0.85, ceiling_bpm=153.0,
                                 sustain_s=20.0, enabled=True, t=T + 5)
    rec.add_head_poses(s.id, [(T + 61 + i / 30, 0.01 * i, 0.0, 1.62, 5.0 + i, -8.0, 0.5)
                              for i in range(3)])
    rec.add_note(s.id, text="Regarde l'araignée ; respiration calme.", t=T + 80,
                 step_id=st.id)
    rec.add_link_event(s.id, kind="up", t=T + 1, detail="connected")
    rec.add_link_event(None, kind="lost", t=T + 90, detail="no heartbeat for 1 s")
    rec.add_questionnaire(s.id, name="SSQ", phase="post", answers={"nausea": 1},
                          scores={"total": 3.74}, t=T + 100)
    sg = rec.add_suggestion(s.id, kind="step_up", text="SUDS halved: next step?", t=T + 110,
                            step_id=st.id, detail={"from": 40, "to": 20})
    rec.decide_suggestion(sg, taken=False, t=T + 115)
    rec.add_suggestion(s.id, kind="suds_due", text="Ask for SUDS", t=T + 120)
    if hasattr(rec, "clinical_log"):
        try:
            from palier.protocols.erp import Ritual, Urge
            from palier.protocols.progression import Expectancy
            from palier.protocols.ptsd import Hotspot
        except ImportError:
            from protocols.erp import Ritual, Urge
            from protocols.progression import Expectancy
            from protocols.ptsd import Hotspot
        log = rec.clinical_log()
        e = Expectancy("floor-far-still", "It will jump on me", 70, T + 12)
        eid = log.add_expectancy(s.id, e)
        log.record_outcome(eid, e.after(observed_outcome="It stayed", occurred=False,
                                        likelihood_after=30, t=T + 130))
        log.add_expectancy(s.id, Expectancy("floor-2m-walk", "I will run out", 50, T + 135))
        log.add_urge(s.id, Urge(T + 140, 60, "floor-far-still"))
        log.add_ritual(s.id, Ritual(T + 141, "checked the floor", resisted=True,
                                    step_key="floor-far-still"))
        log.add_ritual(s.id, Ritual(T + 142, "looked away", resisted=False,
                                    kind="safety_behaviour"))
        log.add_hotspot(s.id, Hotspot(T + 143, 80, "the legs", "floor-far-still"))
        log.add_hotspot(s.id, Hotspot(T + 144))
    if hasattr(rec, "adopt_ladder_version") and version_id is not None:  # schema 6
        rec.adopt_ladder_version(s.id, ladder_version_id=version_id, plan=plan, t=T + 150)
    rec.end_session(s.id, t=T + 200)
    s2 = rec.start_session(b.id, t=T + 300, language="en")
    rec.add_suds(s2.id, value=10, source="therapist", t=T + 310)
    rec.end_session(s2.id, t=T + 320)
"""


def _tree(commit: str, into: Path) -> None:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="tar")


def dump(path: Path, header: str) -> str:
    """The file as SQL text: its schema version first, then ``iterdump``."""
    conn = sqlite3.connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        body = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return f"-- {header}\nPRAGMA user_version = {version};\n{body}\n"


def make(name: str, commit: str, what: str) -> None:
    with tempfile.TemporaryDirectory(prefix="palier-fixture-") as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        _tree(commit, tree)
        db = Path(tmp) / "record.sqlite3"
        if (tree / "tools" / "catalogues.py").exists():
            # Gettext languages: the .mo files are built at install, not committed.
            subprocess.run(
                [sys.executable, "tools/catalogues.py", "compile"],
                cwd=tree,
                check=True,
                capture_output=True,
            )
        # -S: no site hooks, so this checkout's editable install cannot answer
        # for `palier`; the old tree first, then the dependencies alone.
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(tree), sysconfig.get_path("purelib")]),
            "XDG_DATA_HOME": str(Path(tmp) / "data"),
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
        }
        subprocess.run(
            [sys.executable, "-S", "-c", WRITER, str(db), str(tree)], cwd=tree, env=env, check=True
        )
        header = f"Palier record made by commit {commit} ({what}), by make.py here"
        (HERE / name).write_text(dump(db, header), encoding="utf-8")
        print(f"{name}: {commit} ({what})")


if __name__ == "__main__":
    # Names given: only those fixtures (a new version's); none: all of them.
    for fixture in FIXTURES:
        if len(sys.argv) == 1 or fixture[0] in sys.argv[1:]:
            make(*fixture)
