"""The protocol model: one typed description that protocol files are read into.

A protocol file (TOML, human-edited) is converted field by field into the
frozen dataclasses below. The same classes carry the documentation of every
field (``spec(doc=...)``), so the reference page ``docs/protocol-format.md`` and
the JSON Schema are generated from them (:func:`format_doc`,
:func:`json_schema`) instead of being kept by hand beside the code.

Checks that need the scene catalogue (unknown scene, parameter or event, value
out of a scene's range) live in :mod:`protocols.validate`; this module checks
types, required fields, ranges of the model's own numbers and unknown keys.
Both report :class:`Issue` objects with the file, line, field, what was
expected and how to fix it.
"""

# spec() returns dataclasses.field(); RUF009 does not know it is a field specifier.
# ruff: noqa: RUF009

from __future__ import annotations

import dataclasses
import difflib
import logging
import math
import re
import tomllib
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from palier.scenes.api import ParamValue, Text

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
"""Version of the file format (the ``format`` key). Bump only with a converter."""

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_ID_RE = re.compile(ID_PATTERN)
ProgressionMode = Literal["habituation", "inhibitory_learning"]
ProtocolKind = Literal["exposure", "erp", "trauma_cues"]


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
        "Habituation: SUDS at or above this for `consecutive` ratings suggests stepping down.",
        default=85,
        minimum=1,
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


# -- conversion from TOML data ---------------------------------------------------------


class _Bad:
    """Marker for a value that failed conversion (its issue is already recorded)."""


_BAD = _Bad()


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


class _Ctx:
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


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if tp is str:
        return "text"
    if tp is int:
        return "whole number"
    if tp is float:
        return "number"
    if tp is bool:
        return "true or false"
    if tp is Text:
        return "table with `en` and `fr` text"
    if tp == ParamValue:
        return "number, text or true/false"
    if origin is Literal:
        return "one of " + ", ".join(f'"{a}"' for a in typing.get_args(tp))
    if origin in (tuple, list):
        return f"list of {_type_name(typing.get_args(tp)[0])}"
    if origin is dict:
        return f"table of {_type_name(typing.get_args(tp)[1])}"
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return " or ".join(_type_name(a) for a in args)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return f"table ({tp.__name__})"
    return str(tp)


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


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _model_fields(cls: type) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def _required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _check_constraints(
    value: Any, meta: Mapping[str, Any], path: tuple[str | int, ...], ctx: _Ctx
) -> bool:
    lo, hi = meta.get("minimum"), meta.get("maximum")
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and ((lo is not None and value < lo) or (hi is not None and value > hi))
    ):
        rng = (
            f"{lo:g} to {hi:g}"
            if lo is not None and hi is not None
            else (f"at least {lo:g}" if lo is not None else f"at most {hi:g}")
        )
        ctx.add(path, f"{value:g} is out of range", rng, f"use a value from {rng}")
        return False
    pattern = meta.get("pattern")
    if pattern and isinstance(value, str) and not re.match(pattern, value):
        ctx.add(
            path,
            f'"{value}" is not a valid id',
            "lower-case letters, digits, '-' or '_' (at most 64, starting with a letter or digit)",
            f'rename it, e.g. "{_slug(value)}"',
        )
        return False
    min_items = meta.get("min_items")
    if min_items and isinstance(value, tuple | list) and len(value) < min_items:
        ctx.add(
            path,
            "is empty",
            f"at least {min_items} item(s)",
            "add at least one entry" if path[-1] != "steps" else "add at least one [[steps]] table",
        )
        return False
    return True


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return (s or "step")[:64]


