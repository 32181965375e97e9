"""A refused command reads in the console's language, whatever the engine wrote."""

from __future__ import annotations

import pytest

from palier.therapist_console.client import CommandError, CommandTimeout, LinkDown
from palier.therapist_console.session.commands import refusal_reason
from palier.therapist_console.session.timeline import TimelineEntry


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (CommandError("cmd.fire", "unknown_event", "spiders: no event 'fly'"), "unknown_event"),
        (CommandTimeout("no answer"), "timeout"),
        (LinkDown("not connected"), "link_down"),
        (RuntimeError("boom"), "internal"),
    ],
)
def test_each_failure_has_a_reason(exc: BaseException, reason: str) -> None:
    assert refusal_reason(exc) == reason


def test_a_refusal_in_french_has_no_english_from_the_engine() -> None:
    detail = {
        "args": {},
        "status": "error",
        "error": "cmd.pause: not_allowed: events cannot be fired while paused",
        "reason": "not_allowed",
    }
    entry = TimelineEntry(10.0, 10.0, "command", "pause", detail)
    fr = entry.text("fr")
    assert "refusée" in fr and "pendant une pause" in fr
    assert "cannot" not in fr and "not_allowed" not in fr
    assert "not allowed now" in entry.text("en")
    # A line recorded before reasons existed keeps the engine's text.
    old = TimelineEntry(10.0, 10.0, "command", "pause", {**detail, "reason": None})
    assert "events cannot be fired" in old.text("fr")
