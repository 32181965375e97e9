"""What the mirror view costs the engine, against a real offscreen engine.

For each main view size, in one run, blocks of frames in rotation (drift
cancels), each block timed from a drained GPU to a drained GPU (see
``engine.mirror.mirror_frame_cost`` for why):

* ``off``: the engine alone (baseline);
* ``mirror (copy)`` and ``mirror (deferred)``: ``MirrorStreamer`` at 15 fps,
  640x360 (a second view of the scene drawn into a texture, read back right
  after drawing or one frame later; JPEG on the encoder thread);
* ``screenshot``: the alternative, ``win.getScreenshot()`` of the full view at
  the same rate (read-back only: no downscale, no encode), for comparison.

Also printed: the encoder's time per frame (its own thread) and JPEG sizes.

Headset mode (the openxr backend draws each eye into a texture): the same
rotation on an offscreen engine that draws two eye buffers the way the
headset backend does (``--eye`` size each, cameras 63 mm apart), its window
showing the left eye's texture:

* ``eyes``: the two eyes alone (what the headset costs anyway);
* ``mirror (eye copy)``: the mirror as in headset mode, a scaled GPU copy of
  the left eye's texture (``TextureView``), no drawing of the scene;
* ``mirror (3rd view)``: the alternative, a third, small drawing of the scene.

Measured without a runtime so that no compositor's pacing (``xrWaitFrame``)
hides the cost; the frames are the same ones the headset backend draws.

On a machine without a GPU (Mesa llvmpipe) the "GPU" is the CPU, so the
extra drawing of the mirror view is CPU time here; on a headset PC it is GPU
time, and the render thread pays the second cull/draw submission and the
read-back only.

Usage: ``.venv/bin/python bench/mirror_cost.py [--frames 540] [--scene spiders] [--eye 720x792]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from panda3d.core import Camera, FrameBufferProperties, PerspectiveLens, Texture  # noqa: E402

from palier.cli.engine import parse_size  # noqa: E402
from palier.engine.app import Engine, EngineConfig  # noqa: E402
from palier.engine.mirror import READBACKS, MirrorStreamer  # noqa: E402
from palier.engine.patient_ui import PatientUI  # noqa: E402
from palier.engine.texview import TextureView  # noqa: E402

MIRROR_FPS = 15.0


def measure(
    engine: Engine,
    mirrors: dict[str, MirrorStreamer],
    frames: int,
    block: int,
    *,
    off: str = "off",
    screenshot: bool = True,
) -> dict[str, dict[str, float]]:
    """ms per frame for each arm, blocks in rotation, drained to drained."""
    every = max(1, round(1.0 / MIRROR_FPS / engine.config.sim_dt))
    arms = (off, *mirrors, *(["screenshot"] if screenshot else []))
    total = dict.fromkeys(arms, 0.0)
    done = dict.fromkeys(arms, 0)
    captured = dict.fromkeys(arms, 0)
    for m in mirrors.values():
        m.on_frame = lambda _jpeg, _f, _t: None
    for i in range(len(arms) * max(1, frames // block)):
        arm = arms[i % len(arms)]
        for name, m in mirrors.items():
            m.enabled = name == arm
        engine.capture()  # drain: every block starts with an idle GPU
        before = {name: m.frames_captured for name, m in mirrors.items()}
        start = time.perf_counter()
        for k in range(block):
            engine.step()
            if arm == "screenshot" and k % every == 0:
                tex = engine.base.win.getScreenshot()
                if tex is not None:
                    bytes(memoryview(tex.getRamImage()))
        engine.capture()
        total[arm] += time.perf_counter() - start
        done[arm] += block
        if arm in mirrors:
            captured[arm] += mirrors[arm].frames_captured - before[arm]
    for m in mirrors.values():
        m.enabled = False
        m.on_frame = None
    return {
        arm: {
            "ms": total[arm] / done[arm] * 1e3,
            "frames": done[arm],
            "mirror_frames": captured[arm],
        }
        for arm in arms
    }


def report(res: dict[str, dict[str, float]], off_arm: str) -> None:
    off = res[off_arm]["ms"]
    for arm, r in res.items():
        line = f"  {arm:20s} {r['ms']:8.2f} ms/frame   {r['ms'] / off:.2f}x"
        if arm != off_arm:
            extra = r["ms"] - off
            line += f"   extra {extra:+.2f} ms/frame"
            if r["mirror_frames"]:
                line += (
                    f", {extra * r['frames'] / r['mirror_frames']:+.2f} ms per mirror "
                    f"frame ({r['mirror_frames']:.0f} mirror frames)"
                )
        print(line)


def run_headset(eye: tuple[int, int], multisamples: int, frames: int, scene: str) -> None:
    """The mirror in headset mode: a copy of the left eye's texture."""
    # The window has the eye's shape, so the third view (the main camera's
    # lens) and the eye copy make mirror images of the same size.
    window = (320, max(16, round(320 * eye[1] / eye[0])))
    engine = Engine(
        EngineConfig(backend="offscreen", scene=scene, size=window, multisamples=multisamples)
    )
    base = engine.base
    ui = PatientUI(engine)
    ui.ask_suds(1)
    props = FrameBufferProperties()
    props.setRgbColor(True)
    props.setRgbaBits(8, 8, 8, 8)
    props.setDepthBits(24)
    if multisamples:
        props.setMultisamples(multisamples)
    textures, buffers = [], []
    for i, dx in enumerate((-0.0315, 0.0315)):  # as the headset backend's eye buffers
        tex = Texture(f"bench-eye-{i}")
        buf = base.win.makeTextureBuffer(f"bench-eye-{i}", eye[0], eye[1], tex, False, props)
        buf.setSort(-30 + i)
        buf.setClearColor(base.getBackgroundColor())
        lens = PerspectiveLens()
        lens.setFov(90, 90 * eye[1] / eye[0])
        lens.setNearFar(0.03, 500.0)
        cam = engine.head.attachNewNode(Camera(f"bench-eye-{i}", lens))
        cam.setX(dx)
        buf.makeDisplayRegion().setCamera(cam)
        textures.append(tex)
        buffers.append(buf)
    engine.warm.add_target(props)
    base.camNode.getDisplayRegion(0).setActive(False)  # the window shows the left eye
    window_view = TextureView(textures[0], "bench-window")
    base.win.makeDisplayRegion().setCamera(window_view.camera)
    engine.warm_up()
    mirrors = {
        "mirror (eye copy)": MirrorStreamer(
            engine, fps=MIRROR_FPS, size=(640, 360), source=textures[0]
        ),
        "mirror (3rd view)": MirrorStreamer(engine, fps=MIRROR_FPS, size=(640, 360)),
    }
    try:
        for _ in range(30):
            engine.step()
        res = measure(engine, mirrors, frames, block=36, off="eyes", screenshot=False)
        sizes = {f"{m.size[0]}x{m.size[1]}" for m in mirrors.values()}
        print(
            f"headset mode: two eyes {eye[0]}x{eye[1]} MSAA {multisamples}, mirror "
            f"{', '.join(sorted(sizes))} at {MIRROR_FPS:g} fps, {frames} frames per arm"
        )
        report(res, "eyes")
    finally:
        for mirror in mirrors.values():
            mirror.close()
        window_view.destroy()
        for buf in buffers:
            base.graphicsEngine.removeWindow(buf)
        ui.close()
        engine.close()


