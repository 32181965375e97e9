"""Control-link latency and mirror cost, against a real offscreen engine.

Measures, in one run on this machine:

1. ``raw``: the round trip of a bare pyzmq DEALER → ROUTER echo (CURVE on,
   the same msgpack frames as a set-parameters command) in another process:
   the floor any ZeroMQ link has here.
2. ``ping``: ``cmd.ping`` through the real link (answered by the engine's I/O
   thread: decoding, validation, encoding, no frame involved).
3. ``set_params``: ``cmd.set_params`` until its ack; the command is applied in
   the engine's next commands stage, so this includes waiting for a frame
   (commands are sent at random moments, as a therapist's clicks are).
4. Mirror: JPEG frames a second the console receives, and the engine's frame
   time with the mirror off and on (from ``tel.frame_stats``), the frame rate
   capped like a headset's. Its cost per frame in isolation is measured by
   ``bench/mirror_cost.py``.

Usage: ``.venv/bin/python bench/link_latency.py [-n 1000] [--fps 90]``
"""

from __future__ import annotations

import argparse
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zmq

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from palier.core import keys, wire  # noqa: E402
from palier.core.lines import LineReader  # noqa: E402
from palier.therapist_console.client import LinkClient  # noqa: E402


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q / 100.0 * (len(s) - 1)))]


def fmt(name: str, values: list[float]) -> str:
    ms = [v * 1e3 for v in values]
    return (
        f"{name:12s} n={len(ms):5d}  median {statistics.median(ms):7.3f} ms  "
        f"p99 {pct(ms, 99):7.3f} ms  max {max(ms):7.3f} ms"
    )


# -- raw baseline: echo server in its own process ---------------------------------------------
def echo_server(keys_dir: str, port_file: str) -> None:
    own = keys.load_own(Path(keys_dir))
    ctx = zmq.Context()
    sock = ctx.socket(zmq.ROUTER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.CURVE_SERVER, 1)
    sock.setsockopt(zmq.CURVE_PUBLICKEY, own.public)
    sock.setsockopt(zmq.CURVE_SECRETKEY, own.secret)
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    Path(port_file).write_text(str(port))
    try:
        while True:  # short polls: SIGINT is seen between them
            if sock.poll(200):
                sock.send_multipart(sock.recv_multipart())
    except KeyboardInterrupt:
        pass
    finally:
        sock.close(linger=0)
        ctx.term()


def raw_round_trips(endpoint: str, kdir: Path, server_key: bytes, n: int) -> list[float]:
    own = keys.load_own(kdir)
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.CURVE_SERVERKEY, server_key)
    sock.setsockopt(zmq.CURVE_PUBLICKEY, own.public)
    sock.setsockopt(zmq.CURVE_SECRETKEY, own.secret)
    sock.connect(endpoint)
    frames = wire.encode(wire.SetParams(id=1, params={"distance": 1.0}, ramp_s=0.0))
    out = []
    try:
        for i in range(n + 50):
            t0 = time.perf_counter()
            sock.send_multipart(frames)
            if not sock.poll(5000):
                raise RuntimeError("echo server did not answer")
            sock.recv_multipart()
            if i >= 50:  # warm-up excluded
                out.append(time.perf_counter() - t0)
    finally:
        sock.close(linger=0)
        ctx.term()
    return out


# -- engine ------------------------------------------------------------------------------------
def start_engine(kdir: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    cmd = [
        sys.executable,
        "-m",
        "palier.cli",
        "engine",
        "--backend",
        "offscreen",
        "--size",
        "640x360",
        "--bind",
        "tcp://127.0.0.1:0",
        "--keys",
        str(kdir),
        *extra,
    ]
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1")
    )
    assert proc.stdout is not None
    reader = LineReader(proc.stdout, name="engine-stdout")  # also keeps the pipe drained
    line = reader.until(lambda ln: ln.startswith("palier-link ready"), 120)
    if line is not None:
        return proc, dict(p.split("=", 1) for p in line.split()[2:])["command"]
    proc.kill()
    raise RuntimeError(f"engine did not start (exit code {proc.poll()})")


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def frame_stats(client: LinkClient, seconds: float) -> tuple[float, float, float]:
    """Mean over the per-second reports of (median ms, p99 ms, frames/s)."""
    got: list[wire.FrameStats] = []
    client.on_frame_stats = got.append
    time.sleep(seconds)
    client.on_frame_stats = None
    got = got[1:] or got  # the first report may straddle the switch
    if not got:  # the render loop stalled for the whole window
        return (math.nan, math.nan, 0.0)
    return (
        statistics.fmean(s.median_ms for s in got),
        statistics.fmean(s.p99_ms for s in got),
        statistics.fmean(s.frames for s in got),
    )


