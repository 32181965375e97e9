"""The protocol model: one typed description that protocol files are read into.

A protocol file (TOML, human-edited) is converted field by field into the
frozen dataclasses below, through the shared field specs of
:mod:`palier.core.fields` built from each class (:func:`record_of`). The same
classes carry the documentation of every field (``spec(doc=...)``), so the
reference page ``docs/protocol-format.md`` and the JSON Schema are generated
from them (:mod:`protocols.reference`) instead of being kept by hand beside
the code.

This module checks types, required fields, ranges of the model's own numbers
and unknown keys. Checks that need the scene catalogue (unknown scene,
parameter or event, value out of a scene's range) live in
:mod:`protocols.validate`; reading files and the library, which runs both, in
:mod:`protocols.files`. All of them report :class:`Issue` objects with the
file, line, field, what was expected and how to fix it.
"""

# spec() returns dataclasses.field(); RUF009 does not know it is a field specifier.
# ruff: noqa: RUF009

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

from palier.core.fields import (
    INVALID,
    Array,
    Bool,
    Field,
    FieldError,
    Float,
    Int,
    Map,
    Reason,
    Record,
    Scalar,
    Str,
)
from palier.scenes.api import ParamValue, Text

FORMAT_VERSION = 1
"""Version of the file format (the ``format`` key). Bump only with a converter."""

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
ProgressionMode = Literal["habituation", "inhibitory_learning"]
ProtocolKind = Literal["exposure", "erp", "trauma_cues"]
M = TypeVar("M")


# -- issues and errors ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a protocol file (or a ladder): where, what, how to fix."""

    file: str
    line: int | None
    field: str
    """Dotted place in the file, e.g. ``steps[3] "table-near".preset.distance``."""
    problem: str
    expected: str = ""
    fix: str = ""
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = self.file or "<protocol>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: {self.severity}: {self.field or '(file)'}: {self.problem}"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.fix:
            text += f"; fix: {self.fix}"
        return text


class ProtocolError(ValueError):
    """A protocol file (or ladder) that must not reach a session.

    ``issues`` lists every error found (not just the first), each naming the
    file, line and field.
    """

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__("\n".join(str(i) for i in self.issues) or "invalid protocol")

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity == "error")


# -- field specifications ----------------------------------------------------------

_NO_DEFAULT: Any = dataclasses.MISSING


def spec(
    doc: str,
    *,
    default: Any = _NO_DEFAULT,
    default_factory: Callable[[], Any] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    pattern: str | None = None,
    min_items: int | None = None,
    example: Any = None,
) -> Any:
    """A model field with its documentation and constraints (read by the
    converter, the doc generator and the schema generator)."""
    meta = {
        "doc": doc,
        "minimum": minimum,
        "maximum": maximum,
        "exclusive_minimum": exclusive_minimum,
        "pattern": pattern,
        "min_items": min_items,
        "example": example,
    }
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=meta)
    return field(default=default, metadata=meta)


# -- the model -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventPlan:
    """A planned event during a step: at fixed minutes, or every N minutes."""

    event: str = spec("Name of an event the step's scene declares.", example="run_toward")
    every_min: float | None = spec(
        "Fire the event every this many minutes while the step runs (first firing after "
        "`start_min`). Give either `every_min` or `at_min`.",
        default=None,
        minimum=0.25,
        maximum=60.0,
        example=2.0,
    )
    start_min: float | None = spec(
        "With `every_min`: minutes into the step of the first firing (default: one interval in).",
        default=None,
        minimum=0.0,
        maximum=120.0,
    )
    at_min: tuple[float, ...] = spec(
        "Fire the event at these minutes into the step (ascending).",
        default=(),
        minimum=0.0,
        maximum=120.0,
        example=[1.0, 4.5],
    )
    options: dict[str, ParamValue] = spec(
        "The event's options for this step (`[steps.events.options]`), e.g. which side a "
        "siren comes from; options not named take the event's default. Each value must be "
        "one the scene declares for that event (`palier scenes list`).",
        default_factory=dict,
        example={"side": "left", "distance": 20},
    )

    def fire_times_s(self, until_s: float) -> list[float]:
        """Seconds into the step at which the event is due, up to ``until_s``."""
        if self.at_min:
            return [m * 60.0 for m in self.at_min if m * 60.0 <= until_s]
        if self.every_min is None:
            return []
        every = self.every_min * 60.0
        t = self.start_min * 60.0 if self.start_min is not None else every
        out: list[float] = []
        while t <= until_s + 1e-9:
            out.append(t)
            t += every
        return out

    def due_between(self, after_s: float, upto_s: float) -> int:
        """How many firings fall in ``(after_s, upto_s]`` (step time)."""
        return sum(1 for t in self.fire_times_s(upto_s) if t > after_s)


