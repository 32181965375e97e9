"""``palier link probe``: check that this console can reach and use an engine."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

EXIT_UNREACHABLE = 3
EXIT_REFUSED = 4
EXIT_INCOMPATIBLE = 5


def register(sub: Any) -> None:
    p = sub.add_parser(
        "link",
        help="console link tools (probe an engine)",
        description="Tools for the link between the therapist console and the engine.",
    )
    lsub = p.add_subparsers(dest="link_command", metavar="ACTION", required=True)
    q = lsub.add_parser(
        "probe",
        help="say hello to an engine: identity, scenes, round-trip time",
        description="Connect to an engine as an observer (its failsafe is not armed by a "
        "probe), print its identity and scene catalogue and measure the round-trip time. "
        f"Exit codes: 0 ok, {EXIT_UNREACHABLE} no answer, {EXIT_REFUSED} refused (keys not "
        f"paired), {EXIT_INCOMPATIBLE} protocol versions differ.",
    )
    q.add_argument(
        "--connect",
        default="tcp://127.0.0.1:7770",
        metavar="tcp://HOST:PORT",
        help="engine command endpoint (default: %(default)s)",
    )
    q.add_argument(
        "--keys", type=Path, metavar="DIR", help="this console's keys directory (default: per-user)"
    )
    q.add_argument(
        "--engine-key",
        type=Path,
        metavar="FILE",
        help="the engine's public key file (default: the one in DIR/engines)",
    )
    q.add_argument(
        "--timeout",
        type=float,
        default=5.0,
        metavar="S",
        help="give up after S seconds (default: %(default)s)",
    )
    q.add_argument(
        "--pings",
        type=int,
        default=50,
        metavar="N",
        help="round trips to time (default: %(default)s)",
    )
    q.set_defaults(handler=run_probe)


def run_probe(args: argparse.Namespace) -> int:
    # Imported by the handler: the client loads zmq, and `palier --help` stays instant.
    from palier.core.keys import default_keys_dir, engine_key, load_own
    from palier.therapist_console.client import LinkClient, LinkState

    keys_dir = args.keys or default_keys_dir()
    client = LinkClient(
        args.connect,
        keypair=load_own(keys_dir),
        server_key=engine_key(keys_dir, args.engine_key),
        role="observe",
        name="palier link probe",
        timeout_s=1.0,
        retries=1,
    )
    with client:
        deadline = time.monotonic() + args.timeout
        while not client.wait_connected(0.1):
            state = client.status.state
            if state is LinkState.INCOMPATIBLE:
                print(
                    f"palier link probe: incompatible engine: {client.status.detail}",
                    file=sys.stderr,
                )
                return EXIT_INCOMPATIBLE
            if time.monotonic() > deadline:
                if state is LinkState.REFUSED:
                    print(
                        f"palier link probe: refused by {args.connect}: {client.status.detail}",
                        file=sys.stderr,
                    )
                    return EXIT_REFUSED
                print(
                    f"palier link probe: no answer from {args.connect} within "
                    f"{args.timeout:g} s. Is the engine running with `palier engine --bind "
                    f"{args.connect}`? Is the address reachable (firewall)?",
                    file=sys.stderr,
                )
                return EXIT_UNREACHABLE
        info = client.info
        snapshot = client.state
        assert info is not None and snapshot is not None
        rtts = [client.ping() for _ in range(max(1, args.pings))]
        print(f"engine:    {info.engine} on {info.host} (instance {info.instance})")
        print(f"protocol:  {info.protocol}; backend {info.backend}; language {info.language}")
        print(
            f"showing:   {snapshot.showing} (scene {snapshot.scene}"
            f"{', paused: ' + snapshot.pause_reason if snapshot.paused else ''})"
        )
        print(
            f"round trip: median {statistics.median(rtts) * 1e3:.2f} ms, "
            f"max {max(rtts) * 1e3:.2f} ms over {len(rtts)} pings"
        )
        if client.clock is not None:
            c = client.clock
            print(
                f"clock:     engine - console = {c.offset_s * 1e3:+.2f} ms "
                f"(spread {c.spread_s * 1e3:.2f} ms, {c.samples} samples)"
            )
        print(f"scenes ({len(info.catalogue)}):")
        for decl in info.catalogue:
            print(f"  {decl.id}: {decl.name.get('en')}")
            for p in decl.params:
                print(
                    f"    param {p.name}: {p.kind.value}, {p.describe_range()}, "
                    f"default {p.default!r}"
                )
            for e in decl.events:
                print(f"    event {e.name}: {e.label.get('en')}")
    return 0
