"""ERP urges and rituals, PTSD hotspots, the clinical log in SQLite, and the
session summary in both languages, end to end from the library to the report
lines."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from protocols.clinical_log import ClinicalLog, ClinicalLogError
from protocols.erp import ErpError, Ritual, Urge, summarize, validate_urge
from protocols.ladders import Ladder, create_schema
from protocols.measures import SudsPoint
from protocols.model import protocol_by_id
from protocols.progression import Expectancy, HabituationRule
from protocols.ptsd import FiredEvent, Hotspot, align_hotspots, cue_counts
from protocols.questionnaires import score_ipq, score_ssq
from protocols.summary import (
    StepVisit,
    SuggestionOutcome,
    build_summary,
    previous_measures,
    visits_from_rows,
)
from scenes.api import Text


def test_urges_and_rituals() -> None:
    assert validate_urge("40") == 40
    for bad in (101, -1, True, 2.5, "lots"):
        with pytest.raises(ErpError):
            validate_urge(bad)
    with pytest.raises(ErpError, match="describe the ritual"):
        Ritual(1.0, " ", resisted=True)
    with pytest.raises(ErpError):
        Ritual(1.0, "checking", resisted=True, kind="habit")  # type: ignore[arg-type]
    s = summarize(
        [Urge(60, 70), Urge(0, 40), Urge(120, 90), Urge(300, 30)],
        [Ritual(50, "washed hands", resisted=True), Ritual(80, "washed hands", resisted=False),
         Ritual(90, "wiped phone", resisted=True, kind="safety_behaviour"),
         Ritual(200, "washed hands ", resisted=True)])
    assert (s.urges, s.urge_first, s.urge_peak, s.urge_last) == (4, 40, 90, 30)
    assert (s.resisted, s.performed, s.resisted_fraction) == (3, 1, 0.75)
    hands = next(b for b in s.behaviours if b.what == "washed hands")
    assert (hands.resisted, hands.performed) == (2, 1)
    en, fr = s.lines("en"), s.lines("fr")
    assert en[0] == "Urges to ritualise: 4 rated, first 40, peak 90, last 30 (0-100)."
    assert en[1] == "Rituals and safety behaviours: 3 of 4 resisted (75%)."
    assert "  wiped phone (comportement de sécurité) : 1 résisté(s), 0 fait(s)" in fr
    empty = summarize([], [])
    assert empty.resisted_fraction is None and empty.lines("en")[1] == "Rituals: none logged."


def test_hotspots_align_with_the_events_fired() -> None:
    siren = FiredEvent(10.0, "siren", Text(en="Siren", fr="Sirène"))
    events = [FiredEvent(50.0, "horn"), siren, FiredEvent(400.0, "crash")]
    hs = [Hotspot(52.0, suds=90, note="froze"), Hotspot(14.0, suds=80), Hotspot(200.0),
          Hotspot(400.0, suds=95)]
    aligned = align_hotspots(hs, events, window_s=60)
    assert [a.hotspot.t for a in aligned] == [14.0, 52.0, 200.0, 400.0]
    assert [(a.cue.name if a.cue else None, a.lag_s) for a in aligned] == [
        ("siren", 4.0), ("horn", 2.0), (None, None), ("crash", 0.0)]
    assert aligned[0].line("fr") == "00:14 point chaud (SUDS 80), 4 s après « Sirène »"
    assert aligned[1].line("en") == "00:52 hotspot (SUDS 90), 2 s after 'horn': froze"
    assert aligned[2].line("en", t0=20.0) == "03:00 hotspot, no event just before"
    assert cue_counts(aligned) == {"siren": 1, "horn": 1, "crash": 1}
    assert align_hotspots(hs, events, window_s=1.0)[0].cue is None
    with pytest.raises(ValueError):
        Hotspot(1.0, suds=120)


def test_clinical_log_round_trip(tmp_path: Path) -> None:
    c = sqlite3.connect(tmp_path / "r.sqlite3", isolation_level=None)
    create_schema(c)
    log = ClinicalLog(c)
    e = Expectancy("hand-half-metre", "It will climb on me", 80, 100.0)
    eid = log.add_expectancy(1, e)
    with pytest.raises(ClinicalLogError, match="no outcome yet"):
        log.record_outcome(eid, e)
    done = e.after(observed_outcome="It stopped", occurred=False, likelihood_after=35, t=400.0)
    log.record_outcome(eid, done)
    with pytest.raises(ClinicalLogError, match="already has its outcome"):
        log.record_outcome(eid, done)
    assert log.expectancies(1) == [(eid, done)]
    log.add_urge(1, Urge(5.0, 60, "s1"))
    log.add_ritual(1, Ritual(6.0, "checked the stove", resisted=False, step_key="s1"))
    log.add_hotspot(1, Hotspot(7.0, 85, "smell of petrol", "s2"))
    log.add_urge(2, Urge(5.0, 10))
    assert log.urges(1) == [Urge(5.0, 60, "s1")]
    assert log.rituals(1) == [Ritual(6.0, "checked the stove", False, "ritual", "s1")]
    assert log.hotspots(1) == [Hotspot(7.0, 85, "smell of petrol", "s2")]
    with pytest.raises(sqlite3.IntegrityError):
        c.execute("INSERT INTO erp_urges (session_id, t, value) VALUES (1, 1.0, 101)")
    c.close()


def test_summary_from_library_to_report_lines_in_both_languages(tmp_path: Path) -> None:
    """A clinician adapts the library ladder, runs two sessions, reads the summary."""
    from therapist_console.model import Plan
    from therapist_console.record import SessionRecord

    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        # The record's migration creates the protocols tables in its file.
        ladders, log = rec.ladder_store(), rec.clinical_log()
        patient = rec.add_patient("P-042", t=0.0)
        lad = Ladder.from_protocol(protocol_by_id("spiders-graded"), patient.id)
        lad = ladders.create(lad.edit("floor-1m-walk", expected_suds=45), t=1.0)
        plan = Plan.from_json(lad.plan_json())

        def run(t0: float, script: dict[int, list[int]]) -> int:
            s = rec.start_session(patient.id, t=t0, language="fr", protocol_id=lad.protocol_id,
                                  ladder_version_id=lad.version_id, plan=plan.to_json())
            t = t0
            for index, values in script.items():
                st = plan.steps[index]
                row = rec.start_step(s.id, step_index=index, step_key=st.key,
                                     label=st.label_dict(), scene=st.scene,
                                     params=dict(st.params), expected_suds=st.expected_suds,
                                     t=t)
                for v in values:
                    rec.add_suds(s.id, value=v, t=t, source="therapist", step_id=row.id)
                    t += 120.0
            rec.end_session(s.id, t=t)
            return s.id

        first = run(100.0, {0: [30, 20, 10], 2: [70, 50, 30, 20]})
        second = run(10_000.0, {2: [55, 30, 25, 20]})
        log.add_expectancy(second, Expectancy("floor-1m-walk", "Elle va me sauter dessus",
                                              80, 10_000.0).after(
            observed_outcome="Elle est restée au sol", occurred=False, likelihood_after=20,
            t=10_300.0))

        def visits(session_id: int) -> list[StepVisit]:
            return visits_from_rows(rec.rows("steps", session_id), rec.rows("suds", session_id))

        v1, v2 = visits(first), visits(second)
        assert [v.step_key for v in v1] == ["floor-far-still", "floor-1m-walk"]
        assert [p.value for p in v1[1].ratings] == [70, 50, 30, 20]
        assert v1[1].expected_suds == 45
        suggestion = HabituationRule().evaluate("floor-1m-walk", list(v2[0].ratings))
        assert suggestion is not None and suggestion.kind == "habituation.step_up"
        summary = build_summary(
            v2, previous=previous_measures([v1]),
            expectancies=[e for _, e in log.expectancies(second)],
            questionnaires=[score_ssq([0] * 16, phase="pre"),
                            score_ssq([1] * 8 + [0] * 8, phase="post"),
                            score_ipq([1] * 14)],
            suggestions=[SuggestionOutcome(suggestion.kind, suggestion.text, True)],
            t0=10_000.0)
    fr = summary.lines("fr")
    en = summary.lines("en")
    assert fr[0].startswith("⚠ Cybermalaise : total SSQ de")
    assert ("  1. Une araignée de maison de taille ordinaire marche lentement au sol, à un mètre "
            "des pieds. — pic 55, fin 20, baisse 35 (64 %), baisse de moitié en 4 min ; "
            "attendu 45 ; depuis la séance précédente : pic -15, fin +0.") in fr
    assert ("  1. A house spider of ordinary size walks slowly on the floor, one metre from the "
            "feet. — peak 55, end 20, fall 35 (64%), halved in 4 min; expected 45; since the "
            "previous session: peak -15, end +0.") in en
    assert any("« Elle va me sauter dessus » 80 % → 20 % (pas arrivé ; violation 80)" in ln
               for ln in fr)
    assert "Suggestions: 1, 1 taken" in en
    assert any(ln.startswith("  IPQ (after): general presence 4") for ln in en)
    assert "Response prevention" not in en and "Hotspots" not in en
    d = summary.to_dict()
    assert d["steps"][0]["peak_change"] == -15 and len(d["warnings"]) == 1


def test_summary_sections_for_erp_and_trauma_protocols() -> None:
    visits = [StepVisit("s1", {"en": "Touch the bin lid", "fr": "Toucher le couvercle"}, ())]
    erp = build_summary(visits, kind="erp")
    assert "Prévention de la réponse" in erp.lines("fr")
    assert "  1. Touch the bin lid — no SUDS rated." in erp.lines("en")
    ptsd = build_summary(visits, hotspots=[Hotspot(70.0, 90)],
                         events=[FiredEvent(65.0, "siren")], t0=10.0)
    assert "  01:00 hotspot (SUDS 90), 5 s after 'siren'" in ptsd.lines("en")
    assert ptsd.erp is None


def test_visits_from_rows_assigns_unlinked_ratings_by_time() -> None:
    steps = [{"id": 1, "step_key": "a", "label": '{"en": "A", "fr": "Á"}', "expected_suds": 20,
              "started_at": 0.0, "ended_at": 100.0},
             {"id": 2, "step_key": "b", "label": "plain", "expected_suds": None,
              "started_at": 100.0, "ended_at": None}]
    suds: list[dict[str, Any]] = [{"step_id": None, "t": 50.0, "value": 40},
                                  {"step_id": None, "t": 150.0, "value": 60},
                                  {"step_id": 1, "t": 90.0, "value": 30}]
    v = visits_from_rows(steps, suds)
    assert v[0].label == {"en": "A", "fr": "Á"} and v[1].label == "plain"
    assert v[0].ratings == (SudsPoint(50.0, 40), SudsPoint(90.0, 30))
    assert v[1].ratings == (SudsPoint(150.0, 60),)
