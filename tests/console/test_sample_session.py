"""The sample session is one the console would accept: the shipped protocol,
the patient's stored ladder, every step and parameter change valid for the
scene's declaration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from palier.protocols.files import library, protocol_by_id
from palier.protocols.ladders import LadderStore
from palier.protocols.validate import scene_declaration
from palier.scenes.api import SceneError
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.sample_session import (
    SAMPLE_PROTOCOL_ID,
    checked_params,
    write_sample_session,
)
from palier.therapist_console.session import Plan


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "s.sqlite3"
    with SessionRecord(path) as rec:
        # Every step of the protocol reached, and many therapist changes.
        write_sample_session(rec, minutes=30, steps_reached=99, extra_commands=40, seed=5)
        write_sample_session(rec, minutes=5, seed=6, t0=1_790_100_000.0)  # same patient
    return path


def test_plan_is_the_shipped_protocol_through_the_patients_ladder(sample: Path) -> None:
    protocol = protocol_by_id(SAMPLE_PROTOCOL_ID, library())
    with SessionRecord(sample) as rec:
        first, second = rec.sessions()
        assert first.protocol_id == second.protocol_id == protocol.id
        # One ladder for the patient, stored as the console stores it, used by both.
        assert first.ladder_version_id is not None
        assert second.ladder_version_id == first.ladder_version_id
        ladder = LadderStore(rec.connection).version(first.ladder_version_id)
        assert ladder.steps == protocol.steps and ladder.patient_id == first.patient_id
        assert first.plan == json.loads(json.dumps(Plan.from_protocol(protocol, ladder).to_json()))
        assert [s.step_key for s in rec.steps(first.id)] == [s.id for s in protocol.steps]


def test_every_recorded_step_and_change_passes_the_scene_declaration(sample: Path) -> None:
    with SessionRecord(sample, readonly=True) as rec:
        sid = rec.sessions()[0].id
        steps = rec.steps(sid)
        commands = rec.rows("commands", sid)
        events = rec.rows("events", sid)
    changes = 0
    for step in steps:
        decl, _ = scene_declaration(step.scene)
        assert decl is not None
        # The step's values as loaded and as they ended, complete and valid.
        assert decl.validate_values(step.params) == step.params
        assert set(step.params) == {p.name for p in decl.params}
    by_step = {s.id: s for s in steps}
    for c in commands:
        args = json.loads(c["args"])
        assert c["status"] == "ack"
        if c["kind"] == "load_scene":
            assert checked_params(args["scene"], args["params"]) == args["params"]
        elif c["kind"] == "set_params":
            scene = by_step[c["step_id"]].scene
            assert checked_params(scene, args["params"]) == args["params"]
            changes += 1
        elif c["kind"] == "fire":
            decl, _ = scene_declaration(by_step[c["step_id"]].scene)
            assert decl is not None
            decl.event(args["event"])  # raises for an undeclared event
    assert changes > 40
    assert {e["name"] for e in events if e["kind"] == "scene_event"} <= {
        "run_toward",
        "drop_from_above",
    }


def test_checked_params_refuses_what_the_console_refuses() -> None:
    # The sample's former values: a 0.5 cm spider 10 cm away, moving at "0.1".
    for bad in ({"size": 0.5}, {"distance": 0.1}, {"activity": 0.1}, {"colour": "red"}):
        with pytest.raises(SceneError):
            checked_params("spiders", bad)
    with pytest.raises(SceneError, match="unknown"):
        checked_params("no-such-scene", {})
