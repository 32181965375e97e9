"""Fixtures for the console's Qt-free layers: a real SQLite record in tmp."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from palier.therapist_console.record import SessionRecord


class ManualClock:
    """Console time the test moves by hand (epoch seconds)."""

    def __init__(self, t: float = 1_800_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def record(tmp_path: Path) -> Iterator[SessionRecord]:
    rec = SessionRecord(tmp_path / "data" / "sessions.sqlite3")
    try:
        yield rec
    finally:
        rec.close()
