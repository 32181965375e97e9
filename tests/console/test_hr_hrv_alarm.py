"""Artifact rejection and RMSSD against hand-computed series; the alarm on
scripted series."""

from __future__ import annotations

import math

import pytest

from palier.therapist_console.heart_rate.alarm import (
    AlarmSettings,
    AlarmSettingsError,
    HeartRateAlarm,
    tanaka_max_hr,
)
from palier.therapist_console.heart_rate.hrv import ECTOPIC, RANGE, HrvTracker, rmssd


def test_rmssd_of_a_clean_series() -> None:
    # Differences 10, -20, 10: squares 100, 400, 100; mean 200.
    assert rmssd([800, 810, 790, 800]) == pytest.approx(math.sqrt(200))
    assert rmssd([800]) is None


def test_range_artifacts() -> None:
    hrv = HrvTracker()
    assert [b.artifact for b in hrv.add_all([250, 800, 2100, 300, 2000])] == [
        RANGE,
        None,
        RANGE,
        None,
        None,
    ]


def test_ectopic_beats_and_successive_differences_across_them() -> None:
    hrv = HrvTracker()
    first = [800, 830, 800, 830, 800]  # 4 differences of 30 ms
    ectopic = [560, 1040]  # premature beat, compensatory pause: > 20 % from the median 800
    second = [820, 810, 820, 810, 820, 810, 820]  # 6 differences of 10 ms after the first
    beats = hrv.add_all(first + ectopic + second)
    assert [b.artifact for b in beats] == [None] * 5 + [ECTOPIC, ECTOPIC] + [None] * 7
    assert hrv.rejected == 2
    # (4 x 900 + 6 x 100) / 10 = 420: no difference spans a rejected beat.
    assert hrv.rmssd_ms == pytest.approx(math.sqrt(420))


def test_rmssd_needs_ten_pairs_and_slides_over_sixty_seconds() -> None:
    hrv = HrvTracker()
    hrv.add_all([950, 1050] * 5)  # 9 pairs
    assert hrv.rmssd_ms is None
    hrv.add(950)
    assert hrv.rmssd_ms == pytest.approx(100.0)
    hrv.add_all([1000] * 30)  # 30 s steady: a 50 ms step then zeros
    assert 0 < hrv.rmssd_ms < 100.0  # type: ignore[operator]
    hrv.add_all([1000] * 61)  # the alternating beats have left the window
    assert hrv.rmssd_ms == 0.0


def test_a_gap_breaks_adjacency() -> None:
    hrv = HrvTracker()
    hrv.add_all([800, 820] * 6)
    hrv.reset()
    hrv.add(1000)  # after a gap: no difference with 820, and no old median
    assert hrv.rmssd_ms is None
    assert hrv.add(1000).artifact is None


def test_tanaka_ceiling() -> None:
    assert tanaka_max_hr(40) == pytest.approx(180.0)
    assert AlarmSettings(age_years=40, fraction=0.85).ceiling == 153.0
    assert AlarmSettings(ceiling_bpm=140).ceiling == 140
    with pytest.raises(AlarmSettingsError):
        AlarmSettings(fraction=1.5)
    with pytest.raises(AlarmSettingsError):
        AlarmSettings(age_years=0)


def _script(alarm: HeartRateAlarm, series: list[tuple[float, float]]) -> list[tuple[float, bool]]:
    out = []
    for t, bpm in series:
        change = alarm.feed(t, bpm)
        if change is not None:
            out.append((change.t, change.raised))
    return out


def test_sustained_rule_raises_and_clears() -> None:
    alarm = HeartRateAlarm(AlarmSettings(age_years=40, fraction=0.85, sustain_s=15))  # 153
    series = [(float(t), 140.0) for t in range(0, 10)]
    series += [(float(t), 160.0) for t in range(10, 24)]  # 13 s above: not yet
    series += [(24.0, 150.0)]  # one sample below restarts the count
    series += [(float(t), 160.0) for t in range(25, 45)]  # raises at 25 + 15 = 40
    series += [(float(t), 150.0) for t in range(45, 60)]  # within the hysteresis: stays
    series += [(float(t), 140.0) for t in range(60, 80)]  # clears at 60 + 15 = 75
    assert _script(alarm, series) == [(40.0, True), (75.0, False)]


def test_a_gap_restarts_the_run() -> None:
    alarm = HeartRateAlarm(AlarmSettings(ceiling_bpm=120, sustain_s=10))
    series = [(float(t), 130.0) for t in range(0, 8)]
    series += [(float(t), 130.0) for t in range(20, 29)]  # 12 s gap, then 8 s: no alarm
    assert _script(alarm, series) == []
    alarm.gap()
    assert _script(alarm, [(float(t), 130.0) for t in range(40, 51)]) == [(50.0, True)]


def test_disabled_alarm_never_raises() -> None:
    alarm = HeartRateAlarm(AlarmSettings(ceiling_bpm=100, sustain_s=5, enabled=False))
    assert _script(alarm, [(float(t), 180.0) for t in range(60)]) == []
