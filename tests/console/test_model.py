"""The session model without Qt and without an engine: driven directly."""

from __future__ import annotations

import math
from concurrent.futures import Future
from typing import Any

import pytest

from palier.core import wire
from palier.protocols.measures import SudsError
from palier.therapist_console.client import LinkStatus
from palier.therapist_console.heart_rate import HeartRateSample, SimulatedHeartRate
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import (
    ConsoleModel,
    LinkState,
    ModelError,
    NoSessionError,
    NotConnectedError,
    Plan,
    PlanStep,
    Reminder,
    quat_to_hpr,
)

from .conftest import ManualClock

PLAN = Plan(
    protocol_id="specific_phobia.spiders",
    steps=(
        PlanStep("far", {"en": "Far away", "fr": "Loin"}, "spiders", {"distance": 3.0}, 20),
        PlanStep("near", {"en": "Near", "fr": "Près"}, "spiders", {"distance": 1.0}, 50),
        PlanStep(
            "hand", {"en": "On the hand", "fr": "Sur la main"}, "spiders", {"distance": 0.1}, 80
        ),
    ),
)


def started(record: SessionRecord, clock: ManualClock, **kw: Any) -> ConsoleModel:
    model = ConsoleModel(record, clock=clock, **kw)
    model.patient_plan.create_patient("Delta-3")
    model.patient_plan.set_plan(PLAN)
    model.start_session()
    return model


def test_session_flow_records_everything(record: SessionRecord, clock: ManualClock) -> None:
    model = started(record, clock)
    seen: list[str] = []
    model.timeline.events.entry.connect(lambda e: seen.append(e.kind))
    steps: list[int] = []
    model.running.events.step.connect(lambda s: steps.append(s.index) if s else None)

    model.commands.go_to_step(0)
    clock.advance(40)
    entry = model.ratings.enter(30)
    clock.advance(60)
    model.clinical.add_note("  Breathing slowly.  ")
    clock.advance(20)
    model.commands.go_to_step(1)
    clock.advance(15)
    model.ratings.enter("55")
    assert model.running.step_elapsed_s() == pytest.approx(15)
    assert model.running.elapsed_s() == pytest.approx(135)
    summary = model.end_session()

    assert steps == [0, 1]
    assert entry.value == 30 and entry.source == "therapist" and entry.step_index == 0
    assert seen == ["step", "suds", "note", "step", "suds", "session"]
    sid = model.running.info.id if model.running.info else 0
    assert [r.value for r in record.suds(sid)] == [30, 55]
    assert [s.step_key for s in record.steps(sid)] == ["far", "near"]
    notes = record.rows("notes", sid)
    assert notes[0]["text"] == "Breathing slowly."
    info = record.session(sid)
    assert info.status == "closed" and info.ended_at == clock.t
    assert info.plan["steps"][2]["key"] == "hand"
    assert summary.steps_reached == 2 and summary.duration_s == pytest.approx(135)
    # Steps end where the next begins; the last ends with the session.
    rows = record.steps(sid)
    assert rows[0].ended_at == rows[1].started_at and rows[1].ended_at == clock.t


@pytest.mark.parametrize(
    "bad", [-1, 101, 4.5, "4.5", "", " ", "high", None, True, float("nan"), "1e2", [50]]
)
def test_invalid_suds_is_refused_and_nothing_recorded(
    record: SessionRecord, clock: ManualClock, bad: object
) -> None:
    model = started(record, clock)
    with pytest.raises(SudsError) as info:
        model.ratings.enter(bad)
    message = str(info.value)
    assert "0" in message and "100" in message  # says what is allowed
    assert model.ratings.history == []
    assert record.suds(model.running.info.id if model.running.info else 0) == []


@pytest.mark.parametrize("good,value", [(0, 0), (100, 100), ("  42 ", 42), (7, 7)])
def test_valid_suds_forms(
    record: SessionRecord, clock: ManualClock, good: object, value: int
) -> None:
    model = started(record, clock)
    assert model.ratings.enter(good).value == value


