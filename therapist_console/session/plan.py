"""The plan of a session: the protocol's hierarchy as the console runs it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from palier.protocols.ladders import Ladder
from palier.protocols.model import (
    EventPlan,
    ProgressionSettings,
    Protocol,
    Step,
    SudsScheduleRule,
    to_data,
)
from palier.scenes.api import ParamValue, Text
from palier.therapist_console.record import StepRow
from palier.therapist_console.summary import label_text

Label = Text | Mapping[str, str] | str | None
"""A step's or plan's name: a ``Text``, its ``{"en":..., "fr":...}`` form (the
record's), or plain text."""

Params = Mapping[str, ParamValue]
"""Scene parameter values by name."""


def label_dict(label: Label) -> dict[str, str] | str | None:
    """The label as the record stores it (JSON)."""
    if isinstance(label, Text):
        return label.to_dict()
    if isinstance(label, Mapping):
        return dict(label)
    return label


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One rung of the fear hierarchy, as the session plans it."""

    key: str
    label: Label
    scene: str
    params: Params
    expected_suds: int | None = None
    min_duration_min: float | None = None
    """Suggested minimum time on the step before moving up (from the ladder)."""
    events: tuple[EventPlan, ...] = ()
    """Planned events of the step (announced when due; the therapist fires them)."""

    def label_dict(self) -> dict[str, str] | str | None:
        return label_dict(self.label)

    def label_text(self, lang: str) -> str:
        if isinstance(self.label, Text):
            return self.label.get(lang)
        return label_text(label_dict(self.label), lang) or self.key


@dataclass(frozen=True, slots=True)
class Plan:
    """The protocol and hierarchy chosen for a session."""

    protocol_id: str | None
    steps: tuple[PlanStep, ...]
    ladder_version_id: int | None = None
    title: Label = None
    suds_schedule: SudsScheduleRule | None = None
    """The protocol's ``[suds_schedule]`` (None: the default, every 5 minutes
    and at each step change)."""
    progression: ProgressionSettings | None = None
    """The protocol's ``[progression]`` (None: defaults)."""
    kind: str = "exposure"
    """``exposure``, ``erp`` (urges and rituals logged) or ``trauma_cues`` (hotspots)."""

    def to_json(self) -> dict[str, Any]:
        rule = self.suds_schedule
        prog = self.progression
        return {
            "kind": self.kind,
            "progression": None
            if prog is None
            else {
                "mode": prog.mode,
                "threshold": prog.threshold,
                "fall_fraction": prog.fall_fraction,
                "consecutive": prog.consecutive,
                "step_down_at": prog.step_down_at,
                "step_down_margin": prog.step_down_margin,
            },
            "suds_schedule": None
            if rule is None
            else {
                "interval_min": rule.interval_min,
                "at_step_change": rule.at_step_change,
                "at_step_end": rule.at_step_end,
            },
            "protocol_id": self.protocol_id,
            "ladder_version_id": self.ladder_version_id,
            "title": label_dict(self.title),
            "steps": [
                {
                    "key": s.key,
                    "label": s.label_dict(),
                    "scene": s.scene,
                    "params": dict(s.params),
                    "expected_suds": s.expected_suds,
                    "min_duration_min": s.min_duration_min,
                    "events": [to_data(e) for e in s.events],
                }
                for s in self.steps
            ],
        }

    @classmethod
    def from_protocol(cls, protocol: Protocol, ladder: Ladder | None = None) -> Plan:
        """The plan for a protocol, or for a patient's ladder of it (presets
        resolved against the scenes' defaults, its version recorded)."""
        rule = protocol.suds_schedule
        prog = protocol.progression
        kind = str(protocol.kind)
        if ladder is not None:
            return replace(
                cls.from_json(ladder.plan_json()), suds_schedule=rule, progression=prog, kind=kind
            )
        return cls(
            suds_schedule=rule,
            progression=prog,
            kind=kind,
            protocol_id=str(protocol.id),
            ladder_version_id=None,
            title=protocol.title,
            steps=tuple(
                PlanStep(
                    key=str(s.id),
                    label=s.text,
                    scene=str(s.scene),
                    params=dict(s.preset),
                    expected_suds=s.expected_suds,
                    min_duration_min=s.min_duration_min,
                )
                for s in protocol.steps
            ),
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Plan:
        """The plan as the record stores it (:meth:`to_json`)."""
        rule = prog = None
        if data.get("suds_schedule"):
            rule = SudsScheduleRule(**dict(data["suds_schedule"]))
        if data.get("progression"):
            prog = ProgressionSettings(**dict(data["progression"]))
        return cls(
            suds_schedule=rule,
            progression=prog,
            kind=str(data.get("kind") or "exposure"),
            protocol_id=data.get("protocol_id"),
            ladder_version_id=data.get("ladder_version_id"),
            title=data.get("title"),
            steps=tuple(
                PlanStep(
                    key=s["key"],
                    label=s.get("label"),
                    scene=s["scene"],
                    params=dict(s.get("params") or {}),
                    expected_suds=s.get("expected_suds"),
                    min_duration_min=s.get("min_duration_min"),
                    events=tuple(_event_plan(e) for e in s.get("events") or ()),
                )
                for s in data.get("steps", ())
            ),
        )


def _event_plan(data: Mapping[str, Any]) -> EventPlan:
    return EventPlan(
        event=str(data["event"]),
        every_min=data.get("every_min"),
        start_min=data.get("start_min"),
        at_min=tuple(data.get("at_min") or ()),
        options=dict(data.get("options") or {}),
    )


@dataclass(frozen=True, slots=True)
class CurrentStep:
    index: int
    """Position in the plan's steps."""
    plan_step: PlanStep
    row: StepRow
    params: Params
    """Current target values (the step's preset plus the therapist's changes)."""

    @property
    def started_at(self) -> float:
        return self.row.started_at


def protocol_step(plan_step: PlanStep) -> Step:
    """The ``protocols.model.Step`` a plan step came from (for protocols' rules)."""
    label = plan_step.label
    text = (
        label
        if isinstance(label, Text)
        else Text.from_dict(label)
        if isinstance(label, Mapping)
        else Text(str(label), str(label))
    )
    return Step(
        id=plan_step.key,
        text=text,
        scene=plan_step.scene,
        preset=dict(plan_step.params),
        expected_suds=plan_step.expected_suds or 0,
        min_duration_min=plan_step.min_duration_min or 1.0,
    )
