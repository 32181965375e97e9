"""ERP urges and rituals, PTSD hotspots and the clinical log in SQLite (the
console's summary and report, which read them, are tested in tests/console)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from palier.protocols.clinical_log import ClinicalLog, ClinicalLogError
from palier.protocols.erp import ErpError, Ritual, Urge, summarize, validate_urge
from palier.protocols.progression import Expectancy
from palier.protocols.ptsd import FiredEvent, Hotspot, align_hotspots, cue_counts
from palier.scenes.api import Text
from palier.therapist_console.migrations import migrate


def test_urges_and_rituals() -> None:
    assert validate_urge("40") == 40
    assert validate_urge(" 7 ") == 7
    # The same strict check as SUDS: a typed error, never a bare ValueError from
    # int(), and no superscripts or other scripts' digits.
    for bad in (101, -1, True, 2.5, "lots", "²", "٣", "3²", "-5", "+5", "", float("nan")):
        with pytest.raises(ErpError, match="urge must be"):
            validate_urge(bad)
    with pytest.raises(ErpError, match="describe the ritual"):
        Ritual(1.0, " ", resisted=True)
    with pytest.raises(ErpError):
        Ritual(1.0, "checking", resisted=True, kind="habit")  # type: ignore[arg-type]
    s = summarize(
        [Urge(60, 70), Urge(0, 40), Urge(120, 90), Urge(300, 30)],
        [
            Ritual(50, "washed hands", resisted=True),
            Ritual(80, "washed hands", resisted=False),
            Ritual(90, "wiped phone", resisted=True, kind="safety_behaviour"),
            Ritual(200, "washed hands ", resisted=True),
        ],
    )
    assert (s.urges, s.urge_first, s.urge_peak, s.urge_last) == (4, 40, 90, 30)
    assert (s.resisted, s.performed, s.resisted_fraction) == (3, 1, 0.75)
    hands = next(b for b in s.behaviours if b.what == "washed hands")
    assert (hands.resisted, hands.performed) == (2, 1)
    en, fr = s.lines("en"), s.lines("fr")
    assert en[0] == "Urges to ritualise: 4 rated, first 40, peak 90, last 30 (0-100)."
    assert en[1] == "Rituals and safety behaviours: 3 of 4 resisted (75%)."
    assert "  wiped phone (comportement de sécurité)\u00a0: 1 résisté(s), 0 fait(s)" in fr
    empty = summarize([], [])
    assert empty.resisted_fraction is None and empty.lines("en")[1] == "Rituals: none logged."


def test_hotspots_align_with_the_events_fired() -> None:
    siren = FiredEvent(10.0, "siren", Text(en="Siren", fr="Sirène"))
    events = [FiredEvent(50.0, "horn"), siren, FiredEvent(400.0, "crash")]
    hs = [
        Hotspot(52.0, suds=90, note="froze"),
        Hotspot(14.0, suds=80),
        Hotspot(200.0),
        Hotspot(400.0, suds=95),
    ]
    aligned = align_hotspots(hs, events, window_s=60)
    assert [a.hotspot.t for a in aligned] == [14.0, 52.0, 200.0, 400.0]
    assert [(a.cue.name if a.cue else None, a.lag_s) for a in aligned] == [
        ("siren", 4.0),
        ("horn", 2.0),
        (None, None),
        ("crash", 0.0),
    ]
    assert aligned[0].line("fr") == "00:14 point chaud (SUDS 80), 4 s après «\u00a0Sirène\u00a0»"
    assert aligned[1].line("en") == "00:52 hotspot (SUDS 90), 2 s after 'horn': froze"
    assert aligned[2].line("en", t0=20.0) == "03:00 hotspot, no event just before"
    assert cue_counts(aligned) == {"siren": 1, "horn": 1, "crash": 1}
    assert align_hotspots(hs, events, window_s=1.0)[0].cue is None
    with pytest.raises(ValueError):
        Hotspot(1.0, suds=120)


def test_clinical_log_round_trip(tmp_path: Path) -> None:
    c = sqlite3.connect(tmp_path / "r.sqlite3", isolation_level=None)
    migrate(c)  # the session record's schema, which holds the clinical log
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
