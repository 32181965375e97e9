"""Many consoles on one engine (issue 9 §2): the peer table never forgets a
control console it hears, a console the engine forgot says hello again by
itself, and no observer can delay the therapist's pause.

The engine runs in this process (the shared offscreen ``engine``) with a real
link on loopback ports: its frames advance only when a test steps them, so
delays are counted in frames, not in seconds of a busy machine.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
import zmq

from palier.core import wire
from palier.engine import link as engine_link
from palier.engine.app import Engine
from palier.engine.link import MAX_PEERS, EngineLink, LinkConfig
from palier.therapist_console.client import LinkClient
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel, Plan, PlanStep
from palier.therapist_console.session.timeline import FORGOTTEN_BACK, FORGOTTEN_LOST
from tests.fixtures import Keys, state, step_until, wait_for

from .rawsock import RawDealer

pytestmark = pytest.mark.offscreen_engine(scene="spiders", size=(320, 180))


@pytest.fixture
def served(engine: Engine, link_keys: Keys) -> Iterator[EngineLink]:
    if engine.paused:
        engine.resume()
    step_until(engine, lambda: not engine.paused and not engine.fader.busy, 20, "exposure shown")
    lk = EngineLink(engine, LinkConfig(keys_dir=link_keys.engine, bind="tcp://127.0.0.1:0"))
    yield lk
    lk.close()


@pytest.fixture
def consoles(link_keys: Keys) -> Iterator[Callable[..., LinkClient]]:
    """Link clients on the in-process engine (started, not waited for: the
    test steps frames until they connect), closed after the test."""
    made: list[LinkClient] = []

    def make(lk: EngineLink, **kwargs: Any) -> LinkClient:
        c = LinkClient(lk.command_endpoint, keys_dir=link_keys.console, **kwargs)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def connect(engine: Engine, client: LinkClient) -> LinkClient:
    client.start()
    step_until(engine, lambda: client.connected, 30, f"{client.role} console connected")
    return client


def applied(engine: Engine, fut: Future[Any]) -> Any:
    """The reply to a submitted frame command, stepping frames until it comes."""
    step_until(engine, fut.done, 20, "the command's reply")
    return fut.result()


def hello(raw: RawDealer, req_id: int = 1) -> wire.Message:
    raw.send_msg(
        wire.Hello(id=req_id, protocol=wire.PROTOCOL_VERSION, client="raw", role="observe")
    )
    return raw.recv_reply(req_id)


def test_a_control_console_outlives_many_short_lived_consoles(
    engine: Engine, served: EngineLink, consoles: Callable[..., LinkClient], link_keys: Keys
) -> None:
    events: list[wire.ClinicalEvent] = []
    control = consoles(served)
    control.on_event = events.append
    connect(engine, control)
    # More short-lived consoles than the table holds, as `palier link probe`
    # run again and again during a session.
    for _ in range(MAX_PEERS + 8):
        raw = RawDealer(served.command_endpoint, link_keys.console)
        try:
            reply = hello(raw)
            # Admitted, or refused while every place is held by a live console.
            assert isinstance(reply, wire.HelloReply) or (
                isinstance(reply, wire.Error) and reply.code == "busy"
            ), reply
        finally:
            raw.close()
        engine.step()
    # Longer than the failsafe window: the control console's heartbeats still count.
    until = time.monotonic() + 2 * served.config.dead_after_s
    step_until(engine, lambda: time.monotonic() > until, 20, "two failsafe windows")
    assert not [e for e in events if e.kind == "failsafe"], events
    assert state(control).console_connected and not state(control).paused
    ack = applied(engine, control.submit(wire.Pause, reason="therapist"))
    assert isinstance(ack, wire.Ack)
    step_until(engine, lambda: state(control).paused, 20, "paused")
    assert control.stats["forgotten"] == 0


def test_a_full_table_refuses_newcomers_then_forgets_the_silent(
    engine: Engine, served: EngineLink, consoles: Callable[..., LinkClient], link_keys: Keys
) -> None:
    control = connect(engine, consoles(served))
    raws = [RawDealer(served.command_endpoint, link_keys.console) for _ in range(MAX_PEERS - 1)]
    newcomer = RawDealer(served.command_endpoint, link_keys.console)
    try:
        for i, raw in enumerate(raws):
            assert isinstance(hello(raw, i + 1), wire.HelloReply)
        for raw in raws:
            raw.send_msg(wire.ConsoleHeartbeat(t=0.0))
        # Every place is held by a console heard within the window: refused.
        reply = hello(newcomer)
        assert isinstance(reply, wire.Error) and reply.code == "busy", reply
        assert f"{MAX_PEERS} consoles" in reply.message
        # The observers fall silent; the control console does not.
        silent_from = time.monotonic()
        step_until(
            engine,
            lambda: time.monotonic() - silent_from > served.config.dead_after_s + 0.2,
            20,
            "the observers silent for a failsafe window",
        )
        observer = connect(engine, consoles(served, role="observe"))
        assert observer.info is not None
        # It took the place of one silent observer, which is told to say hello.
        forgotten = []
        for i, raw in enumerate(raws):
            raw.send_msg(wire.GetEvents(id=100 + i))
            forgotten.append(wire.asks_for_hello(raw.recv_reply(100 + i)))
        assert sum(forgotten) == 1, forgotten
        ack = applied(engine, control.submit(wire.SetMirror, enabled=False))
        assert isinstance(ack, wire.Ack) and control.stats["forgotten"] == 0
    finally:
        for raw in [*raws, newcomer]:
            raw.close()


PLAN = Plan(
    "specific_phobia.spiders",
    (PlanStep("far", {"en": "Far", "fr": "Loin"}, "spiders", {}, 20),),
)


def test_a_forgotten_console_says_hello_again_and_shows_it(
    engine: Engine, served: EngineLink, consoles: Callable[..., LinkClient], tmp_path: Path
) -> None:
    gui: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()

    def run_gui() -> None:
        while not gui.empty():
            gui.get()()

    def pump(cond: Callable[[], object], what: str) -> None:
        def ready() -> object:
            run_gui()  # the GUI thread's share: the model's callbacks
            return cond()

        step_until(engine, ready, 30, what)

    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        model = ConsoleModel(rec, call_soon=gui.put)
        model.patient_plan.create_patient("Forgot-1")
        model.patient_plan.set_plan(PLAN)
        session = model.start_session()
        client = consoles(served)
        model.attach_link(client)
        client.start()
        pump(lambda: model.link.is_up, "link up")

        served.forget_consoles()  # as after the table had lost it
        pump(
            lambda: (
                [r["kind"] for r in rec.rows("link_events", session.id)][-1:] == ["reconnected"]
            ),
            "the console back after saying hello again",
        )
        assert client.stats["forgotten"] == 1 and client.connected
        rows = rec.rows("link_events", session.id)
        assert [r["kind"] for r in rows] == ["up", "lost", "reconnected"]
        assert [r["detail"] for r in rows[1:]] == [FORGOTTEN_LOST.msgid, FORGOTTEN_BACK.msgid]
        line = next(
            e for e in model.timeline.entries if e.kind == "link" and e.name == "reconnected"
        )
        assert "forgotten this console" in line.text("en")
        assert "avait oublié cette console" in line.text("fr")
        # Resynchronised: state, events and commands work again.
        assert client.state is not None and client.state.instance == served.instance
        model.commands.pause()
        pump(lambda: model.link.paused, "paused after the new hello")


def test_an_observer_flood_does_not_delay_the_therapists_pause(
    engine: Engine, served: EngineLink, consoles: Callable[..., LinkClient], link_keys: Keys
) -> None:
    control = connect(engine, consoles(served))
    observer = RawDealer(served.command_endpoint, link_keys.console)
    assert isinstance(hello(observer), wire.HelloReply)
    stop = threading.Event()
    replies = {"busy": 0, "state": 0, "sent": 0}

    def flood() -> None:
        # Valid get_state commands as fast as this thread can send them,
        # never blocking; replies are counted as they come.
        sock = observer.sock
        req_id = 10
        while not stop.is_set() and replies["sent"] < 40_000:
            try:
                sock.send_multipart(wire.encode(wire.GetState(id=req_id)), zmq.NOBLOCK)
                req_id += 1
                replies["sent"] += 1
            except zmq.Again:
                pass
            while True:
                try:
                    msg = wire.decode(sock.recv_multipart(zmq.NOBLOCK))
                except zmq.Again:
                    break
                if isinstance(msg, wire.Error) and msg.code == "busy":
                    replies["busy"] += 1
                elif isinstance(msg, wire.StateReply):
                    replies["state"] += 1

    flooder = threading.Thread(target=flood, name="observer-flood", daemon=True)
    flooder.start()
    try:
        # The observer's queue is full and it is being told so.
        wait_for(lambda: replies["busy"] > 2000, 30, "the flood refused with busy")
        before = served.stats["urgent_received"]
        fut = control.submit(wire.Pause, reason="therapist")
        # No frame is rendered until the engine has the pause: the frame it
        # arrived at is then the current one.
        wait_for(lambda: served.stats["urgent_received"] > before, 10, "the pause received")
        arrived = engine.frame
        ack = applied(engine, fut)
        assert isinstance(ack, wire.Ack)
        assert ack.frame - arrived <= 1, (arrived, ack.frame)
        assert served.stats["urgent_worst_frames"] <= 1
        # The observer is served too, within its bound, while the flood lasts.
        served_before = replies["state"]
        step_until(engine, lambda: replies["state"] > served_before, 20, "observer served")
    finally:
        stop.set()
        flooder.join(timeout=10)
        observer.close()
    assert replies["busy"] > 0 and served.stats["busy"] >= replies["busy"]


def test_a_failing_handler_is_answered_and_the_link_lives_on(
    served: EngineLink, link_keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_lk: EngineLink, _rid: bytes, _msg: wire.GetEvents) -> wire.Message:
        raise RuntimeError("a fault in the engine")

    route = engine_link._Route(engine_link._Stage.IO, broken)
    monkeypatch.setitem(engine_link._ROUTES, wire.GetEvents, route)
    raw = RawDealer(served.command_endpoint, link_keys.console)
    try:
        assert isinstance(hello(raw), wire.HelloReply)
        raw.send_msg(wire.GetEvents(id=2))
        err = raw.recv_reply(2)
        assert isinstance(err, wire.Error) and err.code == "internal", err
        raw.send_msg(wire.Ping(id=3))
        assert isinstance(raw.recv_reply(3), wire.Pong)
    finally:
        raw.close()


def test_the_protocol_states_the_engines_limits() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text("utf-8")
    assert f"a table of at most **{MAX_PEERS}** consoles" in doc
    assert f"A queue holds at most **{engine_link.PEER_QUEUE}** commands" in doc
    assert f"({engine_link.PEER_QUEUE + engine_link.URGENT_HEADROOM})" in doc
    assert f"at most {engine_link.MAX_CMDS_PER_FRAME} in all per frame" in doc