@dataclass(frozen=True, slots=True)
class Step:
    """One rung of the hierarchy: what the patient faces and how it is set."""

    id: str = spec(
        "Short identifier, unique in the protocol, kept when a ladder is edited (measures "
        "are compared across sessions by it). Lower-case letters, digits, `-` and `_`.",
        pattern=ID_PATTERN,
        example="table-near-still",
    )
    text: Text = spec(
        "What the patient faces, as the therapist reads it (`text.en`, `text.fr`).",
        example={
            "en": "One small spider, still, on the table 1 m away.",
            "fr": "Une petite araignée immobile sur la table, à 1 m.",
        },
    )
    scene: str = spec("Scene id (see `palier scenes list`).", example="spiders")
    expected_suds: int = spec(
        "SUDS (0-100) the clinician expects at the start of the step.",
        minimum=0,
        maximum=100,
        example=40,
    )
    min_duration_min: float = spec(
        "Suggested minimum minutes on the step before moving up.",
        minimum=0.5,
        maximum=120.0,
        example=5.0,
    )
    preset: dict[str, ParamValue] = spec(
        "Scene parameter values for this step (`[steps.preset]`). Parameters not named "
        "take the scene's default. Each value must be in the scene's declared range.",
        default_factory=dict,
        example={"distance": 1.0, "count": 1},
    )
    events: tuple[EventPlan, ...] = spec(
        "Planned events (`[[steps.events]]`), e.g. a spider running toward the patient every "
        "2 minutes.",
        default=(),
    )
    note: Text | None = spec(
        "Optional guidance for the therapist (`note.en`, `note.fr`); not shown to the patient.",
        default=None,
    )

    def resolved_preset(self, defaults: Mapping[str, ParamValue]) -> dict[str, ParamValue]:
        """The full parameter set: the scene's defaults overridden by the preset."""
        return {**defaults, **self.preset}


@dataclass(frozen=True, slots=True)
class SudsScheduleRule:
    """When a SUDS rating is due (drives the console's reminder)."""

    interval_min: float = spec(
        "A rating is due this many minutes after the last one.",
        default=5.0,
        minimum=0.5,
        maximum=60.0,
    )
    at_step_change: bool = spec("A rating is due at the start of each step.", default=True)
    at_step_end: bool = spec(
        "A rating is due before leaving a step (the end SUDS of the step).",
        default=False,
    )


@dataclass(frozen=True, slots=True)
class ProgressionSettings:
    """How progression suggestions are made (the therapist decides)."""

    mode: ProgressionMode = spec(
        "`habituation` (SUDS falls, then move up) or `inhibitory_learning` (expectancy "
        "violation and variability; Craske et al. 2014). Switchable in the console.",
        default="habituation",
    )
    threshold: int = spec(
        "Habituation: SUDS at or below this (and fallen from the peak) suggests moving up.",
        default=30,
        minimum=0,
        maximum=100,
    )
    fall_fraction: float = spec(
        "Habituation: fraction of the step's peak SUDS the rating must have fallen by.",
        default=0.5,
        minimum=0.05,
        maximum=1.0,
    )
    consecutive: int = spec(
        "Habituation: how many consecutive ratings must meet the rule.",
        default=2,
        minimum=1,
        maximum=10,
    )
    step_down_at: int = spec(
        "Habituation: the lowest SUDS that, for `consecutive` ratings, suggests lowering the "
        "intensity within the step (see `step_down_margin`).",
        default=85,
        minimum=1,
        maximum=100,
    )
    step_down_margin: int = spec(
        "Habituation: how far above the step's expected SUDS the ratings must stay to "
        "suggest lowering the intensity (the bar is the higher of this and `step_down_at`, "
        "at most 100): a step planned at 95 that reaches 95 works as designed.",
        default=10,
        minimum=0,
        maximum=100,
    )


