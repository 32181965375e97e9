"""The therapist's pause while another console floods the engine.

Against a real offscreen engine (its own process, frame rate capped like a
headset's), a control console times ``cmd.pause`` and ``cmd.resume`` until
their acks, first alone, then while an observer in another process (a second
machine, in effect) sends valid ``cmd.get_state`` as fast as it can without
blocking. It prints both sets of figures, their ratio, what the observer got
back (``busy``, states) and the engine's frame time from ``tel.frame_stats``.
The observer floods until the timed phase ends (or ``--count`` is reached).

Issue 9 measured 14.9 s for the pause behind 60,000 such commands; the goal is
one frame (the ack waits for the next frame anyway: about half a frame period
on average, one at most).

Usage: ``.venv/bin/python bench/link_flood.py [-n 40] [--fps 90] [--count 1000000]``
"""

from __future__ import annotations

import argparse
import os
import random
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zmq

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.link_latency import fmt, frame_stats, pct, start_engine, stop  # noqa: E402
from palier.core import keys, wire  # noqa: E402
from palier.therapist_console.client import CommandTimeout, LinkClient, LinkDown  # noqa: E402


# -- the flooding observer, in its own process -------------------------------------------------
def flood(endpoint: str, keys_dir: str, count: int) -> None:
    """Say hello as an observer, then send get_state without ever blocking,
    reading replies as they come, until ``count`` are sent or stdin closes;
    print the tally on stdout."""
    kdir = Path(keys_dir)
    own = keys.load_own(kdir)
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.CURVE_SERVERKEY, keys.engine_key(kdir))
    sock.setsockopt(zmq.CURVE_PUBLICKEY, own.public)
    sock.setsockopt(zmq.CURVE_SECRETKEY, own.secret)
    sock.connect(endpoint)
    tally = {"sent": 0, "busy": 0, "state": 0, "other": 0}
    try:
        sock.send_multipart(
            wire.encode(
                wire.Hello(id=1, protocol=wire.PROTOCOL_VERSION, client="flood", role="observe")
            )
        )
        if not sock.poll(10_000):
            raise RuntimeError("no answer to hello")
        sock.recv_multipart()
        print("flooding", flush=True)
        req_id = 2
        t0 = time.monotonic()
        while tally["sent"] < count:
            if tally["sent"] % 512 == 0 and select.select([sys.stdin], [], [], 0)[0]:
                break  # stdin closed: the timed phase is over
            try:
                sock.send_multipart(wire.encode(wire.GetState(id=req_id)), zmq.NOBLOCK)
                req_id += 1
                tally["sent"] += 1
            except zmq.Again:
                sock.poll(1, zmq.POLLOUT)
            while True:
                try:
                    msg = wire.decode(sock.recv_multipart(zmq.NOBLOCK))
                except zmq.Again:
                    break
                if isinstance(msg, wire.Error) and msg.code == "busy":
                    tally["busy"] += 1
                elif isinstance(msg, wire.StateReply):
                    tally["state"] += 1
                else:
                    tally["other"] += 1
        elapsed = time.monotonic() - t0
        print(
            f"flood done: sent {tally['sent']} in {elapsed:.1f} s, replies: busy {tally['busy']}, "
            f"state {tally['state']}, other {tally['other']} (replies still on the way are "
            "not counted)",
            flush=True,
        )
    finally:
        sock.close(linger=0)
        ctx.term()


