"""An offscreen engine ends each frame drawn: no frames pile up in the driver.

Nothing paces an offscreen buffer (no vsync, no headset runtime), and Mesa's
llvmpipe queued frame after frame of the safe place: resident memory grew by
about 20 MB a frame at 640x360 (to 2.5 GB), and the next read-back (the
mirror, a screenshot) waited seconds for the queue to drain. Measured on the
process's resident memory, which does not depend on the machine's speed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from palier.engine.app import Engine
from palier.scenes import registry

STATUS = Path("/proc/self/status")


def resident_mb() -> float:
    for line in STATUS.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise AssertionError("no VmRSS in /proc/self/status")


pytestmark = pytest.mark.offscreen_engine(scene="spiders", size=(640, 360))


@pytest.mark.skipif(not STATUS.exists(), reason="reads /proc/self/status (Linux)")
def test_safe_place_frames_do_not_pile_up_in_the_driver(engine: Engine) -> None:
    engine.pause()
    for _ in range(45):  # fade out, swap, fade in
        engine.step()
    assert engine.scene is not None
    assert engine.scene.declaration.id == registry.SAFE_PLACE_ID
    before = resident_mb()
    for _ in range(30):
        engine.step()
    growth = resident_mb() - before
    assert growth < 150.0, f"resident memory grew {growth:.0f} MiB over 30 frames"
