"""Scene budget: every registered scene at its most intense setting, offscreen.

For each scene in ``palier.scenes.registry`` (the safe place included) the
offscreen engine (the same code as the headset) loads the scene at its
declaration's ``most_intense()`` values, then runs ``--frames`` frames, then
fires each of the scene's events and runs through it. It measures, against
the budget of issue 11:

* draw calls and triangles in view of the patient's default camera, the
  highest over the run (sampled every few frames and during every event),
  counted by ``palier.engine.budget.count_in_view`` (the cull traversal's
  decisions: stashed, hidden and out-of-frustum parts are not drawn);
* Python time in the scene's ``update`` (median and 99th percentile), as
  the calling thread's CPU time (``time.thread_time``): on a shared machine
  the wall time of a sub-millisecond call mostly measures the other
  processes that ran in the middle of it. The wall time is printed too;
* load time: ``Engine.load_scene`` wall time, which includes the warm-up
  (drawing the new scene once, unseen, so no later frame compiles or
  uploads anything): it is part of the load the engine does. The engine is
  started as ``palier engine`` starts for a session (``prepare_scenes``:
  every scene built once, unseen, at start, so its people, sounds and
  texture images are made and its shaders compiled); the time each scene
  took to prepare is printed too (its cold build). On a machine busier than
  its cores the verdict uses the load's CPU time (every thread's) and says so;
* the worst frame after load against the median (wall time and, as
  ``frame_stability`` does, this process's CPU time, every thread's, so
  llvmpipe's rasteriser threads count). The verdict uses the wall time,
  except on a machine already busier than its cores (load average above
  the CPU count) where it uses the CPU time and says so;
* a baseline: the median frame with the scene stashed (the engine drawing
  nothing but its own fade card), so a frame time can be judged on a shared
  machine; the scene's median is given as a multiple of it.

    .venv/bin/python bench/scene_budget.py [--size 640x360] [--frames 240] [--event-seconds 4]

Offscreen uses a fixed simulated step, so every run draws the same frames;
the counts are deterministic, the timings are this machine's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

from palier.engine.app import Engine, EngineConfig
from palier.engine.budget import MAX_DRAW_CALLS, MAX_TRIANGLES, DrawCounts, count_in_view
from palier.scenes import registry

MAX_UPDATE_MEDIAN_MS = 1.0
MAX_UPDATE_P99_MS = 2.0
MAX_LOAD_S = 1.0
MAX_FRAME_RATIO = 3.0
COUNT_EVERY = 8  # frames between two draw counts (a count walks the graph in Python)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100.0 * (len(ordered) - 1))))
    return ordered[k]


@dataclass(slots=True)
class Result:
    scene: str
    load_s: float
    load_cpu_s: float
    baseline_ms: float
    frames_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    update_ms: list[float] = field(default_factory=list)
    update_wall_ms: list[float] = field(default_factory=list)
    counts: DrawCounts = field(default_factory=lambda: DrawCounts(0, 0))

    def ratio(self, values: list[float]) -> float:
        median = statistics.median(values)
        return max(values) / median if median > 0 else float("inf")


def measure(
    engine: Engine, scene_id: str, frames: int, baseline_ms: float, event_s: float
) -> Result:
    decl = registry.declaration(scene_id)
    start, start_cpu = time.perf_counter(), time.process_time()
    scene = engine.load_scene(scene_id, decl.most_intense())
    result = Result(
        scene_id, time.perf_counter() - start, time.process_time() - start_cpu, baseline_ms
    )
    update = scene.update

    def timed_update(t: float, dt: float) -> None:
        begin, begin_cpu = time.perf_counter(), time.thread_time()
        update(t, dt)
        result.update_ms.append((time.thread_time() - begin_cpu) * 1000.0)
        result.update_wall_ms.append((time.perf_counter() - begin) * 1000.0)

    scene.update = timed_update  # type: ignore[method-assign]
    camera = engine.base.cam
    peak = DrawCounts(0, 0)

    def run(n: int) -> None:
        nonlocal peak
        for i in range(n):
            begin, begin_cpu = time.perf_counter(), time.process_time()
            engine.step()
            result.frames_ms.append((time.perf_counter() - begin) * 1000.0)
            result.cpu_ms.append((time.process_time() - begin_cpu) * 1000.0)
            if i % COUNT_EVERY == 0:
                now = count_in_view(camera, engine.base.render)
                peak = DrawCounts(
                    max(peak.draw_calls, now.draw_calls), max(peak.triangles, now.triangles)
                )

    try:
        run(frames)
        dt = engine.config.sim_dt
        for event in decl.events:
            engine.fire(event.name)
            run(max(1, round(min(event.duration_s, event_s) / dt)) + 2)
    finally:
        scene.update = update  # type: ignore[method-assign]
    result.counts = peak
    return result


def baseline(engine: Engine, frames: int) -> float:
    """Median frame (ms) with the current scene stashed: the engine alone."""
    assert engine.scene is not None
    engine.scene.root.stash()
    try:
        times = []
        for _ in range(frames):
            begin = time.perf_counter()
            engine.step()
            times.append((time.perf_counter() - begin) * 1000.0)
    finally:
        engine.scene.root.unstash()
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def overloaded() -> bool:
    """Is the machine busier than its cores (other processes competing)?"""
    return os.getloadavg()[0] > (os.cpu_count() or 1)


def report(r: Result) -> list[tuple[str, str, str, bool]]:
    up_med = statistics.median(r.update_ms)
    up_p99 = percentile(r.update_ms, 99)
    wall_med, wall_p99 = statistics.median(r.update_wall_ms), percentile(r.update_wall_ms, 99)
    ratio, cpu_ratio = r.ratio(r.frames_ms), r.ratio(r.cpu_ms)
    busy = overloaded()
    judged = cpu_ratio if busy else ratio
    median = statistics.median(r.frames_ms)
    return [
        ("draw calls in view", f"{r.counts.draw_calls}", f"<= {MAX_DRAW_CALLS}",
         r.counts.draw_calls <= MAX_DRAW_CALLS),
        ("triangles in view", f"{r.counts.triangles:,}", f"<= {MAX_TRIANGLES:,}",
         r.counts.triangles <= MAX_TRIANGLES),
        ("update, median", f"{up_med:.2f} ms CPU ({wall_med:.2f} wall)",
         f"<= {MAX_UPDATE_MEDIAN_MS:g} ms", up_med <= MAX_UPDATE_MEDIAN_MS),
        ("update, 99th percentile", f"{up_p99:.2f} ms CPU ({wall_p99:.2f} wall)",
         f"<= {MAX_UPDATE_P99_MS:g} ms", up_p99 <= MAX_UPDATE_P99_MS),
        ("load (with warm-up)",
         f"{r.load_s:.2f} s wall, {r.load_cpu_s:.2f} s CPU"
         + (" (judged: CPU, busy)" if busy else ""),
         f"<= {MAX_LOAD_S:g} s", (r.load_cpu_s if busy else r.load_s) <= MAX_LOAD_S),
        ("worst frame / median",
         f"{ratio:.1f} wall, {cpu_ratio:.1f} CPU" + (" (judged: CPU, busy)" if busy else ""),
         f"<= {MAX_FRAME_RATIO:g}", judged <= MAX_FRAME_RATIO),
        ("frame, median", f"{median:.1f} ms ({median / r.baseline_ms:.1f}x baseline)",
         "(information)", True),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="640x360", help="offscreen buffer size (WxH)")
    parser.add_argument("--frames", type=int, default=240, help="frames before the events")
    parser.add_argument(
        "--event-seconds", type=float, default=4.0,
        help="simulated seconds run after firing each event (at most its duration); "
        "what an event first shows, and so first draws, comes at its start",
    )  # fmt: skip
    parser.add_argument("scenes", nargs="*", help="scene ids (default: every registered scene)")
    args = parser.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))
    scene_ids = args.scenes or registry.scene_ids()
    exposure = [s for s in registry.scene_ids() if s != registry.SAFE_PLACE_ID]

    start = time.perf_counter()
    engine = Engine(
        EngineConfig(backend="offscreen", size=(w, h), scene=exposure[0], prepare_scenes=True)
    )
    failed = 0
    try:
        cold = ", ".join(f"{k} {v:.2f}" for k, v in engine.prepared.items())
        print(f"engine start {time.perf_counter() - start:.1f} s; scenes prepared at start "
              f"(cold build, s): {cold}", flush=True)  # fmt: skip
        base_ms = baseline(engine, 60)
        print(f"{w}x{h}, {args.frames} frames a scene, then each event for up to "
              f"{args.event_seconds:g} s; "
              f"baseline (scene stashed) {base_ms:.1f} ms a frame", flush=True)  # fmt: skip
        for scene_id in scene_ids:
            result = measure(engine, scene_id, args.frames, base_ms, args.event_seconds)
            print(f"\n{scene_id} (most intense: {registry.declaration(scene_id).most_intense()})")
            print(f"  {'figure':<26} {'measured':<40} {'budget':<14} verdict")
            for name, value, budget, ok in report(result):
                failed += not ok
                mark = verdict(ok) if budget != "(information)" else ""
                print(f"  {name:<26} {value:<40} {budget:<14} {mark}", flush=True)
    finally:
        engine.close()
    print(f"\nload average during the run: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"figures over budget: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
