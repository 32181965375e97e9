"""PTSD trauma-cue protocols: hotspots on the session timeline.

A hotspot is a moment of peak distress the therapist marks (one click in the
console). Each is stored with the event the record holds just before it (the
last scene event fired, or contact), so the summary reads "hotspot 4 s after
'siren'". The record knows only that order in time, not what brought the
distress on; the wording says "after", never "caused by".
Stored by :class:`protocols.clinical_log.ClinicalLog`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from palier.core.i18n import Localized, _, colon
from palier.protocols.measures import validate_suds

DEFAULT_WINDOW_S = 60.0
"""An event more than this before a hotspot is not taken as its cue."""


@dataclass(frozen=True, slots=True)
class Hotspot:
    t: float
    suds: int | None = None
    note: str = ""
    step_key: str | None = None
    event_id: int | None = None
    """The record's event just before the hotspot (``events.id``), stored
    when it was marked: the last scene event or contact of the session."""

    def __post_init__(self) -> None:
        if self.suds is not None:
            validate_suds(self.suds)


@dataclass(frozen=True, slots=True)
class FiredEvent:
    """A scene event (or contact) as the record has it (time, name, optional
    label, the record's event id)."""

    t: float
    name: str
    label: Localized | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class AlignedHotspot:
    hotspot: Hotspot
    cue: FiredEvent | None
    """The event stored with the hotspot, or for one marked before events were
    stored with hotspots, the last event at or before it within the window."""
    lag_s: float | None

    def line(self, lang: str, t0: float = 0.0) -> str:
        m, s = divmod(max(0, round(self.hotspot.t - t0)), 60)
        text = f"{m:02d}:{s:02d} " + _("hotspot", lang)
        if self.hotspot.suds is not None:
            text += f" (SUDS {self.hotspot.suds})"
        if self.cue is not None and self.lag_s is not None:
            name = self.cue.label.get(lang) if self.cue.label else self.cue.name
            # TRANSLATORS: after a hotspot's time: how long after which scene event.
            text += _(", {lag:.0f} s after '{name}'", lang, lag=self.lag_s, name=name)
        else:
            text += _(", no event just before", lang)
        if self.hotspot.note:
            text += colon(lang) + self.hotspot.note
        return text


def align_hotspots(
    hotspots: Iterable[Hotspot], events: Sequence[FiredEvent], window_s: float = DEFAULT_WINDOW_S
) -> list[AlignedHotspot]:
    """Pair each hotspot with the event stored with it (``event_id``) or, when
    none was stored, the last event at or before it (within ``window_s``), in
    time order."""
    evs = sorted(events, key=lambda e: e.t)
    by_id = {e.id: e for e in evs if e.id is not None}
    out = []
    for h in sorted(hotspots, key=lambda h: h.t):
        if h.event_id is not None and h.event_id in by_id:
            stored = by_id[h.event_id]
            out.append(AlignedHotspot(h, stored, h.t - stored.t))
            continue
        cue = None
        for e in evs:
            if e.t > h.t:
                break
            if h.t - e.t <= window_s:
                cue = e
        out.append(AlignedHotspot(h, cue, None if cue is None else h.t - cue.t))
    return out


def cue_counts(aligned: Iterable[AlignedHotspot]) -> dict[str, int]:
    """How many hotspots followed each event name (the cues that matter most)."""
    counts: dict[str, int] = {}
    for a in aligned:
        if a.cue is not None:
            counts[a.cue.name] = counts.get(a.cue.name, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))
