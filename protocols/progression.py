"""Progression suggestions. The software suggests; the therapist decides.

Two switchable modes (``ProgressionSettings.mode``):

* **Habituation**: suggest moving up when SUDS has fallen by at least
  ``fall_fraction`` (default 50 %) from the step's peak *and* is at or below
  ``threshold`` (default 30) on ``consecutive`` (default 2) consecutive
  ratings; suggest lowering the intensity within the step when SUDS stays at or
  above the step's expected SUDS plus ``step_down_margin`` (default 10, never
  below ``step_down_at``, default 85, at most 100) on ``consecutive``
  consecutive ratings: a step planned at 85 or 95 that reaches it works as
  designed. The advice is to lower the intensity rather than end the exposure
  at peak fear (under a habituation approach, ending at the peak teaches
  escape) and to check for safety behaviours. A missed rating (``None``
  in the sequence, or a gap longer than ``max_gap_s``, twice the SUDS interval
  with ``HabituationRule.for_interval``) breaks a run: the rule never bridges a
  rating it did not see. A step whose peak is 0 never suggests moving up (there
  is no fall to measure); the therapist judges.
* **Inhibitory learning** (Craske et al. 2014, Behav Res Ther 58:10-23): before
  a step the patient states the feared outcome and its likelihood (0-100 %);
  after it, whether it happened and the likelihood again. A feared outcome
  that did not happen is an *expectancy violation* (its size: the predicted
  likelihood); one that happened *confirmed* the expectancy (no violation).
  The rule reports which, and the belief change (likelihood before minus
  after). After a violation with a belief change of at least
  ``min_belief_change`` points (default 20) it suggests *variability*: the
  same step in another context (a place or setting parameter moved to a value
  no more intense, e.g. the spider on the table instead of at the hand) or
  another step, instead of waiting for SUDS to fall; with a smaller change,
  testing the expectation again, longer or without safety behaviours. After
  a confirmation it suggests reviewing with the patient what happened and how
  they coped before testing again.

Each :class:`Suggestion` carries its text (a message, shown in any language)
and a JSON-ready ``detail``; the console records it with the therapist's
decision (taken or not).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from palier.core.i18n import (
    LANGUAGES,
    N_,
    Localized,
    Message,
    Text,
    _,
    lazy_ngettext,
    ngettext,
    percent,
)
from palier.protocols.measures import StepMeasures, SudsPoint, step_measures, validate_suds
from palier.protocols.model import ProgressionSettings, Step
from palier.scenes.api import ParamKind, ParamValue, SceneDecl


class ProgressionError(ValueError):
    """Bad input to a progression rule (e.g. a likelihood outside 0-100)."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: str
    """``habituation.step_up``, ``habituation.step_down``, ``inhibitory.ask_expectancy``,
    ``inhibitory.vary``, ``inhibitory.test_again`` or ``inhibitory.review``."""
    step_id: str
    text: Localized
    t: float | None = None
    """Time of the rating (or expectancy) that triggered it."""
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        return self.kind.partition(".")[0]

    def text_for(self, lang: str) -> str:
        return self.text.get(lang)


def _too_early(elapsed_s: float | None, min_duration_min: float | None) -> bool:
    return not (elapsed_s is None or min_duration_min is None or elapsed_s >= min_duration_min * 60)