def _convert(
    value: Any, tp: Any, path: tuple[str | int, ...], ctx: _Ctx, meta: Mapping[str, Any]
) -> Any:
    origin = typing.get_origin(tp)
    expected = _type_name(tp)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if tp == ParamValue:
            if isinstance(value, bool | int | float | str) and not (
                isinstance(value, float) and not math.isfinite(value)
            ):
                return value
            ctx.add(path, f"got {_describe(value)}", expected, "write a single value")
            return _BAD
        if len(args) == 1:
            return _convert(value, args[0], path, ctx, meta)
    if tp is Text:
        return _convert_text(value, path, ctx)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            ctx.add(
                path,
                f"got {_describe(value)}",
                expected,
                f"write it as a table [{_fmt_path(path)}] with its keys",
            )
            return _BAD
        return _convert_dataclass(value, tp, path, ctx)  # type: ignore[arg-type]
    if origin is Literal:
        choices = typing.get_args(tp)
        if value not in choices:
            close = difflib.get_close_matches(str(value), [str(c) for c in choices], 1, 0.5)
            fix = f'did you mean "{close[0]}"?' if close else "use one of the listed values"
            ctx.add(path, f"got {_describe(value)}", expected, fix)
            return _BAD
        return value
    if origin in (tuple, list):
        if not isinstance(value, list):
            ctx.add(
                path,
                f"got {_describe(value)}",
                expected,
                "write a list: [ ... ]"
                if not dataclasses.is_dataclass(typing.get_args(tp)[0])
                else f"write one [[{_fmt_path(path)}]] table per item",
            )
            return _BAD
        item_tp = typing.get_args(tp)[0]
        items = [_convert(v, item_tp, (*path, i), ctx, meta) for i, v in enumerate(value)]
        if any(i is _BAD for i in items):
            return _BAD
        out = tuple(items)
        return out if _check_constraints(out, meta, path, ctx) else _BAD
    if origin is dict:
        if not isinstance(value, dict):
            ctx.add(
                path,
                f"got {_describe(value)}",
                expected,
                f"write it as a table [{_fmt_path(path)}] of name = value",
            )
            return _BAD
        val_tp = typing.get_args(tp)[1]
        conv = {k: _convert(v, val_tp, (*path, k), ctx, {}) for k, v in value.items()}
        return _BAD if any(v is _BAD for v in conv.values()) else conv
    if tp is bool:
        if not isinstance(value, bool):
            ctx.add(path, f"got {_describe(value)}", expected, "write true or false (no quotes)")
            return _BAD
        return value
    if tp is int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            ctx.add(path, f"got {_describe(value)}", expected, "write a whole number, no quotes")
            return _BAD
        return value if _check_constraints(value, meta, path, ctx) else _BAD
    if tp is float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            ctx.add(path, f"got {_describe(value)}", expected, "write a number, no quotes")
            return _BAD
        value = float(value)
        return value if _check_constraints(value, meta, path, ctx) else _BAD
    if tp is str:
        if not isinstance(value, str):
            ctx.add(path, f"got {_describe(value)}", expected, 'put the text in quotes: "..."')
            return _BAD
        if not value.strip():
            ctx.add(path, "is empty", "non-empty text", "write the text")
            return _BAD
        return value if _check_constraints(value, meta, path, ctx) else _BAD
    raise TypeError(f"model type {tp!r} has no converter")  # a bug in this module


def _convert_text(value: Any, path: tuple[str | int, ...], ctx: _Ctx) -> Any:
    if not isinstance(value, dict):
        ctx.add(
            path,
            f"got {_describe(value)}",
            "a table with `en` and `fr` text",
            f'write {_fmt_path(path)}.en = "..." and {_fmt_path(path)}.fr = "..."',
        )
        return _BAD
    ok = True
    for lang, name in (("en", "English"), ("fr", "French")):
        text = value.get(lang)
        if text is None:
            ctx.add(
                (*path, lang),
                f"missing {name} text",
                f"{name} text in `{lang}`",
                f'add {_fmt_path(path)}.{lang} = "..."',
            )
            ok = False
        elif not isinstance(text, str) or not text.strip():
            ctx.add(
                (*path, lang),
                f"{name} text is empty or not text",
                f"non-empty {name} text",
                f'write {_fmt_path(path)}.{lang} = "..."',
            )
            ok = False
    for extra in sorted(set(value) - {"en", "fr"}):
        ctx.add(
            (*path, extra),
            f"unknown language key {extra!r}",
            "`en` and `fr` only",
            f"remove {extra!r} (Palier ships English and French)",
        )
        ok = False
    return Text(en=value["en"].strip(), fr=value["fr"].strip()) if ok else _BAD


