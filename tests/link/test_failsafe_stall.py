"""The failsafe does not depend on a short frame: when the frame loop was
stuck while the console went silent, the first frame after the stall shows
the safe place, with no exposure frame in between.

The engine runs in this process so the test decides when frames happen: it
stops stepping (a stuck loop) while the console is closed, then steps once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest

from palier.core import wire
from palier.engine.app import Engine
from palier.engine.link import EngineLink, LinkConfig
from palier.scenes import registry
from palier.therapist_console.client import LinkClient
from tests.fixtures import Keys, step_until

pytestmark = pytest.mark.offscreen_engine(size=(160, 90))


@pytest.fixture
def served(engine: Engine, link_keys: Keys) -> Iterator[tuple[Engine, LinkClient]]:
    link = EngineLink(engine, LinkConfig(keys_dir=link_keys.engine, bind="tcp://127.0.0.1:0"))
    client = LinkClient(link.command_endpoint, keys_dir=link_keys.console, role="control")
    client.start()
    try:
        step_until(engine, lambda: client.connected, 20.0, "the console to connect")
        step_until(engine, lambda: link.console_connected, 10.0, "the engine to hear it")
        yield engine, client
    finally:
        client.close()
        link.close()
        if engine.paused:
            engine.resume()
        for _ in range(200):
            if not engine.paused:
                break
            engine.step()


def shows_safe_place(engine: Engine) -> bool:
    scene = engine.scene
    return scene is not None and scene.declaration.id == registry.SAFE_PLACE_ID


def test_first_frame_after_a_stuck_loop_shows_the_safe_place(
    served: tuple[Engine, LinkClient],
) -> None:
    engine, client = served
    assert not engine.paused
    client.close()  # heartbeats end here
    time.sleep(wire.DEAD_AFTER_S + 1.0)  # the frame loop is stuck: no frame runs
    engine.step()
    assert engine.paused and engine.pause_reason == "link_lost"
    assert shows_safe_place(engine), "an exposure frame came after the stall"
    assert engine.fader.alpha == 0.0  # shown, not behind a black card
    image = engine.capture()
    assert float(np.asarray(image).mean()) > 20.0  # the safe place is drawn, not black


def test_stall_during_the_failsafe_fade_ends_it_at_once(
    served: tuple[Engine, LinkClient],
) -> None:
    engine, client = served
    client.close()
    # Frames run until the failsafe starts its fade-out...
    step_until(engine, lambda: engine.fading_to_safe_place, 10.0, "the failsafe fade")
    assert not shows_safe_place(engine)
    # ...then the loop sticks for longer than the fade.
    time.sleep(1.0)
    engine.step()
    assert shows_safe_place(engine) and engine.fader.alpha == 0.0


def test_timely_failsafe_still_fades(served: tuple[Engine, LinkClient]) -> None:
    """Frames running normally: the usual fade to black, then the safe place."""
    engine, client = served
    client.close()
    step_until(engine, lambda: engine.fading_to_safe_place, 10.0, "the failsafe fade")
    assert 0.0 <= engine.fader.alpha < 1.0 and not shows_safe_place(engine)
