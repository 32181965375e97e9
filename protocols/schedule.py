"""When a SUDS rating is due (the console's reminder asks this module).

The rule comes from the protocol (``[suds_schedule]``, default every 5 minutes
and at each step change). Pure functions of times, so the console can call
them on every tick and tests can script any sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from palier.core.i18n import N_, fmt_number, ngettext
from palier.protocols.model import SudsScheduleRule


class DueReason(StrEnum):
    FIRST = "first"
    """No rating yet in this session."""
    STEP = "step"
    """A new step started and has no rating yet."""
    INTERVAL = "interval"
    """The interval has passed since the last rating."""
    STEP_END = "step_end"
    """Leaving a step without an end rating (``at_step_end``)."""


_TEXTS = {
    DueReason.FIRST: N_("SUDS: first rating of the session"),
    DueReason.STEP: N_("SUDS: new step, ask for a rating"),
    DueReason.STEP_END: N_("SUDS: ask for a rating before leaving the step"),
}


@dataclass(frozen=True, slots=True)
class SudsDue:
    reason: DueReason
    since_t: float
    """When it became due (seconds, same timeline as the inputs)."""
    interval_min: float

    def text(self, lang: str) -> str:
        if self.reason is DueReason.INTERVAL:
            minutes = self.interval_min
            return ngettext(
                "SUDS: {minutes} minute since the last rating",
                "SUDS: {minutes} minutes since the last rating",
                # gettext counts in whole numbers: a fraction reads as plural
                int(minutes) if float(minutes).is_integer() else 2,
                lang,
                minutes=fmt_number(minutes, lang),
            )
        return _TEXTS[self.reason].get(lang)


def suds_due(
    rule: SudsScheduleRule,
    *,
    now: float,
    session_started_t: float,
    last_rating_t: float | None,
    step_started_t: float | None,
) -> SudsDue | None:
    """Whether a SUDS rating is due at ``now``, and why (None: not due)."""
    interval = rule.interval_min * 60.0
    if (
        rule.at_step_change
        and step_started_t is not None
        and (last_rating_t is None or last_rating_t < step_started_t)
    ):
        return SudsDue(DueReason.STEP, step_started_t, rule.interval_min)
    if last_rating_t is None:
        return SudsDue(DueReason.FIRST, session_started_t, rule.interval_min)
    if now - last_rating_t >= interval:
        return SudsDue(DueReason.INTERVAL, last_rating_t + interval, rule.interval_min)
    return None


def next_due_t(
    rule: SudsScheduleRule,
    *,
    session_started_t: float,
    last_rating_t: float | None,
    step_started_t: float | None,
) -> float:
    """When the next rating falls due if nothing else happens (for a countdown)."""
    due = suds_due(
        rule,
        now=float("-inf"),
        session_started_t=session_started_t,
        last_rating_t=last_rating_t,
        step_started_t=step_started_t,
    )
    if due is not None:
        return due.since_t
    assert last_rating_t is not None
    return last_rating_t + rule.interval_min * 60.0


def due_before_leaving_step(
    rule: SudsScheduleRule,
    *,
    now: float,
    last_rating_t: float | None,
    step_started_t: float,
) -> SudsDue | None:
    """With ``at_step_end``: an end rating is due unless one was given in the
    last minute of the step."""
    if not rule.at_step_end:
        return None
    if last_rating_t is not None and last_rating_t >= max(step_started_t, now - 60.0):
        return None
    return SudsDue(DueReason.STEP_END, now, rule.interval_min)