def mirror_phase(client: LinkClient, seconds: float) -> dict[str, float]:
    off = frame_stats(client, seconds)
    frames: list[tuple[float, int]] = []
    client.on_mirror = lambda m: frames.append((time.monotonic(), len(m.jpeg)))
    client.set_mirror(True)
    time.sleep(1.0)  # encoder start-up
    frames.clear()
    t0 = time.monotonic()
    on = frame_stats(client, seconds)
    elapsed = time.monotonic() - t0
    client.set_mirror(False)
    client.on_mirror = None
    return {
        "off_median": off[0],
        "off_p99": off[1],
        "off_fps": off[2],
        "on_median": on[0],
        "on_p99": on[1],
        "on_fps": on[2],
        "mirror_fps": len(frames) / elapsed,
        "jpeg_kb": statistics.fmean(n for _, n in frames) / 1024 if frames else 0.0,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=1000, help="commands to time (default 1000)")
    ap.add_argument(
        "--fps", type=float, default=90.0, help="engine frame-rate cap, like a headset (default 90)"
    )
    ap.add_argument("--mirror-seconds", type=float, default=5.0)
    ap.add_argument("--echo-server", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.echo_server:
        echo_server(*args.echo_server)
        return 0

    # Figures are printed as each phase ends, so a failure later keeps them.
    print(
        f"# bench/link_latency.py  n={args.n}  engine cap {args.fps:g} Hz  "
        f"(offscreen 640x360, {os.cpu_count()} CPUs)",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        kdir_e, kdir_c = root / "engine", root / "console"
        keys.pair_on_one_machine(kdir_e, kdir_c)

        # 1. raw pyzmq baseline (engine keys, so the same CURVE work).
        port_file = root / "port"
        echo = subprocess.Popen(
            [sys.executable, __file__, "--echo-server", str(kdir_e), str(port_file)], cwd=REPO
        )
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.05)
            raw = raw_round_trips(
                f"tcp://127.0.0.1:{port_file.read_text()}",
                kdir_c,
                keys.load_own(kdir_e).public,
                args.n,
            )
        finally:
            echo.send_signal(signal.SIGINT)
            try:
                echo.wait(timeout=10)
            except subprocess.TimeoutExpired:
                echo.kill()
                echo.wait()
        print(fmt("raw pyzmq", raw), flush=True)

        # 2-4. the real link, engine capped like a headset.
        proc, endpoint = start_engine(kdir_e, "--fps", f"{args.fps:g}")
        try:
            client = LinkClient(endpoint, keys_dir=kdir_c, role="control", timeout_s=2.0)
            with client:
                if not client.wait_connected(30):
                    raise RuntimeError(f"no link: {client.status}")
                assert client.info is not None
                spiders = client.info.scene(client.state.scene if client.state else "spiders")
                p = next(p for p in spiders.params if p.kind.value == "float")
                values = [p.least_intense, p.most_intense]
                pings, acks = [], []
                rng = random.Random(7)
                for i in range(args.n + 50):
                    # A therapist's click lands at a random point of the frame;
                    # back-to-back commands would lock to the frame phase.
                    time.sleep(rng.uniform(0.0, 2.0 / args.fps))
                    t0 = time.perf_counter()
                    client.ping()
                    t1 = time.perf_counter()
                    client.set_params({p.name: values[i % 2]}, ramp_s=0.0)
                    t2 = time.perf_counter()
                    if i >= 50:
                        pings.append(t1 - t0)
                        acks.append(t2 - t1)
                med_raw, med_ack = statistics.median(raw), statistics.median(acks)
                print(fmt("link ping", pings))
                print(fmt("set_params", acks))
                print(
                    f"ratio set_params/raw: median {med_ack / med_raw:.1f}x, "
                    f"p99 {pct(acks, 99) / pct(raw, 99):.1f}x; ping/raw median "
                    f"{statistics.median(pings) / med_raw:.1f}x; expected frame wait at "
                    f"{args.fps:g} Hz ~{500.0 / args.fps:.1f} ms",
                    flush=True,
                )
                # The mirror at the scene's defaults, not with the last
                # command's spider 15 cm from the eye.
                client.set_params({p.name: p.default}, ramp_s=0.0)
                print_mirror(f"capped {args.fps:g} Hz", mirror_phase(client, args.mirror_seconds))
        finally:
            stop(proc)

    # The mirror's cost per frame, with the GPU drained around each block of
    # frames, is bench/mirror_cost.py's job: an uncapped engine on a software
    # renderer (Mesa llvmpipe) queues frames, and the mirror's read-back then
    # waits for all of them (about one frame a second), which measures the
    # renderer's queue, not the mirror.
    return 0


def print_mirror(label: str, m: dict[str, float]) -> None:
    print(
        f"mirror ({label}): {m['mirror_fps']:.1f} frames/s received, "
        f"{m['jpeg_kb']:.0f} KiB/frame; engine frame time median/p99 "
        f"{m['off_median']:.2f}/{m['off_p99']:.2f} ms off -> "
        f"{m['on_median']:.2f}/{m['on_p99']:.2f} ms on "
        f"({m['off_fps']:.0f} -> {m['on_fps']:.0f} frames/s)",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