def test_summary_figures_from_a_known_sequence(record: SessionRecord, clock: ManualClock) -> None:
    model = started(record, clock)
    t0 = clock.t
    model.commands.go_to_step(0)  # t = 0
    for dt, v in ((60, 30), (60, 40), (60, 25), (60, 15)):
        clock.advance(dt)
        model.ratings.enter(v)  # 60:30 120:40 180:25 240:15
    clock.advance(60)
    model.commands.go_to_step(1)  # t = 300
    for dt, v in ((30, 70), (90, 60), (120, 50)):
        clock.advance(dt)
        model.ratings.enter(v)  # 330:70 420:60 540:50
    for bpm in (72.0, 95.5, 88.0, 64.0):
        model.sensors.ingest_heart_rate(HeartRateSample(clock.t, bpm, (820.0,), "test"))
    clock.advance(60)
    model.link.on_lost("test")  # not attached: still recorded as a loss
    summary = model.end_session()  # t = 600

    assert summary.duration_s == pytest.approx(600)
    assert summary.steps_reached == 2 and summary.highest_step_index == 1
    assert summary.suds_count == 7 and summary.peak_suds == 70 and summary.end_suds == 50
    first, second = summary.steps
    assert (first.start_s, first.end_s) == (0, 300)
    assert first.measures is not None and second.measures is not None
    assert (first.measures.peak, first.measures.end, first.measures.fall) == (40, 15, 25)
    assert first.measures.time_to_half_fall == pytest.approx(120)  # 40 at 120 s, 15 at 240 s
    assert first.measures.fall_fraction == pytest.approx(25 / 40)
    assert (second.measures.peak, second.measures.end, second.measures.fall) == (70, 50, 20)
    assert second.measures.time_to_half_fall is None
    assert second.expected_suds == 50
    hr = summary.heart_rate
    assert hr is not None and (hr.low, hr.high, hr.samples) == (64.0, 95.5, 4)
    assert hr.mean == pytest.approx((72 + 95.5 + 88 + 64) / 4)
    assert summary.link_losses == 0  # the link was never up: nothing was lost
    d = summary.to_dict()
    assert d["steps"][0]["fall_from_peak"] == 25 and d["steps"][1]["peak_suds"] == 70
    assert clock.t - t0 == 600


def test_reminder_at_start_each_step_and_every_interval(
    record: SessionRecord, clock: ManualClock
) -> None:
    """The schedule is protocols.schedule's (default: every 5 minutes and at
    each step change); the model raises, clears and snoozes the reminder."""
    model = started(record, clock)
    shown: list[Reminder | None] = []
    model.ratings.events.reminder.connect(shown.append)
    model.tick()
    assert model.ratings.reminder is not None and model.ratings.reminder.reason == "first"
    model.ratings.enter(20)
    assert model.ratings.reminder is None
    clock.advance(10)
    model.commands.go_to_step(0)
    assert model.ratings.reminder is not None and model.ratings.reminder.reason == "step"
    assert "SUDS" in model.ratings.reminder.text("en") and "SUDS" in model.ratings.reminder.text(
        "fr"
    )
    model.ratings.enter(25)
    assert model.ratings.reminder is None
    clock.advance(299)
    model.tick()
    assert model.ratings.reminder is None
    clock.advance(1)
    model.tick()
    assert model.ratings.reminder is not None and model.ratings.reminder.reason == "interval"
    assert model.ratings.reminder.since == clock.t and "5 minutes" in model.ratings.reminder.text(
        "en"
    )
    model.ratings.dismiss()
    assert model.ratings.reminder is None
    clock.advance(299)
    model.tick()
    assert model.ratings.reminder is None
    clock.advance(1)
    model.tick()
    assert model.ratings.reminder is not None and model.ratings.reminder.reason == "interval"
    # "first" was raised by start_session, before this subscription.
    assert [r.reason if r else None for r in shown] == [
        None,
        "step",
        None,
        "interval",
        None,
        "interval",
    ]
    model.end_session()
    assert model.ratings.reminder is None


def test_reminder_interval_from_protocol_and_therapist(
    record: SessionRecord, clock: ManualClock
) -> None:
    from dataclasses import replace

    from palier.protocols.model import SudsScheduleRule

    model = ConsoleModel(record, clock=clock)
    model.patient_plan.create_patient("Rule-1")
    model.patient_plan.set_plan(
        replace(PLAN, suds_schedule=SudsScheduleRule(interval_min=2.0, at_step_end=True))
    )
    model.start_session()
    model.ratings.enter(10)
    clock.advance(120)
    model.tick()
    assert model.ratings.reminder is not None and model.ratings.reminder.interval_s == 120
    model.ratings.set_interval(600)
    assert model.ratings.reminder is None
    with pytest.raises(ModelError):
        model.ratings.set_interval(5)
    model.commands.go_to_step(0)
    model.ratings.enter(30)
    clock.advance(120)
    end = model.ratings.end_rating_due()
    assert end is not None and end.reason == "step_end"
    model.ratings.enter(20)
    assert model.ratings.end_rating_due() is None
    # The rule travels with the session's plan.
    stored = record.session(model.running.info.id if model.running.info else 0).plan
    assert stored["suds_schedule"]["interval_min"] == 2.0


def test_commands_need_a_link_and_a_session(record: SessionRecord, clock: ManualClock) -> None:
    model = ConsoleModel(record, clock=clock)
    with pytest.raises(NoSessionError):
        model.ratings.enter(10)
    with pytest.raises(ModelError, match="patient"):
        model.start_session()
    model.patient_plan.create_patient("Echo")
    model.patient_plan.set_plan(PLAN)
    model.start_session()
    with pytest.raises(NotConnectedError):
        model.commands.pause()
    with pytest.raises(NotConnectedError):
        model.commands.set_params({"distance": 2.0})
    with pytest.raises(ModelError, match="3 steps"):
        model.commands.go_to_step(3)
    with pytest.raises(ModelError, match="empty"):
        model.clinical.add_note("   ")
    with pytest.raises(ModelError, match="end it"):
        model.start_session()


