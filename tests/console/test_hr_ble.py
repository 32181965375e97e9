"""The Bluetooth LE source above the radio: a fake BLE client that drops and
comes back (the radio cannot be exercised on these machines), and the
`palier hr scan` / `watch` commands on a machine without Bluetooth."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from palier.therapist_console.heart_rate import ConnectionState, HeartRateSample
from palier.therapist_console.heart_rate.ble import (
    HEART_RATE_MEASUREMENT,
    BleHeartRate,
    Notify,
)
from tests.fixtures import wait_for

PALIER = [sys.executable, "-m", "palier.cli"]


class FakeRadio:
    """One sensor in range or not. Subscriptions are never forgotten (as a
    careless backend might keep them): every notification reaches every
    callback ever registered, so a source that did not guard would double."""

    def __init__(self) -> None:
        self.in_range = True
        self.lock = threading.Lock()
        self.subscribers: list[Notify] = []
        self.clients: list[FakeClient] = []
        self.connect_attempts = 0

    def factory(self, address: str, on_disconnect: Callable[[], None]) -> FakeClient:
        client = FakeClient(self, on_disconnect)
        self.clients.append(client)
        return client

    def notify(self, data: bytes) -> None:
        with self.lock:
            subs = list(self.subscribers)
        for cb in subs:
            cb(object(), bytearray(data))

    def drop(self) -> None:
        """The strap goes out of range: the live client hears of it."""
        self.in_range = False
        for c in self.clients:
            if c.connected:
                c.connected = False
                c.on_disconnect()


class FakeClient:
    def __init__(self, radio: FakeRadio, on_disconnect: Callable[[], None]) -> None:
        self.radio = radio
        self.on_disconnect = on_disconnect
        self.connected = False

    async def connect(self) -> None:
        self.radio.connect_attempts += 1
        if not self.radio.in_range:
            raise TimeoutError("device not found")
        self.connected = True

    async def disconnect(self) -> None:
        self.connected = False

    async def start_notify(self, char: str, callback: Notify) -> None:
        assert char == HEART_RATE_MEASUREMENT
        with self.radio.lock:
            self.radio.subscribers.append(callback)


def _samples(src: BleHeartRate, into: list[HeartRateSample]) -> int:
    into.extend(src.poll())
    return len(into)


def test_drop_reconnect_resubscribe_without_doubled_samples() -> None:
    radio = FakeRadio()
    src = BleHeartRate(
        "AA:BB:CC:DD:EE:FF",
        client_factory=radio.factory,
        reconnect_first_s=0.02,
        reconnect_max_s=0.05,
    )
    got: list[HeartRateSample] = []
    src.start()
    try:
        wait_for(lambda: src.state == ConnectionState.CONNECTED, 10, "first connection")
        radio.notify(bytes([0x16, 72, 0x00, 0x04]))  # 72 bpm, contact, RR 1000 ms
        wait_for(lambda: _samples(src, got) == 1, 10, "one sample")
        assert got[0].bpm == 72 and got[0].rr_ms == (1000.0,) and got[0].contact is True
        assert got[0].source == "ble:AA:BB:CC:DD:EE:FF"

        radio.drop()
        wait_for(lambda: src.state == ConnectionState.RECONNECTING, 10, "the drop seen")
        attempts = radio.connect_attempts
        wait_for(lambda: radio.connect_attempts >= attempts + 2, 10, "retries while away")
        assert src.state == ConnectionState.RECONNECTING
        radio.in_range = True
        wait_for(lambda: src.state == ConnectionState.CONNECTED, 10, "reconnected")
        assert src.connections == 2
        assert len(radio.subscribers) == 2  # re-subscribed on the new connection

        radio.notify(bytes([0x10, 80, 0x00, 0x03]))  # 80 bpm, RR 750 ms
        radio.notify(bytes([0x10, 80, 0x00]))  # malformed: an odd trailing byte
        radio.notify(bytes([0x00, 0]))  # rate 0: no reading
        radio.notify(bytes([0x00, 81]))
        wait_for(lambda: _samples(src, got) >= 3, 10, "samples after the reconnect")
        _samples(src, got)
        assert [s.bpm for s in got] == [72, 80, 81]  # each once, in order
        assert src.malformed == 1 and src.no_reading == 1
        states = [c.state for c in src.poll_states()]
        assert states == [
            ConnectionState.CONNECTING,
            ConnectionState.CONNECTED,
            ConnectionState.RECONNECTING,
            ConnectionState.CONNECTED,
        ]
    finally:
        src.stop()
    assert src.state == ConnectionState.STOPPED
    assert not any(c.connected for c in radio.clients)


def test_no_bluetooth_is_a_failed_state_with_the_reason() -> None:
    def factory(address: str, on_disconnect: Callable[[], None]) -> FakeClient:
        raise FileNotFoundError(2, "No such file or directory")

    src = BleHeartRate("AA:BB:CC:DD:EE:FF", client_factory=factory, reconnect_first_s=0.02)
    src.start()
    try:
        wait_for(lambda: src.state == ConnectionState.FAILED, 10, "failed")
    finally:
        src.stop()
    failed = [c for c in src.poll_states() if c.state == ConnectionState.FAILED]
    assert "Bluetooth is not available on this machine" in failed[0].detail


@pytest.mark.parametrize(
    "args", [("hr", "scan", "--timeout", "1"), ("hr", "watch", "AA:BB:CC:DD:EE:FF")]
)
def test_without_bluetooth_the_commands_fail_clearly(args: tuple[str, ...]) -> None:
    env = {**os.environ, "LC_ALL": "en_US.UTF-8", "LANGUAGE": ""}
    out = subprocess.run([*PALIER, *args], capture_output=True, text=True, timeout=90, env=env)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert "Bluetooth is not available on this machine" in out.stderr, out.stderr


@pytest.mark.parametrize("spec", ["ble:not-an-address", "bluetooth", "lsl:"])
def test_console_refuses_an_unknown_heart_rate_source(spec: str, tmp_path: Path) -> None:
    env = {**os.environ, "LC_ALL": "fr_FR.UTF-8", "LANGUAGE": "", "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [*PALIER, "console", "--heart-rate", spec, "--db", str(tmp_path / "x.sqlite3")],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )
    assert out.returncode == 2, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert "n’est pas une source de fréquence cardiaque" in out.stderr, out.stderr
    assert not (tmp_path / "x.sqlite3").exists()  # refused before anything opened
