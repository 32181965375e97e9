"""Scene declarations: what a scene offers, in plain Python (no Panda3D).

A scene plugin declares its parameters and events here; the engine validates
every outside value against the declaration, the console builds its controls
from it (it travels over the wire as ``SceneDecl.to_dict()``), and the protocol
library checks step presets against it. Nothing in this module touches the
renderer, so the console and ``palier protocols check`` can import it freely.

Labels and help are :data:`~palier.core.i18n.Localized`: a plugin marks them
with its own catalogue's ``_`` (a :class:`~palier.core.i18n.Message`,
translated when read); ``to_dict()`` writes them in every language Palier
ships (``{"en": ..., "fr": ...}``) and ``from_dict()`` reads them back as
:class:`~palier.core.i18n.Text`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from palier.core.fields import Bool, Field, FieldError, Float, Int, Reason, Str
from palier.core.i18n import N_, Localized, Message, Text

ParamValue = float | int | str | bool
Intensifies = Literal["higher", "lower", "order", "none"]
"""Which way a parameter is "more intense": higher or lower numbers, or, for a
choice or a toggle, the declared order (first choice least intense); "none"
for a parameter with no intensity direction (a relaxation scene's breathing
pace or time of day is a preference, not a dose)."""

INTENSITY_DIRECTIONS: dict[str, Message] = {
    "higher": N_("higher is more intense"),
    "lower": N_("lower is more intense"),
    "order": N_("later choices are more intense"),
    "none": N_("no intensity direction (a relaxation setting)"),
}
"""How the console and ``palier scenes list`` say a parameter's direction."""


class SceneError(ValueError):
    """Base of every error about scenes, their parameters and events."""


class UnknownSceneError(SceneError):
    pass


class UnknownParameterError(SceneError):
    pass


class ParameterValueError(SceneError):
    pass


class UnknownEventError(SceneError):
    pass


class DeclarationError(SceneError):
    """A scene's own declaration is inconsistent (a bug in the plugin)."""


class ParamKind(StrEnum):
    FLOAT = "float"
    INT = "int"
    CHOICE = "choice"
    BOOL = "bool"


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: Localized

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label.to_dict()}


