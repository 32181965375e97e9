"""OCD exposure with response prevention (ERP): urges and rituals.

For protocols of kind ``erp``. During a step the therapist logs the urge to
ritualise (0-100) and each ritual or safety behaviour (what, when, resisted
or not); the session summary shows how the urges went and how many were
resisted. Stored by :class:`protocols.clinical_log.ClinicalLog`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from palier.core.i18n import N_, Message, _, ngettext
from palier.protocols.measures import whole_0_100

BehaviourKind = Literal["ritual", "safety_behaviour"]
BEHAVIOUR_LABELS: dict[str, Message] = {
    "ritual": N_("ritual"),
    "safety_behaviour": N_("safety behaviour"),
}


RitualKind = Literal["washing", "checking", "mental_ritual", "reassurance", "avoidance"]
RITUAL_KINDS: dict[str, Message] = {
    "washing": N_("washing or cleaning"),
    "checking": N_("checking"),
    "mental_ritual": N_("mental ritual"),
    "reassurance": N_("reassurance seeking"),
    "avoidance": N_("avoidance"),
}
"""What the therapist logs in one click, in the order the console offers them.
Avoidance is a safety behaviour; the others are compulsions (rituals)."""


def behaviour_of(ritual: RitualKind) -> BehaviourKind:
    """The older two-way kind a ritual kind belongs to."""
    return "safety_behaviour" if ritual == "avoidance" else "ritual"


class ErpError(ValueError):
    """An urge or ritual entry that cannot be logged (says why)."""


def validate_urge(value: object) -> int:
    """The urge as an int, or :class:`ErpError`: the same strict check as SUDS
    (ASCII digits only: "²" and "٣" are refused)."""
    return whole_0_100(value, ErpError, "an urge")


@dataclass(frozen=True, slots=True)
class Urge:
    t: float
    value: int
    step_key: str | None = None

    def __post_init__(self) -> None:
        validate_urge(self.value)


@dataclass(frozen=True, slots=True)
class Ritual:
    """A ritual or safety behaviour: done, or resisted (the urge was there)."""

    t: float
    what: str
    resisted: bool
    kind: BehaviourKind = "ritual"
    step_key: str | None = None
    ritual: RitualKind | None = None
    """Which kind (washing, checking, ...), when the therapist chose one."""

    def __post_init__(self) -> None:
        if not self.what.strip():
            raise ErpError("describe the ritual or safety behaviour (e.g. 'washed hands')")
        if self.kind not in BEHAVIOUR_LABELS:
            raise ErpError(f"kind must be 'ritual' or 'safety_behaviour', got {self.kind!r}")
        if self.ritual is not None and self.ritual not in RITUAL_KINDS:
            raise ErpError(f"ritual must be one of {', '.join(RITUAL_KINDS)}, got {self.ritual!r}")


@dataclass(frozen=True, slots=True)
class BehaviourCount:
    what: str
    kind: BehaviourKind
    resisted: int
    performed: int
    ritual: RitualKind | None = None


@dataclass(frozen=True, slots=True)
class StepErp:
    """One hierarchy step's urges and rituals (``step_key`` None: logged
    before the first step)."""

    step_key: str | None
    urges: tuple[int, ...]
    """The urge ratings in time order."""
    resisted: int
    performed: int

    @property
    def urge_peak(self) -> int | None:
        return max(self.urges, default=None)


@dataclass(frozen=True, slots=True)
class ErpSummary:
    urges: int
    urge_first: int | None
    urge_peak: int | None
    urge_last: int | None
    resisted: int
    performed: int
    behaviours: tuple[BehaviourCount, ...]
    curve: tuple[tuple[float, int], ...] = ()
    """The urge curve: (time, rating) in time order, times as recorded."""
    steps: tuple[StepErp, ...] = ()
    """Urges and rituals per step, in the order the steps were first logged."""

    @property
    def resisted_fraction(self) -> float | None:
        total = self.resisted + self.performed
        return self.resisted / total if total else None

    def lines(self, lang: str) -> list[str]:
        out: list[str] = []
        if self.urges:
            out.append(
                ngettext(
                    "Urges to ritualise: {n} rated, first {first}, peak {peak}, last {last} "
                    "(0-100).",
                    "Urges to ritualise: {n} rated, first {first}, peak {peak}, last {last} "
                    "(0-100).",
                    self.urges,
                    lang,
                    first=self.urge_first,
                    peak=self.urge_peak,
                    last=self.urge_last,
                )
            )
        else:
            out.append(_("Urges: none rated.", lang))
        total = self.resisted + self.performed
        if total:
            pct = round(100 * self.resisted / total)
            out.append(
                ngettext(
                    "Rituals and safety behaviours: {n} of {total} resisted ({pct}%).",
                    "Rituals and safety behaviours: {n} of {total} resisted ({pct}%).",
                    self.resisted,
                    lang,
                    total=total,
                    pct=pct,
                )
            )
            for b in self.behaviours:
                label = (
                    RITUAL_KINDS[b.ritual] if b.ritual in RITUAL_KINDS else BEHAVIOUR_LABELS[b.kind]
                ).get(lang)
                if b.ritual is not None and b.what == b.ritual:  # one click, no words
                    out.append(
                        "  "
                        + _(
                            "{label}: {resisted} resisted, {performed} done",
                            lang,
                            label=label,
                            resisted=b.resisted,
                            performed=b.performed,
                        )
                    )
                    continue
                out.append(
                    "  "
                    + _(
                        "{what} ({label}): {resisted} resisted, {performed} done",
                        lang,
                        what=b.what,
                        label=label,
                        resisted=b.resisted,
                        performed=b.performed,
                    )
                )
        else:
            out.append(_("Rituals: none logged.", lang))
        return out


def summarize(urges: Iterable[Urge], rituals: Iterable[Ritual]) -> ErpSummary:
    us = sorted(urges, key=lambda u: u.t)
    rs = sorted(rituals, key=lambda r: r.t)
    counts: dict[tuple[str, str, str | None], list[int]] = {}
    for r in rs:
        key = (r.what.strip(), r.kind, r.ritual)
        c = counts.setdefault(key, [0, 0])
        c[0 if r.resisted else 1] += 1
    per_step: dict[str | None, tuple[list[int], list[int]]] = {}
    logged: list[Urge | Ritual] = [*us, *rs]
    for item in sorted(logged, key=lambda x: x.t):
        urges_at, done_at = per_step.setdefault(item.step_key, ([], [0, 0]))
        if isinstance(item, Urge):
            urges_at.append(item.value)
        else:
            done_at[0 if item.resisted else 1] += 1
    return ErpSummary(
        urges=len(us),
        urge_first=us[0].value if us else None,
        urge_peak=max((u.value for u in us), default=None),
        urge_last=us[-1].value if us else None,
        resisted=sum(1 for r in rs if r.resisted),
        performed=sum(1 for r in rs if not r.resisted),
        behaviours=tuple(
            BehaviourCount(what, kind, c[0], c[1], ritual)  # type: ignore[arg-type]
            for (what, kind, ritual), c in counts.items()
        ),
        curve=tuple((u.t, u.value) for u in us),
        steps=tuple(
            StepErp(key, tuple(values), done[0], done[1])
            for key, (values, done) in per_step.items()
        ),
    )
