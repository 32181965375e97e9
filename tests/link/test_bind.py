"""An engine link that cannot bind leaves nothing running behind it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import zmq

from palier.engine.link import EngineLink, LinkConfig, LinkError
from tests.fixtures import Keys


class Part:
    """Stands in for the patient UI, mirror and frame statistics."""

    def __init__(self) -> None:
        self.closed = False
        self.enabled = False

    def close(self) -> None:
        self.closed = True


def test_bind_failure_stops_authenticator_and_context(
    link_keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    contexts: list[zmq.Context[Any]] = []

    class RecordingContext(zmq.Context):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            contexts.append(self)

    blocker_ctx = zmq.Context()
    blocker = blocker_ctx.socket(zmq.ROUTER)
    blocker.setsockopt(zmq.LINGER, 0)
    port = blocker.bind_to_random_port("tcp://127.0.0.1")
    try:
        monkeypatch.setattr(zmq, "Context", RecordingContext)
        before = set(threading.enumerate())
        parts = [Part(), Part(), Part()]
        with pytest.raises(LinkError, match="cannot bind"):
            EngineLink(
                object(),  # type: ignore[arg-type]
                LinkConfig(
                    keys_dir=link_keys.engine,
                    bind=f"tcp://127.0.0.1:{port}",
                ),
                patient_ui=parts[0],
                mirror=parts[1],
                framestats=parts[2],
            )
        assert len(contexts) == 1 and contexts[0].closed  # terminated
        left = [t for t in set(threading.enumerate()) - before if t.is_alive()]
        assert not left, left  # the ZAP authenticator thread stopped
        assert parts[0].closed and parts[1].closed
    finally:
        blocker.close(linger=0)
        blocker_ctx.term()