def _fmt(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One scene parameter: its type, range, unit, default and labels."""

    name: str
    kind: ParamKind
    label: Localized
    default: ParamValue
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    step: float | None = None
    choices: tuple[Choice, ...] = ()
    intensifies: Intensifies = "higher"
    help: Localized | None = None
    _field: Field = field(init=False, repr=False, compare=False)
    """The shared field spec that checks values (built from the declaration)."""

    def __post_init__(self) -> None:
        where = f"parameter {self.name!r}"
        if not self.name.isidentifier():
            raise DeclarationError(f"{where}: name must be an identifier")
        directionless = self.intensifies == "none"
        if self.kind in (ParamKind.FLOAT, ParamKind.INT):
            if self.minimum is None or self.maximum is None or not self.minimum < self.maximum:
                raise DeclarationError(f"{where}: numeric parameters need minimum < maximum")
            if self.intensifies not in ("higher", "lower") and not directionless:
                raise DeclarationError(
                    f"{where}: numeric parameters intensify 'higher' or 'lower' (or 'none')"
                )
        elif self.kind is ParamKind.CHOICE:
            if len(self.choices) < 2:
                raise DeclarationError(f"{where}: a choice needs at least two choices")
            if self.intensifies != "order" and not directionless:
                raise DeclarationError(
                    f"{where}: choices intensify in declared 'order' (or 'none')"
                )
        elif (
            self.kind is ParamKind.BOOL
            and self.intensifies not in ("higher", "lower")
            and not directionless
        ):
            raise DeclarationError(
                f"{where}: a toggle intensifies 'higher' (on), 'lower' (off) or 'none'"
            )
        object.__setattr__(self, "_field", self._field_spec())
        # The default must itself be valid; this catches typos in plugins early.
        try:
            self.validate(self.default)
        except ParameterValueError as exc:
            raise DeclarationError(f"{where}: default is invalid: {exc}") from None

    # -- validation ---------------------------------------------------------
    def describe_range(self) -> str:
        if self.kind in (ParamKind.FLOAT, ParamKind.INT):
            unit = f" {self.unit}" if self.unit else ""
            assert self.minimum is not None and self.maximum is not None
            return f"{_fmt(self.minimum)} to {_fmt(self.maximum)}{unit}"
        if self.kind is ParamKind.CHOICE:
            return "one of " + ", ".join(repr(c.value) for c in self.choices)
        return "true or false"

    def _field_spec(self) -> Field:
        if self.kind is ParamKind.CHOICE:
            return Str(None, choices=self.choice_values)
        if self.kind is ParamKind.BOOL:
            return Bool()
        assert self.minimum is not None and self.maximum is not None
        if self.kind is ParamKind.INT:
            return Int(self.minimum, self.maximum, integral_floats=True)
        return Float(self.minimum, self.maximum)

    def validate(self, value: object, scene: str = "") -> ParamValue:
        """Return ``value`` coerced to this parameter's type, or raise.

        Accepts what comes from msgpack or a command line after parsing:
        ints for floats, integral floats for ints. Rejects bools for numbers
        (``True`` is not a distance), NaN and infinities.
        """
        try:
            checked: ParamValue = self._field.check(value)
        except FieldError as err:
            raise ParameterValueError(self._message(err, scene)) from None
        return checked

    def _message(self, err: FieldError, scene: str) -> str:
        where = f"{scene}: parameter {self.name!r}" if scene else f"parameter {self.name!r}"
        expected = f"expected {self.kind.value} ({self.describe_range()})"
        value = err.value
        if err.reason is Reason.RANGE:
            assert isinstance(value, int | float)
            return f"{where}: {_fmt(value)} is out of range; use {self.describe_range()}"
        if err.reason is Reason.NOT_INTEGER:
            return f"{where}: {expected}, got non-integer {value!r}"
        if err.reason is Reason.TYPE and self.kind is not ParamKind.CHOICE:
            return f"{where}: {expected}, got {type(value).__name__} {value!r}"
        return f"{where}: {expected}, got {value!r}"  # not finite, not a choice

    def parse(self, text: str, scene: str = "") -> ParamValue:
        """Parse a command-line string (``--set distance=0.5``) then validate."""
        where = f"{scene}: parameter {self.name!r}" if scene else f"parameter {self.name!r}"
        raw: object
        if self.kind in (ParamKind.FLOAT, ParamKind.INT):
            try:
                raw = float(text)
            except ValueError:
                raise ParameterValueError(
                    f"{where}: {text!r} is not a number; use {self.describe_range()}"
                ) from None
        elif self.kind is ParamKind.BOOL:
            lowered = text.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                raw = True
            elif lowered in ("0", "false", "no", "off"):
                raw = False
            else:
                raise ParameterValueError(f"{where}: {text!r} is not true or false")
        else:
            raw = text
        return self.validate(raw, scene)

    # -- intensity ----------------------------------------------------------
    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    @property
    def has_direction(self) -> bool:
        """Whether some values are more intense than others (not "none")."""
        return self.intensifies != "none"

    def intensity(self, value: ParamValue) -> float:
        """Map a valid value to 0 (least intense) .. 1 (most intense); 0 for a
        parameter with no direction (no value adds intensity)."""
        if not self.has_direction:
            return 0.0
        if self.kind in (ParamKind.FLOAT, ParamKind.INT):
            assert self.minimum is not None and self.maximum is not None
            frac = (float(value) - self.minimum) / (self.maximum - self.minimum)
            return frac if self.intensifies == "higher" else 1.0 - frac
        if self.kind is ParamKind.CHOICE:
            return self.choice_values.index(str(value)) / (len(self.choices) - 1)
        on = 1.0 if value else 0.0
        return on if self.intensifies == "higher" else 1.0 - on

    @property
    def least_intense(self) -> ParamValue:
        """The least intense value (the default when there is no direction)."""
        if not self.has_direction:
            return self.default
        if self.kind is ParamKind.CHOICE:
            return self.choices[0].value
        if self.kind is ParamKind.BOOL:
            return self.intensifies == "lower"
        low, high = self._bounds()
        return low if self.intensifies == "higher" else high

    @property
    def most_intense(self) -> ParamValue:
        """The most intense value (the default when there is no direction)."""
        if not self.has_direction:
            return self.default
        if self.kind is ParamKind.CHOICE:
            return self.choices[-1].value
        if self.kind is ParamKind.BOOL:
            return self.intensifies == "higher"
        low, high = self._bounds()
        return high if self.intensifies == "higher" else low

    @property
    def range_ends(self) -> tuple[ParamValue, ParamValue]:
        """The two ends of the range whatever the direction: minimum and
        maximum, first and last choice, off and on."""
        if self.kind is ParamKind.CHOICE:
            return self.choices[0].value, self.choices[-1].value
        if self.kind is ParamKind.BOOL:
            return False, True
        return self._bounds()

    def _bounds(self) -> tuple[ParamValue, ParamValue]:
        assert self.minimum is not None and self.maximum is not None
        if self.kind is ParamKind.INT:
            return int(self.minimum), int(self.maximum)
        return float(self.minimum), float(self.maximum)

    # -- wire ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind.value,
            "label": self.label.to_dict(),
            "default": self.default,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "unit": self.unit,
            "step": self.step,
            "choices": [c.to_dict() for c in self.choices],
            "intensifies": self.intensifies,
            "help": self.help.to_dict() if self.help else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ParamSpec:
        return cls(
            name=data["name"],
            kind=ParamKind(data["kind"]),
            label=Text.from_dict(data["label"]),
            default=data["default"],
            minimum=data.get("minimum"),
            maximum=data.get("maximum"),
            unit=data.get("unit", ""),
            step=data.get("step"),
            choices=tuple(
                Choice(c["value"], Text.from_dict(c["label"])) for c in data.get("choices", ())
            ),
            intensifies=data.get("intensifies", "higher"),
            help=Text.from_dict(data["help"]) if data.get("help") else None,
        )


@dataclass(frozen=True, slots=True)
class EventSpec:
    """A one-shot stimulus the therapist can fire (e.g. "spider drops").

    ``options`` are the event's own settings (which side a siren comes from,
    how far away a crash is heard), declared like parameters so the console
    builds their controls from the declaration; their ``default`` is what an
    event fired without options uses and their intensity direction is
    ignored. :meth:`validate_options` checks what a caller sends."""

    name: str
    label: Localized
    help: Localized | None = None
    duration_s: float = 2.0
    options: tuple[ParamSpec, ...] = ()

    def __post_init__(self) -> None:
        names = [o.name for o in self.options]
        if len(set(names)) != len(names):
            raise DeclarationError(f"event {self.name!r}: duplicate option names")

    def validate_options(
        self, options: Mapping[str, object], scene: str = ""
    ) -> dict[str, ParamValue]:
        """Every option, checked and with defaults filled in; raises
        :class:`ParameterValueError` naming the event and the option."""
        known = {o.name: o for o in self.options}
        where = f"{scene}: event {self.name!r}" if scene else f"event {self.name!r}"
        for name in options:
            if name not in known:
                listed = ", ".join(known) or "(none)"
                raise ParameterValueError(f"{where}: no option {name!r}; it has: {listed}")
        checked: dict[str, ParamValue] = {}
        for name, spec in known.items():
            try:
                checked[name] = spec.validate(options[name]) if name in options else spec.default
            except ParameterValueError as exc:
                raise ParameterValueError(f"{where}: {exc}") from None
        return checked

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label.to_dict(),
            "help": self.help.to_dict() if self.help else None,
            "duration_s": self.duration_s,
            "options": [o.to_dict() for o in self.options],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventSpec:
        return cls(
            name=data["name"],
            label=Text.from_dict(data["label"]),
            help=Text.from_dict(data["help"]) if data.get("help") else None,
            duration_s=float(data.get("duration_s", 2.0)),
            options=tuple(ParamSpec.from_dict(o) for o in data.get("options", ())),
        )


@dataclass(frozen=True, slots=True)
class SurfaceSpec:
    """A surface the patient's hand can touch that the scene reports as a
    clinical contact (an ERP scene's tap, door handle, bin lid...)."""

    name: str
    label: Localized

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise DeclarationError(f"surface {self.name!r}: name must be an identifier")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SurfaceSpec:
        return cls(name=data["name"], label=Text.from_dict(data["label"]))


Hand = Literal["left", "right"]


@dataclass(frozen=True, slots=True)
class Contact:
    """One touch of a declared surface, reported when the hand leaves it."""

    surface: str
    hand: Hand
    t_start: float
    """Scene time the hand reached the surface, in seconds."""
    duration_s: float


@dataclass(frozen=True, slots=True)
class SceneDecl:
    """Everything outside the renderer needs to know about one scene."""

    id: str
    name: Localized
    description: Localized
    conditions: tuple[str, ...]
    params: tuple[ParamSpec, ...] = ()
    events: tuple[EventSpec, ...] = ()
    surfaces: tuple[SurfaceSpec, ...] = ()
    """Surfaces whose touches the scene reports (see :class:`Contact`)."""
    _by_name: dict[str, ParamSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise DeclarationError(f"scene {self.id!r}: duplicate parameter names")
        events = [e.name for e in self.events]
        if len(set(events)) != len(events):
            raise DeclarationError(f"scene {self.id!r}: duplicate event names")
        surfaces = [c.name for c in self.surfaces]
        if len(set(surfaces)) != len(surfaces):
            raise DeclarationError(f"scene {self.id!r}: duplicate surface names")
        self._by_name.update({p.name: p for p in self.params})

    def param(self, name: str) -> ParamSpec:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name) or "(none)"
            raise UnknownParameterError(
                f"{self.id}: no parameter {name!r}; this scene has: {known}"
            ) from None

    def event(self, name: str) -> EventSpec:
        for ev in self.events:
            if ev.name == name:
                return ev
        known = ", ".join(e.name for e in self.events) or "(none)"
        raise UnknownEventError(f"{self.id}: no event {name!r}; this scene has: {known}")

    def surface(self, name: str) -> SurfaceSpec:
        for surface in self.surfaces:
            if surface.name == name:
                return surface
        known = ", ".join(c.name for c in self.surfaces) or "(none)"
        raise SceneError(f"{self.id}: no surface {name!r}; this scene has: {known}")

    def validate_values(self, values: Mapping[str, object]) -> dict[str, ParamValue]:
        """Validate a partial set of values; all-or-nothing."""
        return {name: self.param(name).validate(v, self.id) for name, v in values.items()}

    def parse_assignments(self, assignments: Iterable[str]) -> dict[str, ParamValue]:
        """Parse ``NAME=VALUE`` strings from a command line."""
        out: dict[str, ParamValue] = {}
        for item in assignments:
            name, sep, text = item.partition("=")
            if not sep or not name:
                raise ParameterValueError(
                    f"{self.id}: {item!r} is not NAME=VALUE (for example distance=0.5)"
                )
            out[name.strip()] = self.param(name.strip()).parse(text.strip(), self.id)
        return out

    def defaults(self) -> dict[str, ParamValue]:
        return {p.name: p.default for p in self.params}

    def least_intense(self) -> dict[str, ParamValue]:
        return {p.name: p.least_intense for p in self.params}

    def most_intense(self) -> dict[str, ParamValue]:
        return {p.name: p.most_intense for p in self.params}

    @property
    def has_direction(self) -> bool:
        """Whether any parameter makes the scene more intense (a relaxation
        scene's have none: its least and most intense settings are its defaults)."""
        return any(p.has_direction for p in self.params)

    def range_ends(self) -> tuple[dict[str, ParamValue], dict[str, ParamValue]]:
        """Every parameter at the low end of its range, and at the high end."""
        return (
            {p.name: p.range_ends[0] for p in self.params},
            {p.name: p.range_ends[1] for p in self.params},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_dict(),
            "description": self.description.to_dict(),
            "conditions": list(self.conditions),
            "params": [p.to_dict() for p in self.params],
            "events": [e.to_dict() for e in self.events],
            "surfaces": [c.to_dict() for c in self.surfaces],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SceneDecl:
        return cls(
            id=data["id"],
            name=Text.from_dict(data["name"]),
            description=Text.from_dict(data["description"]),
            conditions=tuple(data.get("conditions", ())),
            params=tuple(ParamSpec.from_dict(p) for p in data.get("params", ())),
            events=tuple(EventSpec.from_dict(e) for e in data.get("events", ())),
            surfaces=tuple(SurfaceSpec.from_dict(c) for c in data.get("surfaces", ())),
        )


def smoothstep(x: float) -> float:
    """Ease in and out on 0..1; clamps outside."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    return x * x * (3.0 - 2.0 * x)


@dataclass(slots=True)
class Ramp:
    """A smooth change of one parameter from ``start`` to ``target``.

    Numbers ease between the two values. Choices and toggles cannot take
    in-between values, so they expose ``progress`` (0..1) and the scene blends
    the two states (a spider walks to its new place, a light cross-fades).
    """

    start: ParamValue
    target: ParamValue
    t0: float
    duration: float

    def progress(self, t: float) -> float:
        if self.duration <= 0.0:
            return 1.0
        return smoothstep((t - self.t0) / self.duration)

    def value(self, t: float) -> ParamValue:
        p = self.progress(t)
        if isinstance(self.target, bool | str):
            return self.target if p >= 1.0 else self.start
        return float(self.start) + (float(self.target) - float(self.start)) * p

    def done(self, t: float) -> bool:
        return self.progress(t) >= 1.0
