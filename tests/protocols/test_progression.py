"""Progression rules on scripted SUDS sequences, and the SUDS schedule."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from palier.protocols.files import protocol_by_id
from palier.protocols.measures import SudsError, SudsPoint, between_session_change, step_measures
from palier.protocols.model import ProgressionSettings, Step, SudsScheduleRule
from palier.protocols.progression import (
    Expectancy,
    HabituationRule,
    InhibitoryLearningRule,
    ProgressionError,
    ProgressionMonitor,
    measures_of,
    variant_preset,
)
from palier.protocols.schedule import DueReason, due_before_leaving_step, next_due_t, suds_due
from palier.scenes import registry


def pts(*values: int | None, every: float = 60.0) -> list[SudsPoint | None]:
    return [None if v is None else SudsPoint(i * every, v) for i, v in enumerate(values)]


RULE = HabituationRule()


def kind(values: Sequence[int | None], rule: HabituationRule = RULE) -> str | None:
    s = rule.evaluate("s1", pts(*values))
    return s.kind if s else None


# -- habituation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((), None),
        ((20,), None),  # a single rating: nothing to compare
        ((90,), None),  # one high rating is not "stays"
        ((90, 88), "habituation.step_down"),
        ((85, 85), "habituation.step_down"),  # "at or above" 85
        ((90, 84), None),
        ((80, 30), None),  # one rating meets the rule, two are needed
        ((80, 30, 25), "habituation.step_up"),
        ((60, 40, 30, 28), "habituation.step_up"),
        ((60, 31, 30), None),  # 31 is above the threshold: run is one long
        ((50, 25, 25), "habituation.step_up"),  # exactly a 50 % fall counts
        ((50, 26, 26), None),  # 48 % fall: not enough even under 30
        ((20, 10, 10), "habituation.step_up"),  # low peak, halved and low
        ((0, 0, 0), None),  # no distress, no fall to measure
        ((80, 30, 25, 60), None),  # a rise after the fall breaks the run
        ((80, 30, 25, 60, 28), None),
        ((80, 30, 25, 60, 28, 26), "habituation.step_up"),
        ((40, 20, 18, 90, 40, 30), None),  # new peak 90: 30 is only the first under it
        ((40, 20, 18, 90, 40, 30, 20), "habituation.step_up"),
        ((80, 30, None, 25), None),  # a missed rating breaks consecutiveness
        ((80, 30, None, 25, 20), "habituation.step_up"),
        ((90, None, 90), None),
        ((90, None, 90, 95), "habituation.step_down"),
        ((95, 90, 40), None),  # step down no longer holds after a fall
    ],
)
def test_habituation_sequences(values: tuple[int | None, ...], expected: str | None) -> None:
    assert kind(values) == expected


def test_step_up_details_and_both_languages() -> None:
    s = RULE.evaluate("near", pts(80, 30, 25))
    assert s is not None
    assert s.detail["peak"] == 80 and s.detail["last"] == 25 and s.detail["fall_percent"] == 69
    assert s.t == 120.0 and s.step_id == "near" and s.mode == "habituation"
    assert "fallen 69% from its peak of 80" in s.text_for("en")
    assert "baissé de 69 % depuis son pic de 80" in s.text_for("fr")
    early = RULE.evaluate("near", pts(80, 30, 25), elapsed_s=120, min_duration_min=5)
    assert early is not None
    assert "minimum of 5 min is not reached" in early.text.get("en")
    assert "durée minimale conseillée de 5 min" in early.text.get("fr")
    late = RULE.evaluate("near", pts(80, 30, 25), elapsed_s=400, min_duration_min=5)
    assert late is not None and "minimum" not in late.text.get("en")


def test_settings_change_the_rule() -> None:
    strict = HabituationRule(ProgressionSettings(threshold=20, consecutive=3, step_down_at=70))
    assert kind((80, 30, 25), strict) is None
    assert kind((80, 20, 15, 10), strict) == "habituation.step_up"
    assert kind((72, 75, 71), strict) == "habituation.step_down"
    one = HabituationRule(ProgressionSettings(consecutive=1))
    assert kind((80, 30), one) == "habituation.step_up"


def test_step_down_is_based_on_the_steps_expected_suds() -> None:
    spiders = protocol_by_id("spiders-graded")
    top_two = [st.expected_suds for st in spiders.steps[-2:]]
    assert top_two == [85, 95]
    # The top steps working as designed (SUDS at their expected level) suggest nothing.
    for expected in top_two:
        assert RULE.evaluate("top", pts(expected, expected), expected_suds=expected) is None
    # Well above what the step was planned for, they do (capped at 100).
    assert RULE.step_down_bar(85) == 95 and RULE.step_down_bar(95) == 100
    high = RULE.evaluate("top", pts(96, 97), expected_suds=85)
    assert high is not None and high.kind == "habituation.step_down"
    assert high.detail["step_down_at"] == 95 and high.detail["expected_suds"] == 85
    assert RULE.evaluate("top", pts(100, 100), expected_suds=95) is not None
    # A low step never suggests it below step_down_at (85).
    assert RULE.step_down_bar(20) == 85
    assert RULE.evaluate("low", pts(80, 80), expected_suds=20) is None
    assert RULE.evaluate("low", pts(86, 90), expected_suds=20) is not None
    # Without an expected SUDS, step_down_at alone (the old rule).
    assert RULE.step_down_bar(None) == 85
    # The wording: lower the intensity within the step, not end at peak fear;
    # check for safety behaviours.
    en, fr = high.text.get("en"), high.text.get("fr")
    assert "lower the intensity within the step" in en and "peak fear" in en
    assert "safety behaviours" in en and "teaches escape" in en
    assert "au sein du palier" in fr and "comportements de sécurité" in fr
    mon = ProgressionMonitor(RULE)
    assert mon.rating("top", SudsPoint(0, 95), expected_suds=95) is None
    assert mon.rating("top", SudsPoint(60, 95)) is None


def test_gap_longer_than_two_intervals_breaks_the_run() -> None:
    rule = HabituationRule.for_interval(ProgressionSettings(), interval_min=5)
    assert rule.max_gap_s == 600
    close = [SudsPoint(0, 80), SudsPoint(300, 30), SudsPoint(600, 25)]
    far = [SudsPoint(0, 80), SudsPoint(300, 30), SudsPoint(1000, 25)]
    assert rule.evaluate("s", close) is not None
    assert rule.evaluate("s", far) is None
    assert rule.evaluate("s", [*far, SudsPoint(1200, 20)]) is not None


def test_invalid_ratings_are_refused() -> None:
    with pytest.raises(SudsError):
        RULE.evaluate("s", [SudsPoint(0, 120)])


def test_monitor_suggests_once_per_change() -> None:
    mon = ProgressionMonitor(RULE)
    seq = [80, 30]
    assert [mon.rating("a", SudsPoint(i, v)) for i, v in enumerate(seq)] == [None, None]
    first = mon.rating("a", SudsPoint(2, 25))
    assert first is not None and first.kind == "habituation.step_up"
    assert mon.rating("a", SudsPoint(3, 20)) is None  # still holds: not repeated
    assert mon.rating("a", SudsPoint(4, 50)) is None  # no longer holds
    assert mon.rating("a", SudsPoint(5, 25)) is None
    again = mon.rating("a", SudsPoint(6, 20))
    assert again is not None and again.kind == "habituation.step_up"
    mon.missed("a")
    assert mon.ratings("a")[-1] is None
    # Steps are independent.
    assert mon.rating("b", SudsPoint(7, 90)) is None
    down = mon.rating("b", SudsPoint(8, 90))
    assert down is not None and down.kind == "habituation.step_down"


# -- measures -----------------------------------------------------------------------------


def test_measures_skip_missed_ratings_and_between_session_change() -> None:
    first = measures_of(pts(70, None, 50, 30))
    assert first is not None
    assert (first.peak, first.end, first.fall, first.time_to_half_fall) == (70, 30, 40, 180.0)
    assert measures_of([None, None]) is None
    second = step_measures([SudsPoint(0, 55), SudsPoint(60, 25), SudsPoint(120, 20)])
    change = between_session_change(first, second)
    assert change is not None
    assert (change.peak_change, change.end_change) == (-15, -10)
    assert change.time_to_half_fall_change == 60.0 - 180.0
    assert between_session_change(None, second) is None
    no_half = step_measures([SudsPoint(0, 50), SudsPoint(60, 40)])
    c2 = between_session_change(no_half, second)
    assert c2 is not None and c2.time_to_half_fall_change is None


# -- inhibitory learning -------------------------------------------------------------------


def _step(step_id: str) -> Step:
    return protocol_by_id("spiders-graded").step(step_id)


def test_expectancy_violation_and_variability() -> None:
    step = _step("hand-half-metre")
    decl = registry.declaration("spiders")
    rule = InhibitoryLearningRule()
    ask = rule.before_step(step, None)
    assert ask is not None and ask.kind == "inhibitory.ask_expectancy"
    assert "0-100 %" in ask.text.get("fr")
    e = Expectancy(step.id, "It will run up my arm and I will panic", 90, t_before=0.0)
    assert rule.before_step(step, e) is None
    assert not e.tested and e.violation is None and e.belief_change is None
    done = e.after(
        observed_outcome="It stopped short; I stayed", occurred=False, likelihood_after=30, t=300.0
    )
    assert (done.result, done.violation, done.belief_change) == ("violated", 90, 60)
    s = rule.after_step(step, done, decl)
    assert s.kind == "inhibitory.vary" and s.t == 300.0
    assert s.detail["variant"] == {"location": "table"}  # context changed, not harder
    assert (
        "at 90%; it did not happen: expectancy violated; now 30% (belief down 60 points)"
        in s.text.get("en")
    )
    assert "rather than waiting for habituation" in s.text.get("en").lower()
    assert "emplacement = Sur la table devant le patient" in s.text.get("fr")


def test_small_belief_change_suggests_testing_again() -> None:
    step = _step("table-1m-still")
    e = Expectancy(step.id, "It will jump at me", 70, 0.0).after(
        observed_outcome="It stayed still", occurred=False, likelihood_after=60, t=120.0
    )
    s = InhibitoryLearningRule().after_step(step, e, registry.declaration("spiders"))
    assert s.kind == "inhibitory.test_again"
    assert "belief down 10 points" in s.text.get("en")
    assert "sans comportements de sécurité" in s.text.get("fr")


def test_feared_outcome_that_happened_is_confirmed_not_violated() -> None:
    step = _step("table-1m-still")
    e = Expectancy(step.id, "I will feel sick", 30, 0.0).after(
        observed_outcome="felt a bit sick", occurred=True, likelihood_after=40, t=10.0
    )
    # Craske et al. 2014: an outcome that happened confirms the expectancy;
    # it is not a violation of 100 minus the prediction.
    assert (e.result, e.violation, e.belief_change) == ("confirmed", None, -10)
    assert e.to_dict()["result"] == "confirmed"
    s = InhibitoryLearningRule().after_step(step, e, registry.declaration("spiders"))
    # Its own advice, not "barely changed... test it again, longer".
    assert s.kind == "inhibitory.review"
    en, fr = s.text.get("en"), s.text.get("fr")
    assert "it happened: expectancy confirmed" in en and "belief up 10 points" in en
    assert "how they coped before testing the expectation again" in en
    assert "barely changed" not in en and "vary the exposure" not in en
    assert "attente confirmée" in fr and "comment il y a fait face" in fr
    assert s.detail["result"] == "confirmed" and s.detail["violation"] is None


def test_confirmed_outcome_with_belief_down_is_still_reviewed() -> None:
    """Even a large fall in belief after the outcome happened is not a
    violation: the advice stays "review", never "vary"."""
    step = _step("hand-half-metre")
    e = Expectancy(step.id, "It will touch my hand", 80, 0.0).after(
        observed_outcome="it touched my hand; I kept it there",
        occurred=True,
        likelihood_after=20,
        t=5.0,
    )
    rule = InhibitoryLearningRule(min_belief_change=20)
    assert rule.after_step(step, e, registry.declaration("spiders")).kind == "inhibitory.review"


def test_expectancy_input_checks() -> None:
    with pytest.raises(ProgressionError):
        Expectancy("x", "panic", 101, 0.0)
    with pytest.raises(ProgressionError):
        Expectancy("x", "  ", 50, 0.0)
    e = Expectancy("x", "panic", 50, 10.0)
    with pytest.raises(ProgressionError):
        e.after(observed_outcome="ok", occurred=False, likelihood_after=-1, t=20.0)
    with pytest.raises(ProgressionError):
        e.after(observed_outcome="ok", occurred=False, likelihood_after=10, t=5.0)
    with pytest.raises(ProgressionError):
        InhibitoryLearningRule().after_step(
            _step("floor-far-still"), e, registry.declaration("spiders")
        )
    assert Expectancy.from_dict(e.to_dict()) == e


def test_variant_prefers_context_and_stays_in_range() -> None:
    decl = registry.declaration("spiders")
    for step in protocol_by_id("spiders-graded").steps:
        v = variant_preset(step, decl)
        assert v is not None and v[0] == "location"
        decl.param(v[0]).validate(v[1])
        assert v[1] != step.preset["location"]


# -- SUDS schedule ------------------------------------------------------------------------


def test_suds_schedule_default_rule() -> None:
    rule = SudsScheduleRule()
    assert (rule.interval_min, rule.at_step_change) == (5.0, True)
    due = suds_due(rule, now=0.0, session_started_t=0.0, last_rating_t=None, step_started_t=None)
    assert due is not None and due.reason is DueReason.FIRST
    due = suds_due(rule, now=12.0, session_started_t=0.0, last_rating_t=5.0, step_started_t=10.0)
    assert due is not None and due.reason is DueReason.STEP and due.since_t == 10.0
    assert (
        suds_due(rule, now=319.9, session_started_t=0.0, last_rating_t=20.0, step_started_t=10.0)
        is None
    )
    due = suds_due(rule, now=320.0, session_started_t=0.0, last_rating_t=20.0, step_started_t=10.0)
    assert due is not None and due.reason is DueReason.INTERVAL and due.since_t == 320.0
    assert due.text("en") == "SUDS: 5 minutes since the last rating"
    assert due.text("fr") == "SUDS\u00a0: 5 minutes depuis la dernière évaluation"
    assert next_due_t(rule, session_started_t=0.0, last_rating_t=20.0, step_started_t=10.0) == 320.0


def test_suds_schedule_configured_per_protocol() -> None:
    rule = SudsScheduleRule(interval_min=2, at_step_change=False, at_step_end=True)
    assert (
        suds_due(rule, now=100.0, session_started_t=0.0, last_rating_t=50.0, step_started_t=60.0)
        is None
    )
    due = suds_due(rule, now=170.0, session_started_t=0.0, last_rating_t=50.0, step_started_t=60.0)
    assert due is not None and due.reason is DueReason.INTERVAL
    end = due_before_leaving_step(rule, now=300.0, last_rating_t=200.0, step_started_t=60.0)
    assert end is not None and end.reason is DueReason.STEP_END
    assert (
        due_before_leaving_step(rule, now=300.0, last_rating_t=250.0, step_started_t=60.0) is None
    )
    assert (
        due_before_leaving_step(
            SudsScheduleRule(), now=300.0, last_rating_t=None, step_started_t=60.0
        )
        is None
    )
