"""The protocol file format reference and JSON Schema, generated from the model.

``docs/protocol-format.md`` is :func:`format_doc` (``palier protocols doc
--write``; a test checks the checked-in page is current) and ``palier
protocols doc --schema`` prints :func:`json_schema`: both read the model's
field specs (:func:`protocols.model.record_of`) and the docs of its fields,
so neither is kept by hand beside the code.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from collections.abc import Mapping
from typing import Any

from palier.core.fields import Array, Bool, Field, Float, Int, Map, Record, Scalar, Str
from palier.protocols import progression, schedule
from palier.protocols.files import library_files
from palier.protocols.model import (
    TEXT,
    EventPlan,
    ProgressionSettings,
    Protocol,
    Step,
    SudsScheduleRule,
    _model_fields,
    _required,
    _toml_value,
    model_class,
    record_of,
    type_name,
)


def _walk_models(record: Record, seen: list[Record] | None = None) -> list[Record]:
    """The model's tables, depth first in declaration order."""
    seen = [] if seen is None else seen
    if record not in seen:
        seen.append(record)
        for spec in record.fields.values():
            while isinstance(spec, Array | Map):
                spec = spec.inner if isinstance(spec, Array) else spec.value
            if isinstance(spec, Record):
                _walk_models(spec, seen)
    return seen


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
    for cls in map(model_class, _walk_models(record_of(Protocol))):
        out.append(f"## {_TABLE_NAMES.get(cls, cls.__name__)} ({cls.__name__})")
        out.append("")
        out.append((cls.__doc__ or "").strip())
        out.append("")
        out.append("| key | type | required / default | allowed | meaning |")
        out.append("|---|---|---|---|---|")
        record = record_of(cls)
        for f in _model_fields(cls):
            spec = record.fields[f.name]
            if _required(f):
                req = "required"
            elif f.default_factory is not dataclasses.MISSING:
                req = "table, defaults below" if isinstance(spec, Record) else "optional"
            else:
                req = "optional" if f.default in (None, ()) else f"`{_toml_value(f.default)}`"
            doc = str(f.metadata.get("doc", "")).replace("|", "\\|")
            ex = f.metadata.get("example")
            if ex is not None:
                doc += f" Example: `{_toml_value(ex)}`."
            out.append(
                f"| `{f.name}` | {type_name(spec)} | {req} | "
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

    def sch(spec: Field) -> dict[str, Any]:
        if isinstance(spec, Scalar):
            return {"type": ["number", "string", "boolean"]}
        if spec is TEXT:
            return {"$ref": "#/$defs/Text"}
        if isinstance(spec, Record):
            return {"$ref": f"#/$defs/{spec.name}"}
        if isinstance(spec, Str) and spec.choices:
            return {"enum": list(spec.choices)}
        if isinstance(spec, Array):
            s: dict[str, Any] = {"type": "array", "items": sch(spec.inner)}
            if spec.min_len:
                s["minItems"] = spec.min_len
            return s
        if isinstance(spec, Map):
            return {"type": "object", "additionalProperties": sch(spec.value)}
        if isinstance(spec, Bool):
            return {"type": "boolean"}
        if isinstance(spec, Int | Float):
            s = {"type": "integer" if isinstance(spec, Int) else "number"}
            if math.isfinite(spec.lo):
                s["minimum"] = spec.lo
            if math.isfinite(spec.hi):
                s["maximum"] = spec.hi
            return s
        assert isinstance(spec, Str)
        s = {"type": "string", "minLength": 1}
        if spec.pattern is not None:
            s["pattern"] = spec.pattern.pattern
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
    for record in _walk_models(record_of(Protocol)):
        cls = model_class(record)
        props = {}
        for f in _model_fields(cls):
            p = sch(record.fields[f.name])
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
