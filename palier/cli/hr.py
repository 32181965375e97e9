"""``palier hr``: heart-rate sensors for support and debugging.

``decode HEX`` decodes one raw Heart Rate Measurement notification (0x2A37).
Registration imports nothing heavy; Bluetooth is loaded by the handlers that
need it.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("hr", help="heart-rate sensors: decode a notification, scan, watch")
    hsub = p.add_subparsers(dest="hr_command", metavar="ACTION", required=True)

    dec = hsub.add_parser(
        "decode",
        help="decode one raw Heart Rate Measurement notification (hex) and print it as JSON",
    )
    dec.add_argument("hex", metavar="HEX", help='the notification\'s bytes, e.g. "16 4b 00 04"')
    dec.set_defaults(handler=run_decode)


def run_decode(args: argparse.Namespace) -> int:
    from palier.therapist_console.heart_rate.measurement import decode, parse_hex

    print(json.dumps(decode(parse_hex(args.hex)).as_json()))
    return 0
