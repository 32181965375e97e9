"""Still pictures of a scene at a setting, for the console's hierarchy editor
(``cmd.preview``, answered with ``rep.preview``).

The patient's engine never builds, draws or waits for a preview: a child
process (``python -m palier.engine.preview``) holds its own offscreen engine
and renders each request into its own buffer; the frame loop only hands the
request over (:meth:`PreviewRenderer.submit`, a pipe write) and, on a later
frame, collects the finished picture (:meth:`PreviewRenderer.done`, a deque
pop). The child starts at the first request (an engine that is never asked
for a preview never pays for it), prepares its offscreen engine at once, and
stops with the link; later requests reuse that engine and its buffer. Its
audio is the offscreen backend's null device: a preview is silent.

Pipe protocol (private to this module): each message is a 4-byte big-endian
length and a msgpack map; requests ``{id, scene, params, width, height}``,
answers ``{id, jpeg, error}`` (``error`` empty on success).
"""

from __future__ import annotations

import contextlib
import logging
import os
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

import msgpack

from palier.scenes.api import ParamValue

log = logging.getLogger(__name__)

SETTLE_S = 0.5
"""Simulated seconds the scene runs before its picture: spiders settle, lights fade in."""
DEFAULT_SIZE = (320, 180)
"""The buffer prepared at start; a smaller picture of the same shape is this
one scaled down, any other makes a new buffer (seconds)."""
PREVIEW_NICENESS = 5
"""How much lower than the engine the preview process runs (``os.nice``)."""
_HEADER = struct.Struct(">I")
_MAX_MESSAGE = 4 << 20


@dataclass(frozen=True, slots=True)
class PreviewResult:
    key: int
    jpeg: bytes
    error: str
    """Empty when the picture was made; else why not (English, for the log and the console)."""


def _write(stream: IO[bytes], data: Mapping[str, Any]) -> None:
    payload = msgpack.packb(dict(data), use_bin_type=True)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _read(stream: IO[bytes]) -> dict[str, Any] | None:
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (n,) = _HEADER.unpack(head)
    if n > _MAX_MESSAGE:
        raise ValueError(f"preview message of {n} bytes")
    body = stream.read(n)
    if len(body) < n:
        return None
    data = msgpack.unpackb(body, raw=False)
    return data if isinstance(data, dict) else None


class PreviewRenderer:
    """The engine's side: a child process and a reader thread."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._done: deque[PreviewResult] = deque()
        self._waiting: set[int] = set()
        self._lock = threading.Lock()

    def start(self, language: str = "en") -> None:
        """Start the child (its engine opens while the patient's runs), its
        scenes' texts in ``language``."""
        if self._proc is not None and self._proc.poll() is None:
            return
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "palier.engine.preview", language],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # Its log goes where the engine's goes.
            stderr=None,
            # A software rasteriser (Mesa's llvmpipe) would take every core for
            # the picture: one is enough for a thumbnail, the rest stay the patient's.
            env={**os.environ, "LP_NUM_THREADS": "1"},
        )
        self._reader = threading.Thread(
            target=self._read_loop, args=(self._proc,), name="palier-preview", daemon=True
        )
        self._reader.start()

    def submit(
        self,
        key: int,
        scene: str,
        params: Mapping[str, ParamValue],
        size: tuple[int, int],
        *,
        language: str = "en",
    ) -> None:
        """Ask for a picture (answered later by :meth:`done` with ``key``)."""
        self.start(language)
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        with self._lock:
            self._waiting.add(key)
        try:
            _write(
                proc.stdin,
                {
                    "id": key,
                    "scene": scene,
                    "params": dict(params),
                    "width": size[0],
                    "height": size[1],
                },
            )
        except (BrokenPipeError, OSError) as exc:
            self._finish(PreviewResult(key, b"", f"the preview renderer stopped ({exc})"))

    def done(self) -> list[PreviewResult]:
        """The pictures finished since the last call (frame thread)."""
        out = []
        while self._done:
            out.append(self._done.popleft())
        return out

    def _finish(self, result: PreviewResult) -> None:
        with self._lock:
            self._waiting.discard(result.key)
        self._done.append(result)

    def _read_loop(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        try:
            while True:
                msg = _read(proc.stdout)
                if msg is None:
                    break
                self._finish(
                    PreviewResult(
                        int(msg["id"]), bytes(msg.get("jpeg") or b""), str(msg.get("error", ""))
                    )
                )
        except (OSError, ValueError) as exc:
            log.warning("preview: reading the renderer failed: %s", exc)
        # The child ended: every picture still awaited fails (its console is told).
        with self._lock:
            lost, self._waiting = self._waiting, set()
        for key in lost:
            self._done.append(PreviewResult(key, b"", "the preview renderer stopped"))

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            assert proc.stdin is not None
            proc.stdin.close()  # the child ends at end of input
        try:
            proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5.0)
        if self._reader is not None:
            self._reader.join(timeout=2.0)


