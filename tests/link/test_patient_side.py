"""The patient's side over a real link (issue 10): the headset SUDS answer,
the patient's own stop with no console, recenter, and the display runtime's
frame figures in ``tel.frame_stats``.

The engine runs in this process (offscreen, real sockets on loopback) so the
test decides when frames happen and can say "on the next frame"; commands are
submitted without waiting and the frames are stepped until they are answered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

import numpy as np
import pytest

from palier.core import wire
from palier.engine.app import Engine
from palier.engine.backends import RuntimeFrameStats
from palier.engine.link import EngineLink, LinkConfig
from palier.engine.patient_ui import CONFIRM_GUARD_S
from palier.scenes import registry
from palier.therapist_console.client import LinkClient
from tests.fixtures import Keys

pytestmark = pytest.mark.offscreen_engine(size=(160, 90))


def step_until(engine: Engine, cond: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        engine.step()
        if cond():
            return
        time.sleep(0.005)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def answered(engine: Engine, fut: Future[Any], what: str) -> Any:
    step_until(engine, fut.done, 10.0, what)
    return fut.result()


def shows_safe_place(engine: Engine) -> bool:
    scene = engine.scene
    return scene is not None and scene.declaration.id == registry.SAFE_PLACE_ID


class Served:
    """An engine link and the consoles connected to it in one test."""

    def __init__(self, engine: Engine, keys: Keys) -> None:
        self.engine = engine
        self.keys = keys
        self.link = EngineLink(engine, LinkConfig(keys_dir=keys.engine, bind="tcp://127.0.0.1:0"))
        self.clients: list[LinkClient] = []
        self.events: list[wire.ClinicalEvent] = []

    def connect(self) -> LinkClient:
        client = LinkClient(self.link.command_endpoint, keys_dir=self.keys.console)
        client.on_event = self.events.append
        self.clients.append(client)
        client.start()
        step_until(self.engine, lambda: client.connected, 20.0, "the console to connect")
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.link.close()
        engine = self.engine
        engine.resume()
        step_until(engine, lambda: not engine.paused and not engine.fader.busy, 10.0, "resumed")


@pytest.fixture
def served(engine: Engine, link_keys: Keys) -> Iterator[Served]:
    s = Served(engine, link_keys)
    try:
        yield s
    finally:
        s.close()


def test_the_headset_answer_is_refused_until_placed_then_reaches_the_console(
    served: Served,
) -> None:
    engine = served.engine
    client = served.connect()
    answered(engine, client.submit(wire.AskSuds, request=7, prompt=None), "ask_suds")
    engine.simulate(CONFIRM_GUARD_S + 0.1)
    # The patient confirms without placing the marker: nothing is sent (the
    # panel used to start at 50 and would have sent 50).
    engine.backend.emit("confirm", 1.0)
    assert served.link.patient_ui.suds_pending == 7 and served.link.patient_ui.reminding
    engine.backend.emit("point", 0.35)
    engine.backend.emit("adjust", 1.0)
    engine.backend.emit("confirm", 1.0)
    step_until(engine, lambda: served.events, 10.0, "the rating event")
    (event,) = served.events
    assert (event.kind, event.request, event.value) == ("suds", 7, 40)
    assert event.t_ref is not None and event.t_ref <= event.t_engine


def test_patient_stop_with_no_console_cuts_on_the_next_frame_and_the_event_waits(
    served: Served,
) -> None:
    engine = served.engine
    assert not engine.paused and not served.link.console_connected
    before = engine.frame
    # The backend sends the stop during a frame (its input stage), as the
    # headset's gesture or the desktop's Backspace would.
    engine.submit(lambda e: e.backend.emit("stop", 1.0))
    engine.step()
    assert engine.frame == before + 1
    assert engine.paused and engine.pause_reason == "patient_stop"
    assert shows_safe_place(engine), "the exposure scene is still shown after the stop"
    assert engine.fader.alpha == 0.0 and not engine.fader.busy  # a cut, no black
    engine.render_frame()
    assert float(np.asarray(engine.capture()).mean()) > 20.0  # the safe place, drawn
    # A console connecting later is given the event from the engine's outbox.
    client = served.connect()
    step_until(engine, lambda: served.events, 10.0, "the stop event")
    (event,) = served.events
    assert event.kind == "stop" and event.frame == before + 1
    st = client.state
    assert st is not None and st.paused and st.pause_reason == "patient_stop"
    assert st.showing == registry.SAFE_PLACE_ID
    # Acknowledged by the control console: the outbox is empty afterwards.

    def outbox_empty() -> bool:
        reply = answered(engine, client.submit(wire.GetEvents), "get_events")
        return not reply.events

    step_until(engine, outbox_empty, 10.0, "the stop event to be acknowledged")


def test_recenter_over_the_link_calls_the_backend_and_records_an_event(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = served.engine
    turned: list[int] = []
    monkeypatch.setattr(engine.backend, "recenter", lambda e: turned.append(e.frame))
    client = served.connect()
    ack = answered(engine, client.submit(wire.Recenter), "recenter")
    assert isinstance(ack, wire.Ack)
    assert turned == [ack.frame]
    step_until(engine, lambda: served.events, 10.0, "the recenter event")
    (event,) = served.events
    assert event.kind == "recenter" and event.frame == ack.frame


class _ReportingBackendStats:
    def __init__(self) -> None:
        self.late = 0

    def __call__(self) -> RuntimeFrameStats:
        self.late += 1
        return RuntimeFrameStats(
            predicted_display_period_ms=11.1, frames_late=self.late, frames_dropped=2
        )


def test_frame_stats_carry_the_runtime_figures_only_when_the_display_reports_them(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = served.engine
    client = served.connect()
    stats: list[wire.FrameStats] = []
    client.on_frame_stats = stats.append
    step_until(engine, lambda: stats, 10.0, "frame statistics")
    plain = stats[-1]
    assert plain.predicted_display_period_ms is None
    assert plain.frames_late is None and plain.frames_dropped is None
    monkeypatch.setattr(engine.backend, "runtime_frame_stats", _ReportingBackendStats())
    count = len(stats)
    step_until(engine, lambda: len(stats) > count, 10.0, "frame statistics with figures")
    reported = stats[-1]
    assert reported.predicted_display_period_ms == pytest.approx(11.1)
    assert reported.frames_late is not None and reported.frames_late >= 1
    assert reported.frames_dropped == 2
    assert client.last_frame_stats is not None
