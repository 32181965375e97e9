"""Lab Streaming Layer: heart rate in from any LSL stream, and the session out
for research recordings (LabRecorder, XDF).

In (:class:`LslHeartRate`): a stream found by name, source id or type. Its
channels are read by label: one labelled like a heart rate (``HeartRate``,
``HR``, ``bpm``) gives the bpm, one labelled like an RR interval
(``RRInterval``, ``RR``, ``IBI``) the interval in ms; a stream with one
unlabelled channel is taken as bpm. Each sample keeps its LSL timestamp
(``t_source``, corrected to this machine's LSL clock) and gets the console
time of that same instant (``t``).

Out (:class:`LslPublisher`), two streams per console (docs/data-export.md):

* ``Palier heart rate`` (type ``HeartRate``), 2 float32 channels
  ``HeartRate`` (bpm) and ``RRInterval`` (ms), irregular rate: one sample
  per beat, stamped on the LSL clock at the beat (the end of its RR
  interval), not at the notification; a sample without RR intervals is one
  sample with ``RRInterval`` NaN at the sample's time.
* ``Palier markers`` (type ``Markers``), 1 string channel, irregular rate:
  each timeline line of the session (steps, commands, events, SUDS, notes,
  link) as a JSON object ``{"kind", "name", "text", "detail"}``, stamped at
  the moment it happened.

Source ids are stable for one console machine and record file
(``palier-<host>-heart-rate``, ``palier-<host>-markers``), so LabRecorder
finds the streams again after a restart.
"""

from __future__ import annotations

import json
import logging
import math
import socket
import threading
import time
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from palier.core.i18n import N_, localized_error
from palier.therapist_console.heart_rate import (
    Clock,
    ConnectionState,
    HeartRateSample,
    HeartRateSource,
    is_simulated,
)

log = logging.getLogger(__name__)

HR_TYPE = "HeartRate"
MARKERS_TYPE = "Markers"
HR_CHANNELS = (("HeartRate", "bpm"), ("RRInterval", "ms"))
BPM_LABELS = ("heartrate", "heart_rate", "hr", "bpm", "pulse", "pulserate")
RR_LABELS = ("rrinterval", "rr_interval", "rr", "ibi", "rri", "interbeatinterval")
RESOLVE_TIMEOUT_S = 5.0


class LslError(OSError):
    """No such LSL stream, or LSL itself cannot run here."""


def _pylsl() -> ModuleType:
    try:
        import pylsl
    except (ImportError, RuntimeError) as exc:  # RuntimeError: liblsl not loadable
        raise localized_error(
            LslError,
            N_("Lab Streaming Layer (pylsl) could not be loaded ({error}): reinstall Palier"),
            error=str(exc),
        ) from exc
    return pylsl


def lsl_clock() -> float:
    return float(_pylsl().local_clock())


def source_id(what: str) -> str:
    host = socket.gethostname().split(".")[0] or "console"
    return f"palier-{host}-{what}"


def _channel_labels(info: Any) -> list[str]:
    labels: list[str] = []
    ch = info.desc().child("channels").child("channel")
    while not ch.empty():
        labels.append(str(ch.child_value("label")))
        ch = ch.next_sibling()
    return labels


def _norm(label: str) -> str:
    return label.strip().lower().replace(" ", "").replace("-", "")


def pick_channels(labels: Sequence[str], count: int) -> tuple[int | None, int | None]:
    """(bpm channel, RR channel) from the channels' labels."""
    norm = [_norm(x) for x in labels]
    bpm = next((i for i, x in enumerate(norm) if x in BPM_LABELS), None)
    rr = next((i for i, x in enumerate(norm) if x in RR_LABELS), None)
    if bpm is None and rr is None and count == 1:
        bpm = 0
    return bpm, rr