def _convert_dataclass(
    data: Mapping[str, Any], cls: type, path: tuple[str | int, ...], ctx: _Ctx
) -> Any:
    hints = _hints(cls)
    fields = _model_fields(cls)
    names = [f.name for f in fields]
    kwargs: dict[str, Any] = {}
    bad = False
    for key in data:
        if key not in names:
            close = difflib.get_close_matches(key, names, 1)
            ctx.add(
                (*path, key),
                f"unknown key {key!r}",
                "one of " + ", ".join(names),
                f"did you mean {close[0]!r}?" if close else "remove it or check the spelling",
            )
            bad = True
    for f in fields:
        if f.name not in data:
            if _required(f):
                ex = f.metadata.get("example")
                hint = f" (for example {f.name} = {_toml_value(ex)})" if ex is not None else ""
                ctx.add(
                    path,
                    f"missing required key {f.name!r}",
                    _type_name(hints[f.name]),
                    f"add {f.name}{hint}" if path else f"add {f.name} at the top{hint}",
                )
                bad = True
            continue
        conv = _convert(data[f.name], hints[f.name], (*path, f.name), ctx, f.metadata)
        if conv is _BAD:
            bad = True
        else:
            kwargs[f.name] = conv
    if bad:
        return _BAD
    try:
        obj = cls(**kwargs)
    except (TypeError, ValueError) as exc:  # pragma: no cover - guarded above
        ctx.add(path, str(exc))
        return _BAD
    return _post_check(obj, path, ctx)


def _post_check(obj: Any, path: tuple[str | int, ...], ctx: _Ctx) -> Any:
    """Rules across fields of one table."""
    if isinstance(obj, EventPlan):
        if (obj.every_min is None) == (not obj.at_min):
            ctx.add(
                path,
                "needs exactly one of `every_min` or `at_min`",
                "every_min = N (minutes) or at_min = [m1, m2, ...]",
                "keep one of the two keys",
            )
            return _BAD
        if obj.start_min is not None and obj.every_min is None:
            ctx.add(
                (*path, "start_min"),
                "`start_min` only applies with `every_min`",
                fix="remove start_min or use every_min",
            )
            return _BAD
        if list(obj.at_min) != sorted(set(obj.at_min)):
            ctx.add(
                (*path, "at_min"),
                "times are not in ascending order or repeat",
                "ascending minutes",
                "sort the list and remove repeats",
            )
            return _BAD
    return obj


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


# -- loading -------------------------------------------------------------------------------


