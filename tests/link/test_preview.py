"""``cmd.preview`` on 127.0.0.1: a picture of a scene at a setting, rendered by
the engine's preview process while the patient's scene is untouched."""

from __future__ import annotations

import numpy as np
import pytest
from panda3d.core import PNMImage, StringStream

from palier.core import wire
from palier.therapist_console.client import CommandError
from tests.fixtures import ClientFactory, EngineFactory, state, wait_for


def _picture(reply: wire.PreviewReply) -> np.ndarray:
    assert reply.jpeg[:2] == b"\xff\xd8", "a JPEG"
    img = PNMImage()
    assert img.read(StringStream(reply.jpeg), "preview.jpg")
    assert (img.getXSize(), img.getYSize()) == (reply.width, reply.height)
    return (
        np.array(
            [[img.getXel(x, y) for x in range(img.getXSize())] for y in range(img.getYSize())],
            dtype=np.float32,
        )
        * 255.0
    )


@pytest.mark.timeout(600)
def test_preview_round_trip_leaves_the_patient_scene_alone(
    engine_factory: EngineFactory, client_factory: ClientFactory
) -> None:
    eng = engine_factory()
    # A loaded test machine renders the engine and its preview process on the
    # same cores in software: the first picture can take a minute.
    c = client_factory(eng, preview_timeout_s=180.0)
    c.load_scene("safe_place")
    wait_for(lambda: c.state is not None and state(c).showing == "safe_place", 15, "safe place")
    wait_for(lambda: c.last_frame_stats is not None, 10, "frame stats")
    assert c.last_frame_stats is not None
    frame_before = c.last_frame_stats.frame

    far = c.preview("spiders", {"location": "floor", "distance": 3.0, "count": 1}, 320, 180)
    near = c.preview("spiders", {"location": "table", "distance": 0.3, "count": 6}, 320, 180)
    # A smaller picture of the same shape: the prepared buffer's, scaled down.
    small = c.preview("spiders", {"location": "table", "distance": 0.3, "count": 6}, 160, 90)
    assert (small.width, small.height) == (160, 90) and _picture(small).std() > 1.0
    assert (far.scene, far.width, far.height) == ("spiders", 320, 180) and far.id != near.id
    a, b = _picture(far), _picture(near)
    assert a.std() > 1.0 and b.std() > 1.0, "a picture with something in it"
    # A different setting, a different picture.
    assert float(np.abs(a - b).mean()) > 2.0
    # The patient still sees the safe place, and frames kept coming meanwhile.
    assert state(c).showing == "safe_place"
    wait_for(
        lambda: c.last_frame_stats is not None and c.last_frame_stats.frame > frame_before,
        30,
        "the patient's frames going on",
    )

    with pytest.raises(CommandError) as bad:
        c.preview("spiders", {"distance": 99.0}, 160, 90)
    assert bad.value.code == "bad_value"
    with pytest.raises(CommandError) as unknown:
        c.preview("no_such_scene", {}, 160, 90)
    assert unknown.value.code == "unknown_scene"
