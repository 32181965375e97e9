"""Per-frame Python cost of animating 50 people (``palier.scenes.people``).

    python -m bench.people_update

Builds 50 seated people (an audience) and 50 far walkers, then times one
frame's animation calls (breathe, look_at a moving head, occasional nod and
phone, apply) over 900 frames; prints the median and 99th percentile (ms).
The budget is 1 ms median, 2 ms p99 for a whole scene's update.
"""

from __future__ import annotations

import math
import time

import numpy as np
from panda3d.core import NodePath

from palier.scenes.people import Person, PersonLook


def run(pose: str, detail: str, frames: int = 900) -> tuple[float, float]:
    root = NodePath("bench")
    people = [
        Person(PersonLook.from_seed(s), root, pose=pose, detail=detail)  # type: ignore[arg-type]
        for s in range(50)
    ]
    for i, p in enumerate(people):
        p.root.setPos((i % 10) * 0.6, (i // 10) * 1.0, 0.0)
    times = []
    dt = 1.0 / 90.0
    for f in range(frames):
        t = f * dt
        head = (math.sin(t * 0.3) * 1.5, -2.0, 1.2)
        start = time.perf_counter()
        for i, p in enumerate(people):
            p.breathe(t)
            if pose == "seated":
                p.look_at(head, dt)
                p.nod(t, 1.0 if i % 7 == 0 else 0.0)
                p.phone(1.0 if i % 5 == 0 else 0.0)
            else:
                p.walk(t * 0.9 + i * 0.13)
            p.apply()
        times.append(time.perf_counter() - start)
    root.removeNode()
    arr = np.array(times[30:]) * 1000.0
    return float(np.median(arr)), float(np.percentile(arr, 99))


if __name__ == "__main__":
    for pose, detail in (("seated", "near"), ("standing", "far")):
        med, p99 = run(pose, detail)
        print(f"50 people {pose} {detail}: median {med:.3f} ms, p99 {p99:.3f} ms")
