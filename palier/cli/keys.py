"""``palier keys``: this machine's CURVE key pair and pairing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_keys_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--keys",
        type=Path,
        default=None,
        metavar="DIR",
        help="keys directory (default: the per-user config dir, see `palier keys show`)",
    )


def register(sub: Any) -> None:
    p = sub.add_parser(
        "keys",
        help="encryption keys: create, show, pair consoles and engines",
        description="Manage this machine's CURVE key pair and its paired machines.",
    )
    ksub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    q = ksub.add_parser("init", help="create this machine's key pair")
    add_keys_dir(q)
    q.add_argument("--name", help="label stored in the key (default: host name)")
    q.add_argument("--force", action="store_true", help="replace an existing pair")
    q.set_defaults(handler=run_init)

    q = ksub.add_parser("show", help="print the public key and its fingerprint")
    add_keys_dir(q)
    q.set_defaults(handler=run_show)

    q = ksub.add_parser(
        "allow",
        help="pair: trust another machine's public key file",
        description="On an engine: allow a console (its this.key). On a console: "
        "trust an engine (its this.key) with --engine.",
    )
    add_keys_dir(q)
    q.add_argument("file", type=Path, metavar="FILE", help="the other machine's this.key")
    q.add_argument("--engine", action="store_true", help="FILE is an engine's key (on a console)")
    q.add_argument("--name", help="file name for the key (default: its fingerprint)")
    q.set_defaults(handler=run_allow)

    q = ksub.add_parser(
        "revoke",
        help="unpair: stop allowing a console (or, with --engine, trusting an engine)",
        description="On an engine: remove a paired console's key (a lost or replaced "
        "laptop); a running engine refuses its next connection. On a console: stop "
        "trusting an engine with --engine. `palier keys show` lists the fingerprints.",
    )
    add_keys_dir(q)
    q.add_argument("fingerprint", metavar="FINGERPRINT", help="as `palier keys show` prints it")
    q.add_argument("--engine", action="store_true", help="an engine's key (on a console)")
    q.set_defaults(handler=run_revoke)

    q = ksub.add_parser(
        "pair",
        help="pair this console with an engine by its one-time code (no files)",
        description="On a console: type the code the engine shows (`palier engine --pair`, or "
        "P in its window), compare the fingerprints, and both machines trust each other.",
    )
    add_keys_dir(q)
    q.add_argument(
        "--connect",
        default="tcp://127.0.0.1:7770",
        metavar="tcp://HOST:PORT",
        help="the engine's command endpoint (pairing uses PORT+2; default: %(default)s)",
    )
    q.add_argument("--code", help="the code shown by the engine (default: ask)")
    q.add_argument(
        "--yes", action="store_true", help="do not ask to compare the fingerprints (scripts)"
    )
    q.set_defaults(handler=run_pair)


def _dir(args: argparse.Namespace) -> Path:
    # Imported by the handlers: `palier --help` stays instant.
    from palier.core.keys import default_keys_dir

    return Path(args.keys) if args.keys else default_keys_dir()


def run_init(args: argparse.Namespace) -> int:
    # See _dir.
    from palier.core.keys import OWN_PUBLIC, fingerprint, init_keys

    d = _dir(args)
    pair = init_keys(d, name=args.name, force=args.force)
    print(f"created a key pair in {d}")
    print(f"  public key file: {d / OWN_PUBLIC} (copy it to the machine to pair with)")
    print(f"  fingerprint:     {fingerprint(pair.public)}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    # See _dir.
    from palier.core.keys import CONSOLES, ENGINES, allowed_keys, fingerprint, load_own

    d = _dir(args)
    pair = load_own(d)
    print(f"keys directory: {d}")
    print(f"public key:     {pair.public.decode('ascii')}")
    print(f"fingerprint:    {fingerprint(pair.public)}")
    for label, folder in (("paired consoles", CONSOLES), ("trusted engines", ENGINES)):
        keys = allowed_keys(d / folder) if (d / folder).is_dir() else []
        shown = ", ".join(fingerprint(k) for k in keys) or "none"
        print(f"{label + ':':17s}{shown}")
    return 0


def run_allow(args: argparse.Namespace) -> int:
    # See _dir.
    from palier.core.keys import allow as do_allow
    from palier.core.keys import fingerprint, read_key_file

    d = _dir(args)
    dest = do_allow(d, args.file, engine=args.engine, name=args.name)
    public, _ = read_key_file(dest)
    what = "engine trusted" if args.engine else "console allowed"
    print(f"{what}: fingerprint {fingerprint(public)} (check it with the other machine)")
    print(f"  stored as {dest}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    # See _dir.
    from palier.core.keys import revoke

    for path in revoke(_dir(args), args.fingerprint, engine=args.engine):
        print(f"removed {path}")
    if args.engine:
        print("this console no longer trusts that engine")
    else:
        print(
            "that console is no longer allowed: a running engine refuses its next connection "
            "(one open now stays open until it ends or the engine restarts)"
        )
    return 0


def run_pair(args: argparse.Namespace) -> int:
    # See _dir; the console's pairing side loads zmq.
    from palier.therapist_console.pairing import ConsolePairing, PairingFailed, pairing_endpoint

    code = args.code or input("code shown by the engine: ")
    with ConsolePairing(pairing_endpoint(args.connect), _dir(args)) as pairing:
        try:
            offer = pairing.offer(code)
        except PairingFailed as exc:
            print(f"palier keys pair: {exc}", file=sys.stderr)
            return 1
        print(f"engine key:  {offer.engine_fingerprint} ({offer.engine_name})")
        print(f"this console: {offer.console_fingerprint}")
        if not args.yes:
            answer = input("does the headset show the same engine key? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "o", "oui"):
                print("not paired: nothing was stored")
                return 1
        try:
            path = pairing.confirm()
        except PairingFailed as exc:
            print(f"palier keys pair: {exc}", file=sys.stderr)
            return 1
    print(f"paired: engine trusted as {path}; the engine allowed this console")
    return 0