# -- the therapist ---------------------------------------------------------------------------------
def pauses(client: LinkClient, n: int, fps: float) -> tuple[list[float], int]:
    """``n`` pause/resume pairs at random moments of the frame; the latency of
    each until its ack, and whether one got no ack in time (the phase then
    ends: the next would wait as long). A link lost meanwhile (a loaded
    machine) is waited out and counted in ``client.stats["reconnects"]``."""
    rng = random.Random(11)
    out: list[float] = []
    for i in range(n):
        for cmd in (wire.Pause, wire.Resume):
            time.sleep(rng.uniform(0.0, 2.0 / fps))
            t0 = time.perf_counter()
            try:
                client.call(cmd, **({"reason": "therapist"} if cmd is wire.Pause else {}))
            except CommandTimeout:
                return out, 1
            except LinkDown:
                if not client.wait_connected(30):
                    raise
                continue
            out.append(time.perf_counter() - t0)
        if i % 10 == 9:
            print(f"  {i + 1}/{n} pairs", flush=True)
    return out, 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=40, help="pause/resume pairs per phase (default 40)")
    ap.add_argument("--fps", type=float, default=90.0, help="engine frame-rate cap (default 90)")
    ap.add_argument(
        "--count",
        type=int,
        default=1_000_000,
        help="most get_state the observer sends (default 1000000)",
    )
    ap.add_argument("--flood", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.flood:
        flood(args.flood[0], args.flood[1], int(args.flood[2]))
        return 0

    print(
        f"# bench/link_flood.py  n={args.n} pairs  engine cap {args.fps:g} Hz  flood "
        f"{args.count} get_state  (offscreen 640x360, {os.cpu_count()} CPUs)",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        kdir_e, kdir_c = root / "engine", root / "console"
        keys.pair_on_one_machine(kdir_e, kdir_c)
        proc, endpoint = start_engine(kdir_e, "--fps", f"{args.fps:g}")
        try:
            # A long timeout and no retry: a pause stuck behind a queue is
            # measured, not resent.
            client = LinkClient(endpoint, keys_dir=kdir_c, timeout_s=30.0, retries=0)
            with client:
                if not client.wait_connected(30):
                    raise RuntimeError(f"no link: {client.status}")
                quiet_frames = frame_stats(client, 3.0)
                quiet, _ = pauses(client, args.n, args.fps)
                print(fmt("pause alone", quiet), flush=True)
                flooder = subprocess.Popen(
                    [sys.executable, __file__, "--flood", endpoint, str(kdir_c), str(args.count)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                assert flooder.stdout is not None
                try:
                    if flooder.stdout.readline().strip() != "flooding":
                        raise RuntimeError("the flooding observer did not start")
                    flood_frames = frame_stats(client, 2.0)  # also: the flood under way
                    flooded, lost = pauses(client, args.n, args.fps)
                    if flooded:
                        print(fmt("pause+flood", flooded), flush=True)
                    if lost:
                        print("pause+flood: a command got no ack within 30 s", flush=True)
                    if client.stats["reconnects"]:
                        print(f"link lost {client.stats['reconnects']} times", flush=True)
                    out, _ = flooder.communicate(timeout=600)  # closes its stdin: it stops
                    print(out.strip(), flush=True)
                finally:
                    if flooder.poll() is None:
                        flooder.kill()
                        flooder.wait()
                if flooded:
                    print(
                        f"ratio flood/alone: median "
                        f"{statistics.median(flooded) / statistics.median(quiet):.2f}x, p99 "
                        f"{pct(flooded, 99) / pct(quiet, 99):.2f}x, max "
                        f"{max(flooded) / max(quiet):.2f}x; one frame at {args.fps:g} Hz is "
                        f"{1000.0 / args.fps:.1f} ms",
                        flush=True,
                    )
                print(
                    f"engine frame time median/p99: {quiet_frames[0]:.2f}/{quiet_frames[1]:.2f} "
                    f"ms alone, {flood_frames[0]:.2f}/{flood_frames[1]:.2f} ms under the flood "
                    f"({quiet_frames[2]:.0f} -> {flood_frames[2]:.0f} frames/s)",
                    flush=True,
                )
                if flooded:
                    # The ack waits for the next frame: in frames, the
                    # latency shows a queue; in ms, it also shows slower frames.
                    print(
                        f"median pause latency in frames: "
                        f"{statistics.median(quiet) * 1e3 / quiet_frames[0]:.2f} alone, "
                        f"{statistics.median(flooded) * 1e3 / flood_frames[0]:.2f} under the flood",
                        flush=True,
                    )
        finally:
            stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
