"""The simulated heart rate is plausible and deterministic."""

from __future__ import annotations

import statistics

from palier.therapist_console.heart_rate import HeartRateSample, HeartRateSource, SimulatedHeartRate


def run(
    level_at: dict[int, float], seconds: int, seed: int = 1, events: tuple[int, ...] = ()
) -> list[HeartRateSample]:
    now = [0.0]
    level = [0.0]
    sim = SimulatedHeartRate(lambda: level[0], clock=lambda: now[0], seed=seed)
    sim.advance_to(0.0)
    out: list[HeartRateSample] = []
    for t in range(1, seconds + 1):
        level[0] = level_at.get(t, level[0])
        if t in events:
            sim.on_event(1.0, t=float(t))
        now[0] = float(t)
        out.extend(sim.advance_to(float(t)))
    return out


def mean_bpm(samples: list[HeartRateSample], lo: float, hi: float) -> float:
    return statistics.fmean(s.bpm for s in samples if lo <= s.t < hi)


def test_rest_rise_and_recovery() -> None:
    samples = run({1: 0.0, 180: 1.0, 420: 0.0}, 720)
    rest = mean_bpm(samples, 60, 180)
    exposed = mean_bpm(samples, 330, 420)
    recovered = mean_bpm(samples, 660, 720)
    assert 62 <= rest <= 78
    assert exposed > rest + 25
    assert recovered < exposed - 15
    assert all(40 <= s.bpm <= 200 for s in samples)


def test_rr_intervals_agree_with_bpm() -> None:
    samples = run({1: 0.5}, 300)
    assert 0.9 * 300 <= len(samples) <= 1.05 * 300
    for s in samples:
        assert s.rr_ms, s
        assert abs(60000 / statistics.fmean(s.rr_ms) - s.bpm) < 0.2
    # Respiratory sinus arrhythmia: beat-to-beat variability is present.
    rr = [x for s in samples for x in s.rr_ms]
    assert statistics.pstdev(rr) > 10


def test_event_spike() -> None:
    quiet = run({1: 0.3}, 200, seed=4)
    spiked = run({1: 0.3}, 200, seed=4, events=(100,))
    assert mean_bpm(spiked, 102, 110) > mean_bpm(quiet, 102, 110) + 8
    assert abs(mean_bpm(spiked, 180, 200) - mean_bpm(quiet, 180, 200)) < 3


def test_seeded_and_polled() -> None:
    assert run({1: 0.2}, 60, seed=9) == run({1: 0.2}, 60, seed=9)
    assert run({1: 0.2}, 60, seed=9) != run({1: 0.2}, 60, seed=10)
    now = [100.0]
    sim = SimulatedHeartRate(clock=lambda: now[0], seed=2)
    assert isinstance(sim, HeartRateSource)
    assert sim.poll() == []
    now[0] = 110.0
    got = sim.poll()
    assert 8 <= len(got) <= 11 and sim.poll() == []


def test_thread_start_stop() -> None:
    import time

    sim = SimulatedHeartRate(seed=1)
    sim.start()
    assert sim.running
    deadline = time.monotonic() + 5
    got: list[HeartRateSample] = []
    while not got and time.monotonic() < deadline:
        time.sleep(0.05)
        got = sim.poll()
    sim.stop()
    assert got and not sim.running