_TOML_POS_RE = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_protocol(source: str, file: str = "<protocol>") -> tuple[Protocol | None, list[Issue]]:
    """Parse and validate one protocol's TOML text. Returns the protocol (None
    if any error) and every issue found, warnings included."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POS_RE.search(str(exc))
        msg = _TOML_POS_RE.sub("", str(exc)).strip()
        line = int(m.group(1)) if m else None
        col = f" (column {m.group(2)})" if m else ""
        fix = "check quotes, brackets and '=' on that line"
        if "Illegal character '\\n'" in msg or "Unterminated string" in msg:
            fix = 'close the quoted text on that line with "'
        return None, [
            Issue(
                file,
                line,
                "",
                f"TOML syntax error: {msg}{col}",
                "valid TOML (https://toml.io)",
                fix,
            )
        ]
    ctx = _Ctx(file, locate_keys(source), data)
    fmt = data.get("format")
    if fmt is not None and fmt != FORMAT_VERSION and isinstance(fmt, int):
        ctx.add(
            ("format",),
            f"format {fmt} is not supported by this Palier",
            f"format = {FORMAT_VERSION}",
            "convert the file or update Palier",
        )
        return None, ctx.issues
    proto = _convert_dataclass(data, Protocol, (), ctx)
    if proto is _BAD:
        return None, ctx.issues
    proto = dataclasses.replace(proto, source=file)
    from palier.protocols.validate import check_semantics

    check_semantics(proto, ctx)
    if any(i.severity == "error" for i in ctx.issues):
        return None, ctx.issues
    return proto, ctx.issues


def check_file(path: str | Path) -> tuple[Protocol | None, list[Issue]]:
    """Read and validate a protocol file; never raises for bad content."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        return None, [
            Issue(
                str(p),
                None,
                "",
                f"cannot read the file: {exc.strerror or exc}",
                fix="check the path and permissions",
            )
        ]
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Issue(
                str(p),
                line,
                "",
                "the file is not UTF-8 text",
                "UTF-8 encoding",
                "save the file as UTF-8 in your editor",
            )
        ]
    return parse_protocol(source, str(p))


def load_protocol(path: str | Path) -> Protocol:
    """Read a protocol file; raise :class:`ProtocolError` listing every error."""
    proto, issues = check_file(path)
    for issue in issues:
        if issue.severity == "warning":
            log.warning("%s", issue)
    if proto is None:
        raise ProtocolError([i for i in issues if i.severity == "error"] or issues)
    return proto


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
    ctx = _Ctx(where, {}, {"steps": [{}] * index + [data]})
    step = _convert_dataclass(dict(data), Step, ("steps", index), ctx)
    if step is _BAD:
        raise ProtocolError(ctx.issues)
    assert isinstance(step, Step)
    return step


# -- the library -----------------------------------------------------------------------------


def library_files() -> list[Path]:
    """The protocol files shipped with Palier (``protocols/library/*.toml``)."""
    root = resources.files("palier.protocols") / "library"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".toml"))


def library() -> list[Protocol]:
    """Every protocol shipped with Palier, validated. A broken shipped file is a
    bug: raise :class:`ProtocolError` rather than hide a protocol."""
    loaded = _load(library_files())
    if loaded.broken:
        raise ProtocolError(list(loaded.broken))
    return list(loaded.protocols)


PROTOCOLS_ENV = "PALIER_PROTOCOLS"
"""Extra folders of protocol files (``os.pathsep``-separated), e.g. a clinic's own."""


def extra_dirs() -> list[Path]:
    import os

    from platformdirs import user_data_dir

    dirs = [Path(d) for d in os.environ.get(PROTOCOLS_ENV, "").split(os.pathsep) if d]
    dirs.append(Path(user_data_dir("palier", appauthor=False)) / "protocols")
    return dirs


@dataclass(frozen=True, slots=True)
class Installed:
    protocols: tuple[Protocol, ...]
    broken: tuple[Issue, ...]
    """Errors of files left out (never offered for a session)."""
    files: tuple[Path, ...]


def installed() -> Installed:
    """The library plus the clinic's folders (:func:`extra_dirs`). Broken or
    duplicate files are left out and reported in ``broken``; the rest are
    usable."""
    files = list(library_files())
    for d in extra_dirs():
        if d.is_dir():
            files += sorted(d.glob("*.toml"))
    return _load(files)


def _load(files: list[Path]) -> Installed:
    """Check every file; the first file with an id wins, a later one with
    the same id is reported as broken."""
    protos: list[Protocol] = []
    broken: list[Issue] = []
    ids: dict[str, str] = {}
    for path in files:
        proto, issues = check_file(path)
        if proto is None:
            broken.extend(i for i in issues if i.severity == "error")
        elif proto.id in ids:
            broken.append(
                Issue(
                    str(path),
                    locate_keys(path.read_text("utf-8")).get(("id",)),
                    "id",
                    f"protocol id {proto.id!r} is already used by {ids[proto.id]}",
                    "a unique id",
                    "rename this protocol",
                )
            )
        else:
            ids[proto.id] = str(path)
            protos.append(proto)
    return Installed(tuple(protos), tuple(broken), tuple(files))