# -- the child process ---------------------------------------------------------------------


def _fits(buffer: tuple[int, int], size: tuple[int, int]) -> bool:
    """A picture of ``size`` can be the buffer's, scaled down (same shape)."""
    (bw, bh), (w, h) = buffer, size
    return w <= bw and h <= bh and abs(w / h - bw / bh) <= 0.01 * bw / bh


def _jpeg(engine: Any, size: tuple[int, int]) -> bytes:
    from panda3d.core import PNMImage, StringStream

    tex = engine.base.win.getScreenshot()
    if tex is None:
        raise RuntimeError("the preview buffer has no frame")
    image = PNMImage()
    tex.store(image)
    if image.hasAlpha():
        image.removeAlpha()
    if (image.getXSize(), image.getYSize()) != size:
        small = PNMImage(size[0], size[1])
        small.gaussianFilterFrom(1.0, image)
        image = small
    out = StringStream()
    if not image.write(out, "preview.jpg"):
        raise RuntimeError("Panda3D could not write a JPEG")
    return bytes(out.getData())


def serve(requests: IO[bytes], answers: IO[bytes], language: str) -> None:
    """Render each request read from ``requests`` until end of input."""
    from palier.engine.app import Engine, EngineConfig
    from palier.engine.shots import aim_head
    from palier.scenes import registry

    # Prepared before the first request is read: the buffer, the shaders.
    engine: Engine | None = Engine(
        EngineConfig(
            backend="offscreen",
            scene=registry.SAFE_PLACE_ID,
            size=DEFAULT_SIZE,
            language=language,
            multisamples=0,
        )
    )
    try:
        while (req := _read(requests)) is not None:
            key = int(req.get("id", 0))
            try:
                scene, params = str(req["scene"]), dict(req.get("params") or {})
                size = (int(req["width"]), int(req["height"]))
                if engine is None or not _fits(engine.config.size, size):
                    if engine is not None:
                        engine.close()
                        engine = None
                    engine = Engine(
                        EngineConfig(
                            backend="offscreen",
                            scene=scene,
                            params=params,
                            size=size,
                            language=language,
                            multisamples=0,
                        )
                    )
                else:
                    engine.load_scene(scene, params)
                engine.simulate(SETTLE_S)
                assert engine.scene is not None
                aim_head(engine, engine.scene.focus_point())
                engine.render_frame()
                _write(answers, {"id": key, "jpeg": _jpeg(engine, size), "error": ""})
            except Exception as exc:  # each request answers, even a failed one
                log.exception("preview %d failed", key)
                _write(answers, {"id": key, "jpeg": b"", "error": f"{type(exc).__name__}: {exc}"})
    finally:
        if engine is not None:
            engine.close()


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # Below the patient's engine: on a busy machine the picture waits, not the patient.
    with contextlib.suppress(OSError):
        os.nice(PREVIEW_NICENESS)
    # Answers go on a private copy of stdout; fd 1 becomes stderr so that
    # anything else printing there (Panda3D's notices) cannot corrupt them.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, answers, argv[0] if argv else "en")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
