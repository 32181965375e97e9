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

from palier.scenes.api import Text

BehaviourKind = Literal["ritual", "safety_behaviour"]
BEHAVIOUR_LABELS: dict[str, Text] = {
    "ritual": Text(en="ritual", fr="rituel"),
    "safety_behaviour": Text(en="safety behaviour", fr="comportement de sécurité"),
}


class ErpError(ValueError):
    """An urge or ritual entry that cannot be logged (says why)."""


def validate_urge(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ErpError(f"an urge is rated as a whole number from 0 to 100, got {value!r}")
    return value


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

    def __post_init__(self) -> None:
        if not self.what.strip():
            raise ErpError("describe the ritual or safety behaviour (e.g. 'washed hands')")
        if self.kind not in BEHAVIOUR_LABELS:
            raise ErpError(f"kind must be 'ritual' or 'safety_behaviour', got {self.kind!r}")


@dataclass(frozen=True, slots=True)
class BehaviourCount:
    what: str
    kind: BehaviourKind
    resisted: int
    performed: int


@dataclass(frozen=True, slots=True)
class ErpSummary:
    urges: int
    urge_first: int | None
    urge_peak: int | None
    urge_last: int | None
    resisted: int
    performed: int
    behaviours: tuple[BehaviourCount, ...]

    @property
    def resisted_fraction(self) -> float | None:
        total = self.resisted + self.performed
        return self.resisted / total if total else None

    def lines(self, lang: str) -> list[str]:
        fr = lang == "fr"
        out: list[str] = []
        if self.urges:
            out.append(
                f"Envies de ritualiser : {self.urges} notées, première {self.urge_first}, pic "
                f"{self.urge_peak}, dernière {self.urge_last} (0-100)."
                if fr
                else f"Urges to ritualise: {self.urges} rated, first {self.urge_first}, peak "
                f"{self.urge_peak}, last {self.urge_last} (0-100)."
            )
        else:
            out.append("Envies de ritualiser : aucune notée." if fr else "Urges: none rated.")
        total = self.resisted + self.performed
        if total:
            pct = round(100 * self.resisted / total)
            out.append(
                f"Rituels et comportements de sécurité : {self.resisted} résistés sur "
                f"{total} ({pct} %)."
                if fr
                else f"Rituals and safety behaviours: {self.resisted} of {total} resisted ({pct}%)."
            )
            for b in self.behaviours:
                label = BEHAVIOUR_LABELS[b.kind].get(lang)
                out.append(
                    f"  {b.what} ({label}) : {b.resisted} résisté(s), {b.performed} fait(s)"
                    if fr
                    else f"  {b.what} ({label}): {b.resisted} resisted, {b.performed} done"
                )
        else:
            out.append("Rituels : aucun noté." if fr else "Rituals: none logged.")
        return out


def summarize(urges: Iterable[Urge], rituals: Iterable[Ritual]) -> ErpSummary:
    us = sorted(urges, key=lambda u: u.t)
    rs = sorted(rituals, key=lambda r: r.t)
    counts: dict[tuple[str, str], list[int]] = {}
    for r in rs:
        key = (r.what.strip(), r.kind)
        c = counts.setdefault(key, [0, 0])
        c[0 if r.resisted else 1] += 1
    return ErpSummary(
        urges=len(us),
        urge_first=us[0].value if us else None,
        urge_peak=max((u.value for u in us), default=None),
        urge_last=us[-1].value if us else None,
        resisted=sum(1 for r in rs if r.resisted),
        performed=sum(1 for r in rs if not r.resisted),
        behaviours=tuple(
            BehaviourCount(what, kind, c[0], c[1])  # type: ignore[arg-type]
            for (what, kind), c in counts.items()
        ),
    )
