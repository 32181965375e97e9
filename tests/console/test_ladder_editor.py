"""The hierarchy editor's model (``LadderEditor``): real record, no Qt, no engine."""

from __future__ import annotations

import pytest

from palier.protocols.files import protocol_by_id
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel, ModelError
from palier.therapist_console.session.ladder_editor import EXPECTED_SUDS, PARAM, TEXT

from .conftest import ManualClock

PROTOCOL = "spiders-graded"


def editor_model(record: SessionRecord, clock: ManualClock, lang: str = "en") -> ConsoleModel:
    model = ConsoleModel(record, clock=clock, language=lang)
    model.patient_plan.create_patient("Lima-7")
    return model


def test_create_from_protocol_edit_reorder_save_and_restore(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = editor_model(record, clock)
    ed = model.ladders
    proto = protocol_by_id(PROTOCOL)
    ladder = ed.open(proto)
    # A patient with no ladder gets an unsaved copy of the protocol's hierarchy.
    assert not ladder.saved and [s.id for s in ladder.steps] == [s.id for s in proto.steps]
    first, second = proto.steps[0].id, proto.steps[1].id

    assert ed.edit(first, text="A small spider far away on the floor", expected_suds=15)
    assert ed.edit(first, params={"distance": 2.5})
    ed.move(second, 0)
    assert ed.dirty
    v1 = ed.save(note="first")
    assert (v1.version, v1.saved, ed.dirty) == (1, True, False)
    stored = record.ladder_store().version(v1.version_id or 0)
    assert [s.id for s in stored.steps][:2] == [second, first]
    step = stored.step(first)
    assert step.text.get("en") == "A small spider far away on the floor"
    assert step.text.get("fr") == proto.steps[0].text.get("fr")  # the other language kept
    assert (step.expected_suds, step.preset["distance"]) == (15, 2.5)
    # The saved version is the plan a session will run.
    plan = model.patient_plan.plan
    assert plan is not None and plan.ladder_version_id == v1.version_id
    assert [s.key for s in plan.steps][:2] == [second, first]

    # Add (a copy of a step, new id) and remove: a second version.
    new_id = ed.add_step(after=first)
    assert ed.edit(new_id, text="The same spider, one metre closer", params={"distance": 1.5})
    ed.remove(proto.steps[-1].id)
    v2 = ed.save()
    assert v2.version == 2 and v2.based_on_version_id == v1.version_id
    assert new_id in [s.id for s in v2.steps] and proto.steps[-1].id not in [s.id for s in v2.steps]
    assert [h.version for h in ed.history()] == [1, 2]

    # Restore version 1: saved again as version 3, history kept.
    v3 = ed.restore(v1.version_id or 0)
    assert v3.version == 3 and v3.steps == v1.steps and v3.note == "restored version 1"
    assert [h.version for h in ed.history()] == [1, 2, 3]
    assert model.patient_plan.plan is not None
    assert model.patient_plan.plan.ladder_version_id == v3.version_id

    # Opening again finds the patient's latest version.
    assert ed.open(proto).version_id == v3.version_id


def test_a_refused_value_keeps_its_reason_and_blocks_saving(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = editor_model(record, clock, "fr")
    ed = model.ladders
    ladder = ed.open(protocol_by_id(PROTOCOL))
    step = ladder.steps[0].id
    assert not ed.edit(step, params={"distance": 9.0})
    assert not ed.edit(step, expected_suds=140)
    assert not ed.edit(step, text="   ")
    assert ed.ladder == ladder  # nothing applied
    reasons = {f: m.get("fr") for (s, f), m in ed.refusals.items() if s == step}
    assert set(reasons) == {PARAM + "distance", EXPECTED_SUDS, TEXT}
    assert "0,15 à 3 m" in reasons[PARAM + "distance"]
    assert "de 0 à 100" in reasons[EXPECTED_SUDS]
    with pytest.raises(ModelError, match="refuse"):
        ed.save()
    # Corrected: the reasons go, and it saves.
    assert ed.edit(step, params={"distance": 3.0}, expected_suds=20)
    assert ed.edit(step, text="Une petite araignée au sol, loin")
    assert not ed.refusals
    assert ed.save().version == 1


def test_a_session_runs_the_saved_version_and_adopts_one_saved_between_steps(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = editor_model(record, clock)
    ed = model.ladders
    proto = protocol_by_id(PROTOCOL)
    ed.open(proto)
    v1 = ed.save()
    info = model.start_session()
    assert record.session(info.id).ladder_version_id == v1.version_id
    model.commands.go_to_step(0)
    on = model.running.step_key()
    clock.advance(60)
    # Between steps: the next step is made gentler and a step is added.
    nxt = proto.steps[1].id
    assert ed.edit(nxt, expected_suds=30)
    extra = ed.add_step(after=on)
    v2 = ed.save(note="during the session")
    assert model.patient_plan.plan is not None
    assert model.patient_plan.plan.ladder_version_id == v2.version_id
    assert record.session(info.id).ladder_version_id == v2.version_id
    assert record.session(info.id).plan["ladder_version_id"] == v2.version_id
    assert [v for v, _t in record.session_ladder_versions(info.id)] == [
        v1.version_id,
        v2.version_id,
    ]
    # The step the patient is on keeps running; the new step is next.
    cur = model.running.current_step
    assert cur is not None and cur.plan_step.key == on and cur.index == 0
    model.commands.go_to_step(1)
    assert model.running.step_key() == extra
    # The step the patient is on cannot be removed.
    ed.remove(extra)
    with pytest.raises(ModelError, match="step the patient is on"):
        ed.save()
    assert [h.version for h in ed.history()] == [1, 2]  # nothing stored
    ed.add_step(after=nxt)  # the working copy stays editable and saves once corrected
    ed.open(proto)
    assert ed.require().version_id == v2.version_id
    summary = model.end_session()
    assert summary.session.ladder_version_id == v2.version_id
