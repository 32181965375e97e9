"""Link loss: the engine fades to the safe place on its own, says so, and no
clinical event is lost or doubled across an outage."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from palier.core import wire
from palier.core.lines import LineReader
from palier.therapist_console.client import LinkClient
from tests.fixtures import REPO, ClientFactory, EngineFactory, EngineProc, Keys, state, wait_for

CONSOLE = Path(__file__).with_name("console_proc.py")


class ConsoleProc:
    """A controlling console in another process (so it can be SIGSTOPped)."""

    def __init__(
        self,
        engine: EngineProc,
        keys_dir: Path,
        *,
        log_name: str = "console.log",
        resume: tuple[str, int] | None = None,
    ) -> None:
        env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
        extra = [f"{resume[0]}:{resume[1]}"] if resume else []
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(CONSOLE),
                engine.endpoint,
                str(keys_dir),
                str(keys_dir.parent / log_name),
                *extra,
            ],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        self.stdout = LineReader(self.proc.stdout, name="console-stdout")
        self.lines: list[dict[str, Any]] = []

    def read(self, until: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            line = self.stdout.next(left)
            if line is None:
                if self.stdout.eof:
                    break
                continue
            obj = json.loads(line)
            self.lines.append(obj)
            if until(obj):
                return obj
        raise AssertionError(f"console never printed the expected line; got {self.lines}")

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def events(self) -> list[dict[str, Any]]:
        """Every event line so far, including those not read yet."""
        while (line := self.stdout.next(0)) is not None:
            self.lines.append(json.loads(line))
        return [x for x in self.lines if "event" in x]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.send("quit")
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def observer(engine: EngineProc, client_factory: ClientFactory) -> tuple[LinkClient, list[Any]]:
    seen: list[Any] = []
    c = client_factory(engine, role="observe")
    c.on_state = seen.append
    return c, seen


def test_console_closed_engine_goes_to_safe_place(
    engine_factory: EngineFactory, client_factory: ClientFactory
) -> None:
    engine = engine_factory()
    obs, _ = observer(engine, client_factory)
    events: list[wire.ClinicalEvent] = []
    obs.on_event = events.append
    console = client_factory(engine, role="control")
    wait_for(lambda: state(obs).console_connected, 5, "engine hears its console")
    assert not state(obs).paused
    console.close()  # stops sending: heartbeats end here
    t_closed = time.monotonic()
    wait_for(lambda: state(obs).showing == "safe_place", 3.0, "safe place")
    st = state(obs)
    assert st.paused and st.pause_reason == "link_lost" and not st.console_connected
    wait_for(lambda: any(e.kind == "failsafe" for e in events), 3, "failsafe event")
    failsafe = next(e for e in events if e.kind == "failsafe")
    assert failsafe.t_ref is not None
    # Same host, same monotonic clock: engine times compare with ours directly.
    assert failsafe.t_ref <= t_closed + 0.01
    assert st.t_engine - failsafe.t_ref <= 2.0  # in the safe place within 2 s of the last word
    # Head tracking goes on while in the safe place.
    frame = obs.last_head.frame if obs.last_head else 0
    wait_for(lambda: obs.last_head is not None and obs.last_head.frame > frame, 10, "head pose")


def test_failsafe_right_after_the_mirror_is_first_turned_on(
    engine_factory: EngineFactory, client_factory: ClientFactory
) -> None:
    """The first mirror frame once froze rendering for about 5 s, so a
    failsafe right after it reached the safe place 5.9 s after the last
    heartbeat. The mirror is prepared at start; the promise holds."""
    engine = engine_factory()
    obs, _ = observer(engine, client_factory)
    console = client_factory(engine, role="control")
    wait_for(lambda: state(obs).console_connected, 5, "engine hears its console")
    assert not state(obs).mirror
    console.set_mirror(True)
    console.close()  # the console goes silent at once, the mirror just on
    t_closed = time.monotonic()
    wait_for(lambda: state(obs).showing == "safe_place", 3.0, "safe place")
    assert time.monotonic() - t_closed < 2.0
    assert state(obs).mirror  # the mirror was on (and stays on) all along


def test_suspended_console_and_events_across_outage(
    engine_factory: EngineFactory, client_factory: ClientFactory, link_keys: Keys
) -> None:
    engine = engine_factory()
    obs, _ = observer(engine, client_factory)
    console = ConsoleProc(engine, link_keys.console)
    try:
        console.read(lambda x: x.get("status") == "connected", 20)
        wait_for(lambda: state(obs).console_connected, 5, "engine hears its console")
        console.send("ask 7")
        console.read(lambda x: "asked" in x or "error" in x, 5)
        engine.send("input stop")  # patient presses stop: event 1, seen live
        console.read(lambda x: x.get("event") == 1, 10)
        obs.resume()
        wait_for(lambda: not state(obs).paused and state(obs).showing != "safe_place", 5, "resume")

        console.proc.send_signal(signal.SIGSTOP)
        t_stop = time.monotonic()
        wait_for(lambda: state(obs).showing == "safe_place", 3.0, "failsafe")
        assert state(obs).pause_reason == "link_lost" and not state(obs).console_connected
        assert state(obs).t_engine - t_stop <= 2.0

        # While the console is frozen the patient acts: these wait in the outbox.
        engine.send("input stop")
        engine.read_until("ok input stop")
        engine.send("input stop")
        engine.read_until("ok input stop")
        wait_for(lambda: obs.stats["events_delivered"] >= 4, 15, "observer sees the events")

        # Thawed, the console finds its TCP connections still up: it reads what
        # queued up, resumes heartbeats and gets the pending events.
        console.proc.send_signal(signal.SIGCONT)
        console.read(lambda x: x.get("event") == 4, 10)
        wait_for(lambda: state(obs).console_connected, 5, "console back")

        # Now a real outage on the console's side: the engine freezes, the
        # console declares the link lost, drops its sockets and reconnects.
        engine.proc.send_signal(signal.SIGSTOP)
        try:
            console.read(lambda x: x.get("status") == "lost", 5)
        finally:
            engine.proc.send_signal(signal.SIGCONT)
        console.read(lambda x: x.get("status") == "connected", 15)
        engine.send("input stop")
        engine.read_until("ok input stop")
        last = console.read(
            lambda x: x.get("event") is not None and x["kind"] == "stop" and x["event"] > 4, 10
        )
        time.sleep(1.5)  # one engine resend period: a duplicate would show up now
        seqs = [x["event"] for x in console.events()]
        assert seqs == list(range(1, last["event"] + 1)), console.events()  # once, in order
        kinds = [x["kind"] for x in console.events()]
        assert kinds[:4] == ["stop", "failsafe", "stop", "stop"]
        # Between them, at most the failsafe of the engine's own freeze.
        assert set(kinds[4:-1]) <= {"failsafe"} and kinds[-1] == "stop"
        assert len({x["instance"] for x in console.events()}) == 1
        # Acknowledged: the engine's outbox is empty now.
        raw_events = obs.call(wire.GetEvents)
        assert raw_events.events == ()
    finally:
        console.close()


def test_killed_console_replaced_with_events_pending(
    engine_factory: EngineFactory, client_factory: ClientFactory, link_keys: Keys
) -> None:
    """The controlling console's process dies (no goodbye, its connections
    gone); the patient acts while nobody records; a new console process with
    the same keys, resuming from what the first one recorded, gets each
    pending event exactly once, in order."""
    engine = engine_factory()
    obs, _ = observer(engine, client_factory)
    seen: list[wire.ClinicalEvent] = []
    obs.on_event = seen.append
    first = ConsoleProc(engine, link_keys.console, log_name="console-first.log")
    try:
        first.read(lambda x: x.get("status") == "connected", 20)
        engine.send("input stop")  # event 1, recorded by the first console
        first.read(lambda x: x.get("event") == 1, 10)
        wait_for(lambda: obs.call(wire.GetEvents).events == (), 5, "event 1 acknowledged")
        first.proc.kill()
        first.proc.wait(timeout=10)
    finally:
        first.close()
    recorded = [x["event"] for x in first.events()]
    assert recorded == [1]

    # Nobody records now: the failsafe (2) and two patient stops (3, 4) wait.
    wait_for(lambda: any(e.kind == "failsafe" for e in seen), 5, "failsafe event")
    for _ in range(2):
        engine.send("input stop")
        engine.read_until("ok input stop")
    wait_for(lambda: len(seen) >= 4, 10, "observer sees the events")
    assert [e.seq for e in seen] == [1, 2, 3, 4]
    assert [e.seq for e in obs.call(wire.GetEvents).events] == [2, 3, 4]

    second = ConsoleProc(
        engine,
        link_keys.console,
        log_name="console-second.log",
        resume=(engine.instance, recorded[-1]),
    )
    try:
        # Pending events are delivered while connecting, before "connected".
        second.read(lambda x: x.get("status") == "connected", 20)
        if not any(x.get("event") == 4 for x in second.events()):
            second.read(lambda x: x.get("event") == 4, 10)
        wait_for(lambda: obs.call(wire.GetEvents).events == (), 5, "outbox empty")
        # Anything re-sent before the acknowledgment has reached the console by
        # the time a later telemetry message has: wait for the next frame statistics.
        stats = obs.last_frame_stats
        first_frame = stats.frame if stats else 0
        wait_for(
            lambda: obs.last_frame_stats is not None and obs.last_frame_stats.frame > first_frame,
            5,
            "frame statistics",
        )
        engine.send("input stop")  # one more, live: event 5
        second.read(lambda x: x.get("event") == 5, 10)
        events = second.events()
        assert [x["event"] for x in events] == [2, 3, 4, 5], events  # once each, in order
        assert [x["kind"] for x in events] == ["failsafe", "stop", "stop", "stop"]
        assert {x["instance"] for x in events} == {engine.instance}
    finally:
        second.close()


def test_console_shows_lost_soon_after_engine_silence(
    engine_factory: EngineFactory, client_factory: ClientFactory
) -> None:
    engine = engine_factory()
    client = client_factory(engine, role="observe")
    assert client.info is not None
    dead_after = client.info.dead_after_s
    engine.proc.send_signal(signal.SIGSTOP)
    t_stop = time.monotonic()
    try:
        wait_for(lambda: client.status.state.value == "lost", 3.0, "link shown lost")
    finally:
        engine.proc.send_signal(signal.SIGCONT)
    # Lost dead_after_s (1 s) after the last message, which came at most a
    # heartbeat period (0.25 s) before the engine froze (head poses come far
    # more often); a generous upper bound for a loaded machine.
    took = client.status.at - t_stop
    assert dead_after - 0.3 <= took < 2.0, took
    assert "nothing heard" in client.status.detail
    assert client.wait_connected(15), client.status  # and it comes back by itself