@dataclass(frozen=True, slots=True)
class Protocol:
    """A validated exposure protocol: an ordered hierarchy of steps."""

    format: int = spec("File format version; this Palier reads 1.", minimum=1, maximum=1)
    id: str = spec("Unique protocol id.", pattern=ID_PATTERN, example="spiders-graded")
    condition: str = spec("Condition treated, e.g. `arachnophobia`.", example="arachnophobia")
    title: Text = spec("Title (`title.en`, `title.fr`).")
    description: Text = spec("What the protocol is for and how to use it.")
    scenes: tuple[str, ...] = spec("Scenes the protocol uses.", min_items=1, example=["spiders"])
    steps: tuple[Step, ...] = spec(
        "The hierarchy, least to most difficult (`[[steps]]`, in order).",
        min_items=1,
    )
    kind: ProtocolKind = spec(
        "`exposure`; `erp` (OCD exposure with response prevention: urges and rituals are "
        "logged); `trauma_cues` (PTSD: hotspots are marked on the timeline).",
        default="exposure",
    )
    suds_schedule: SudsScheduleRule = spec(
        "When SUDS is due (`[suds_schedule]`).",
        default_factory=SudsScheduleRule,
    )
    progression: ProgressionSettings = spec(
        "Progression rule settings (`[progression]`).",
        default_factory=ProgressionSettings,
    )
    references: tuple[str, ...] = spec("Clinical sources the hierarchy follows.", default=())
    source: str = field(default="", compare=False, metadata={"internal": True})
    """The file this protocol was read from (not a file key)."""

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(f"protocol {self.id!r} has no step {step_id!r}")

    def step_ids(self) -> list[str]:
        return [s.id for s in self.steps]


# -- the model as field specs ------------------------------------------------------------
# Each model class is read through a palier.core.fields Record built from its
# type hints and spec() metadata, so a protocol file's numbers, texts and
# choices follow the rules of the link and the scenes; the words of each issue
# (problem, expected, fix) are this module's, for the people who edit files.


TEXT_LANGUAGES = ("en", "fr")
"""The languages a protocol file gives each text in: the file format's, fixed
(a language added to the message catalogues reads protocol texts in English)."""


class _TextField(Field):
    """A :class:`Text`: a table with non-empty ``en`` and ``fr`` text only."""

    __slots__ = ()
    type_name: ClassVar[str] = "table with `en` and `fr` text"

    def check(self, value: Any, errors: list[FieldError] | None = None) -> Any:
        found: list[FieldError] = []
        if not isinstance(value, dict):
            found.append(self.fail(Reason.TYPE, value))
        else:
            for lang in TEXT_LANGUAGES:
                text = value.get(lang)
                if text is None:
                    found.append(self.fail(Reason.MISSING, value, path=(lang,), names=(lang,)))
                elif not isinstance(text, str) or not text.strip():
                    found.append(self.fail(Reason.EMPTY, text, path=(lang,)))
            for extra in sorted(set(value) - set(TEXT_LANGUAGES)):
                found.append(self.fail(Reason.UNKNOWN, value, path=(extra,), names=(extra,)))
        if not found:
            return Text(en=value["en"].strip(), fr=value["fr"].strip())
        if errors is None:
            raise found[0]
        errors.extend(found)
        return INVALID


TEXT = _TextField()
_LANGUAGE_NAMES = {"en": "English", "fr": "French"}
_PARAM_VALUE = Scalar()
"""A preset value: the step's scene checks its type and range (protocols.validate)."""
_CLASSES: dict[Record, type] = {}
_RECORDS: dict[type, Record] = {}


def model_class(record: Record) -> type:
    """The model class a record of :func:`record_of` builds."""
    return _CLASSES[record]


def record_of(cls: type) -> Record:
    """The field specs of a model class (file keys only, not ``source``)."""
    if cls in _RECORDS:
        return _RECORDS[cls]
    hints = typing.get_type_hints(cls)
    members = {f.name: _field_of(hints[f.name], f.metadata) for f in _model_fields(cls)}
    optional = frozenset(f.name for f in _model_fields(cls) if not _required(f))
    post = _check_event_plan if cls is EventPlan else None
    record = Record(cls.__name__, members, build=cls, optional=optional, post=post)
    _CLASSES[record] = cls
    _RECORDS[cls] = record
    return record


