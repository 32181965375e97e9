"""The Bluetooth Heart Rate Measurement characteristic (0x2A37), decoded.

Layout (Bluetooth SIG, Heart Rate Service 1.0, section 3.1, and the GATT
Specification Supplement's "Heart Rate Measurement"), all little-endian:

========  =========================================================================
byte 0    flags
          bit 0: heart-rate value format, 0 = uint8, 1 = uint16
          bits 1-2: sensor contact status; bit 2 = contact feature supported,
          bit 1 = contact detected (meaningful only when bit 2 is set: values
          0 and 1 both mean "not supported")
          bit 3: energy expended field present
          bit 4: one or more RR intervals present
          bits 5-7: reserved (ignored, as the specification asks of receivers)
then      heart rate, uint8 or uint16, beats per minute
then      energy expended, uint16, kilojoules (if bit 3)
then      RR intervals, uint16 each, units of 1/1024 s, oldest first (if bit 4)
========  =========================================================================

Pure Python, no Bluetooth: the BLE source, ``palier hr decode`` and the tests
share it.
"""

from __future__ import annotations

from dataclasses import dataclass

from palier.core.i18n import N_, Message, localized_error

FLAG_UINT16 = 0x01
FLAG_CONTACT_DETECTED = 0x02
FLAG_CONTACT_SUPPORTED = 0x04
FLAG_ENERGY = 0x08
FLAG_RR = 0x10

RR_UNITS_PER_S = 1024
"""RR intervals are counted in 1/1024 s (not milliseconds)."""


class MeasurementError(ValueError):
    """A notification that does not follow the layout: too short, a flag
    promising a field that is absent, or bytes left over."""


def _malformed(message: Message, **params: object) -> MeasurementError:
    return localized_error(MeasurementError, message, **params)


@dataclass(frozen=True, slots=True)
class HeartRateMeasurement:
    bpm: int
    contact_supported: bool
    contact_detected: bool | None
    """None when the sensor does not support contact detection."""
    energy_kj: int | None
    rr_ms: tuple[float, ...]
    """RR intervals in ms (converted from 1/1024 s, not rounded), oldest first."""
    rr_raw: tuple[int, ...]
    """The same intervals as sent, in 1/1024 s (for exact records)."""

    def as_json(self) -> dict[str, object]:
        return {
            "bpm": self.bpm,
            "contact_supported": self.contact_supported,
            "contact_detected": self.contact_detected,
            "energy_kj": self.energy_kj,
            "rr_ms": [round(x, 3) for x in self.rr_ms],
        }


def rr_to_ms(raw: int) -> float:
    return raw * 1000.0 / RR_UNITS_PER_S


def _uint16(data: bytes, at: int) -> int:
    return data[at] | (data[at + 1] << 8)


def decode(data: bytes | bytearray | memoryview) -> HeartRateMeasurement:
    """One notification's value; raises :class:`MeasurementError` if malformed."""
    data = bytes(data)
    if not data:
        raise _malformed(N_("empty notification (no flags byte)"))
    flags = data[0]
    at = 1
    width = 2 if flags & FLAG_UINT16 else 1
    if len(data) < at + width:
        raise _malformed(
            N_("too short: {n} byte(s), the flags promise a {bits}-bit heart rate"),
            n=len(data),
            bits=8 * width,
        )
    bpm = _uint16(data, at) if width == 2 else data[at]
    at += width
    energy: int | None = None
    if flags & FLAG_ENERGY:
        if len(data) < at + 2:
            raise _malformed(
                N_("too short: {n} byte(s), the flags promise an energy-expended field"),
                n=len(data),
            )
        energy = _uint16(data, at)
        at += 2
    rr_raw: list[int] = []
    if flags & FLAG_RR:
        rest = len(data) - at
        if rest == 0:
            raise _malformed(N_("the flags promise RR intervals but none follow"))
        if rest % 2:
            raise _malformed(
                N_("an odd trailing byte in the RR intervals ({n} bytes, 2 per interval)"),
                n=rest,
            )
        rr_raw = [_uint16(data, i) for i in range(at, len(data), 2)]
        at = len(data)
    if at != len(data):
        raise _malformed(
            N_("{n} unexpected trailing byte(s) after the fields the flags announce"),
            n=len(data) - at,
        )
    supported = bool(flags & FLAG_CONTACT_SUPPORTED)
    return HeartRateMeasurement(
        bpm=bpm,
        contact_supported=supported,
        contact_detected=bool(flags & FLAG_CONTACT_DETECTED) if supported else None,
        energy_kj=energy,
        rr_ms=tuple(rr_to_ms(r) for r in rr_raw),
        rr_raw=tuple(rr_raw),
    )


def parse_hex(text: str) -> bytes:
    """``"16 4b 00 04"``, ``"16:4B:00:04"`` or ``"0x164b0004"``: the bytes."""
    cleaned = text.strip().lower()
    if cleaned.startswith("0x"):
        cleaned = cleaned[2:]
    for sep in (" ", ":", "-", "_"):
        cleaned = cleaned.replace(sep, "")
    try:
        return bytes.fromhex(cleaned)
    except ValueError:
        raise _malformed(N_("not hexadecimal bytes: {text}"), text=repr(text)) from None
