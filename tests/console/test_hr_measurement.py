"""The Heart Rate Measurement decoder against byte sequences built from the
specification's field layout (struct, little-endian), every flag combination,
and the malformed cases; ``palier hr decode`` as a user runs it."""

from __future__ import annotations

import itertools
import json
import os
import struct
import subprocess
import sys

import pytest

from palier.therapist_console.heart_rate.measurement import (
    MeasurementError,
    decode,
    parse_hex,
)

PALIER = [sys.executable, "-m", "palier.cli"]


def notification(
    *,
    bpm: int,
    uint16: bool,
    contact: tuple[bool, bool],
    energy: int | None,
    rr: tuple[int, ...] | None,
    reserved: int = 0,
) -> bytes:
    """The layout of the specification: flags, rate, [energy], [RR...]."""
    supported, detected = contact
    flags = (
        (0x01 if uint16 else 0)
        | (0x02 if detected else 0)
        | (0x04 if supported else 0)
        | (0x08 if energy is not None else 0)
        | (0x10 if rr is not None else 0)
        | reserved
    )
    out = struct.pack("<B", flags) + struct.pack("<H" if uint16 else "<B", bpm)
    if energy is not None:
        out += struct.pack("<H", energy)
    if rr is not None:
        out += struct.pack(f"<{len(rr)}H", *rr)
    return out


COMBINATIONS = list(
    itertools.product(
        (False, True),  # uint16
        ((False, False), (False, True), (True, False), (True, True)),  # contact bits
        (None, 1234),  # energy
        (None, (1024,), (800, 1000, 1210)),  # RR
    )
)


@pytest.mark.parametrize(("uint16", "contact", "energy", "rr"), COMBINATIONS)
def test_every_flag_combination(
    uint16: bool, contact: tuple[bool, bool], energy: int | None, rr: tuple[int, ...] | None
) -> None:
    bpm = 301 if uint16 else 72
    m = decode(notification(bpm=bpm, uint16=uint16, contact=contact, energy=energy, rr=rr))
    assert m.bpm == bpm
    assert m.contact_supported is contact[0]
    # Bit 1 means nothing without bit 2 (values 0 and 1 both read "not supported").
    assert m.contact_detected is (contact[1] if contact[0] else None)
    assert m.energy_kj == energy
    assert m.rr_raw == (rr or ())
    assert m.rr_ms == tuple(x * 1000 / 1024 for x in (rr or ()))


def test_units_and_order() -> None:
    # 1024/1024 s = 1000 ms; 512 = 500 ms; 1 = 0.9765625 ms; oldest first.
    m = decode(bytes([0x10, 60, 0x00, 0x04, 0x00, 0x02, 0x01, 0x00]))
    assert m.rr_ms == (1000.0, 500.0, 0.9765625)
    # 16-bit rate, little-endian: 0x012c = 300 bpm; energy 0xffff kJ.
    m = decode(bytes([0x09, 0x2C, 0x01, 0xFF, 0xFF]))
    assert (m.bpm, m.energy_kj, m.rr_ms) == (300, 65535, ())
    assert m.as_json() == {
        "bpm": 300,
        "contact_supported": False,
        "contact_detected": None,
        "energy_kj": 65535,
        "rr_ms": [],
    }


def test_reserved_bits_are_ignored() -> None:
    plain = notification(bpm=80, uint16=False, contact=(True, True), energy=None, rr=(900,))
    reserved = notification(
        bpm=80, uint16=False, contact=(True, True), energy=None, rr=(900,), reserved=0xE0
    )
    assert decode(reserved) == decode(plain)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (bytes([0x00]), "8-bit heart rate"),
        (bytes([0x01, 0x48]), "16-bit heart rate"),
        (bytes([0x08, 0x48]), "energy-expended"),
        (bytes([0x08, 0x48, 0x10]), "energy-expended"),
        (bytes([0x09, 0x48, 0x00, 0x10]), "energy-expended"),
        (bytes([0x10, 0x48]), "RR intervals but none follow"),
        (bytes([0x18, 0x48, 0x10, 0x00]), "RR intervals but none follow"),
        (bytes([0x10, 0x48, 0x00]), "odd trailing byte"),
        (bytes([0x10, 0x48, 0x00, 0x04, 0x00]), "odd trailing byte"),
        (bytes([0x00, 0x48, 0x00]), "unexpected trailing"),
        (bytes([0x08, 0x48, 0x00, 0x00, 0x07, 0x07]), "unexpected trailing"),
    ],
)
def test_malformed_notifications(data: bytes, reason: str) -> None:
    with pytest.raises(MeasurementError, match=reason):
        decode(data)


def test_hex_forms() -> None:
    assert parse_hex("16 4b 00 04") == parse_hex("16:4B:00:04") == parse_hex("0x164b0004")
    with pytest.raises(MeasurementError, match="not hexadecimal"):
        parse_hex("zz")
    with pytest.raises(MeasurementError, match="not hexadecimal"):
        parse_hex("164")


def _palier(*args: str, lang: str = "en_US.UTF-8") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": lang, "LANGUAGE": ""}
    return subprocess.run([*PALIER, *args], capture_output=True, text=True, timeout=60, env=env)


def test_cli_decode_prints_json() -> None:
    out = _palier("hr", "decode", "1e 4b d2 04 00 04 00 02")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "bpm": 75,
        "contact_supported": True,
        "contact_detected": True,
        "energy_kj": 1234,
        "rr_ms": [1000.0, 500.0],
    }


@pytest.mark.parametrize("lang", ["en_US.UTF-8", "fr_FR.UTF-8"])
def test_cli_decode_refuses_a_malformed_one(lang: str) -> None:
    out = _palier("hr", "decode", "10 4b 00", lang=lang)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    needle = "odd trailing byte" if lang.startswith("en") else "octet impair"
    assert needle in out.stderr, out.stderr
    assert out.stdout == ""
