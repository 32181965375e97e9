"""What decoding and encoding a link message costs, per message.

For each typical message (the link's hot path first: ``tel.head`` at 30 Hz,
``hb.console`` and ``tel.hb`` at 4 Hz, ``tel.frame_stats`` once a second),
in one run and interleaved call by call so that drift cancels:

* ``decode``: ``wire.decode(frames)``: msgpack with its limits, then every
  field checked into a record (what a receiver does with each message);
* ``encode``: ``wire.encode(record)``: the record checked, then packed (what a
  sender does);
* ``msgpack``: ``msgpack.unpackb``/``packb`` of the same payload without any
  check, the floor no validation can go under;
* with ``--against REF``: the same two calls with ``palier/core/wire.py`` as
  it was at git revision ``REF`` (loaded from git into its own module), so a
  change to the wire is measured against what it replaces on the same machine
  in the same run. The ratio printed is this checkout's median over REF's.

Times are per call (``perf_counter_ns`` around each call, garbage collector
off); median and worst in microseconds. The worst is what a loaded machine
adds (scheduling, caches) more than what the code costs.

Usage: ``.venv/bin/python bench/wire_codec.py [-n 3000] [--against 5004f0f]``
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import msgpack

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from palier.core import wire  # noqa: E402
from palier.scenes import registry  # noqa: E402

HOT = ("tel.head", "hb.console", "tel.hb", "tel.frame_stats")
"""The messages every second of a session carries (the link's hot path)."""


def typical_messages() -> list[wire.Message]:
    """One message per subject a session sends often, with realistic values."""
    state: dict[str, Any] = dict(
        seq=412,
        instance="4f1c2a9e",
        frame=183_402,
        t_engine=2037.25,
        scene="spiders",
        showing="spiders",
        params={"distance": 1.5, "count": 2, "activity": "walk", "size": 1.0, "lit": True},
        paused=False,
        pause_reason="",
        fading=False,
        suds_pending=None,
        mirror=False,
        console_connected=True,
    )
    event = wire.ClinicalEvent(
        seq=12,
        instance="4f1c2a9e",
        kind="suds",
        frame=183_400,
        t_engine=2037.2,
        request=9,
        value=45,
        t_ref=2031.0,
    )
    return [
        wire.HeadPose(
            frame=183_402,
            t_engine=2037.25,
            pos=(0.0132, -0.2418, 1.6215),
            quat=(0.9914, 0.0123, -0.1302, 0.0045),
        ),
        wire.ConsoleHeartbeat(t=5121.75),
        wire.EngineHeartbeat(
            instance="4f1c2a9e", frame=183_402, t_engine=2037.25, state_seq=412, event_seq=12
        ),
        wire.FrameStats(frame=183_402, t_engine=2037.25, median_ms=11.1, p99_ms=13.4, frames=90),
        wire.StateUpdate(**state),
        wire.SetParams(id=4711, params={"distance": 1.0, "count": 3}, ramp_s=2.0),
        wire.Ack(id=4711, frame=183_410, t_engine=2037.34),
        event,
        wire.EventsReply(id=4712, instance="4f1c2a9e", events=(event,) * 3, more=False),
        wire.HelloReply(
            id=1,
            frame=1,
            t_engine=0.5,
            protocol=wire.PROTOCOL_VERSION,
            engine="palier-engine 0.1.0",
            host="headset-pc",
            instance="4f1c2a9e",
            backend="openxr",
            language="fr",
            telemetry_port=7771,
            heartbeat_s=wire.HEARTBEAT_S,
            dead_after_s=wire.DEAD_AFTER_S,
            events_acked=0,
            catalogue=tuple(d.to_dict() for d in registry.declarations()),
        ),
    ]


def wire_at(ref: str) -> types.ModuleType:
    """``palier/core/wire.py`` as it was at git revision ``ref``, as a module
    of its own (its messages register in its own table)."""
    source = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{ref}:palier/core/wire.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    name = f"wire_at_{ref.replace('/', '_').replace('.', '_')}"
    module = types.ModuleType(name)
    module.__file__ = f"{ref}:palier/core/wire.py"
    sys.modules[name] = module  # dataclasses look their module up while decorating
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def time_calls(arms: dict[str, Callable[[], object]], n: int) -> dict[str, list[int]]:
    """Nanoseconds per call of each arm, the arms interleaved call by call."""
    times: dict[str, list[int]] = {name: [] for name in arms}
    calls = list(arms.items())
    clock = time.perf_counter_ns
    for _ in range(n):
        for name, call in calls:
            t0 = clock()
            call()
            times[name].append(clock() - t0)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=3000, help="calls per message and arm")
    ap.add_argument("--against", metavar="REF", help="also time wire.py at this git revision")
    args = ap.parse_args()
    before = wire_at(args.against) if args.against else None

    rows: list[tuple[str, str, float, float, float | None]] = []
    hot_ratios: dict[str, list[float]] = {"decode": [], "encode": []}
    for msg in typical_messages():
        frames = wire.encode(msg)
        raw = frames[1]
        payload = msgpack.unpackb(raw, raw=False)
        arms: dict[str, Callable[[], object]] = {
            "decode": partial(wire.decode, frames),
            "encode": partial(wire.encode, msg),
            "msgpack unpack": partial(msgpack.unpackb, raw, raw=False),
            "msgpack pack": partial(msgpack.packb, payload, use_bin_type=True),
        }
        if before is not None:
            old_msg = before.decode(frames)
            assert before.encode(old_msg) == frames, f"{msg.SUBJECT}: REF encodes differently"
            arms["decode (REF)"] = partial(before.decode, frames)
            arms["encode (REF)"] = partial(before.encode, old_msg)
        for call in arms.values():  # warm up (caches, first-call lookups)
            for _ in range(50):
                call()
        gc.collect()
        gc.disable()
        try:
            times = time_calls(arms, args.n)
        finally:
            gc.enable()
        medians = {name: statistics.median(t) / 1000 for name, t in times.items()}
        for name in ("decode", "encode", "msgpack unpack", "msgpack pack"):
            ratio = None
            if before is not None and name in ("decode", "encode"):
                ratio = medians[name] / medians[f"{name} (REF)"]
                if msg.SUBJECT in HOT:
                    hot_ratios[name].append(ratio)
            rows.append((msg.SUBJECT, name, medians[name], max(times[name]) / 1000, ratio))
            if before is not None and name in ("decode", "encode"):
                ref = f"{name} (REF)"
                rows.append((msg.SUBJECT, ref, medians[ref], max(times[ref]) / 1000, None))

    print(
        f"# bench/wire_codec.py  n={args.n}  {len(raw)}-byte last payload  "
        f"Python {platform.python_version()}  msgpack {msgpack.version}"
        + (f"  REF={args.against}" if args.against else "")
    )
    print(f"{'subject':<16} {'arm':<15} {'median µs':>10} {'worst µs':>10} {'vs REF':>7}")
    for subject, name, median, worst, ratio in rows:
        shown = f"{ratio:6.2f}x" if ratio is not None else ""
        print(f"{subject:<16} {name:<15} {median:10.2f} {worst:10.1f} {shown:>7}")
    if before is not None:
        for name, ratios in hot_ratios.items():
            print(f"hot path ({', '.join(HOT)}) {name}: {statistics.mean(ratios):.2f}x REF")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
