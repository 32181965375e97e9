"""What every part of the session model shares: signals, the clock, the
console language and the errors the parts raise.

Napari-style: a part holds state and emits events through :class:`Signal`
(a tiny callback list); widgets subscribe and call the part's methods.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from palier.core.i18n import LANGUAGES

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], float]
"""Console wall-clock seconds (epoch)."""
CallSoon = Callable[[Callable[[], None]], None]
"""Runs a function on the model's thread (the app queues it onto the Qt loop)."""


def anchored_clock() -> Clock:
    """Wall-clock seconds that never jump: wall time at creation + monotonic delta."""
    wall0 = time.time()
    mono0 = time.monotonic()
    return lambda: wall0 + (time.monotonic() - mono0)


def call_now(fn: Callable[[], None]) -> None:
    """The default ``call_soon``: at once, on the caller's thread (tests)."""
    fn()


class Signal(Generic[T]):
    """A list of callbacks. A failing subscriber is logged and skipped: a widget
    bug must never stop a rating from being recorded or shown elsewhere."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._callbacks: list[Callable[[T], object]] = []

    def connect(self, callback: Callable[[T], object]) -> Callable[[T], object]:
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[T], object]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, value: T) -> None:
        for cb in list(self._callbacks):
            try:
                cb(value)
            except Exception:
                log.exception("subscriber %r of model event %r failed", cb, self.name)


class ModelError(RuntimeError):
    """An action the model refuses (message says what to do instead)."""


class NoSessionError(ModelError):
    pass


class NotConnectedError(ModelError):
    pass


class CommandFailed(ModelError):
    """The link raised while sending; the command is recorded as failed."""


class Language:
    """The console language (one of ``LANGUAGES``): every part raises its errors
    in it, every widget redraws when it changes."""

    def __init__(self, value: str = "en") -> None:
        self.value = value if value in LANGUAGES else "en"
        self.changed: Signal[str] = Signal("language")

    def set(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
        if lang != self.value:
            self.value = lang
            self.changed.emit(lang)