@dataclass(frozen=True, slots=True)
class HabituationRule:
    settings: ProgressionSettings = field(default_factory=ProgressionSettings)
    max_gap_s: float | None = None
    """Ratings further apart than this are not consecutive (a rating was
    missed). None: any gap. :meth:`for_interval` sets twice the SUDS interval."""

    @classmethod
    def for_interval(cls, settings: ProgressionSettings, interval_min: float) -> HabituationRule:
        return cls(settings, max_gap_s=2.0 * interval_min * 60.0)

    def step_down_bar(self, expected_suds: int | None) -> int:
        """The SUDS at or above which ratings suggest lowering the intensity:
        the step's expected SUDS plus the margin, never below ``step_down_at``,
        at most 100."""
        s = self.settings
        if expected_suds is None:
            return s.step_down_at
        return min(100, max(s.step_down_at, expected_suds + s.step_down_margin))

    def evaluate(
        self,
        step_id: str,
        ratings: Sequence[SudsPoint | None],
        *,
        elapsed_s: float | None = None,
        min_duration_min: float | None = None,
        expected_suds: int | None = None,
    ) -> Suggestion | None:
        """The suggestion the step's ratings support now (None: keep going).

        ``ratings`` in time order; ``None`` marks a rating that was due but not
        given. ``expected_suds``: the SUDS the step was planned for (None:
        ``step_down_at`` alone)."""
        s = self.settings
        down_at = self.step_down_bar(expected_suds)
        peak: int | None = None
        up_run = down_run = 0
        last_t: float | None = None
        last: SudsPoint | None = None
        for point in ratings:
            if point is None:
                up_run = down_run = 0
                continue
            value = validate_suds(point.value)
            if (
                last_t is not None
                and self.max_gap_s is not None
                and (point.t - last_t > self.max_gap_s)
            ):
                up_run = down_run = 0
            last_t = point.t
            last = point
            peak = value if peak is None else max(peak, value)
            fallen = peak > 0 and (peak - value) >= s.fall_fraction * peak - 1e-9
            up_run = up_run + 1 if fallen and value <= s.threshold else 0
            down_run = down_run + 1 if value >= down_at else 0
        if last is None or peak is None:
            return None
        detail = {
            "peak": peak,
            "last": last.value,
            "consecutive": s.consecutive,
            "threshold": s.threshold,
            "fall_fraction": s.fall_fraction,
            "step_down_at": down_at,
            "expected_suds": expected_suds,
        }
        if down_run >= s.consecutive:
            return Suggestion(
                "habituation.step_down",
                step_id,
                lazy_ngettext(
                    "SUDS has stayed at {at} or above on {n} rating in a row (last "
                    "{last}), above what this step was planned for: lower the intensity "
                    "within the step rather than ending the exposure at peak fear (under "
                    "a habituation approach, ending at the peak teaches escape), and check "
                    "for safety behaviours.",
                    "SUDS has stayed at {at} or above on {n} ratings in a row (last "
                    "{last}), above what this step was planned for: lower the intensity "
                    "within the step rather than ending the exposure at peak fear (under "
                    "a habituation approach, ending at the peak teaches escape), and check "
                    "for safety behaviours.",
                    down_run,
                    at=down_at,
                    last=last.value,
                ),
                last.t,
                detail,
            )
        if up_run >= s.consecutive:
            pct = round(100 * (peak - last.value) / peak)
            facts = {
                "pct": percent(pct),
                "peak": peak,
                "threshold": s.threshold,
                "last": last.value,
            }
            text = (
                lazy_ngettext(
                    "SUDS has fallen {pct} from its peak of {peak} and stayed at {threshold} "
                    "or below on {n} rating in a row (last {last}): the next step can be "
                    "considered (the step's suggested minimum of {minimum:g} min is not "
                    "reached yet).",
                    "SUDS has fallen {pct} from its peak of {peak} and stayed at {threshold} "
                    "or below on {n} ratings in a row (last {last}): the next step can be "
                    "considered (the step's suggested minimum of {minimum:g} min is not "
                    "reached yet).",
                    up_run,
                    minimum=min_duration_min,
                    **facts,
                )
                if _too_early(elapsed_s, min_duration_min)
                else lazy_ngettext(
                    "SUDS has fallen {pct} from its peak of {peak} and stayed at {threshold} "
                    "or below on {n} rating in a row (last {last}): the next step can be "
                    "considered.",
                    "SUDS has fallen {pct} from its peak of {peak} and stayed at {threshold} "
                    "or below on {n} ratings in a row (last {last}): the next step can be "
                    "considered.",
                    up_run,
                    **facts,
                )
            )
            return Suggestion(
                "habituation.step_up",
                step_id,
                text,
                last.t,
                {**detail, "fall_percent": pct},
            )
        return None


