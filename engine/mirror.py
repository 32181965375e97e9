"""The therapist's view of what the patient sees, as a stream of JPEG frames.

How a frame is made (chosen by measurement, see ``bench/mirror_cost.py``):

1. When a frame is due (at most ``fps`` a second on the engine clock) and the
   encoder is idle, the telemetry stage turns on a small offscreen buffer
   (``size``, ~640x360) whose display region shares the main camera. It
   renders in that frame's ``igLoop``, before the main view, with the same
   scene state, so it shows exactly what the patient sees: the scene, the
   fade card and the patient's panels.
2. Read-back, two ways (``readback``):

   * ``"copy"`` (default): the texture is copied to RAM right after the
     buffer is drawn (``RTMCopyRam``).
   * ``"deferred"``: the image stays on the GPU and is read back in the next
     frame's telemetry stage (``extractTextureData``), after the GPU had a
     frame to finish it. On a real GPU this may avoid a mid-frame stall; on
     Mesa's llvmpipe it measured slower (``bench/mirror_cost.py`` prints
     both), so it is an option to measure on the headset PC, not the default.

3. In the next telemetry stage the buffer is turned off again and the RAM
   image (a reference, not a copy) goes to the **encoder thread** through a
   single slot. Nothing queues: while the encoder is busy, no mirror frame is
   rendered at all, so a slow encoder costs the render thread nothing.
4. The encoder converts the image and writes the JPEG with Panda3D's
   ``PNMImage`` (both calls release the GIL), then calls
   ``on_frame(jpeg, frame, t)`` **on the encoder thread** with the engine
   frame number and scene time of the captured frame.

In headset mode (the openxr backend) the patient's image already exists:
each eye is drawn into a texture before it is copied to the headset. The
mirror's buffer then draws no scene at all but a scaled copy of the left
eye's texture (``DisplayBackend.mirror_source``, ``engine.texview``): a GPU
downscale of exactly what the patient's left eye sees, with no third drawing
of the scene (``bench/mirror_cost.py`` measures both).

Reading back the whole main framebuffer (``win.getScreenshot()``) instead
was measured too: it copies a full-size image on the render thread on every
mirror frame; the small second view costs a cull-and-draw of the scene at a
quarter of the pixels and a small read-back.

JPEG quality is Panda3D's process-wide ``jpeg-quality`` setting; the
streamer sets it once.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from panda3d.core import (
    ClockObject,
    ConfigVariableInt,
    FrameBufferProperties,
    PNMImage,
    StringStream,
    Texture,
)

from palier.engine.app import Engine
from palier.engine.texview import TextureView

log = logging.getLogger(__name__)

FrameCallback = Callable[[bytes, int, float], None]
READBACKS = ("copy", "deferred")


class MirrorError(ValueError):
    """Bad mirror settings (rate, size, quality)."""


def _check(
    fps: float, size: tuple[int, int], quality: int, readback: str
) -> tuple[float, int, int, int]:
    if readback not in READBACKS:
        raise MirrorError(
            f"mirror readback must be one of {', '.join(READBACKS)}, got {readback!r}"
        )
    if not (isinstance(fps, int | float) and math.isfinite(fps) and 0 < fps <= 120):
        raise MirrorError(f"mirror fps must be a number in (0, 120], got {fps!r}")
    try:
        w, h = (int(size[0]), int(size[1]))
    except (TypeError, ValueError, IndexError):
        raise MirrorError(f"mirror size must be (width, height) in pixels, got {size!r}") from None
    if not (16 <= w <= 4096 and 16 <= h <= 4096):
        raise MirrorError(f"mirror size must be 16..4096 pixels each way, got {w}x{h}")
    if isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 100:
        raise MirrorError(f"JPEG quality must be a whole number 1..100, got {quality!r}")
    return float(fps), w, h, quality


class MirrorStreamer:
    """Patient's view as JPEG at up to ``fps`` frames a second.

    ``enabled`` turns capture on and off (off: no buffer renders, the
    per-frame cost is one attribute test). ``on_frame`` receives
    ``(jpeg_bytes, engine_frame, scene_time)`` on the encoder thread.
    """

    def __init__(
        self,
        engine: Engine,
        fps: float = 15.0,
        size: tuple[int, int] = (640, 360),
        quality: int = 70,
        readback: str = "copy",
        source: Texture | None = None,
    ) -> None:
        """``source``: a texture to copy instead of drawing the scene again
        (default: the backend's ``mirror_source()``, the left eye in a headset)."""
        self.engine = engine
        self.fps, w, h, self.quality = _check(fps, size, quality, readback)
        self.readback = readback
        self._deferred = readback == "deferred"
        self.period = 1.0 / self.fps
        base = engine.base
        win = base.win
        # The eye's image in headset mode; else a second view of the main camera.
        if source is None:
            source = engine.backend.mirror_source()
        self._view = TextureView(source, "palier-mirror-source") if source is not None else None
        # Keep the source's aspect (the shared camera's lens, or the eye
        # image): the width is honoured, the height follows (even, for JPEG chroma).
        if source is not None:
            ww, wh = source.getXSize(), source.getYSize()
        else:
            ww, wh = win.getXSize(), win.getYSize()
        if ww > 0 and wh > 0 and abs(w / h - ww / wh) > 0.01:
            h = max(16, round(w * wh / ww / 2) * 2)
        self.size = (w, h)
        self.on_frame: FrameCallback | None = None
        self.frames_captured = 0
        """Frames rendered and read back (handed to the encoder)."""
        self.frames_sent = 0
        self.frames_skipped = 0
        """Due frames not rendered because the encoder was still busy."""
        self.encode_s: list[float] = []
        """Encoder seconds per frame, the last 64."""
        self._enabled = True
        self._closed = False
        ConfigVariableInt("jpeg-quality").setValue(self.quality)

        self.texture = Texture("palier-mirror")
        fbp = FrameBufferProperties()
        fbp.setRgbColor(True)
        fbp.setRgbaBits(8, 8, 8, 8)  # 4-byte pixels: the drivers' fast read-back path
        fbp.setDepthBits(24)
        buffer = win.makeTextureBuffer("palier-mirror", w, h, self.texture, not self._deferred, fbp)
        if buffer is None:
            raise MirrorError(
                f"could not create a {w}x{h} offscreen buffer for the mirror view "
                "(the graphics driver refused it); run without the mirror"
            )
        self.buffer: Any = buffer
        buffer.setClearColor(win.getClearColor())
        buffer.setClearColorActive(True)
        self._region = buffer.makeDisplayRegion()
        self._region.setCamera(self._view.camera if self._view is not None else base.cam)
        buffer.setActive(False)

        # Render-thread state. Panda's global clock counts rendered frames
        # (engine.simulate advances the stages without rendering).
        self._gclock = ClockObject.getGlobalClock()
        self._gsg = win.getGsg()
        self._armed: tuple[int, float] | None = None
        self._armed_render = 0
        self._next_due = -math.inf

        # Single-slot handoff to the encoder.
        self._cond = threading.Condition()
        self._slot: tuple[Any, int, float] | None = None
        self._busy = False  # a frame is in the slot or being encoded
        self._stop = False
        self._thread = threading.Thread(target=self._encode_loop, name="palier-mirror", daemon=True)
        self._thread.start()
        engine.frame_observers.append(self._on_frame)
        # Draw everything once into a buffer like this one, unseen, so the
        # first mirrored frame is not the first draw into this kind of buffer.
        self._warm_target = engine.warm.add_target(fbp)
        engine.warm_up()

    # -- control ------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        value = bool(value)
        if value and not self._enabled:
            self._next_due = -math.inf  # first frame at once
        self._enabled = value
        if not value and self._armed is not None and not self._closed:
            self._armed = None
            self.buffer.setActive(False)

    @property
    def busy(self) -> bool:
        return self._busy

    # -- render thread --------------------------------------------------------------
    def _on_frame(self, engine: Engine) -> None:
        if self._armed is not None:
            if self._gclock.getFrameCount() != self._armed_render:
                frame, t = self._armed
                self._armed = None
                self.buffer.setActive(False)
                if self._deferred:
                    engine.base.graphicsEngine.extractTextureData(self.texture, self._gsg)
                if self.texture.hasRamImage():
                    self.frames_captured += 1
                    self._hand_off(self.texture.getRamImage(), frame, t)
                else:
                    log.warning("mirror: the GPU returned no image for frame %d", frame)
            else:
                # Nothing was drawn since arming (engine.simulate runs the
                # stages only): the buffer will show this frame's state.
                self._armed = (engine.frame, engine.time)
                return
        if not self._enabled or self.on_frame is None:
            return
        now = engine.time
        # Half a frame of slack so 90 Hz / 15 fps lands on every 6th frame
        # despite float rounding.
        if now < self._next_due - 0.5 * engine.clock.dt:
            return
        self._next_due = (
            self._next_due + self.period
            if now - self._next_due < self.period
            else now + self.period
        )
        if self._busy:  # this frame is dropped, not queued
            self.frames_skipped += 1
            return
        self._armed = (engine.frame, now)
        self._armed_render = self._gclock.getFrameCount()
        self.buffer.setActive(True)

    def _hand_off(self, ram: Any, frame: int, t: float) -> None:
        with self._cond:
            self._slot = (ram, frame, t)
            self._busy = True
            self._cond.notify()

    # -- encoder thread -------------------------------------------------------------------
    def _encode_loop(self) -> None:
        w, h = self.size
        work = Texture("palier-mirror-encode")
        work.setup2dTexture(w, h, Texture.T_unsigned_byte, self.texture.getFormat())
        image = PNMImage()
        while True:
            with self._cond:
                while self._slot is None and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                assert self._slot is not None
                ram, frame, t = self._slot
                self._slot = None
            try:
                start = time.perf_counter()
                jpeg = self.encode(work, ram, image)
                self.encode_s = [*self.encode_s[-63:], time.perf_counter() - start]
                callback = self.on_frame
                if callback is not None and self._enabled:
                    callback(jpeg, frame, t)
                    self.frames_sent += 1
            except Exception:
                log.exception("mirror: encoding or delivering frame %d failed", frame)
            finally:
                work.clearRamImage()  # drop our reference to the captured array
                del ram
                with self._cond:
                    self._busy = False

    def encode(self, work: Texture, ram: Any, image: PNMImage) -> bytes:
        """BGRA bottom-up RAM image -> JPEG bytes (GIL released in the
        conversion and the compression)."""
        if work.getFormat() != self.texture.getFormat():
            work.setup2dTexture(
                self.size[0], self.size[1], Texture.T_unsigned_byte, self.texture.getFormat()
            )
        work.setRamImage(ram)  # shares the array: no copy
        work.store(image)
        if image.hasAlpha():
            image.removeAlpha()
        out = StringStream()
        if not image.write(out, "mirror.jpg"):
            raise MirrorError("Panda3D could not write a JPEG (is its JPEG support built in?)")
        return bytes(out.getData())

    # -- shutdown ----------------------------------------------------------------------------
    def close(self) -> None:
        """Stop the encoder (joined), remove the buffer and the observer."""
        if self._closed:
            return
        self._closed = True
        self._enabled = False
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(timeout=5.0)
        if self._thread.is_alive():
            log.error("mirror: the encoder thread did not stop within 5 s")
        if self._on_frame in self.engine.frame_observers:
            self.engine.frame_observers.remove(self._on_frame)
        self._region = None
        if self._view is not None:
            self._view.destroy()
            self._view = None
        try:
            self.engine.warm.remove_target(self._warm_target)
            self.buffer.clearRenderTextures()
            self.engine.base.graphicsEngine.removeWindow(self.buffer)
        except Exception:  # the engine may already be torn down
            log.debug("mirror: buffer already gone", exc_info=True)
        self.buffer = None


def mirror_frame_cost(
    engine: Engine, mirror: MirrorStreamer, *, frames: int = 360, block: int = 36
) -> dict[str, float]:
    """Cost of the mirror per frame, for benchmarks (runs ``engine.step``).

    Alternating blocks of ``block`` frames with the mirror off and on, in one
    run (drift cancels). Each block is timed from a drained GPU to a drained
    GPU (``engine.capture()`` waits for all queued drawing), because GPUs and
    Mesa's llvmpipe queue frames: an undrained frame time leaves out the
    drawing, and the mirror's read-back would then look like it costs all of
    it. The drain costs the same in both arms.

    Returns ms per frame off and on, the extra per frame and per mirror
    frame, and how many mirror frames were sent.
    """
    saved_enabled, saved_cb = mirror.enabled, mirror.on_frame
    sent = 0
    lock = threading.Lock()

    def count(_jpeg: bytes, _frame: int, _t: float) -> None:
        nonlocal sent
        with lock:
            sent += 1

    totals = {False: 0.0, True: 0.0}
    counts = {False: 0, True: 0}
    captured = 0
    mirror.on_frame = count
    try:
        for i in range(max(2, frames // block)):
            on = i % 2 == 1
            mirror.enabled = on
            engine.capture()
            before = mirror.frames_captured
            start = time.perf_counter()
            for _ in range(block):
                engine.step()
            engine.capture()
            totals[on] += time.perf_counter() - start
            counts[on] += block
            captured += mirror.frames_captured - before
    finally:
        mirror.enabled, mirror.on_frame = saved_enabled, saved_cb
    off_ms = totals[False] / max(1, counts[False]) * 1e3
    on_ms = totals[True] / max(1, counts[True]) * 1e3
    extra = on_ms - off_ms
    return {
        "off_ms_per_frame": off_ms,
        "on_ms_per_frame": on_ms,
        "extra_ms_per_frame": extra,
        "extra_ms_per_mirror_frame": extra * counts[True] / captured if captured else math.nan,
        "mirror_frames": float(captured),
        "frames_sent": float(sent),
    }