def protocol_by_id(protocol_id: str, protocols: Sequence[Protocol] | None = None) -> Protocol:
    for p in protocols if protocols is not None else installed().protocols:
        if p.id == protocol_id:
            return p
    raise KeyError(f"no protocol {protocol_id!r} (see `palier protocols list`)")


# -- documentation and schema generated from the model ------------------------------------------


def _walk_models(cls: type, seen: list[type] | None = None) -> list[type]:
    seen = [] if seen is None else seen
    if cls in seen:
        return seen
    seen.append(cls)
    for tp in _hints(cls).values():
        for inner in _inner_types(tp):
            if dataclasses.is_dataclass(inner) and inner is not Text:
                _walk_models(inner, seen)  # type: ignore[arg-type]
    return seen


def _inner_types(tp: Any) -> Iterator[Any]:
    yield tp
    for a in typing.get_args(tp):
        if a is not type(None) and not isinstance(a, str):
            yield from _inner_types(a)


_TABLE_NAMES = {
    Protocol: "top level",
    Step: "`[[steps]]`",
    EventPlan: "`[[steps.events]]`",
    SudsScheduleRule: "`[suds_schedule]`",
    ProgressionSettings: "`[progression]`",
}


def _constraint_text(meta: Mapping[str, Any]) -> str:
    parts = []
    lo, hi = meta.get("minimum"), meta.get("maximum")
    if lo is not None and hi is not None:
        parts.append(f"{lo:g} to {hi:g}")
    if meta.get("min_items"):
        parts.append(f"at least {meta['min_items']} item(s)")
    if meta.get("pattern"):
        parts.append("id: `a-z 0-9 - _`")
    return "; ".join(parts)


def format_doc() -> str:
    """The reference for protocol files, generated from the model."""
    out = [
        "# Protocol file format",
        "",
        "<!-- Generated from protocols/model.py by `palier protocols doc --write`; "
        "do not edit by hand. -->",
        "",
        "A protocol is a TOML file (UTF-8). Palier ships its library in `protocols/library/`; "
        "a new file there (or in the folder named by `PALIER_PROTOCOLS`) is picked up "
        "without code changes once `palier protocols check FILE` passes. A file with any "
        "error never reaches a session: every error names the file, the line, the field, "
        "what was expected and how to fix it.",
        "",
        "Checks made beyond the types below: every scene named must be registered "
        "(`palier scenes list`) and listed in `scenes`; each preset parameter and each "
        "planned event must be declared by the step's scene, with values in the declared "
        "range; step ids are unique. A hierarchy whose expected SUDS goes down from one step "
        "to the next gets a warning (allowed, but usually a typo).",
        "",
        "Parameters not named in a step's preset take the scene's default when the step "
        "starts, so each step describes the whole situation, whatever step came before.",
        "",
        "What the library holds, and which protocols wait for their scenes: "
        "`protocols/library/README.md`. `palier protocols list` shows what is installed; "
        "`palier protocols doc --schema` prints a JSON Schema of the same model for editors.",
        "",
    ]
    for cls in _walk_models(Protocol):
        out.append(f"## {_TABLE_NAMES.get(cls, cls.__name__)} ({cls.__name__})")
        out.append("")
        out.append((cls.__doc__ or "").strip())
        out.append("")
        out.append("| key | type | required / default | allowed | meaning |")
        out.append("|---|---|---|---|---|")
        hints = _hints(cls)
        for f in _model_fields(cls):
            if _required(f):
                req = "required"
            elif f.default_factory is not dataclasses.MISSING:
                req = (
                    "table, defaults below"
                    if dataclasses.is_dataclass(hints[f.name])
                    else "optional"
                )
            else:
                req = "optional" if f.default in (None, ()) else f"`{_toml_value(f.default)}`"
            doc = str(f.metadata.get("doc", "")).replace("|", "\\|")
            ex = f.metadata.get("example")
            if ex is not None:
                doc += f" Example: `{_toml_value(ex)}`."
            out.append(
                f"| `{f.name}` | {_type_name(hints[f.name])} | {req} | "
                f"{_constraint_text(f.metadata)} | {doc} |"
            )
        out.append("")
    out += _rules_section()
    out += [
        "## Example",
        "",
        "The start of `protocols/library/spiders.toml`:",
        "",
        "```toml",
        _example_excerpt(),
        "```",
        "",
    ]
    return "\n".join(out)