def _field_of(tp: Any, meta: Mapping[str, Any]) -> Field:
    """The field spec of a type hint with its spec() constraints (a list's
    constraints apply to its items; ``min_items`` to the list)."""
    origin = typing.get_origin(tp)
    if tp == ParamValue:
        return _PARAM_VALUE
    if origin in (types.UnionType, typing.Union):
        # Optional keys: absent in the file means the default (None); a value
        # written must be of the type.
        (inner,) = (a for a in typing.get_args(tp) if a is not type(None))
        return _field_of(inner, meta)
    if tp is Text:
        return TEXT
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return record_of(tp)
    if origin is Literal:
        return Str(None, choices=typing.get_args(tp))
    if origin in (tuple, list):
        item = _field_of(typing.get_args(tp)[0], meta)
        return Array(item, max_len=None, min_len=meta.get("min_items") or 0, tuples=False)
    if origin is dict:
        return Map(_field_of(typing.get_args(tp)[1], {}))
    lo, hi = meta.get("minimum"), meta.get("maximum")
    lo = -math.inf if lo is None else lo
    hi = math.inf if hi is None else hi
    if tp is bool:
        return Bool()
    if tp is int:
        return Int(lo, hi, integral_floats=True)
    if tp is float:
        return Float(lo, hi)
    if tp is str:
        pattern = meta.get("pattern")
        return Str(None, pattern=re.compile(pattern) if pattern else None, blank=False)
    raise TypeError(f"model type {tp!r} has no field spec")  # a bug in this module


def _check_event_plan(plan: EventPlan) -> EventPlan:
    """Rules across the keys of one ``[[steps.events]]`` table."""
    rec = record_of(EventPlan)
    if (plan.every_min is None) == (not plan.at_min):
        raise FieldError(
            Reason.RULE,
            rec,
            plan,
            problem="needs exactly one of `every_min` or `at_min`",
            expected="every_min = N (minutes) or at_min = [m1, m2, ...]",
            fix="keep one of the two keys",
        )
    if plan.start_min is not None and plan.every_min is None:
        raise FieldError(
            Reason.RULE,
            rec,
            plan,
            path=("start_min",),
            problem="`start_min` only applies with `every_min`",
            expected="",
            fix="remove start_min or use every_min",
        )
    if list(plan.at_min) != sorted(set(plan.at_min)):
        raise FieldError(
            Reason.RULE,
            rec,
            plan,
            path=("at_min",),
            problem="times are not in ascending order or repeat",
            expected="ascending minutes",
            fix="sort the list and remove repeats",
        )
    return plan


def type_name(spec: Field) -> str:
    """What a key holds, in the words of the format reference."""
    if spec is TEXT:
        return _TextField.type_name
    if isinstance(spec, Scalar):
        return "number, text or true/false"
    if isinstance(spec, Record):
        return f"table ({spec.name})"
    if isinstance(spec, Array):
        return f"list of {type_name(spec.inner)}"
    if isinstance(spec, Map):
        return f"table of {type_name(spec.value)}"
    if isinstance(spec, Str) and spec.choices:
        return "one of " + ", ".join(f'"{c}"' for c in spec.choices)
    names: dict[type, str] = {Bool: "true or false", Int: "whole number", Float: "number"}
    return names.get(type(spec), "text")


def _range_text(lo: float, hi: float) -> str:
    if math.isfinite(lo) and math.isfinite(hi):
        return f"{lo:g} to {hi:g}"
    return f"at least {lo:g}" if math.isfinite(lo) else f"at most {hi:g}"


def _fmt_path(path: Sequence[str | int], steps: Sequence[Any] | None = None) -> str:
    out = ""
    for i, part in enumerate(path):
        if isinstance(part, int):
            out += f"[{part + 1}]"
            if i == 1 and path[0] == "steps" and steps is not None and part < len(steps):
                sid = steps[part].get("id") if isinstance(steps[part], Mapping) else None
                if isinstance(sid, str):
                    out += f' "{sid}"'
        else:
            out += ("." if out else "") + part
    return out


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'text "{value}"' if len(value) < 40 else "text"
    if isinstance(value, int | float):
        return f"number {value:g}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return (s or "step")[:64]


