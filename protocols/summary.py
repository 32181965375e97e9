"""The clinical part of a session summary, in English or French.

Pure: built from what the record holds (step visits with their SUDS, the
clinical log, questionnaire results, suggestions and the therapist's
decisions). Per-step figures come from :mod:`protocols.measures`, the one
place they are computed. The console's report lays these lines out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from protocols.erp import ErpSummary, Ritual, Urge, summarize
from protocols.measures import (
    BetweenSessionChange,
    StepMeasures,
    SudsPoint,
    between_session_change,
    step_measures,
)
from protocols.progression import Expectancy
from protocols.ptsd import AlignedHotspot, FiredEvent, Hotspot, align_hotspots
from protocols.questionnaires import Result
from scenes.api import Text


def _label(label: Any, lang: str) -> str:
    if isinstance(label, Text):
        return label.get(lang)
    if isinstance(label, Mapping):
        return str(label.get(lang) or label.get("en") or "")
    return "" if label is None else str(label)


def _duration(seconds: float, lang: str) -> str:
    m, s = divmod(round(seconds), 60)
    if m and s:
        return f"{m} min {s} s"
    return f"{m} min" if m else f"{s} s"


@dataclass(frozen=True, slots=True)
class StepVisit:
    """One visit to a ladder step in a session, with its SUDS ratings."""

    step_key: str
    label: Any
    ratings: Sequence[SudsPoint]
    expected_suds: int | None = None


@dataclass(frozen=True, slots=True)
class StepReport:
    index: int
    visit: StepVisit
    measures: StepMeasures | None
    previous: StepMeasures | None = None
    change: BetweenSessionChange | None = None

    def line(self, lang: str) -> str:
        fr = lang == "fr"
        head = f"{self.index + 1}. {_label(self.visit.label, lang) or self.visit.step_key}"
        m = self.measures
        if m is None:
            return head + (" — aucun SUDS noté." if fr else " — no SUDS rated.")
        pct = round(100 * m.fall_fraction)
        text = (f"{head} — pic {m.peak}, fin {m.end}, baisse {m.fall} ({pct} %)" if fr else
                f"{head} — peak {m.peak}, end {m.end}, fall {m.fall} ({pct}%)")
        if m.time_to_half_fall is not None:
            text += (f", baisse de moitié en {_duration(m.time_to_half_fall, lang)}" if fr else
                     f", halved in {_duration(m.time_to_half_fall, lang)}")
        if self.visit.expected_suds is not None:
            text += (f" ; attendu {self.visit.expected_suds}" if fr else
                     f"; expected {self.visit.expected_suds}")
        if self.change is not None:
            c = self.change
            text += (f" ; depuis la séance précédente : pic {c.peak_change:+d}, fin "
                     f"{c.end_change:+d}" if fr else
                     f"; since the previous session: peak {c.peak_change:+d}, end "
                     f"{c.end_change:+d}")
        return text + "."


def previous_measures(earlier_sessions: Iterable[Sequence[StepVisit]]) -> dict[str, StepMeasures]:
    """The last rated visit of each step across earlier sessions (oldest first)."""
    out: dict[str, StepMeasures] = {}
    for visits in earlier_sessions:
        for v in visits:
            m = step_measures(v.ratings)
            if m is not None:
                out[v.step_key] = m
    return out


@dataclass(frozen=True, slots=True)
class SuggestionOutcome:
    kind: str
    text: Text
    taken: bool | None
    """None: the therapist did not answer."""


@dataclass(frozen=True, slots=True)
class ClinicalSummary:
    steps: tuple[StepReport, ...]
    expectancies: tuple[Expectancy, ...] = ()
    erp: ErpSummary | None = None
    hotspots: tuple[AlignedHotspot, ...] = ()
    questionnaires: tuple[Result, ...] = ()
    suggestions: tuple[SuggestionOutcome, ...] = ()
    t0: float = 0.0
    warnings: tuple[Text, ...] = field(default=())

    def lines(self, lang: str) -> list[str]:
        fr = lang == "fr"
        out: list[str] = []
        for w in self.warnings:
            out.append("⚠ " + w.get(lang))
        out.append("Étapes" if fr else "Steps")
        out += ["  " + s.line(lang) for s in self.steps] or [
            "  aucune étape" if fr else "  no step"]
        if self.expectancies:
            out.append("Attentes (apprentissage inhibiteur)" if fr else
                       "Expectancies (inhibitory learning)")
            for e in self.expectancies:
                out.append("  " + _expectancy_line(e, lang))
        if self.erp is not None:
            out.append("Prévention de la réponse" if fr else "Response prevention")
            out += ["  " + ln for ln in self.erp.lines(lang)]
        if self.hotspots:
            out.append("Points chauds" if fr else "Hotspots")
            out += ["  " + h.line(lang, self.t0) for h in self.hotspots]
        if self.questionnaires:
            out.append("Questionnaires")
            for q in self.questionnaires:
                out += ["  " + ln for ln in q.lines(lang) if not ln.startswith("⚠")]
        if self.suggestions:
            taken = sum(1 for s in self.suggestions if s.taken)
            out.append(f"Suggestions : {len(self.suggestions)}, {taken} suivie(s)" if fr else
                       f"Suggestions: {len(self.suggestions)}, {taken} taken")
            for s in self.suggestions:
                mark = {True: "✓", False: "✗", None: "?"}[s.taken]
                out.append(f"  {mark} {s.text.get(lang)}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "steps": [{"step_key": s.visit.step_key, "peak": s.measures.peak if s.measures
                       else None, "end": s.measures.end if s.measures else None,
                       "fall": s.measures.fall if s.measures else None,
                       "time_to_half_fall_s": s.measures.time_to_half_fall if s.measures
                       else None,
                       "peak_change": s.change.peak_change if s.change else None,
                       "end_change": s.change.end_change if s.change else None}
                      for s in self.steps],
            "expectancies": [e.to_dict() for e in self.expectancies],
            "erp": None if self.erp is None else {
                "urges": self.erp.urges, "urge_peak": self.erp.urge_peak,
                "resisted": self.erp.resisted, "performed": self.erp.performed},
            "hotspots": [{"t": h.hotspot.t, "suds": h.hotspot.suds,
                          "cue": h.cue.name if h.cue else None, "lag_s": h.lag_s}
                         for h in self.hotspots],
            "questionnaires": [{"name": q.questionnaire, "phase": q.phase,
                                "scores": dict(q.scores)} for q in self.questionnaires],
            "warnings": [w.to_dict() for w in self.warnings],
        }


def _expectancy_line(e: Expectancy, lang: str) -> str:
    fr = lang == "fr"
    if not e.tested:
        return (f"{e.step_id} : « {e.feared_outcome} » à {e.likelihood_before} % (non testée)"
                if fr else
                f"{e.step_id}: \"{e.feared_outcome}\" at {e.likelihood_before}% (not tested)")
    happened = (("arrivé" if e.occurred else "pas arrivé") if fr else
                ("happened" if e.occurred else "did not happen"))
    return (f"{e.step_id} : « {e.feared_outcome} » {e.likelihood_before} % → "
            f"{e.likelihood_after} % ({happened} ; violation {e.violation})" if fr else
            f"{e.step_id}: \"{e.feared_outcome}\" {e.likelihood_before}% → "
            f"{e.likelihood_after}% ({happened}; violation {e.violation})")


def build_summary(
    visits: Sequence[StepVisit],
    *,
    kind: str = "exposure",
    previous: Mapping[str, StepMeasures] | None = None,
    expectancies: Sequence[Expectancy] = (),
    urges: Sequence[Urge] = (),
    rituals: Sequence[Ritual] = (),
    hotspots: Sequence[Hotspot] = (),
    events: Sequence[FiredEvent] = (),
    questionnaires: Sequence[Result] = (),
    suggestions: Sequence[SuggestionOutcome] = (),
    t0: float = 0.0,
) -> ClinicalSummary:
    """Put the session's clinical figures together. ``kind`` is the protocol's
    (``erp`` adds the response-prevention section even when nothing was logged)."""
    prev = previous or {}
    reports = []
    for i, v in enumerate(visits):
        m = step_measures(v.ratings)
        p = prev.get(v.step_key)
        reports.append(StepReport(i, v, m, p, between_session_change(p, m)))
    erp = summarize(urges, rituals) if (kind == "erp" or urges or rituals) else None
    warnings = tuple(q.warning for q in questionnaires if q.warning is not None)
    return ClinicalSummary(
        steps=tuple(reports), expectancies=tuple(expectancies), erp=erp,
        hotspots=tuple(align_hotspots(hotspots, events)), questionnaires=tuple(questionnaires),
        suggestions=tuple(suggestions), t0=t0, warnings=warnings)


def visits_from_rows(steps: Iterable[Mapping[str, Any]],
                     suds: Iterable[Mapping[str, Any]]) -> list[StepVisit]:
    """Step visits from session-record rows (``steps``: id, step_key, label,
    expected_suds, started_at, ended_at; ``suds``: step_id, t, value). A rating
    without a step id belongs to the step running at its time."""
    import contextlib
    import json

    rows = sorted(steps, key=lambda r: r["started_at"])
    ratings: dict[int, list[SudsPoint]] = {int(r["id"]): [] for r in rows}
    for r in suds:
        sid = r.get("step_id")
        if sid is None:
            for st in rows:
                end = st.get("ended_at")
                if st["started_at"] <= r["t"] and (end is None or r["t"] < end):
                    sid = st["id"]
        if sid is not None and int(sid) in ratings:
            ratings[int(sid)].append(SudsPoint(float(r["t"]), int(r["value"])))
    out = []
    for st in rows:
        label = st.get("label")
        if isinstance(label, str) and label.startswith("{"):
            with contextlib.suppress(ValueError):
                label = json.loads(label)
        out.append(StepVisit(str(st["step_key"]), label, tuple(ratings[int(st["id"])]),
                             st.get("expected_suds")))
    return out