class ProgressionMonitor:
    """Feeds ratings to the habituation rule and returns a suggestion only
    when it is new for the step (not again at every rating while it holds).
    A suggestion that stops holding and holds again is new again."""

    def __init__(self, rule: HabituationRule) -> None:
        self.rule = rule
        self._ratings: dict[str, list[SudsPoint | None]] = {}
        self._shown: dict[str, str | None] = {}
        self._expected: dict[str, int] = {}

    def ratings(self, step_id: str) -> list[SudsPoint | None]:
        return list(self._ratings.get(step_id, ()))

    def rating(
        self,
        step_id: str,
        point: SudsPoint,
        *,
        elapsed_s: float | None = None,
        min_duration_min: float | None = None,
        expected_suds: int | None = None,
    ) -> Suggestion | None:
        self._ratings.setdefault(step_id, []).append(point)
        if expected_suds is not None:
            self._expected[step_id] = expected_suds
        return self._update(step_id, elapsed_s, min_duration_min)

    def missed(self, step_id: str) -> None:
        """A rating was due on this step and not given."""
        self._ratings.setdefault(step_id, []).append(None)
        self._update(step_id, None, None)

    def _update(
        self, step_id: str, elapsed_s: float | None, min_duration_min: float | None
    ) -> Suggestion | None:
        sug = self.rule.evaluate(
            step_id,
            self._ratings[step_id],
            elapsed_s=elapsed_s,
            min_duration_min=min_duration_min,
            expected_suds=self._expected.get(step_id),
        )
        kind = sug.kind if sug else None
        if kind == self._shown.get(step_id):
            return None
        self._shown[step_id] = kind
        return sug


# -- inhibitory learning ---------------------------------------------------------------