def _wording(err: FieldError, path: tuple[str | int, ...]) -> tuple[str, str, str]:
    """(problem, expected, fix) of a refused value at ``path`` in the file."""
    spec, value, reason = err.spec, err.value, err.reason
    if err.worded:
        return err.problem, err.expected, err.fix
    if spec is TEXT:
        return _text_wording(err, path)
    if reason is Reason.MISSING:
        assert isinstance(spec, Record)
        name = err.names[0]
        example = {f.name: f.metadata.get("example") for f in _model_fields(model_class(spec))}
        ex = example[name]
        hint = f" (for example {name} = {_toml_value(ex)})" if ex is not None else ""
        fix = f"add {name}{hint}" if path else f"add {name} at the top{hint}"
        return f"missing required key {name!r}", type_name(spec.fields[name]), fix
    if reason is Reason.UNKNOWN:
        assert isinstance(spec, Record)
        key, names = err.names[0], list(spec.fields)
        close = difflib.get_close_matches(key, names, 1)
        fix = f"did you mean {close[0]!r}?" if close else "remove it or check the spelling"
        return f"unknown key {key!r}", "one of " + ", ".join(names), fix
    if reason is Reason.RANGE:
        assert isinstance(spec, Int | Float)
        rng = _range_text(spec.lo, spec.hi)
        return f"{value:g} is out of range", rng, f"use a value from {rng}"
    if reason is Reason.PATTERN:
        assert isinstance(value, str)
        return (
            f'"{value}" is not a valid id',
            "lower-case letters, digits, '-' or '_' (at most 64, starting with a letter or digit)",
            f'rename it, e.g. "{_slug(value)}"',
        )
    if reason is Reason.EMPTY:
        return "is empty", "non-empty text", "write the text"
    if reason is Reason.LENGTH:
        assert isinstance(spec, Array)  # the only spec here with a length limit: min_items
        fix = "add at least one entry"
        if path[-1] == "steps":
            fix = "add at least one [[steps]] table"
        return "is empty", f"at least {spec.min_len} item(s)", fix
    # The wrong type, NaN, a fraction in a whole number, a value not among the choices.
    return f"got {_describe(value)}", type_name(spec), _type_fix(spec, value, path)


def _type_fix(spec: Field, value: Any, path: tuple[str | int, ...]) -> str:
    if isinstance(spec, Scalar):
        return "write a single value"
    if isinstance(spec, Record):
        return f"write it as a table [{_fmt_path(path)}] with its keys"
    if isinstance(spec, Array):
        if isinstance(spec.inner, Record):
            return f"write one [[{_fmt_path(path)}]] table per item"
        return "write a list: [ ... ]"
    if isinstance(spec, Map):
        return f"write it as a table [{_fmt_path(path)}] of name = value"
    if isinstance(spec, Str) and spec.choices:
        close = difflib.get_close_matches(str(value), list(spec.choices), 1, 0.5)
        return f'did you mean "{close[0]}"?' if close else "use one of the listed values"
    fixes: dict[type, str] = {
        Bool: "write true or false (no quotes)",
        Int: "write a whole number, no quotes",
        Float: "write a number, no quotes",
    }
    return fixes.get(type(spec), 'put the text in quotes: "..."')


def _text_wording(err: FieldError, path: tuple[str | int, ...]) -> tuple[str, str, str]:
    if err.reason is Reason.TYPE:
        where = _fmt_path(path)
        return (
            f"got {_describe(err.value)}",
            "a table with `en` and `fr` text",
            f'write {where}.en = "..." and {where}.fr = "..."',
        )
    key = str(path[-1])
    where = _fmt_path(path[:-1])
    if err.reason is Reason.UNKNOWN:
        return (
            f"unknown language key {key!r}",
            "`en` and `fr` only",
            f"remove {key!r} (Palier ships English and French)",
        )
    name = _LANGUAGE_NAMES[key]
    if err.reason is Reason.MISSING:
        return f"missing {name} text", f"{name} text in `{key}`", f'add {where}.{key} = "..."'
    return (
        f"{name} text is empty or not text",
        f"non-empty {name} text",
        f'write {where}.{key} = "..."',
    )


class IssueList:
    """The issues found in one file, each with its line (from
    :func:`locate_keys`) and its field named as the file's reader sees it."""

    def __init__(
        self, file: str, lines: Mapping[tuple[str | int, ...], int], data: Mapping[str, Any]
    ) -> None:
        self.file = file
        self.lines = lines
        raw_steps = data.get("steps")
        self.steps = raw_steps if isinstance(raw_steps, list) else None
        self.issues: list[Issue] = []

    def line(self, path: Sequence[str | int]) -> int | None:
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return None

    def add(
        self,
        path: Sequence[str | int],
        problem: str,
        expected: str = "",
        fix: str = "",
        severity: Literal["error", "warning"] = "error",
    ) -> None:
        self.issues.append(
            Issue(
                self.file,
                self.line(path),
                _fmt_path(path, self.steps),
                problem,
                expected,
                fix,
                severity,
            )
        )

    @property
    def has_errors(self) -> bool:
        return any(i.severity == "error" for i in self.issues)


