"""Choosing a heart-rate source by name: ``simulated``, ``ble:ADDRESS`` or
``lsl:STREAM`` (the command line's ``--heart-rate`` and the session setup).

The simulation is only ever what was asked for: a sensor that cannot be
reached stays a sensor in a failed state, never silently replaced.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from palier.core.i18n import N_, localized_error
from palier.therapist_console.heart_rate import SIMULATED, Clock, HeartRateSource

BLE_ADDRESS = re.compile(r"^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f-]{36}$")
"""A MAC address (Linux, Windows) or a CoreBluetooth UUID (macOS)."""
KINDS = ("simulated", "ble", "lsl")


class SourceSpecError(ValueError):
    pass


def parse_spec(spec: str) -> tuple[str, str]:
    """``(kind, target)``; raises :class:`SourceSpecError`."""
    text = spec.strip()
    if text == SIMULATED:
        return SIMULATED, ""
    kind, _sep, target = text.partition(":")
    target = target.strip()
    if kind == "ble" and BLE_ADDRESS.match(target):
        return "ble", target.upper()
    if kind == "lsl" and target and "'" not in target:
        return "lsl", target
    raise localized_error(
        SourceSpecError,
        N_(
            "{spec} is not a heart-rate source: use simulated, ble:ADDRESS (see "
            "`palier hr scan`) or lsl:STREAM (an LSL stream's name, source id or type)"
        ),
        spec=repr(spec),
    )


def open_source(
    spec: str, *, intensity: Callable[[], float] = lambda: 0.0, clock: Clock = time.time
) -> HeartRateSource:
    """The source ``spec`` names, not started."""
    kind, target = parse_spec(spec)
    if kind == SIMULATED:
        from palier.therapist_console.heart_rate.simulated import SimulatedHeartRate

        return SimulatedHeartRate(intensity, clock=clock)
    if kind == "ble":
        from palier.therapist_console.heart_rate.ble import BleHeartRate

        return BleHeartRate(target, clock=clock)
    from palier.therapist_console.heart_rate.lsl import LslHeartRate

    return LslHeartRate(target, clock=clock)