def run(size: tuple[int, int], multisamples: int, frames: int, scene: str) -> None:
    engine = Engine(
        EngineConfig(backend="offscreen", scene=scene, size=size, multisamples=multisamples)
    )
    ui = PatientUI(engine)
    ui.ask_suds(1)  # the mirror shows the rating panel, as during a session
    mirrors = {
        f"mirror ({mode})": MirrorStreamer(engine, fps=MIRROR_FPS, size=(640, 360), readback=mode)
        for mode in READBACKS
    }
    try:
        for _ in range(30):
            engine.step()
        res = measure(engine, mirrors, frames, block=36)
        per = round(1 / MIRROR_FPS / engine.config.sim_dt)
        print(
            f"main view {size[0]}x{size[1]} MSAA {multisamples}, mirror 640x360 at "
            f"{MIRROR_FPS:g} fps (due every {per} engine frames), {frames} frames per arm"
        )
        report(res, "off")
        mirror = mirrors["mirror (copy)"]
        deadline = time.monotonic() + 5
        while mirror.busy and time.monotonic() < deadline:
            time.sleep(0.01)
        sizes: list[int] = []
        mirror.enabled = True
        mirror.on_frame = lambda jpeg, _f, _t: sizes.append(len(jpeg))
        end = time.monotonic() + 10
        while len(sizes) < 5 and time.monotonic() < end:
            engine.step()
            time.sleep(0.002)
        mirror.on_frame = None
        enc = [s * 1e3 for m in mirrors.values() for s in m.encode_s]
        if enc:
            print(
                f"  encoder thread       median {statistics.median(enc):.2f} ms per JPEG "
                f"(quality {mirror.quality}, {len(enc)} frames)"
            )
        if sizes:
            print(
                f"  JPEG size            median {statistics.median(sizes) / 1024:.1f} KiB "
                f"-> {statistics.median(sizes) * MIRROR_FPS * 8 / 1e6:.2f} Mbit/s at "
                f"{MIRROR_FPS:g} fps"
            )
    finally:
        for m in mirrors.values():
            m.close()
        ui.close()
        engine.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", type=int, default=540, help="frames per arm (default 540)")
    ap.add_argument("--scene", default="spiders")
    ap.add_argument(
        "--eye", type=parse_size, default=(640, 704), help="eye size in headset mode (WxH)"
    )
    ap.add_argument(
        "--eye-msaa", type=int, default=0, help="eye buffers' multisamples in headset mode"
    )
    ap.add_argument("--headset-only", action="store_true", help="only the headset-mode figures")
    args = ap.parse_args()
    print(
        f"{platform.node()}: {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    if not args.headset_only:
        run((640, 360), 0, args.frames, args.scene)
        run((1280, 720), 4, args.frames, args.scene)
    run_headset(args.eye, args.eye_msaa, args.frames, args.scene)


if __name__ == "__main__":
    main()