class LslHeartRate(HeartRateSource):
    """Heart rate from an LSL stream, found by name, source id or type."""

    def __init__(
        self,
        stream: str,
        *,
        clock: Clock = time.time,
        resolve_timeout_s: float = RESOLVE_TIMEOUT_S,
    ) -> None:
        super().__init__(clock=clock)
        self.stream = stream
        self.name = f"lsl:{stream}"
        self.resolve_timeout_s = resolve_timeout_s
        self.failure: LslError | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def label(self) -> str:
        return f"LSL {self.stream}"

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=5.0)
            self._set_state(ConnectionState.STOPPED)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def _resolve(self) -> Any:
        pylsl = _pylsl()
        s = self.stream.replace("'", "")
        found = pylsl.resolve_bypred(
            f"name='{s}' or source_id='{s}' or type='{s}'", 1, self.resolve_timeout_s
        )
        return found[0] if found else None

    def _run(self) -> None:
        try:
            pylsl = _pylsl()
        except LslError as exc:
            self.failure = exc
            self._set_state(ConnectionState.FAILED, str(exc))
            return
        self._set_state(ConnectionState.CONNECTING, self.stream)
        info = None
        while info is None and not self._stop.is_set():
            info = self._resolve()
        if info is None:
            return
        inlet = pylsl.StreamInlet(info, max_buflen=60, recover=True)
        count = int(info.channel_count())
        try:
            full = inlet.info(timeout=self.resolve_timeout_s)
            labels = _channel_labels(full)
        except Exception:  # an older outlet without a description: no labels
            labels = []
        bpm_ch, rr_ch = pick_channels(labels, count)
        if bpm_ch is None and rr_ch is None:
            self.failure = localized_error(
                LslError,
                N_(
                    "the LSL stream {stream} has no channel labelled as a heart rate "
                    "(HeartRate, HR, bpm) or an RR interval (RRInterval, RR, IBI)"
                ),
                stream=self.stream,
            )
            self._set_state(ConnectionState.FAILED, str(self.failure))
            return
        self._set_state(ConnectionState.CONNECTED, str(info.name()))
        silent_since = time.monotonic()
        while not self._stop.is_set():
            chunk, stamps = inlet.pull_chunk(timeout=0.2)
            if not stamps:
                # A beat-by-beat stream is silent between beats; 10 s is a gap.
                if time.monotonic() - silent_since > 10.0:
                    self._set_state(ConnectionState.RECONNECTING, "no data for 10 s")
                continue
            silent_since = time.monotonic()
            self._set_state(ConnectionState.CONNECTED, str(info.name()))
            correction = inlet.time_correction(timeout=1.0)
            now_lsl, now = pylsl.local_clock(), self.clock()
            for values, stamp in zip(chunk, stamps, strict=True):
                t_lsl = float(stamp) + float(correction)
                self.take(values, t_lsl, now - (now_lsl - t_lsl), bpm_ch, rr_ch)
        inlet.close_stream()

    def take(
        self,
        values: Sequence[float],
        t_lsl: float,
        t_console: float,
        bpm_ch: int | None,
        rr_ch: int | None,
    ) -> HeartRateSample | None:
        """One LSL sample into a heart-rate sample (bad values: counted, skipped)."""
        try:
            rr = float(values[rr_ch]) if rr_ch is not None else math.nan
            bpm = float(values[bpm_ch]) if bpm_ch is not None else math.nan
        except (IndexError, TypeError, ValueError) as exc:
            self._count_malformed(exc)
            return None
        rr_ms = (rr,) if math.isfinite(rr) and 0 < rr < 5000 else ()
        if not (math.isfinite(bpm) and 0 < bpm < 400):
            if not rr_ms:
                self._count_malformed(ValueError(f"no heart rate in {list(values)}"))
                return None
            bpm = 60000.0 / rr_ms[0]
        sample = HeartRateSample(
            t=t_console, bpm=round(bpm, 1), rr_ms=rr_ms, source=self.name, t_source=t_lsl
        )
        self._put(sample)
        return sample


def _hr_info(pylsl: ModuleType, name: str, sid: str) -> Any:
    info = pylsl.StreamInfo(name, HR_TYPE, 2, pylsl.IRREGULAR_RATE, pylsl.cf_float32, sid)
    desc = info.desc()
    desc.append_child_value("manufacturer", "Palier")
    channels = desc.append_child("channels")
    for label, unit in HR_CHANNELS:
        ch = channels.append_child("channel")
        ch.append_child_value("label", label)
        ch.append_child_value("unit", unit)
        ch.append_child_value("type", HR_TYPE)
    return info


class LslPublisher:
    """Publishes the console's heart rate (beat by beat) and session markers.

    ``clock`` is the console clock; a console time maps to the LSL clock by
    the offset between the two read together, so each beat and marker is
    stamped when it happened.
    """

    def __init__(self, *, clock: Clock = time.time, host_id: str | None = None) -> None:
        pylsl = _pylsl()
        self.clock = clock
        hr_id = f"palier-{host_id}-heart-rate" if host_id else source_id("heart-rate")
        mk_id = f"palier-{host_id}-markers" if host_id else source_id("markers")
        self.heart_rate: Any = pylsl.StreamOutlet(_hr_info(pylsl, "Palier heart rate", hr_id))
        markers = pylsl.StreamInfo(
            "Palier markers", MARKERS_TYPE, 1, pylsl.IRREGULAR_RATE, pylsl.cf_string, mk_id
        )
        markers.desc().append_child_value("manufacturer", "Palier")
        self.markers: Any = pylsl.StreamOutlet(markers)
        self.source_ids = (hr_id, mk_id)
        self._pylsl = pylsl
        self._said_simulated = False

    def to_lsl(self, t_console: float) -> float:
        return float(self._pylsl.local_clock()) - (self.clock() - t_console)

    def beat_times(self, sample: HeartRateSample) -> list[tuple[float, float]]:
        """(LSL time, RR ms) of each beat of a sample: the last beat ends at the
        sample's time, each earlier one an RR interval before the next."""
        end = self.to_lsl(sample.t)
        out: list[tuple[float, float]] = []
        for rr in reversed(sample.rr_ms):
            out.append((end, rr))
            end -= rr / 1000.0
        out.reverse()
        return out

    def publish_heart_rate(self, sample: HeartRateSample) -> None:
        if is_simulated(sample.source) and not self._said_simulated:
            self._said_simulated = True
            self.publish_marker(
                sample.t, "heart_rate", "simulated", "heart rate is SIMULATED, not measured", {}
            )
        beats = self.beat_times(sample)
        if not beats:
            self.heart_rate.push_sample([float(sample.bpm), math.nan], self.to_lsl(sample.t))
            return
        for t_lsl, rr in beats:
            self.heart_rate.push_sample([round(60000.0 / rr, 2), float(rr)], t_lsl)

    def publish_marker(
        self, t_console: float, kind: str, name: str, text: str, detail: object
    ) -> None:
        payload = json.dumps(
            {"kind": kind, "name": name, "text": text, "detail": detail},
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        self.markers.push_sample([payload], self.to_lsl(t_console))

    def close(self) -> None:
        """Withdraw both streams (an inlet sees them end)."""
        self.heart_rate = self.markers = None
