"""Summary figures that identify the session and how far it went: the
session's number for its patient, the highest step against the plan, and
ordinals in both languages."""

from __future__ import annotations

import pytest

from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel, Plan, PlanStep
from palier.therapist_console.summary import ordinal, summarize

from .conftest import ManualClock

PLAN = Plan(
    protocol_id="specific_phobia.spiders",
    steps=tuple(
        PlanStep(
            f"s{i}",
            {"en": f"Step {i}", "fr": f"Palier {i}"},
            "spiders",
            {"distance": 3.0 - i * 0.3},
            10 * i,
        )
        for i in range(10)
    ),
)


@pytest.mark.parametrize(
    "n,en,fr",
    [
        (1, "1st", "1re"),
        (2, "2nd", "2e"),
        (3, "3rd", "3e"),
        (4, "4th", "4e"),
        (11, "11th", "11e"),
        (12, "12th", "12e"),
        (13, "13th", "13e"),
        (21, "21st", "21e"),
        (102, "102nd", "102e"),
    ],
)
def test_ordinals(n: int, en: str, fr: str) -> None:
    assert (ordinal(n, "en"), ordinal(n, "fr")) == (en, fr)


def _session(model: ConsoleModel, clock: ManualClock, steps: list[int]) -> int:
    model.start_session()
    for i in steps:
        model.commands.go_to_step(i)
        clock.advance(60)
        model.ratings.enter(40)
        clock.advance(60)
    model.end_session()
    assert model.running.info is not None
    return model.running.info.id


def test_session_number_for_the_patient_and_highest_step(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = ConsoleModel(record, clock=clock)
    # Another patient's sessions take database ids in between.
    model.patient_plan.create_patient("Other-9")
    model.patient_plan.set_plan(PLAN)
    _session(model, clock, [0])
    model.patient_plan.create_patient("Echo-4")
    model.patient_plan.set_plan(PLAN)
    first = _session(model, clock, [0, 1])
    model.patient_plan.choose_patient(record.find_patient("Other-9").id)  # type: ignore[union-attr]
    _session(model, clock, [0])
    model.patient_plan.choose_patient(record.find_patient("Echo-4").id)  # type: ignore[union-attr]
    second = _session(model, clock, [0, 2, 4, 2])  # steps 1, 3, 5 worked; 5 is the highest
    assert second - first == 2  # the database id is not the patient's session number

    s1, s2 = summarize(record, first), summarize(record, second)
    assert (s1.session_number, s2.session_number) == (1, 2)
    assert s2.session_text("en") == f"2nd session of this patient (ref. #{second})"
    assert s2.session_text("fr") == f"2e séance de ce patient (réf. n°{second})"
    assert s2.session_short("en") == f"2 (ref. #{second})"
    assert (s2.steps_reached, s2.plan_steps) == (3, 10)
    assert s2.steps_text("en") == "highest step 5 of 10; 3 steps worked"
    assert s2.steps_text("fr") == (
        "palier le plus élevé atteint\u00a0: 5/10\u00a0; 3 paliers travaillés"
    )
    assert s1.steps_text("en") == "highest step 2 of 10; 2 steps worked"
    # The between-session comparison names the earlier session by its number too.
    again = next(st for st in s2.steps if st.step_key == "s0")
    assert (again.previous_session_id, again.previous_session_number) == (first, 1)
    d = s2.to_dict()
    assert (d["session_number"], d["plan_steps"], d["highest_step_index"]) == (2, 10, 4)
    assert d["steps"][0]["previous_session_number"] == 1


def test_steps_text_without_a_plan_or_a_step(record: SessionRecord, clock: ManualClock) -> None:
    model = ConsoleModel(record, clock=clock)
    model.patient_plan.create_patient("Fox-1")
    sid = _session(model, clock, [])
    summ = summarize(record, sid)
    assert summ.steps_text("en") == "no step started"
    assert summ.session_text("en") == f"1st session of this patient (ref. #{sid})"
