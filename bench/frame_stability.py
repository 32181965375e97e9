"""Frame stability: the worst frame of each phase of a scripted session.

Runs the offscreen engine (the same code as the headset, rendering into an
offscreen buffer) through a session a therapist could run: every scene at its
least and most intense settings, every event, pause to the safe place and back
twice, the mirror on and off, a SUDS panel, a text message, scene switches.
For each phase it prints the median and worst frame time, the worst-to-median
ratio and the resident memory at the end of the phase.

A frame that draws something for the first time (a shader compiled, geometry
or a texture uploaded, a buffer made) shows up as a worst frame far above its
phase's median. The goal (issue 9): after a scene's load, no frame above 3x
its phase median, and resident memory under 1 GB with every scene loaded once.
Loading itself (``load_scene``, engine start) is timed separately: it is the
one place allowed to be slow.

Each phase also gets the ratio of its frames' CPU time (this process, all its
threads): on a machine shared with other work, wall-time spikes can be
another program's; CPU-time spikes are this frame's own work. The load
average is printed at the end so a run can be judged.

    .venv/bin/python bench/frame_stability.py [--size 640x360] [--frames 90]

Offscreen uses a fixed simulated step, so every run draws the same frames.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from palier.engine.app import Engine, EngineConfig
from palier.engine.mirror import MirrorStreamer
from palier.engine.patient_ui import PatientUI
from palier.scenes import registry


def resident_mb() -> float:
    """Resident set size of this process in MiB (Linux /proc; 0 elsewhere)."""
    status = Path("/proc/self/status")
    if not status.exists():
        return 0.0
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


@dataclass(slots=True)
class Phase:
    name: str
    frames_ms: list[float]
    cpu_ms: list[float]
    """This process's CPU time per frame, all its threads (the rasteriser's
    too): unlike wall time, it does not grow when other programs take the
    cores, so a spike here is work this frame did."""
    rss_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.frames_ms)

    @property
    def worst(self) -> float:
        return max(self.frames_ms)

    @property
    def worst_at(self) -> int:
        return self.frames_ms.index(self.worst)

    @property
    def ratio(self) -> float:
        return self.worst / self.median if self.median > 0 else float("inf")

    @property
    def cpu_ratio(self) -> float:
        median = statistics.median(self.cpu_ms)
        return max(self.cpu_ms) / median if median > 0 else float("inf")


class Session:
    def __init__(self, engine: Engine, frames: int) -> None:
        self.engine = engine
        self.frames = frames
        self.phases: list[Phase] = []
        self.loads: list[tuple[str, float]] = []

    def run(self, name: str, action: Callable[[], object] | None = None) -> None:
        """Do ``action`` (outside the timed frames), then time ``frames`` frames."""
        if action is not None:
            action()
        times, cpu = [], []
        for _ in range(self.frames):
            start, start_cpu = time.perf_counter(), time.process_time()
            self.engine.step()
            times.append((time.perf_counter() - start) * 1000.0)
            cpu.append((time.process_time() - start_cpu) * 1000.0)
        phase = Phase(name, times, cpu, resident_mb())
        self.phases.append(phase)
        print(
            f"{name:<38} median {phase.median:7.1f} ms  worst {phase.worst:8.1f} ms "
            f"(frame {phase.worst_at:2d})  ratio {phase.ratio:5.1f}  "
            f"cpu ratio {phase.cpu_ratio:5.1f}  RSS {phase.rss_mb:5.0f} MiB",
            flush=True,
        )

    def load(self, scene_id: str, values: Mapping[str, object]) -> None:
        start = time.perf_counter()
        self.engine.load_scene(scene_id, values)
        seconds = time.perf_counter() - start
        self.loads.append((scene_id, seconds))
        print(f"{'load ' + scene_id:<40} {seconds * 1000:8.0f} ms (scene load)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="640x360", help="offscreen buffer size (WxH)")
    parser.add_argument("--frames", type=int, default=90, help="frames per phase")
    args = parser.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))

    exposure = [s for s in registry.scene_ids() if s != registry.SAFE_PLACE_ID]
    start = time.perf_counter()
    engine = Engine(EngineConfig(backend="offscreen", size=(w, h), scene=exposure[0]))
    ui = PatientUI(engine)
    mirror = MirrorStreamer(engine)
    mirror.enabled = False
    mirrored: list[int] = []
    mirror.on_frame = lambda _jpeg, frame, _t: mirrored.append(frame)  # as the link's does
    print(
        f"engine start (first scene and the safe place) {time.perf_counter() - start:.2f} s, "
        f"RSS {resident_mb():.0f} MiB; {args.frames} frames a phase at {w}x{h}",
        flush=True,
    )
    session = Session(engine, args.frames)
    try:
        for scene_id in exposure:
            decl = registry.declaration(scene_id)
            most = decl.most_intense()
            session.load(scene_id, decl.least_intense())
            session.run(f"{scene_id}: least intense")
            session.run(f"{scene_id}: most intense", partial(engine.set_params, most, 0.0))
            for event in decl.events:
                session.run(f"{scene_id}: event {event.name}", partial(engine.fire, event.name))
            for round_ in (1, 2):
                session.run(f"{scene_id}: pause {round_} (safe place)", engine.pause)
                session.run(f"{scene_id}: resume {round_}", engine.resume)
            session.run(f"{scene_id}: mirror on", partial(setattr, mirror, "enabled", True))
            session.run(f"{scene_id}: mirror off", partial(setattr, mirror, "enabled", False))
            session.run(f"{scene_id}: SUDS panel", partial(ui.ask_suds, 1))
            session.run(f"{scene_id}: SUDS panel gone", ui.cancel_suds)
            session.run(
                f"{scene_id}: text message",
                partial(ui.show_text, "Breathe slowly. You are doing well.", 0.5),
            )
            session.run(f"{scene_id}: pause 3", engine.pause)
            session.run(f"{scene_id}: SUDS panel in the safe place", partial(ui.ask_suds, 2))
            session.run(f"{scene_id}: SUDS panel gone, resume 3", ui.cancel_suds)
            session.run(f"{scene_id}: resumed", engine.resume)
        # A switch back to the first scene, as a session moving between scenes does.
        first = registry.declaration(exposure[0])
        session.load(exposure[0], first.most_intense())
        session.run(f"{exposure[0]}: after a scene switch")
    finally:
        mirror.close()
        ui.close()
        rss = resident_mb()
        engine.close()

    worst = max(session.phases, key=lambda p: p.ratio)
    worst_cpu = max(session.phases, key=lambda p: p.cpu_ratio)
    over = [p for p in session.phases if p.ratio > 3.0]
    over_cpu = [p for p in session.phases if p.cpu_ratio > 3.0]
    slowest = max(session.phases, key=lambda p: p.worst)
    print()
    print(f"load average during the run: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"phases: {len(session.phases)}; worst ratio {worst.ratio:.1f} ({worst.name})")
    print(f"worst CPU-time ratio {worst_cpu.cpu_ratio:.1f} ({worst_cpu.name})")
    print(f"slowest frame {slowest.worst:.0f} ms ({slowest.name})")
    print(f"phases with a frame above 3x their median: {len(over)} (CPU time: {len(over_cpu)})")
    print(f"mirror frames encoded: {len(mirrored)}")
    print(f"resident memory at the end, every scene loaded once: {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