def test_link_state_and_losses_are_recorded(record: SessionRecord, clock: ManualClock) -> None:
    model = started(record, clock)
    states: list[LinkState] = []
    model.link.events.link.connect(states.append)
    model.link.on_status(_status("connected", "engine"))
    clock.advance(10)
    model.link.on_status(_status("lost", "no heartbeat for 1.0 s"))
    model.link.on_status(_status("lost", "still lost"))  # no duplicate
    clock.advance(3)
    model.link.on_status(_status("connected", "engine"))
    assert states == [LinkState.CONNECTED, LinkState.LOST, LinkState.CONNECTED]
    sid = model.running.info.id if model.running.info else 0
    assert [r["kind"] for r in record.rows("link_events", sid)] == ["up", "lost", "reconnected"]
    texts = [e.text("fr") for e in model.timeline.entries if e.kind == "link"]
    assert texts[1].startswith("liaison avec le moteur perdue")


def _status(state: str, detail: str) -> LinkStatus:
    return LinkStatus(LinkState(state), detail, 0.0)


def _event(kind: str, seq: int, **kw: Any) -> wire.ClinicalEvent:
    return wire.ClinicalEvent(
        kind=kind,
        seq=seq,
        instance="eng-1",
        frame=100 + seq,
        t_engine=50.0 + seq,
        request=kw.get("request"),
        value=kw.get("value"),
        t_ref=kw.get("t_ref"),
    )


