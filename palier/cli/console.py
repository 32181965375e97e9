"""``palier console``: the therapist's desktop app (PySide6)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from palier.core.i18n import LANGUAGES


def register(sub: Any) -> None:
    p = sub.add_parser("console", help="open the therapist console (desktop app)")
    p.add_argument(
        "--connect",
        metavar="tcp://HOST:PORT",
        help="connect to this engine at once (else: from the setup page)",
    )
    p.add_argument(
        "--keys",
        type=Path,
        metavar="DIR",
        help="keys directory (default: per-user, see `palier keys show`)",
    )
    p.add_argument(
        "--db", type=Path, metavar="PATH", help="session record file (default: per-user data dir)"
    )
    p.add_argument(
        "--lang", choices=LANGUAGES, help="interface language (default: from the system locale)"
    )
    p.add_argument(
        "--simulate-heart-rate",
        action="store_true",
        help="a simulated heart-rate source (demo; no sensor needed)",
    )
    p.add_argument(
        "--heart-rate",
        metavar="SOURCE",
        help="heart-rate source at start: ble:ADDRESS (a Bluetooth sensor, see "
        "`palier hr scan`), lsl:STREAM (an LSL stream's name, source id or type) or "
        "simulated (invented: demo only); else chosen in the session setup",
    )
    p.add_argument(
        "--lsl",
        action="store_true",
        help="publish the session on Lab Streaming Layer (heart rate beat by beat, "
        "session markers) for LabRecorder: see docs/data-export.md",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported by the handler: the console loads Qt, and `palier --help` stays instant.
    from palier.therapist_console.app import run_console
    from palier.therapist_console.heart_rate.choice import parse_spec
    from palier.therapist_console.record import default_record_path

    if args.heart_rate is not None:
        parse_spec(args.heart_rate)  # a mistake is said before any window opens
    return run_console(
        record_path=args.db or default_record_path(),
        connect=args.connect,
        keys_dir=args.keys,
        language=args.lang,
        simulate_heart_rate=args.simulate_heart_rate,
        heart_rate=args.heart_rate,
        lsl=args.lsl,
    )