def convert(
    data: Mapping[str, Any], cls: type[M], path: tuple[str | int, ...], issues: IssueList
) -> M | None:
    """``data`` (a table at ``path`` in the file) as a ``cls``, or None with
    every problem found added to ``issues``."""
    errors: list[FieldError] = []
    out = record_of(cls).check(data, errors)
    for err in errors:
        where = (*path, *err.path)
        issues.add(where, *_wording(err, where))
    return None if out is INVALID else typing.cast(M, out)


def _model_fields(cls: type) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def _required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    return f"{v:g}" if isinstance(v, float) else str(v)


# -- where keys are in the file (tomllib gives no positions) -------------------------------

_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _split_key(text: str) -> list[str]:
    parts: list[str] = []
    buf = ""
    quote = ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
            else:
                buf += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append(buf.strip())
            buf = ""
        else:
            buf += ch
    parts.append(buf.strip())
    return parts


def _key_part(line: str) -> str | None:
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "=":
            return line[:i]
        elif ch == "#":
            return None
    return None


def locate_keys(source: str) -> dict[tuple[str | int, ...], int]:
    """Map each key path (``("steps", 2, "preset", "distance")``) to its 1-based
    line. Covers the TOML that protocol files use: tables, arrays of tables,
    dotted keys, multi-line strings and arrays."""
    lines: dict[tuple[str | int, ...], int] = {}
    counts: dict[tuple[str | int, ...], int] = {}
    arrays: set[tuple[str, ...]] = set()  # array-of-table paths, without indices
    current: tuple[str | int, ...] = ()
    skip_until: str | None = None
    depth = 0
    for n, raw in enumerate(source.splitlines(), start=1):
        if skip_until is not None:
            if skip_until in raw:
                skip_until = None
            continue
        if depth > 0:
            depth += raw.count("[") - raw.count("]")
            continue
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _HEADER_RE.match(raw)
        if m and stripped.startswith("["):
            keys = _split_key(m.group(2))
            resolved: list[str | int] = []
            plain: list[str] = []
            for k in keys[:-1]:
                plain.append(k)
                resolved.append(k)
                if tuple(plain) in arrays:
                    resolved.append(max(counts.get(tuple(resolved), 1) - 1, 0))
            plain.append(keys[-1])
            resolved.append(keys[-1])
            if m.group(1) == "[[":
                arrays.add(tuple(plain))
                key = tuple(resolved)
                idx = counts.get(key, 0)
                counts[key] = idx + 1
                lines.setdefault(key, n)
                resolved.append(idx)
            current = tuple(resolved)
            lines.setdefault(current, n)
            continue
        key_text = _key_part(raw)
        if key_text is None:
            continue
        path = (*current, *_split_key(key_text))
        for i in range(len(current) + 1, len(path) + 1):
            lines.setdefault(path[:i], n)
        value = raw[len(key_text) + 1 :].strip()
        for q in ('"""', "'''"):
            if value.startswith(q) and value.count(q) == 1:
                skip_until = q
        if value.startswith("[") and skip_until is None:
            depth = value.count("[") - value.count("]")
    return lines


# -- data back out (ladders store steps as JSON) ----------------------------------------------


def to_data(obj: Any) -> Any:
    """Plain JSON/TOML-ready data for a model object (inverse of the converter)."""
    if isinstance(obj, Text):
        return obj.to_dict()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in _model_fields(type(obj)):
            v = getattr(obj, f.name)
            if v is None or (
                f.default is not dataclasses.MISSING
                and v == f.default
                and f.name not in ("format",)
            ):
                continue
            if isinstance(obj, EventPlan) and f.name == "options" and not v:
                continue  # an event without options is stored as it was before they existed
            out[f.name] = to_data(v)
        return out
    if isinstance(obj, tuple | list):
        return [to_data(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_data(v) for k, v in obj.items()}
    return obj


def step_from_data(data: Mapping[str, Any], where: str = "<ladder>", index: int = 0) -> Step:
    """Convert stored step data back into a :class:`Step` (same checks as files);
    ``index`` is the step's place in its hierarchy, for messages."""
    issues = IssueList(where, {}, {"steps": [{}] * index + [data]})
    step = convert(dict(data), Step, ("steps", index), issues)
    if step is None:
        raise ProtocolError(issues.issues)
    return step
