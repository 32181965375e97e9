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

On a machine without a GPU (Mesa llvmpipe) the "GPU" is the CPU, so the
extra drawing of the mirror view is CPU time here; on a headset PC it is GPU
time, and the render thread pays the second cull/draw submission and the
read-back only.

Usage: ``.venv/bin/python bench/mirror_cost.py [--frames 540] [--scene spiders]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from palier.engine.app import Engine, EngineConfig  # noqa: E402
from palier.engine.mirror import READBACKS, MirrorStreamer  # noqa: E402
from palier.engine.patient_ui import PatientUI  # noqa: E402

MIRROR_FPS = 15.0


def measure(
    engine: Engine, mirrors: dict[str, MirrorStreamer], frames: int, block: int
) -> dict[str, dict[str, float]]:
    """ms per frame for each arm, blocks in rotation, drained to drained."""
    every = max(1, round(1.0 / MIRROR_FPS / engine.config.sim_dt))
    arms = ("off", *mirrors, "screenshot")
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
        off = res["off"]["ms"]
        for arm, r in res.items():
            line = f"  {arm:20s} {r['ms']:8.2f} ms/frame   {r['ms'] / off:.2f}x"
            if arm != "off":
                extra = r["ms"] - off
                line += f"   extra {extra:+.2f} ms/frame"
                if r["mirror_frames"]:
                    line += (
                        f", {extra * r['frames'] / r['mirror_frames']:+.2f} ms per mirror "
                        f"frame ({r['mirror_frames']:.0f} mirror frames)"
                    )
            print(line)
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
    args = ap.parse_args()
    print(
        f"{platform.node()}: {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    run((640, 360), 0, args.frames, args.scene)
    run((1280, 720), 4, args.frames, args.scene)


if __name__ == "__main__":
    main()
