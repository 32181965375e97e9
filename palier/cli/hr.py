"""``palier hr``: heart-rate sensors for support and debugging.

``decode HEX`` decodes one raw Heart Rate Measurement notification (0x2A37);
``scan`` lists nearby devices advertising the Heart Rate service (0x180D);
``watch ADDRESS`` connects to one and prints its samples as JSON lines
(reconnecting by itself). Registration imports nothing heavy; Bluetooth is
loaded by the handlers that need it.
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

    sc = hsub.add_parser("scan", help="list nearby Bluetooth heart-rate sensors (service 0x180D)")
    sc.add_argument(
        "--timeout", type=float, default=5.0, metavar="S", help="seconds to listen (default 5)"
    )
    sc.set_defaults(handler=run_scan)

    wa = hsub.add_parser("watch", help="connect to a sensor and print its samples (JSON lines)")
    wa.add_argument(
        "address", metavar="ADDRESS", help="the sensor's address (see `palier hr scan`)"
    )
    wa.add_argument(
        "--seconds", type=float, metavar="S", help="stop after this long (default: until Ctrl-C)"
    )
    wa.set_defaults(handler=run_watch)


def run_decode(args: argparse.Namespace) -> int:
    from palier.therapist_console.heart_rate.measurement import decode, parse_hex

    print(json.dumps(decode(parse_hex(args.hex)).as_json()))
    return 0


def run_scan(args: argparse.Namespace) -> int:
    import asyncio

    from palier.core.i18n import _
    from palier.therapist_console.heart_rate.ble import scan

    found = asyncio.run(scan(args.timeout))
    if not found:
        print(_("No heart-rate sensor found. Is it worn (most wake on skin contact) and near?"))
    for dev in found:
        rssi = "" if dev.rssi is None else f"{dev.rssi} dBm"
        print(f"{dev.address}\t{dev.name}\t{rssi}")
    return 0


def run_watch(args: argparse.Namespace) -> int:
    import sys
    import time

    from palier.therapist_console.heart_rate import ConnectionState
    from palier.therapist_console.heart_rate.ble import BleHeartRate, BluetoothUnavailable

    src = BleHeartRate(args.address)
    src.start()
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    try:
        while deadline is None or time.monotonic() < deadline:
            for change in src.poll_states():
                if change.state == ConnectionState.FAILED:
                    raise src.failure or BluetoothUnavailable(change.detail)
                print(f"{change.state.value} {change.detail}".strip(), file=sys.stderr)
            for sample in src.poll():
                fields = {
                    "t": round(sample.t, 3),
                    "bpm": sample.bpm,
                    "contact_detected": sample.contact,
                    "rr_ms": [round(x, 3) for x in sample.rr_ms],
                }
                print(json.dumps(fields), flush=True)
            time.sleep(0.1)
    finally:
        src.stop()
    return 0
