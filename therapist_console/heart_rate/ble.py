"""A Bluetooth LE heart-rate sensor (chest strap, watch) through bleak.

The standard Heart Rate service (0x180D): the source connects to one
device, subscribes to Heart Rate Measurement (0x2A37) and decodes each
notification (:mod:`.measurement`). After a drop it reconnects by itself,
with a growing pause (1, 2, 4 ... 10 s), re-subscribing on the new
connection. Each connection has its own generation number and a callback
from an earlier one is ignored, so a backend that keeps an old subscription
alive can never double the samples.

Everything above the radio is here and testable: bleak is reached only
through :data:`ClientFactory` (the tests give a fake one). The asyncio loop
runs on the source's own thread; samples reach the console through the
source's queues.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from palier.core.i18n import N_, localized_error
from palier.therapist_console.heart_rate import (
    Clock,
    ConnectionState,
    HeartRateSample,
    HeartRateSource,
)
from palier.therapist_console.heart_rate.measurement import MeasurementError, decode

log = logging.getLogger(__name__)

HEART_RATE_SERVICE = "0000180d-0000-1000-8000-00805f9b34fb"
HEART_RATE_MEASUREMENT = "00002a37-0000-1000-8000-00805f9b34fb"
RECONNECT_FIRST_S = 1.0
RECONNECT_MAX_S = 10.0
CONNECT_TIMEOUT_S = 15.0

Notify = Callable[[object, bytearray], None]


class BleClient(Protocol):
    """What the source needs of a ``bleak.BleakClient``."""

    async def connect(self) -> None: ...

    async def disconnect(self) -> None: ...

    async def start_notify(self, char: str, callback: Notify) -> None: ...


ClientFactory = Callable[[str, Callable[[], None]], BleClient]
"""(address, called on disconnect) -> a client for that device."""


class BluetoothUnavailable(OSError):
    """No Bluetooth on this machine (no adapter, no BlueZ service)."""


def unavailable(error: BaseException) -> BluetoothUnavailable:
    return localized_error(
        BluetoothUnavailable,
        N_(
            "Bluetooth is not available on this machine ({error}): check that it has a "
            "Bluetooth adapter, that it is switched on and that the system's Bluetooth "
            "service (BlueZ on Linux) is running"
        ),
        error=f"{type(error).__name__}: {error}".rstrip(": "),
    )


def _is_unavailable(error: BaseException) -> bool:
    """The errors bleak raises when there is no Bluetooth at all (here: no
    D-Bus system socket) rather than a device out of range."""
    text = str(error).lower()
    return isinstance(error, FileNotFoundError) or any(
        word in text for word in ("no bluetooth adapters", "adapter", "bluez", "dbus")
    )


def bleak_client(address: str, on_disconnect: Callable[[], None]) -> BleClient:
    from bleak import BleakClient

    class _Client:
        def __init__(self) -> None:
            self.inner = BleakClient(
                address, disconnected_callback=lambda _c: on_disconnect(), timeout=CONNECT_TIMEOUT_S
            )

        async def connect(self) -> None:
            await self.inner.connect()

        async def disconnect(self) -> None:
            await self.inner.disconnect()

        async def start_notify(self, char: str, callback: Notify) -> None:
            await self.inner.start_notify(char, callback)

    return _Client()


@dataclass(frozen=True, slots=True)
class FoundDevice:
    address: str
    name: str
    rssi: int | None


async def scan(timeout_s: float = 5.0) -> list[FoundDevice]:
    """Devices advertising the Heart Rate service, strongest first."""
    from bleak import BleakScanner

    try:
        found = await BleakScanner.discover(
            timeout=timeout_s, service_uuids=[HEART_RATE_SERVICE], return_adv=True
        )
    except Exception as exc:  # bleak raises several kinds; all mean "no Bluetooth here"
        raise unavailable(exc) from exc
    out = [
        FoundDevice(dev.address, dev.name or adv.local_name or "", adv.rssi)
        for dev, adv in found.values()
    ]
    return sorted(out, key=lambda d: -(d.rssi if d.rssi is not None else -999))


class BleHeartRate(HeartRateSource):
    """One Bluetooth heart-rate sensor, reconnecting by itself."""

    def __init__(
        self,
        address: str,
        *,
        clock: Clock = time.time,
        client_factory: ClientFactory = bleak_client,
        reconnect_first_s: float = RECONNECT_FIRST_S,
        reconnect_max_s: float = RECONNECT_MAX_S,
    ) -> None:
        super().__init__(clock=clock)
        self.address = address
        self.name = f"ble:{address}"
        self.client_factory = client_factory
        self.reconnect_first_s = reconnect_first_s
        self.reconnect_max_s = reconnect_max_s
        self.connections = 0
        """Successful connections (1 + reconnects)."""
        self.no_reading = 0
        """Notifications with a rate of 0 (no skin contact on many straps): skipped."""
        self.failure: BluetoothUnavailable | None = None
        """Why the source gave up (FAILED), with its message in every language."""
        self._generation = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._dropped: asyncio.Event | None = None

    # -- HeartRateSource -------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._thread_main, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        loop, stop = self._loop, self._stop_event
        if loop is not None and stop is not None:
            loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=5.0)
        self._set_state(ConnectionState.STOPPED)

    @property
    def running(self) -> bool:
        return self._thread is not None

    # -- the loop --------------------------------------------------------------------
    def _thread_main(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        pause = self.reconnect_first_s
        while not self._stop_event.is_set():
            client = await self._connect()
            if client is not None:
                pause = self.reconnect_first_s
                await self._until_dropped_or_stopped()
                if self._stop_event.is_set():
                    await self._close(client)
                    break
                await self._close(client)
                self._set_state(ConnectionState.RECONNECTING, "connection lost")
            if await self._wait(pause):
                break
            pause = min(self.reconnect_max_s, pause * 2)

    async def _connect(self) -> BleClient | None:
        self._generation += 1
        generation = self._generation
        self._dropped = asyncio.Event()
        loop, dropped = asyncio.get_running_loop(), self._dropped

        def on_disconnect() -> None:
            if generation == self._generation:
                loop.call_soon_threadsafe(dropped.set)

        if self.connections == 0:
            self._set_state(ConnectionState.CONNECTING, self.address)
        try:
            client = self.client_factory(self.address, on_disconnect)
            await client.connect()
            await client.start_notify(HEART_RATE_MEASUREMENT, self._notifier(generation))
        except Exception as exc:
            if _is_unavailable(exc):
                self.failure = unavailable(exc)
                self._set_state(ConnectionState.FAILED, str(self.failure))
            else:
                state = (
                    ConnectionState.RECONNECTING if self.connections else ConnectionState.CONNECTING
                )
                self._set_state(state, f"{type(exc).__name__}: {exc}")
            log.info("heart-rate sensor %s: connection failed: %s", self.address, exc)
            return None
        self.connections += 1
        self._set_state(ConnectionState.CONNECTED, self.address)
        return client

    def _notifier(self, generation: int) -> Notify:
        def on_notify(_sender: object, data: bytearray) -> None:
            if generation != self._generation:
                return  # an earlier connection's subscription: never twice
            self.on_notification(bytes(data))

        return on_notify

    def on_notification(self, data: bytes) -> HeartRateSample | None:
        """Decode one notification into a sample (malformed: counted, logged, skipped)."""
        try:
            m = decode(data)
        except MeasurementError as exc:
            self._count_malformed(exc)
            return None
        if m.bpm == 0:
            self.no_reading += 1
            return None
        sample = HeartRateSample(
            t=self.clock(),
            bpm=float(m.bpm),
            rr_ms=m.rr_ms,
            source=self.name,
            contact=m.contact_detected,
        )
        self._put(sample)
        return sample

    async def _until_dropped_or_stopped(self) -> None:
        assert self._stop_event is not None and self._dropped is not None
        waits = [
            asyncio.ensure_future(self._stop_event.wait()),
            asyncio.ensure_future(self._dropped.wait()),
        ]
        _done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()

    async def _wait(self, seconds: float) -> bool:
        """Sleep unless stopped; True when stopped."""
        assert self._stop_event is not None
        try:
            await asyncio.wait_for(self._stop_event.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    async def _close(self, client: BleClient) -> None:
        self._generation += 1  # whatever the old client still sends is ignored
        try:
            await asyncio.wait_for(client.disconnect(), timeout=5.0)
        except Exception as exc:
            log.debug("heart-rate sensor %s: disconnect: %s", self.address, exc)