def _likelihood(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ProgressionError(f"{what} must be a whole percentage from 0 to 100, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Expectancy:
    """The patient's expectancy for one step: before, and (once tested) after."""

    step_id: str
    feared_outcome: str
    likelihood_before: int
    """How likely the feared outcome felt before the step, 0-100 %."""
    t_before: float
    observed_outcome: str | None = None
    occurred: bool | None = None
    """Whether the feared outcome happened, as the patient and therapist agree."""
    likelihood_after: int | None = None
    t_after: float | None = None

    def __post_init__(self) -> None:
        if not self.feared_outcome.strip():
            raise ProgressionError("write the feared outcome in the patient's words")
        _likelihood(self.likelihood_before, "the likelihood before the step")
        if self.likelihood_after is not None:
            _likelihood(self.likelihood_after, "the likelihood after the step")

    def after(
        self, *, observed_outcome: str, occurred: bool, likelihood_after: int, t: float
    ) -> Expectancy:
        """The same expectancy with the test's result."""
        if t < self.t_before:
            raise ProgressionError("the outcome is recorded after the expectancy, not before")
        return replace(
            self,
            observed_outcome=observed_outcome.strip(),
            occurred=occurred,
            likelihood_after=_likelihood(likelihood_after, "the likelihood after the step"),
            t_after=t,
        )

    @property
    def tested(self) -> bool:
        return self.likelihood_after is not None and self.occurred is not None

    @property
    def belief_change(self) -> int | None:
        """Likelihood before minus after, in points (positive: belief weakened)."""
        if self.likelihood_after is None:
            return None
        return self.likelihood_before - self.likelihood_after

    @property
    def result(self) -> str | None:
        """``violated`` (the feared outcome did not happen), ``confirmed`` (it
        did) or None (not tested yet)."""
        if self.occurred is None:
            return None
        return "confirmed" if self.occurred else "violated"

    @property
    def violation(self) -> int | None:
        """The size of an expectancy violation, 0-100: the predicted likelihood
        of a feared outcome that did not happen (Craske et al. 2014: the
        mismatch drives new learning). None when the outcome happened (the
        expectancy was confirmed, not violated) or is not recorded yet."""
        if self.occurred is None or self.occurred:
            return None
        return self.likelihood_before

    def line(self, lang: str) -> str:
        """The test in one sentence, for the summary and the PDF: the feared
        outcome and its likelihood; once tested, violated or confirmed, what
        happened and the belief now."""
        text = _(
            "Feared: “{fear}” ({pct} likely).",
            lang,
            fear=self.feared_outcome,
            pct=percent(self.likelihood_before),
        )
        if not self.tested:
            return text + " " + _("Not tested yet.", lang)
        assert self.belief_change is not None
        change = self.belief_change
        if change > 0:
            moved = ngettext("belief down {n} point", "belief down {n} points", change, lang)
        elif change < 0:
            moved = ngettext("belief up {n} point", "belief up {n} points", -change, lang)
        else:
            moved = _("belief unchanged", lang)
        result = (
            _("Expectancy confirmed: the feared outcome happened.", lang)
            if self.occurred
            else _("Expectancy violated: the feared outcome did not happen.", lang)
        )
        observed = (
            _("Observed: {outcome}.", lang, outcome=self.observed_outcome)
            if self.observed_outcome
            else ""
        )
        now = _(
            "Now {pct} likely ({change}).",
            lang,
            pct=percent(self.likelihood_after or 0),
            change=moved,
        )
        return " ".join(part for part in (text, result, observed, now) if part)

    def to_dict(self) -> dict[str, Any]:
        return {
            "step_id": self.step_id,
            "feared_outcome": self.feared_outcome,
            "likelihood_before": self.likelihood_before,
            "t_before": self.t_before,
            "observed_outcome": self.observed_outcome,
            "occurred": self.occurred,
            "likelihood_after": self.likelihood_after,
            "t_after": self.t_after,
            "result": self.result,
            "violation": self.violation,
            "belief_change": self.belief_change,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Expectancy:
        return cls(
            step_id=data["step_id"],
            feared_outcome=data["feared_outcome"],
            likelihood_before=data["likelihood_before"],
            t_before=data["t_before"],
            observed_outcome=data.get("observed_outcome"),
            occurred=data.get("occurred"),
            likelihood_after=data.get("likelihood_after"),
            t_after=data.get("t_after"),
        )


_CONTEXT_PARAMS = ("location", "place", "context", "setting", "room", "time_of_day", "weather")


def variant_preset(step: Step, decl: SceneDecl) -> tuple[str, ParamValue] | None:
    """One change of context for variability: the first choice parameter moved
    to another of its values, preferring one no more intense than now (the aim
    is a new context, not a harder step)."""
    current = step.resolved_preset(decl.defaults())
    choices = [p for p in decl.params if p.kind is ParamKind.CHOICE]
    # A place or setting is a change of context; prefer it to a change of behaviour.
    choices.sort(key=lambda p: p.name not in _CONTEXT_PARAMS)
    for spec in choices:
        values = spec.choice_values
        now = values.index(str(current[spec.name]))
        others = [v for v in values if v != values[now]]
        easier = [v for v in others if values.index(v) < now]
        return spec.name, (easier[-1] if easier else others[0])
    for spec in decl.params:
        if spec.kind in (ParamKind.FLOAT, ParamKind.INT) and spec.name != "distance":
            assert spec.minimum is not None and spec.maximum is not None
            v = float(current[spec.name])
            span = spec.maximum - spec.minimum
            new = v - 0.2 * span if v - 0.2 * span >= spec.minimum else v + 0.2 * span
            return spec.name, (round(new) if spec.kind is ParamKind.INT else round(new, 2))
    return None


@dataclass(frozen=True, slots=True)
class InhibitoryLearningRule:
    min_belief_change: int = 20
    """Belief change (points, before minus after) below which a violated
    expectancy is suggested for testing again, made stronger, rather than
    varied."""

    def before_step(self, step: Step, expectancy: Expectancy | None) -> Suggestion | None:
        """Ask for the expectancy if it was not recorded for this step."""
        if expectancy is not None and expectancy.step_id == step.id:
            return None
        return Suggestion(
            "inhibitory.ask_expectancy",
            step.id,
            N_(
                "Before this step: ask what the patient fears will happen, and how likely "
                "it feels (0-100%)."
            ),
        )

    def after_step(self, step: Step, expectancy: Expectancy, decl: SceneDecl) -> Suggestion:
        """Report the test (violated or confirmed, the belief change) and what
        to do next: vary, test again, or review a confirmed outcome."""
        if not expectancy.tested:
            raise ProgressionError(
                "record the observed outcome and the likelihood after the step first"
            )
        assert expectancy.belief_change is not None
        change = expectancy.belief_change
        facts = {
            "fear": expectancy.feared_outcome,
            "before": expectancy.likelihood_before,
            "happened": N_("it happened: expectancy confirmed")
            if expectancy.occurred
            else N_("it did not happen: expectancy violated"),
            "after": expectancy.likelihood_after,
        }
        report = (
            lazy_ngettext(
                'Expected "{fear}" at {before}%; {happened}; now {after}% (belief down {n} point).',
                'Expected "{fear}" at {before}%; {happened}; now {after}% (belief down {n} '
                "points).",
                change,
                **facts,
            )
            if change >= 0
            else lazy_ngettext(
                'Expected "{fear}" at {before}%; {happened}; now {after}% (belief up {n} point).',
                'Expected "{fear}" at {before}%; {happened}; now {after}% (belief up {n} points).',
                -change,
                **facts,
            )
        )
        detail: dict[str, Any] = {
            "violation": expectancy.violation,
            "belief_change": change,
            **expectancy.to_dict(),
        }
        if expectancy.occurred:
            # A confirmation is not a weak violation: testing again at once
            # risks repeating it; first understand what happened.
            return Suggestion(
                "inhibitory.review",
                step.id,
                _report_and_advice(
                    report,
                    N_(
                        "The feared outcome happened: review with the patient what happened "
                        "and how they coped before testing the expectation again."
                    ),
                ),
                expectancy.t_after,
                detail,
            )
        if change < self.min_belief_change:
            return Suggestion(
                "inhibitory.test_again",
                step.id,
                _report_and_advice(
                    report,
                    N_(
                        "The expectation barely changed: test it again, longer or without "
                        "safety behaviours, before varying."
                    ),
                ),
                expectancy.t_after,
                detail,
            )
        variant = variant_preset(step, decl)
        if variant is None:
            advice = N_(
                "Vary the context of the next exposure rather than waiting for habituation."
            )
        else:
            name, value = variant
            spec = decl.param(name)
            shown: Localized = Text(str(value))
            for c in spec.choices:
                if c.value == value:
                    shown = c.label
            # The parameter's label in lower case, in each language.
            param = Text.from_dict({lang: spec.label.get(lang).lower() for lang in LANGUAGES})
            advice = N_(
                "Rather than waiting for habituation, vary the exposure: e.g. the same step "
                "with {param} = {value}, or another step.",
                param=param,
                value=shown,
            )
            detail["variant"] = {name: value}
        return Suggestion(
            "inhibitory.vary",
            step.id,
            _report_and_advice(report, advice),
            expectancy.t_after,
            detail,
        )


def _report_and_advice(report: Message, advice: Message) -> Message:
    # TRANSLATORS: what the expectancy test showed, then what to do next.
    return N_("{report} {advice}", report=report, advice=advice)


def measures_of(points: Sequence[SudsPoint | None]) -> StepMeasures | None:
    """Per-step measures for a rating sequence that may contain missed ratings."""
    return step_measures([p for p in points if p is not None])