def _rules_section() -> list[str]:
    """How the ``[progression]`` and ``[suds_schedule]`` settings are used, from
    the docstrings of the modules that use them (one source)."""
    import inspect

    from palier.protocols import progression, schedule

    out = ["## How the settings are used", ""]
    for mod in (progression, schedule):
        out.append(f"From `{mod.__name__}`:")
        out.append("")
        out.append(inspect.cleandoc(mod.__doc__ or ""))
        out.append("")
    return out


def _example_excerpt() -> str:
    files = [p for p in library_files() if p.name == "spiders.toml"]
    if not files:
        return "# (spiders.toml is not installed)"
    text = files[0].read_text(encoding="utf-8")
    # Up to the end of the second step.
    parts = text.split("\n[[steps]]")
    return "\n[[steps]]".join(parts[:3]).rstrip()


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of a protocol file, for editors."""
    defs: dict[str, Any] = {}

    def sch(tp: Any, meta: Mapping[str, Any]) -> dict[str, Any]:
        origin = typing.get_origin(tp)
        if tp == ParamValue:
            return {"type": ["number", "string", "boolean"]}
        if origin in (types.UnionType, typing.Union):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            return sch(args[0], meta)
        if tp is Text:
            return {"$ref": "#/$defs/Text"}
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return {"$ref": f"#/$defs/{tp.__name__}"}
        if origin is Literal:
            return {"enum": list(typing.get_args(tp))}
        if origin in (tuple, list):
            s: dict[str, Any] = {"type": "array", "items": sch(typing.get_args(tp)[0], meta)}
            if meta.get("min_items"):
                s["minItems"] = meta["min_items"]
            return s
        if origin is dict:
            return {"type": "object", "additionalProperties": sch(typing.get_args(tp)[1], {})}
        scalars: dict[Any, dict[str, Any]] = {
            bool: {"type": "boolean"},
            int: {"type": "integer"},
            float: {"type": "number"},
            str: {"type": "string", "minLength": 1},
        }
        s = dict(scalars[tp])
        if meta.get("minimum") is not None:
            s["minimum"] = meta["minimum"]
        if meta.get("maximum") is not None:
            s["maximum"] = meta["maximum"]
        if meta.get("pattern"):
            s["pattern"] = meta["pattern"]
        return s

    defs["Text"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["en", "fr"],
        "properties": {
            "en": {"type": "string", "minLength": 1},
            "fr": {"type": "string", "minLength": 1},
        },
    }
    for cls in _walk_models(Protocol):
        hints = _hints(cls)
        props = {}
        for f in _model_fields(cls):
            p = sch(hints[f.name], f.metadata)
            p["description"] = f.metadata.get("doc", "")
            props[f.name] = p
        defs[cls.__name__] = {
            "type": "object",
            "additionalProperties": False,
            "description": (cls.__doc__ or "").strip(),
            "required": [f.name for f in _model_fields(cls) if _required(f)],
            "properties": props,
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Palier protocol",
        "$ref": "#/$defs/Protocol",
        "$defs": defs,
    }
