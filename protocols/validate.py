"""Checks that need the scene catalogue: scenes, parameters, events, ranges.

Called by :func:`protocols.files.parse_protocol` for files and by
:mod:`protocols.ladders` for a patient's edited ladder, so a step is held to the
same rules wherever it comes from.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Literal

from palier.protocols.model import Protocol, Step
from palier.scenes import registry
from palier.scenes.api import ParamKind, SceneDecl, SceneError

AddIssue = Callable[..., None]
"""``add(path, problem, expected="", fix="", severity="error")``."""


def scene_declaration(scene_id: str) -> tuple[SceneDecl | None, str]:
    """The scene's declaration, or None and why (unknown, or cannot be loaded)."""
    if scene_id not in registry.scene_ids():
        return None, "unknown"
    try:
        return registry.declaration(scene_id), ""
    except (SceneError, ImportError, AttributeError) as exc:
        return None, f"its declaration cannot be loaded ({exc})"


def exposure_scene_ids() -> list[str]:
    """Registered scenes a protocol can expose to (not the safe place), whose
    declaration loads."""
    out = []
    for sid in registry.scene_ids():
        if sid == registry.SAFE_PLACE_ID:
            continue
        decl, _ = scene_declaration(sid)
        if decl is not None and decl.conditions:
            out.append(sid)
    return out


def _unknown_scene(add: AddIssue, path: tuple[str | int, ...], scene: str, why: str) -> None:
    known = [s for s in registry.scene_ids() if s != registry.SAFE_PLACE_ID]
    if why == "unknown":
        close = difflib.get_close_matches(scene, known, 1)
        add(
            path,
            f"unknown scene {scene!r}",
            "one of " + ", ".join(known),
            f"did you mean {close[0]!r}?"
            if close
            else "use a scene from `palier scenes list`; a protocol for a scene that does not "
            "exist yet must wait until the scene is registered",
        )
    else:
        add(
            path,
            f"scene {scene!r} is registered but {why}",
            "a loadable scene declaration",
            "reinstall Palier or fix the scene plugin",
        )


def check_steps(
    steps: Sequence[Step], add: AddIssue, allowed_scenes: Sequence[str] | None = None
) -> None:
    """Scene, preset values, events and unique ids of each step."""
    seen: dict[str, int] = {}
    for i, step in enumerate(steps):
        base: tuple[str | int, ...] = ("steps", i)
        if step.id in seen:
            add(
                (*base, "id"),
                f"duplicate step id {step.id!r} (also step {seen[step.id] + 1})",
                "a unique id per step",
                f'rename it, e.g. "{step.id}-2"',
            )
        else:
            seen[step.id] = i
        decl, why = scene_declaration(step.scene)
        if decl is None:
            _unknown_scene(add, (*base, "scene"), step.scene, why)
            continue
        if allowed_scenes is not None and step.scene not in allowed_scenes:
            add(
                (*base, "scene"),
                f"scene {step.scene!r} is not listed in the protocol's scenes",
                "one of " + ", ".join(allowed_scenes),
                f'add "{step.scene}" to scenes = [...] at the top',
            )
        names = [p.name for p in decl.params]
        for name, value in step.preset.items():
            path = (*base, "preset", name)
            if name not in names:
                close = difflib.get_close_matches(name, names, 1)
                add(
                    path,
                    f"scene {decl.id!r} has no parameter {name!r}",
                    "one of " + ", ".join(names),
                    f"did you mean {close[0]!r}?" if close else "remove it",
                )
                continue
            spec = decl.param(name)
            try:
                spec.validate(value, decl.id)
            except SceneError as exc:
                if spec.kind is ParamKind.CHOICE:
                    close = difflib.get_close_matches(str(value), spec.choice_values, 1)
                    fix = (
                        f"did you mean {close[0]!r}?"
                        if close
                        else f"set {name} to one of the listed values"
                    )
                elif spec.kind is ParamKind.BOOL:
                    fix = f"set {name} to true or false (no quotes)"
                else:
                    fix = f"set {name} to a value from {spec.describe_range()}"
                add(path, _short(str(exc), decl.id, name), spec.describe_range(), fix)
        events = [e.name for e in decl.events]
        for j, plan in enumerate(step.events):
            if plan.event not in events:
                close = difflib.get_close_matches(plan.event, events, 1)
                add(
                    (*base, "events", j, "event"),
                    f"scene {decl.id!r} has no event {plan.event!r}",
                    "one of " + (", ".join(events) or "(this scene has no events)"),
                    f"did you mean {close[0]!r}?" if close else "remove this [[steps.events]]",
                )
            else:
                try:
                    decl.event(plan.event).validate_options(plan.options, decl.id)
                except SceneError as exc:
                    specs = decl.event(plan.event).options
                    add(
                        (*base, "events", j, "options"),
                        str(exc).removeprefix(f"{decl.id}: "),
                        "; ".join(f"{o.name}: {o.describe_range()}" for o in specs)
                        or "no options (this event has none)",
                        "use one of the listed values, or remove the option",
                    )
        for j, plan in enumerate(step.events):
            if plan.every_min is not None and plan.every_min * 60 < _event_duration(
                decl, plan.event
            ):
                add(
                    (*base, "events", j, "every_min"),
                    f"every {plan.every_min:g} min is shorter than the event itself",
                    f"at least {_event_duration(decl, plan.event) / 60:.2g} min",
                    "space the events out",
                    severity="warning",
                )


def _event_duration(decl: SceneDecl, name: str) -> float:
    for e in decl.events:
        if e.name == name:
            return e.duration_s
    return 0.0


def _short(message: str, scene: str, name: str) -> str:
    """The scene's message without what the issue already says (place, range)."""
    prefix = f"{scene}: parameter {name!r}: "
    if message.startswith(prefix):
        message = message[len(prefix) :]
    message = message.split("; use ", 1)[0]
    if message.startswith("expected ") and ", got " in message:
        message = "got " + message.split(", got ", 1)[1]
    return message


def check_semantics(proto: Protocol, add: AddIssue) -> None:
    """Everything :mod:`protocols.model` cannot check alone (see module doc)."""
    for i, scene in enumerate(proto.scenes):
        decl, why = scene_declaration(scene)
        if decl is None:
            _unknown_scene(add, ("scenes", i), scene, why)
        elif scene == registry.SAFE_PLACE_ID:
            add(
                ("scenes", i),
                "the safe place is not an exposure scene",
                "an exposure scene",
                "remove it; the console returns to the safe place itself",
            )
    if len(set(proto.scenes)) != len(proto.scenes):
        add(("scenes",), "a scene is listed twice", "each scene once", "remove the repeat")
    check_steps(proto.steps, add, proto.scenes)
    used = {s.scene for s in proto.steps}
    for i, scene in enumerate(proto.scenes):
        if scene not in used:
            add(
                ("scenes", i),
                f"scene {scene!r} is listed but no step uses it",
                fix="remove it from scenes or add a step",
                severity="warning",
            )
    for i in range(1, len(proto.steps)):
        prev, cur = proto.steps[i - 1], proto.steps[i]
        if cur.expected_suds < prev.expected_suds:
            add(
                ("steps", i, "expected_suds"),
                f"expected SUDS {cur.expected_suds} is lower than the previous step's "
                f"({prev.expected_suds})",
                "a hierarchy from least to most difficult",
                "reorder the steps or correct expected_suds",
                severity="warning",
            )


Severity = Literal["error", "warning"]
