"""The client's clock-offset estimate against an engine whose clock is shifted."""

from __future__ import annotations

from tests.fixtures import ClientFactory, EngineFactory, wait_for

SHIFT_S = 1234.5


def test_offset_of_a_shifted_engine(
    engine_factory: EngineFactory, client_factory: ClientFactory
) -> None:
    engine = engine_factory("--clock-shift-s", str(SHIFT_S))
    c = client_factory(engine, role="observe")
    for _ in range(15):
        c.ping()
    wait_for(lambda: c.clock is not None and c.clock.samples >= 15, 5, "15 clock samples")
    clock = c.clock
    assert clock is not None
    # Both processes read the same CLOCK_MONOTONIC, so the true offset is SHIFT_S.
    assert abs(clock.offset_s - SHIFT_S) < 0.003, clock
    assert 0.0 <= clock.spread_s < 0.05 and 0.0 < clock.rtt_s < 0.05
    # Engine times land on our timeline within a few milliseconds.
    state = c.get_state()
    assert abs(c.to_console_time(state.t_engine) - (state.t_engine - SHIFT_S)) < 0.003