def test_clinical_events_recorded_once_and_refused_without_session(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = ConsoleModel(record, clock=clock)
    # No session: raise, so the link client does not acknowledge the event.
    with pytest.raises(NoSessionError):
        model.commands.record_clinical_event(_event("stop", 1))
    assert model.commands.on_clinical_event(_event("stop", 1)) is False
    model.patient_plan.create_patient("Foxtrot")
    model.patient_plan.set_plan(PLAN)
    model.start_session()
    model.commands.go_to_step(0)
    paused: list[bool] = []
    model.link.events.paused.connect(paused.append)
    assert model.commands.on_clinical_event(_event("suds", 1, value=35, request=1)) is True
    assert (
        model.commands.on_clinical_event(_event("suds", 1, value=35, request=1)) is True
    )  # re-sent
    assert model.commands.on_clinical_event(_event("stop", 2)) is True
    assert model.commands.on_clinical_event(_event("stop", 2)) is True
    model.commands.record_clinical_event(_event("failsafe", 3, t_ref=49.0))
    sid = model.running.info.id if model.running.info else 0
    suds = record.suds(sid)
    assert [(r.value, r.source, r.engine_seq) for r in suds] == [(35, "headset", 1)]
    events = record.rows("events", sid)
    assert [(e["kind"], e["engine_seq"]) for e in events] == [("patient_stop", 2), ("failsafe", 3)]
    assert [e.value for e in model.ratings.history] == [35]
    assert paused == [True]
    assert record.last_engine_event() == ("eng-1", 3)
    # An out-of-range value from the headset is kept as an event, not a rating.
    model.commands.record_clinical_event(_event("suds", 4, value=250))
    assert len(record.suds(sid)) == 1
    assert record.rows("events", sid)[-1]["name"] == "invalid_suds"


def test_resume_interrupted_session_rebuilds_state(tmp_path: Any, clock: ManualClock) -> None:
    path = tmp_path / "r.sqlite3"
    rec = SessionRecord(path)
    model = started(rec, clock)
    model.commands.go_to_step(0)
    clock.advance(30)
    model.ratings.enter(40)
    model.clinical.add_note("before the crash")
    model.commands.go_to_step(1)
    sid = model.running.info.id if model.running.info else 0
    rec.close()  # the console "stops" without ending the session

    rec2 = SessionRecord(path)
    try:
        model2 = ConsoleModel(rec2, clock=clock)
        interrupted = model2.running.interrupted_sessions()
        assert [s.id for s in interrupted] == [sid]
        clock.advance(120)
        model2.resume_session(sid)
        assert model2.running.info is not None and model2.running.info.status == "open"
        assert (
            model2.patient_plan.patient is not None
            and model2.patient_plan.patient.pseudonym == "Delta-3"
        )
        assert model2.running.current_step is not None and model2.running.current_step.index == 1
        assert [e.value for e in model2.ratings.history] == [40]
        kinds = [e.kind for e in model2.timeline.entries]
        assert "note" in kinds and kinds.count("step") == 2 and "event" in kinds
        model2.ratings.enter(45)
        model2.end_session()
        assert rec2.session(sid).status == "closed"
        events = rec2.rows("events", sid)
        assert events[-1]["name"] == "resumed_after_interruption"
    finally:
        rec2.close()


def test_close_interrupted_session_at_its_last_row(tmp_path: Any, clock: ManualClock) -> None:
    path = tmp_path / "r.sqlite3"
    rec = SessionRecord(path)
    model = started(rec, clock)
    clock.advance(42)
    model.ratings.enter(10)
    sid = model.running.info.id if model.running.info else 0
    last = clock.t
    rec.close()
    with SessionRecord(path) as rec2:
        info = ConsoleModel(rec2, clock=clock).running.close_interrupted(sid)
        assert info.status == "closed" and info.ended_at == last


def _pose(t_engine: float, pos: tuple[float, float, float]) -> wire.HeadPose:
    return wire.HeadPose(frame=0, t_engine=t_engine, pos=pos, quat=(1.0, 0.0, 0.0, 0.0))


def test_head_poses_are_batched(record: SessionRecord, clock: ManualClock) -> None:
    model = started(record, clock)
    sid = model.running.info.id if model.running.info else 0
    for i in range(89):
        model.sensors.on_head_pose(_pose(1.0 + i / 30, (0.0, 0.0, 1.6)))
    assert record.rows("head_pose", sid) == []  # buffered
    model.sensors.on_head_pose(_pose(5.0, (0.1, 0.2, 1.6)))
    assert len(record.rows("head_pose", sid)) == 90  # flushed at 90 (3 s at 30 Hz)
    model.sensors.on_head_pose(_pose(6.0, (0.1, 0.2, 1.6)))
    clock.advance(1.0)
    model.tick()  # and at least once a second
    assert len(record.rows("head_pose", sid)) == 91


def test_quat_to_hpr_matches_panda3d() -> None:
    core = pytest.importorskip("panda3d.core")
    for hpr in ((0, 0, 0), (30, 0, 0), (0, 20, 0), (0, 0, -15), (45, -30, 10), (-120, 60, 170)):
        q = core.Quat()
        q.setHpr(core.LVecBase3f(*hpr))
        got = quat_to_hpr(q.getR(), q.getI(), q.getJ(), q.getK())
        expected = q.getHpr()
        for a, b in zip(got, expected, strict=True):
            assert math.isclose((a - b + 180) % 360 - 180, 0, abs_tol=1e-3), (hpr, got, expected)


def test_heart_rate_source_feeds_the_record(record: SessionRecord, clock: ManualClock) -> None:
    model = started(record, clock)
    source = SimulatedHeartRate(model.sensors.exposure_intensity, clock=clock, seed=3)
    model.sensors.attach_heart_rate(source)
    model.tick()  # first reading anchors the simulation
    samples: list[HeartRateSample] = []
    model.sensors.events.heart_rate.connect(samples.append)
    for _ in range(30):
        clock.advance(1.0)
        model.tick()
    sid = model.running.info.id if model.running.info else 0
    rows = record.rows("heart_rate", sid)
    assert 28 <= len(rows) <= 31 and len(samples) == len(rows)
    assert len(record.rows("rr_intervals", sid)) >= len(rows)


def test_subscriber_errors_do_not_stop_recording(record: SessionRecord, clock: ManualClock) -> None:
    model = started(record, clock)

    def broken(_: object) -> None:
        raise RuntimeError("widget bug")

    model.ratings.events.suds.connect(broken)
    got: list[int] = []
    model.ratings.events.suds.connect(lambda e: got.append(e.value))
    model.ratings.enter(12)
    assert got == [12]
    assert len(record.suds(model.running.info.id if model.running.info else 0)) == 1


def test_language_switch(record: SessionRecord, clock: ManualClock) -> None:
    model = ConsoleModel(record, clock=clock, language="fr")
    seen: list[str] = []
    model.language.changed.connect(seen.append)
    model.language.set("en")
    model.language.set("en")
    assert seen == ["en"]
    with pytest.raises(ValueError):
        model.language.set("de")


def test_suggestions_are_recorded_with_the_decision(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = started(record, clock)
    shown: list[tuple[int, str, str]] = []
    model.progression.events.suggestion.connect(shown.append)
    sid_ = model.progression.suggest(
        "next_step", "SUDS fell by half: move to the next step?", {"fall_fraction": 0.5}
    )
    clock.advance(4)
    model.progression.decide(sid_, taken=False)
    sid = model.running.info.id if model.running.info else 0
    row = record.rows("suggestions", sid)[0]
    assert (row["kind"], row["taken"], row["decided_at"] - row["t"]) == ("next_step", 0, 4)
    assert shown == [(sid_, "next_step", "SUDS fell by half: move to the next step?")]
    assert model.timeline.entries[-1].text("en").startswith("SUDS fell by half")
    assert model.progression.pending == {}


def test_timeline_texts_in_both_languages(record: SessionRecord, clock: ManualClock) -> None:
    model = started(record, clock)
    model.commands.go_to_step(0)
    model.ratings.enter(20)
    model.clinical.add_note("calm")
    model.commands.record_clinical_event(_event("stop", 1))
    for lang in ("en", "fr"):
        texts = [e.text(lang) for e in model.timeline.entries]
        assert all(texts), texts
    en = [e.text("en") for e in model.timeline.entries]
    assert en[0] == "Session 1 started"
    assert "Step 1: Far away" in en and "SUDS 20 (said aloud)" in en and "calm" in en
    assert "patient asked to stop" in en
    fr = [e.text("fr") for e in model.timeline.entries]
    assert "Palier 1\u00a0: Loin" in fr and "le patient a demandé l'arrêt" in fr


def test_plan_from_a_protocol_shaped_object() -> None:
    from dataclasses import replace

    from palier.protocols.ladders import Ladder
    from palier.protocols.model import Protocol, Step
    from palier.scenes.api import Text

    step = Step(
        id="table-far",
        text=Text("Spider on the far table", "Araignée sur la table du fond"),
        scene="spiders",
        preset={"distance": 2.0},
        expected_suds=30,
        min_duration_min=5.0,
    )
    protocol = Protocol(
        format=1,
        id="spiders-graded",
        condition="arachnophobia",
        title=Text("Spiders", "Araignées"),
        description=Text("", ""),
        scenes=("spiders",),
        steps=(step,),
    )
    plan = Plan.from_protocol(protocol)
    assert plan.protocol_id == "spiders-graded" and plan.ladder_version_id is None
    assert plan.steps[0].label_text("fr") == "Araignée sur la table du fond"
    doc = plan.to_json()
    assert doc["title"] == {"en": "Spiders", "fr": "Araignées"}
    assert Plan.from_json(doc).steps[0].label_text("en") == "Spider on the far table"
    ladder = replace(Ladder.from_protocol(protocol, patient_id=1), version_id=12)
    from_ladder = Plan.from_protocol(protocol, ladder)
    assert from_ladder.ladder_version_id == 12
    assert from_ladder.suds_schedule == protocol.suds_schedule


def test_habituation_suggestion_from_protocols_progression(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = started(record, clock, language="fr")
    shown: list[tuple[int, str, str]] = []
    model.progression.events.suggestion.connect(shown.append)
    model.commands.go_to_step(0)
    for value in (60, 40, 28):
        clock.advance(120)
        model.ratings.enter(value)
    assert shown == []  # one rating at or below 30 is not enough
    clock.advance(120)
    model.ratings.enter(25)
    assert len(shown) == 1
    rid, kind, text = shown[0]
    assert kind == "habituation.step_up" and "SUDS" in text and "baissé" in text
    clock.advance(120)
    model.ratings.enter(20)
    assert len(shown) == 1  # not repeated while it holds
    model.progression.decide(rid, taken=True)
    row = record.rows("suggestions", model.running.info.id if model.running.info else 0)[0]
    assert row["taken"] == 1 and '"texts"' in row["detail"]
    model.progression.set_mode("inhibitory_learning")
    model.commands.go_to_step(1)
    for value in (70, 20, 10):
        clock.advance(120)
        model.ratings.enter(value)
    # That mode asks for the expectancy at the step, and makes no SUDS-based suggestion.
    assert [k for _, k, _ in shown] == ["habituation.step_up", "inhibitory.ask_expectancy"]
    with pytest.raises(ModelError):
        model.progression.set_mode("fast")


def test_erp_ptsd_expectancy_and_questionnaires(record: SessionRecord, clock: ManualClock) -> None:
    """What protocols.clinical_log stores, logged through the model, summarised
    with the protocols package's own functions."""
    from palier.protocols.erp import ErpError
    from palier.protocols.questionnaires import QuestionnaireError

    model = started(record, clock)
    warnings: list[str] = []
    model.clinical.events.warning.connect(warnings.append)
    with pytest.raises(QuestionnaireError):
        model.clinical.score_questionnaire("ssq", "pre", [0] * 3)
    model.clinical.score_questionnaire("ssq", "pre", [0] * 16)
    model.progression.set_mode("inhibitory_learning")
    model.commands.go_to_step(0)
    exp_id = model.progression.record_expectancy("the spider jumps on me", 80)
    clock.advance(60)
    model.clinical.log_urge(70)
    with pytest.raises(ErpError):
        model.clinical.log_urge(120)
    model.clinical.log_ritual("checks sleeves", resisted=True)
    model.clinical.log_ritual("checks sleeves", resisted=False)
    sid = model.running.info.id if model.running.info else 0
    record.add_event(sid, t=clock.t, kind="scene_event", name="run_toward")
    clock.advance(4)
    model.clinical.mark_hotspot(suds=75, note="freezes")
    clock.advance(300)
    sug = model.progression.record_expectancy_outcome(
        exp_id, observed_outcome="it stayed on the table", occurred=False, likelihood_after=30
    )
    assert sug.kind == "inhibitory.vary"
    model.clinical.score_questionnaire("ssq", "post", [3] * 16)
    assert warnings and "SSQ" in warnings[0]
    summary = model.end_session()

    assert summary.erp is not None and summary.erp.urges == 1 and summary.erp.resisted == 1
    assert len(summary.hotspots) == 1 and summary.hotspots[0].cue.name == "run_toward"
    assert summary.hotspots[0].lag_s == pytest.approx(4)
    assert summary.expectancies[0].belief_change == 50
    assert len(summary.warnings) == 1 and "SSQ" in summary.warning_texts("fr")[0]
    lines = summary.questionnaire_lines("en")
    assert len(lines) == 2 and lines[0].startswith("SSQ") and "total" in lines[1]
    d = summary.to_dict()
    assert d["erp"]["performed"] == 1 and d["hotspots"][0]["cue"] == "run_toward"
    kinds = {e.name for e in model.timeline.entries if e.kind == "event"}
    assert {"urge", "ritual", "hotspot", "expectancy", "questionnaire"} <= kinds
    assert all(e.text("fr") for e in model.timeline.entries)


def test_between_session_change_per_step(record: SessionRecord, clock: ManualClock) -> None:
    """The same step in the patient's previous session: protocols.measures'
    between_session_change, shown per step in the summary."""
    model = started(record, clock)
    model.commands.go_to_step(0)
    for v in (60, 40):
        clock.advance(60)
        model.ratings.enter(v)
    first = model.running.info.id if model.running.info else 0
    model.end_session()
    clock.advance(7 * 86400)
    model.start_session()
    model.commands.go_to_step(0)
    for v in (45, 20):
        clock.advance(60)
        model.ratings.enter(v)
    model.commands.go_to_step(1)  # never rated before: no comparison
    clock.advance(60)
    model.ratings.enter(50)
    summary = model.end_session()
    step0, step1 = summary.steps
    assert step0.previous_session_id == first and step0.previous is not None
    assert step0.change is not None
    assert (step0.change.peak_change, step0.change.end_change) == (-15, -20)
    assert step1.change is None and step1.previous_session_id is None
    assert summary.to_dict()["steps"][0]["change_since_previous"]["peak_change"] == -15


def test_planned_events_are_announced_not_fired(record: SessionRecord, clock: ManualClock) -> None:
    from dataclasses import replace

    from palier.protocols.model import EventPlan

    steps = (
        replace(
            PLAN.steps[0],
            events=(
                EventPlan(event="run_toward", every_min=2.0),
                EventPlan(event="drop_from_above", at_min=(3.0,), options={"height": 1.5}),
            ),
        ),
        PLAN.steps[1],
    )
    model = ConsoleModel(record, clock=clock)
    model.patient_plan.create_patient("Planned-1")
    model.patient_plan.set_plan(replace(PLAN, steps=steps))
    model.start_session()
    plans: list[EventPlan] = []
    model.running.events.planned_event.connect(plans.append)
    model.commands.go_to_step(0)
    for _ in range(7):  # 7 minutes, ticking every 30 s
        for _ in range(2):
            clock.advance(30)
            model.tick()
    due = [p.event for p in plans]
    assert due == ["run_toward", "drop_from_above", "run_toward", "run_toward"]
    assert plans[1].options == {"height": 1.5}  # the step's options travel with it
    sid = model.running.info.id if model.running.info else 0
    assert record.rows("commands", sid) == []  # announced only; the therapist fires
    model.commands.go_to_step(1)
    clock.advance(300)
    model.tick()
    assert len(plans) == 4
    stored = model.patient_plan.plan.to_json() if model.patient_plan.plan else {}
    assert stored["steps"][0]["events"][0] == {"event": "run_toward", "every_min": 2.0}
    assert Plan.from_json(stored).steps[0].events == steps[0].events  # options included


# -- the timeline reads as sentences; errors follow the console language ----------------


def _spiders(scene: str | None) -> Any:
    from palier.scenes import registry

    return registry.declaration(scene or "spiders")


def _command(kind: str, status: str, args: dict[str, Any], **extra: Any) -> Any:
    from palier.therapist_console.session import TimelineEntry

    return TimelineEntry(
        0.0, 0.0, "command", kind, {"args": args, "status": status, "scene": "spiders", **extra}
    )


def test_timeline_commands_are_sentences_named_by_the_declaration() -> None:
    change = _command(
        "set_params", "ack", {"params": {"distance": 1.9}, "ramp_s": 1.5}, before={"distance": 2.0}
    )
    assert change.text("en", _spiders) == "✓ Distance 2 → 1.9 m (ramp 1.5 s)"
    assert change.text("fr", _spiders) == "✓ Distance 2 → 1,9 m (transition 1,5 s)"
    choice = _command("set_params", "ack", {"params": {"activity": "slow_walk"}, "ramp_s": 0})
    assert choice.text("fr", _spiders) == "✓ Mouvement → Marche lente"
    assert choice.text("en", _spiders) == "✓ Movement → Slow walk"
    load = _command("load_scene", "ack", {"scene": "spiders", "params": {"distance": 3.0}})
    assert load.text("en", _spiders) == "✓ Scene loaded: Spiders"
    assert load.text("fr", _spiders) == "✓ Scène chargée\u00a0: Araignées"
    fire = _command("fire", "ack", {"event": "run_toward", "options": {}})
    assert fire.text("en", _spiders) == "✓ Event triggered: Spider runs toward the patient"
    assert fire.text("fr", _spiders) == (
        "✓ Événement déclenché\u00a0: Une araignée court vers le patient"
    )
    pause = _command("pause", "ack", {"reason": "therapist"})
    assert pause.text("fr", _spiders) == "✓ Pause — lieu sûr"
    refused = _command(
        "fire", "error", {"event": "run_toward", "options": {}}, error="no such event here"
    )
    assert refused.text("en", _spiders).startswith("✗ ")
    assert refused.text("en", _spiders).endswith("refused: no such event here")
    assert refused.text("fr", _spiders).endswith("refusée\u00a0: no such event here")
    for entry in (change, load, fire, pause, refused):
        for lang in ("en", "fr"):
            text = entry.text(lang, _spiders)
            assert "=" not in text and "(scene" not in text and "{" not in text, text
    # The raw command stays available (the widget's tooltip).
    assert "fire(event=run_toward" in fire.raw()


def test_errors_carry_a_key_and_render_in_the_console_language(
    record: SessionRecord, clock: ManualClock
) -> None:
    from palier.core.i18n import error_text
    from palier.therapist_console.record import DuplicatePseudonymError

    model = ConsoleModel(record, clock=clock, language="fr")
    with pytest.raises(ModelError) as info:
        model.start_session()
    assert str(info.value) == "Choisir ou créer un patient (pseudonyme) avant de commencer."
    assert error_text(info.value, "en") == (
        "Choose or create a patient (pseudonym) before starting."
    )
    model.patient_plan.create_patient("Echo-5")
    with pytest.raises(DuplicatePseudonymError) as dup:
        model.patient_plan.create_patient("Echo-5")
    assert "Echo-5" in error_text(dup.value, "fr")
    assert error_text(dup.value, "fr").startswith("Un patient avec le pseudonyme Echo-5")
    model.patient_plan.set_plan(PLAN)
    model.start_session()
    with pytest.raises(ModelError) as rng:
        model.ratings.set_interval(5)
    assert error_text(rng.value, "fr") == (
        "L'intervalle de rappel SUDS doit être de 0,5 à 60 minutes."
    )
    with pytest.raises(ModelError) as step:
        model.commands.go_to_step(7)
    assert error_text(step.value, "fr") == (
        "Le palier 8 n'existe pas\u00a0: la hiérarchie a 3 paliers."
    )


def test_numbers_follow_the_language() -> None:
    from palier.core.i18n import fmt_number

    assert fmt_number(16.8, "fr") == "16,8"
    assert fmt_number(16.8, "en") == "16.8"
    assert fmt_number(2.0, "fr") == "2"
    assert fmt_number(0.5, "fr", 2) == "0,5"
    assert fmt_number(3, "fr") == "3"


class _SilentLink:
    """Takes commands and never answers (the model only needs ``submit``)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def submit(self, cls: type[wire.Command], **fields: Any) -> Future[Any]:
        self.sent.append(cls.SUBJECT)
        return Future()


def test_bad_parameter_values_are_refused_before_anything_is_sent_or_recorded(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = started(record, clock, language="fr")
    link = _SilentLink()
    model.attach_link(link)  # type: ignore[arg-type]
    model.link.on_status(_status("connected", "test"))
    model.commands.go_to_step(0)
    session_id = model.running.info.id if model.running.info else 0
    rows = len(record.rows("commands", session_id))
    sent = list(link.sent)
    for bad, needle in (
        ({"distance": 9.0}, "0.15"),
        ({"distanse": 1.0}, "distanse"),
        ({"distance": 1.0, "count": 99}, "count"),
    ):
        with pytest.raises(ModelError, match=needle) as err:
            model.commands.set_params(bad)
        assert str(err.value).startswith("Non envoyé, rien n'a changé")
    assert len(record.rows("commands", session_id)) == rows and link.sent == sent
    assert (
        model.running.current_step is not None
        and model.running.current_step.params["distance"] == 3.0
    )
    model.commands.set_params({"distance": 1.5})
    assert link.sent[-1] == "cmd.set_params"
    assert model.running.current_step.params["distance"] == 1.5


def test_recenter_is_sent_and_its_event_recorded_without_a_pause(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = started(record, clock, language="fr")
    link = _SilentLink()
    model.attach_link(link)  # type: ignore[arg-type]
    model.link.on_status(_status("connected", "test"))
    model.commands.go_to_step(0)
    model.commands.recenter()
    assert link.sent[-1] == "cmd.recenter"
    sid = model.running.info.id if model.running.info else 0
    assert record.rows("commands", sid)[-1]["kind"] == "recenter"
    paused: list[bool] = []
    model.link.events.paused.connect(paused.append)
    # The engine's event (the console's command or the desktop key): recorded
    # once, shown in the timeline, and the patient is not in the safe place.
    for _ in range(2):
        assert model.commands.on_clinical_event(_event("recenter", 1)) is True
    events = record.rows("events", sid)
    assert [(e["kind"], e["name"], e["engine_seq"]) for e in events] == [
        ("recenter", "recenter", 1)
    ]
    assert paused == [] and not model.link.paused
    lines = [e.text("fr") for e in model.timeline.entries if e.kind in ("event", "command")]
    assert "vue tournée vers la scène" in lines
    assert any("Recentrer la vue du patient" in line for line in lines)


# -- state the widgets used to keep, now in the parts -----------------------------------


def test_link_state_before_the_first_connection_is_the_clients_and_a_loss_sticks(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = started(record, clock)
    assert model.link.state is LinkState.CLOSED  # no engine chosen
    seen: list[LinkState] = []
    model.link.events.link.connect(seen.append)
    model.link.on_status(_status("connecting", "tcp://127.0.0.1:1"))
    model.link.on_status(_status("refused", "not paired"))
    assert model.link.state is LinkState.REFUSED and not model.link.is_up
    model.link.on_status(_status("connected", "engine"))
    model.link.on_status(_status("lost", "no heartbeat"))
    model.link.on_status(_status("connecting", "retrying"))  # still lost, as the bar says
    assert model.link.state is LinkState.LOST
    assert seen == [LinkState.CONNECTING, LinkState.REFUSED, LinkState.CONNECTED, LinkState.LOST]
    sid = model.running.info.id if model.running.info else 0
    assert [r["kind"] for r in record.rows("link_events", sid)] == ["up", "lost"]


def test_the_fingerprint_confirmation_is_the_links_and_a_new_key_resets_it(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = ConsoleModel(record, clock=clock)
    shown: list[str | None] = []
    model.link.events.trust.connect(shown.append)
    model.link.confirm_fingerprint(True)
    assert not model.link.fingerprint_confirmed  # nothing to confirm yet
    model.link.set_trusted_key("ab:cd")
    model.link.confirm_fingerprint(True)
    assert model.link.fingerprint_confirmed
    model.link.set_trusted_key("ab:cd")  # the same key: still confirmed
    assert model.link.fingerprint_confirmed
    model.link.set_trusted_key("ef:01")
    assert not model.link.fingerprint_confirmed
    model.link.set_trusted_key(None, "no trusted engine key")
    assert model.link.trust_error == "no trusted engine key"
    assert shown == [None, "ab:cd", "ab:cd", "ab:cd", "ef:01", None]


def test_a_questionnaire_answered_before_the_session_is_recorded_once_it_starts(
    record: SessionRecord, clock: ManualClock
) -> None:
    from palier.protocols.questionnaires import SSQ, score

    model = ConsoleModel(record, clock=clock)
    model.patient_plan.create_patient("Held-1")
    model.patient_plan.set_plan(PLAN)
    warnings: list[str] = []
    model.clinical.events.warning.connect(warnings.append)
    model.clinical.hold(score("ssq", {i: 3 for i in SSQ.item_ids}, phase="pre"))
    assert model.clinical.held is not None
    with pytest.raises(NoSessionError):
        model.clinical.record_held()  # nowhere to record it yet: kept
    assert model.clinical.held is not None
    info = model.start_session()
    result = model.clinical.record_held()
    assert result is not None and model.clinical.held is None
    [row] = record.rows("questionnaires", info.id)
    assert (row["name"], row["phase"]) == ("ssq", "pre")
    assert warnings and "SSQ" in warnings[0]
    assert model.clinical.record_held() is None  # once


def test_the_suggestion_waiting_for_the_therapist_is_the_models(
    record: SessionRecord, clock: ManualClock
) -> None:
    model = started(record, clock)
    decided: list[int] = []
    model.progression.events.decided.connect(decided.append)
    first = model.progression.suggest("next_step", "next?")
    second = model.progression.suggest("step_down", "back?")
    assert model.progression.current is not None and model.progression.current.id == second
    model.progression.decide(first, taken=False)
    assert model.progression.current is not None and model.progression.current.id == second
    model.progression.decide(second, taken=True)
    assert model.progression.current is None and model.progression.pending == {}
    assert decided == [first, second]
