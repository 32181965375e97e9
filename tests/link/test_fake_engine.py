"""The client against a fake engine (a raw CURVE ROUTER on loopback): one of
another protocol version (docs/protocol.md §11), one that announces its own
heartbeat period."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import msgpack
import pytest
import zmq

from palier.core import keys, wire
from palier.therapist_console.client import LinkClient, LinkState
from tests.fixtures import Keys, wait_for

from .test_security import probe

FUTURE = wire.PROTOCOL_VERSION + 1


def future_hello(data: dict[str, object]) -> list[bytes]:
    """A ``rep.hello`` of protocol ``FUTURE`` (with a field this version does
    not know, as a later one might have)."""
    reply = {
        "v": FUTURE,
        "id": data["id"],
        "protocol": FUTURE,
        "engine": "palier-engine 9",
        "features": ["teleport"],
    }
    return [b"rep.hello", msgpack.packb(reply)]


class FakeEngine:
    """Answers each ``cmd.hello`` with ``answer(payload)``; notes when console
    heartbeats arrive."""

    def __init__(self, keys_dir: Path, answer: Callable[[dict[str, object]], list[bytes]]) -> None:
        own = keys.load_own(keys_dir)
        self.answer = answer
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.ROUTER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.setsockopt(zmq.CURVE_SERVER, 1)
        self.sock.setsockopt(zmq.CURVE_PUBLICKEY, own.public)
        self.sock.setsockopt(zmq.CURVE_SECRETKEY, own.secret)
        port = self.sock.bind_to_random_port("tcp://127.0.0.1")
        self.endpoint = f"tcp://127.0.0.1:{port}"
        self.hellos = 0
        self.heartbeats: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            if not self.sock.poll(20):
                continue
            rid, subject, payload = self.sock.recv_multipart()
            if subject == b"hb.console":
                self.heartbeats.append(time.monotonic())
            elif subject == b"cmd.hello":
                self.hellos += 1
                self.sock.send_multipart([rid, *self.answer(msgpack.unpackb(payload))])

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close(linger=0)
        self.ctx.term()


@pytest.fixture
def future_engine(link_keys: Keys) -> Iterator[FakeEngine]:
    e = FakeEngine(link_keys.engine, future_hello)
    yield e
    e.close()


def test_client_reports_incompatible_naming_both_versions(
    future_engine: FakeEngine, link_keys: Keys
) -> None:
    client = LinkClient(future_engine.endpoint, keys_dir=link_keys.console, role="observe")
    seen: list[LinkState] = []
    client.on_status = lambda s: seen.append(s.state)
    with client:
        wait_for(lambda: client.status.state is LinkState.INCOMPATIBLE, 10, "incompatible")
        detail = client.status.detail
        assert f"protocol {FUTURE}" in detail
        assert f"console protocol {wire.PROTOCOL_VERSION}" in detail
        hellos = future_engine.hellos
        # It stays incompatible and does not keep knocking (no retry can help):
        # without the fix the hello is retried and the status cycles.
        assert not client.wait_connected(1.5)
        assert client.status.state is LinkState.INCOMPATIBLE
        assert future_engine.hellos == hellos
        assert client.info is None
    assert LinkState.LOST not in seen


def test_probe_exits_incompatible(future_engine: FakeEngine, link_keys: Keys) -> None:
    done = probe(future_engine.endpoint, link_keys.console, "--timeout", "5")
    assert done.returncode == 5, (done.returncode, done.stderr)
    assert "incompatible" in done.stderr and f"protocol {FUTURE}" in done.stderr


def test_client_heartbeats_at_the_announced_period(link_keys: Keys) -> None:
    def hello(data: dict[str, object]) -> list[bytes]:
        return wire.encode(
            wire.HelloReply(
                id=int(data["id"]),  # type: ignore[call-overload]
                frame=1,
                t_engine=1.0,
                protocol=wire.PROTOCOL_VERSION,
                engine="fake",
                host="here",
                instance="f" * 16,
                backend="none",
                language="en",
                telemetry_port=1,
                heartbeat_s=0.1,
                dead_after_s=5.0,
                events_acked=0,
                catalogue=(),
            )
        )

    engine = FakeEngine(link_keys.engine, hello)
    try:
        with LinkClient(engine.endpoint, keys_dir=link_keys.console, role="observe"):
            wait_for(lambda: len(engine.heartbeats) >= 11, 5, "ten heartbeat periods")
        gaps = sorted(b - a for a, b in itertools.pairwise(engine.heartbeats))
        median = gaps[len(gaps) // 2]
        # The engine asked for 0.1 s (the default would be wire.HEARTBEAT_S, 0.25 s).
        assert 0.07 < median < 0.16, gaps
    finally:
        engine.close()
