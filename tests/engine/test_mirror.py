"""The mirror: real offscreen rendering, real JPEG encoding on the encoder
thread, frames dropped (not queued) while the encoder is busy."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from panda3d.core import PNMImage, StringStream

from palier.engine.app import Engine
from palier.engine.mirror import READBACKS, MirrorError, MirrorStreamer
from tests import fixtures

SIZE = (320, 180)
DEADLINE_S = 20.0


pytestmark = pytest.mark.offscreen_engine(
    scene="spiders", size=SIZE, multisamples=0, params={"activity": "still"}
)


@pytest.fixture(scope="module", autouse=True)
def _facing_the_wall(engine: Engine) -> None:
    engine.head.setHpr(180, 0, 0)  # the room without the spider: a still picture


@pytest.fixture
def mirror(engine: Engine) -> Iterator[MirrorStreamer]:
    m = MirrorStreamer(engine, fps=15.0, size=SIZE, quality=80)
    yield m
    m.close()


class Frames:
    """Collects frames on the encoder thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: list[tuple[bytes, int, float]] = []
        self.threads: set[str] = set()

    def __call__(self, jpeg: bytes, frame: int, t: float) -> None:
        with self.lock:
            self.items.append((jpeg, frame, t))
            self.threads.add(threading.current_thread().name)

    def count(self) -> int:
        with self.lock:
            return len(self.items)


def step_until(engine: Engine, done: Callable[[], bool]) -> None:
    fixtures.step_until(engine, done, DEADLINE_S, "mirror frames")


def decode(jpeg: bytes) -> PNMImage:
    img = PNMImage()
    assert img.read(StringStream(jpeg), "frame.jpg"), "not a readable JPEG"
    return img


@pytest.mark.parametrize("readback", READBACKS)
def test_frames_are_valid_jpegs_of_the_patient_view(engine: Engine, readback: str) -> None:
    mirror = MirrorStreamer(engine, fps=15.0, size=SIZE, quality=80, readback=readback)
    try:
        _check_frames(engine, mirror)
    finally:
        mirror.close()


def _check_frames(engine: Engine, mirror: MirrorStreamer) -> None:
    frames = Frames()
    mirror.on_frame = frames
    step_until(engine, lambda: frames.count() >= 3)
    assert frames.threads == {"palier-mirror"}  # never on the render thread
    for jpeg, frame, t in frames.items:
        assert jpeg[:2] == b"\xff\xd8" and jpeg[-2:] == b"\xff\xd9"
        img = decode(jpeg)
        assert (img.getXSize(), img.getYSize()) == mirror.size == SIZE
        # Simulated clock: the scene time is the captured frame's.
        assert t == pytest.approx(frame * engine.config.sim_dt)
    # Same view as the window: compare the last mirror frame with a capture
    # of the (unchanging) view.
    mirror.on_frame = None
    engine.render_frame()
    window = engine.capture().astype(np.float64)
    img = decode(frames.items[-1][0])
    w, h = SIZE
    pixels = np.array([[img.getXel(x, y) for x in range(0, w, 4)] for y in range(0, h, 4)])
    assert np.abs(pixels * 255.0 - window[::4, ::4]).mean() < 8.0


def test_rate_is_capped_on_the_engine_clock(engine: Engine, mirror: MirrorStreamer) -> None:
    frames = Frames()
    mirror.on_frame = frames
    step_until(engine, lambda: frames.count() >= 6)
    times = [t for _j, _f, t in frames.items]
    gaps = np.diff(times)
    dt = engine.config.sim_dt
    assert gaps.min() >= mirror.period - 0.5 * dt - 1e-9
    span = times[-1] - times[0]
    assert len(times) - 1 <= mirror.fps * span + 1e-6


def test_busy_encoder_drops_frames_instead_of_queueing(
    engine: Engine, mirror: MirrorStreamer
) -> None:
    release = threading.Event()
    frames = Frames()

    def slow(jpeg: bytes, frame: int, t: float) -> None:
        frames(jpeg, frame, t)
        if frames.count() == 1:
            release.wait(DEADLINE_S)

    mirror.on_frame = slow
    try:
        step_until(engine, lambda: frames.count() >= 1)
        first_frame = frames.items[0][1]
        for _ in range(60):  # 0.67 s of engine time with the encoder stuck
            engine.step()
        assert mirror.busy
        assert mirror.frames_skipped >= 8  # ~10 due frames at 15 fps
        assert frames.count() == 1
        last_stuck = engine.frame
    finally:
        release.set()
    step_until(engine, lambda: frames.count() >= 2)
    # The next frame was captured after the encoder freed up: nothing from
    # the stuck time was kept.
    assert frames.items[1][1] > last_stuck > first_frame


def test_disabled_mirror_renders_nothing(engine: Engine, mirror: MirrorStreamer) -> None:
    frames = Frames()
    mirror.on_frame = frames
    mirror.enabled = False
    for _ in range(30):
        engine.step()
    assert not mirror.buffer.isActive()
    time.sleep(0.05)
    assert frames.count() == 0
    mirror.enabled = True
    step_until(engine, lambda: frames.count() >= 1)


def test_without_a_listener_nothing_is_captured(engine: Engine, mirror: MirrorStreamer) -> None:
    for _ in range(20):
        engine.step()
    assert not mirror.buffer.isActive()
    assert mirror.frames_sent == 0


def test_close_joins_the_thread_and_removes_the_buffer(engine: Engine) -> None:
    ge = engine.base.graphicsEngine
    windows = ge.getNumWindows()
    observers = list(engine.frame_observers)
    m = MirrorStreamer(engine)
    # Its buffer, and the warm-up's buffer like it (engine.warmup).
    assert ge.getNumWindows() == windows + 2
    frames = Frames()
    m.on_frame = frames
    step_until(engine, lambda: frames.count() >= 1)
    thread = m._thread
    m.close()
    m.close()  # idempotent
    assert not thread.is_alive()
    assert ge.getNumWindows() == windows
    assert engine.frame_observers == observers
    engine.step()  # the engine runs on without it


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fps": 0}, "fps"),
        ({"fps": float("nan")}, "fps"),
        ({"size": (8, 8)}, "16..4096"),
        ({"size": "big"}, "width, height"),
        ({"quality": 0}, "quality"),
        ({"quality": 70.5}, "quality"),
        ({"readback": "sometimes"}, "readback"),
    ],
)
def test_bad_settings_are_refused(engine: Engine, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(MirrorError, match=match):
        MirrorStreamer(engine, **kwargs)  # type: ignore[arg-type]


def test_height_follows_the_view_aspect(engine: Engine) -> None:
    m = MirrorStreamer(engine, size=(640, 640))
    try:
        assert m.size == (640, 360)
    finally:
        m.close()
