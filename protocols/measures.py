"""SUDS: validation, anchors, and per-step measures. The one place these live.

Used by the engine's in-headset rating panel (anchors), the console's SUDS
entry and summary, the progression rules and the reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from palier.core.i18n import Message, lazy_pgettext

SUDS_MIN = 0
SUDS_MAX = 100

# TRANSLATORS: words under the SUDS scale (0-100): how much distress (French: l'anxiété,
# feminine).
SUDS_ANCHORS: tuple[tuple[int, Message], ...] = (
    (0, lazy_pgettext("SUDS anchor (distress)", "completely calm")),
    (25, lazy_pgettext("SUDS anchor (distress)", "mild")),
    (50, lazy_pgettext("SUDS anchor (distress)", "moderate")),
    (75, lazy_pgettext("SUDS anchor (distress)", "high")),
    (100, lazy_pgettext("SUDS anchor (distress)", "worst imaginable")),
)
"""Words under the scale. The ends are Wolpe's (:data:`SUDS_ENDS` in full,
shortened here to fit under a scale); the 25/50/75 words are Palier's (there
are no standard intermediate anchors), "moderate" at the midpoint."""

SUDS_ENDS = lazy_pgettext(
    "SUDS scale ends (Wolpe)",
    "0: completely calm; 100: the worst anxiety you have felt or can imagine.",
)
"""The ends of the scale as Wolpe defines them, in full (shown with the scale)."""


def suds_anchor_labels(lang: str) -> list[tuple[int, str]]:
    return [(v, label.get(lang)) for v, label in SUDS_ANCHORS]


class SudsError(ValueError):
    """A SUDS rating that is not a whole number from 0 to 100."""


def validate_suds(value: object) -> int:
    """Return the rating as an int, or raise :class:`SudsError` saying why
    (:func:`whole_0_100`)."""
    return whole_0_100(value, SudsError, "SUDS")


E = TypeVar("E", bound=ValueError)


def whole_0_100(value: object, error: type[E], what: str) -> int:
    """A 0-100 rating (SUDS, an ERP urge) as an int, or raise ``error`` saying why.

    Accepts ints and strings of ASCII digits, surrounding spaces allowed (what a
    therapist types); refuses bools, fractions, NaN, signs, other scripts'
    digits and superscripts (``str.isdigit`` accepts "²" and "٣", which a
    rating must not), and anything outside 0..100.
    """
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()):
            raise error(f"{what} must be a whole number from 0 to 100, got {value!r}")
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(
            f"{what} must be a whole number from 0 to 100, got {type(value).__name__} {value!r}"
        )
    if not SUDS_MIN <= value <= SUDS_MAX:
        raise error(f"{what} must be between 0 and 100, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class SudsPoint:
    t: float
    """Seconds on any monotone timeline (the session's, usually)."""
    value: int


@dataclass(frozen=True, slots=True)
class StepMeasures:
    ratings: int
    peak: int
    peak_t: float
    end: int
    end_t: float
    fall: int
    """Peak minus end (never negative)."""
    fall_fraction: float
    """Fall as a fraction of the peak (0 when the peak is 0)."""
    time_to_half_fall: float | None
    """Seconds from the peak to the first rating at or below half the peak,
    None if that never happened during the step."""


def step_measures(points: Sequence[SudsPoint]) -> StepMeasures | None:
    """Peak, end, fall from peak and time to a 50 % fall of one step's
    ratings (in time order). None when the step has no rating."""
    if not points:
        return None
    ordered = sorted(points, key=lambda p: p.t)
    peak_i = max(range(len(ordered)), key=lambda i: (ordered[i].value, -i))
    peak = ordered[peak_i]
    end = ordered[-1]
    fall = max(0, peak.value - end.value)
    half: float | None = None
    if peak.value > 0:
        for p in ordered[peak_i + 1 :]:
            if p.value <= peak.value / 2:
                half = p.t - peak.t
                break
    return StepMeasures(
        ratings=len(ordered),
        peak=peak.value,
        peak_t=peak.t,
        end=end.value,
        end_t=end.t,
        fall=fall,
        fall_fraction=fall / peak.value if peak.value else 0.0,
        time_to_half_fall=half,
    )


@dataclass(frozen=True, slots=True)
class BetweenSessionChange:
    """Change on the same step from an earlier session to a later one
    (negative numbers: less distress the second time)."""

    peak_change: int
    end_change: int
    time_to_half_fall_change: float | None
    """Later minus earlier, seconds; None unless both sessions reached a 50 % fall."""


def between_session_change(
    earlier: StepMeasures | None, later: StepMeasures | None
) -> BetweenSessionChange | None:
    """Between-session change for one step; None if either visit has no rating."""
    if earlier is None or later is None:
        return None
    half: float | None = None
    if earlier.time_to_half_fall is not None and later.time_to_half_fall is not None:
        half = later.time_to_half_fall - earlier.time_to_half_fall
    return BetweenSessionChange(
        peak_change=later.peak - earlier.peak,
        end_change=later.end - earlier.end,
        time_to_half_fall_change=half,
    )
