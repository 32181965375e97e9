"""Typed field specs: one way to check a value that comes from outside.

The link's messages (:mod:`palier.core.wire`), the protocol files
(:mod:`palier.protocols.model`) and the scene parameters
(:mod:`palier.scenes.api`) declare what they accept with these specs, so a
number, a text, a choice or a nested record is held to the same rules
wherever it arrives: booleans are never numbers, NaN and infinities are
refused, ranges are inclusive, text and lists have length limits, records
have no missing or unknown keys.

``spec.check(value)`` returns the value normalised (ints accepted for floats,
lists turned into tuples, records built) or raises :class:`FieldError`, which
carries where (``path``, relative to the spec checked: each container adds its
part while the error passes through it, so nothing is spent on paths while
values are good), why (``reason``), the value and the spec that refused it.
Each layer turns it into its own typed error, in its own words:
:class:`~palier.core.wire.WireError`, the protocol file's issues with file,
line and field, :class:`~palier.scenes.api.SceneError`. The default wording
(:attr:`FieldError.problem`) is the wire's, terse and technical.

Containers can also collect every error instead of stopping at the first
(``check(value, errors)``): a protocol file is reported whole.

Pure Python, no dependency: the floor of the package, like the wire.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Final

INT64_MAX: Final = (1 << 63) - 1
PathPart = str | int
Path = tuple[PathPart, ...]


class Reason(StrEnum):
    """Why a value was refused (the layers word each one their own way)."""

    TYPE = "type"
    NOT_FINITE = "not_finite"
    NOT_INTEGER = "not_integer"
    """A float with a fraction where a whole number is due."""
    RANGE = "range"
    LENGTH = "length"
    """Text or binary length, number of items or entries."""
    EMPTY = "empty"
    """Blank text where text is required."""
    CHOICE = "choice"
    PATTERN = "pattern"
    KEY = "key"
    """A map key that is not text or not a name."""
    MISSING = "missing"
    UNKNOWN = "unknown"
    TOO_DEEP = "too_deep"
    RULE = "rule"
    """A rule across fields, worded by the layer that declares it."""


class FieldError(ValueError):
    """A value refused by a spec: where, why, what was expected, how to fix.

    ``path`` is relative to the spec that was checked (``("steps", 2, "id")``:
    text parts are keys, numbers are indices, from 0). ``value`` is the
    refused value (for :attr:`Reason.RANGE`, normalised: the float or int that
    was compared). ``names`` lists the keys for :attr:`Reason.MISSING` and
    :attr:`Reason.UNKNOWN`. ``problem``, ``expected`` and ``fix`` are the
    spec's own words unless the raiser gave its own.
    """

    def __init__(
        self,
        reason: Reason,
        spec: Field,
        value: object = None,
        *,
        path: Path = (),
        names: Sequence[str] = (),
        problem: str | None = None,
        expected: str | None = None,
        fix: str = "",
    ) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.spec = spec
        self.value = value
        self.path = path
        self.names = tuple(names)
        self._problem = problem
        self._expected = expected
        self.fix = fix

    @property
    def worded(self) -> bool:
        """The raiser wrote the problem itself (a layer's own rule)."""
        return self._problem is not None

    @property
    def problem(self) -> str:
        return self._problem if self._problem is not None else self.spec.explain(self)

    @property
    def expected(self) -> str:
        return self._expected if self._expected is not None else self.spec.describe()

    def within(self, part: PathPart) -> FieldError:
        """This error, one level further in (its container's part first)."""
        self.path = (part, *self.path)
        return self

    def __str__(self) -> str:
        text = f"{format_path(self.path) or '(value)'}: {self.problem}"
        if self.fix:
            text += f"; fix: {self.fix}"
        return text


def format_path(path: Path, start: str = "") -> str:
    """``start`` then ``.key`` for each key and ``[i]`` for each index."""
    out = start
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final[Any] = _Invalid()
"""What a container returns in collect mode when it recorded errors."""


def shown(value: object, limit: int = 60) -> str:
    """``repr`` of a value, cut to ``limit`` characters for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Field(ABC):
    """One value's spec. Leaves raise their one error; containers add their
    part to the path of an error from inside, or with ``errors`` given,
    record every error there and return :data:`INVALID`."""

    __slots__ = ()
    type_name: ClassVar[str] = "?"

    @abstractmethod
    def check(self, value: Any, errors: list[FieldError] | None = None) -> Any:
        """The value, normalised, or raise :class:`FieldError`."""

    def describe(self) -> str:
        """What the spec accepts, in the link document's notation."""
        return self.type_name

    def explain(self, err: FieldError) -> str:
        """The default wording of ``err`` (raised by this spec)."""
        return f"expected {self.describe()}, got {type(err.value).__name__} {shown(err.value)}"

    def fail(self, reason: Reason, value: object, **kw: Any) -> FieldError:
        return FieldError(reason, self, value, **kw)


# -- leaves ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Int(Field):
    """A whole number from ``lo`` to ``hi`` (inclusive). ``integral_floats``:
    also take floats without a fraction (``2.0`` from a command line or a
    TOML file becomes 2)."""

    lo: float
    hi: float
    integral_floats: bool = False
    type_name: ClassVar[str] = "int"

    def check(self, value: Any, errors: list[FieldError] | None = None) -> int:
        if value.__class__ is not int:
            if self.integral_floats and isinstance(value, float):
                if not math.isfinite(value):
                    raise self.fail(Reason.NOT_FINITE, value)
                if not value.is_integer():
                    raise self.fail(Reason.NOT_INTEGER, value)
                value = int(value)
            elif isinstance(value, bool) or not isinstance(value, int):
                raise self.fail(Reason.TYPE, value)
        if not self.lo <= value <= self.hi:
            raise self.fail(Reason.RANGE, value)
        return value

    def describe(self) -> str:
        hi = "2^63-1" if self.hi == INT64_MAX else str(self.hi)
        return f"int {self.lo}..{hi}"

    def explain(self, err: FieldError) -> str:
        if err.reason is Reason.RANGE:
            return f"{err.value} is out of range {self.lo}..{self.hi}"
        if err.reason is Reason.NOT_FINITE:
            return f"{err.value!r} is not a finite number"
        if err.reason is Reason.NOT_INTEGER:
            return f"{err.value!r} is not a whole number"
        return Field.explain(self, err)


@dataclass(frozen=True, slots=True)
class Float(Field):
    """A finite number from ``lo`` to ``hi`` (inclusive); ints are taken and
    returned as floats."""

    lo: float
    hi: float
    type_name: ClassVar[str] = "float"

    def check(self, value: Any, errors: list[FieldError] | None = None) -> float:
        if value.__class__ is not float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.fail(Reason.TYPE, value)
            value = float(value)
        if not math.isfinite(value):
            raise self.fail(Reason.NOT_FINITE, value)
        if not self.lo <= value <= self.hi:
            raise self.fail(Reason.RANGE, value)
        return value

    def describe(self) -> str:
        return f"float {self.lo:g}..{self.hi:g}"

    def explain(self, err: FieldError) -> str:
        if err.reason is Reason.NOT_FINITE:
            return f"{err.value!r} is not a finite number"
        if err.reason is Reason.RANGE:
            return f"{err.value:g} is out of range {self.lo:g}..{self.hi:g}"
        return Field.explain(self, err)


@dataclass(frozen=True, slots=True)
class Str(Field):
    """Text of ``min_len`` to ``max_len`` characters (None: no limit), checked
    in this order: type, length, ``blank`` (False: not only whitespace),
    ``choices`` (if any), ``pattern`` (if any, ``re.match``)."""

    max_len: int | None
    min_len: int = 0
    choices: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    blank: bool = True
    type_name: ClassVar[str] = "str"

    def check(self, value: Any, errors: list[FieldError] | None = None) -> str:
        if value.__class__ is not str and not isinstance(value, str):
            raise self.fail(Reason.TYPE, value)
        if len(value) < self.min_len or (self.max_len is not None and len(value) > self.max_len):
            raise self.fail(Reason.LENGTH, value)
        if not self.blank and not value.strip():
            raise self.fail(Reason.EMPTY, value)
        if self.choices and value not in self.choices:
            raise self.fail(Reason.CHOICE, value)
        if self.pattern is not None and not self.pattern.match(value):
            raise self.fail(Reason.PATTERN, value)
        return value

    def describe(self) -> str:
        if self.choices:
            return "str, one of " + ", ".join(f"`{c}`" for c in self.choices)
        if self.max_len is None:
            return "str"
        return f"str ({self.min_len}..{self.max_len} chars)"

    def explain(self, err: FieldError) -> str:
        if err.reason is Reason.LENGTH:
            assert isinstance(err.value, str)
            return f"text of {len(err.value)} characters; allowed {self.min_len}..{self.max_len}"
        if err.reason is Reason.EMPTY:
            return "text is empty"
        if err.reason is Reason.CHOICE:
            return f"{err.value!r} is not one of {', '.join(self.choices)}"
        if err.reason is Reason.PATTERN:
            assert self.pattern is not None
            return f"{err.value!r} does not match {self.pattern.pattern}"
        return Field.explain(self, err)


@dataclass(frozen=True, slots=True)
class Bool(Field):
    type_name: ClassVar[str] = "bool"

    def check(self, value: Any, errors: list[FieldError] | None = None) -> bool:
        if value is not True and value is not False:
            raise self.fail(Reason.TYPE, value)
        return value


@dataclass(frozen=True, slots=True)
class Bin(Field):
    """Binary data (``bytes``; msgpack ``bin``) of at most ``max_len`` bytes."""

    max_len: int
    type_name: ClassVar[str] = "bin"

    def check(self, value: Any, errors: list[FieldError] | None = None) -> bytes:
        if not isinstance(value, bytes):
            raise self.fail(Reason.TYPE, value)
        if len(value) > self.max_len:
            raise self.fail(Reason.LENGTH, value)
        return value

    def describe(self) -> str:
        return f"bin (at most {self.max_len} bytes)"

    def explain(self, err: FieldError) -> str:
        if err.reason is Reason.LENGTH:
            assert isinstance(err.value, bytes)
            return f"{len(err.value)} bytes; at most {self.max_len}"
        return Field.explain(self, err)


@dataclass(frozen=True, slots=True)
class Scalar(Field):
    """One plain value: a number, a text or a bool (a scene parameter's
    value before the scene's own declaration checks it). ``max_len``: longest
    text; ``max_abs_int``: largest integer magnitude (None: no limit)."""

    max_len: int | None = None
    max_abs_int: int | None = None
    type_name: ClassVar[str] = "float|int|str|bool"

    def check(self, value: Any, errors: list[FieldError] | None = None) -> float | int | str | bool:
        cls = value.__class__
        if cls is float or isinstance(value, float):
            if not math.isfinite(value):
                raise self.fail(Reason.NOT_FINITE, value)
        elif cls is str or isinstance(value, str):
            if self.max_len is not None and len(value) > self.max_len:
                raise self.fail(Reason.LENGTH, value)
        elif not isinstance(value, int):  # bool is an int
            raise self.fail(Reason.TYPE, value)
        elif (
            self.max_abs_int is not None
            and cls is not bool
            and not -self.max_abs_int <= value <= self.max_abs_int
        ):
            raise self.fail(Reason.RANGE, value)
        return value

    def explain(self, err: FieldError) -> str:
        if err.reason is Reason.NOT_FINITE:
            return f"{err.value!r} is not a finite number"
        if err.reason is Reason.LENGTH:
            return f"text longer than {self.max_len} characters"
        if err.reason is Reason.RANGE:
            return "integer out of range"
        return f"expected a number, text or bool, got {type(err.value).__name__}"


# -- containers -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Opt(Field):
    """None, or a value of ``inner``."""

    inner: Field

    def check(self, value: Any, errors: list[FieldError] | None = None) -> Any:
        return None if value is None else self.inner.check(value, errors)

    def describe(self) -> str:
        return f"nil or {self.inner.describe()}"


def _collect(spec: Field, value: Any, part: PathPart, into: list[FieldError]) -> Any:
    """Check ``value`` in collect mode; its errors go to ``into`` under ``part``."""
    inner: list[FieldError] = []
    try:
        out = spec.check(value, inner)
    except FieldError as err:
        inner.append(err)
        out = INVALID
    into.extend(e.within(part) for e in inner)
    return out


@dataclass(frozen=True, slots=True)
class Array(Field):
    """A list (or a tuple, with ``tuples``) of ``min_len`` to ``max_len``
    values of ``inner``, returned as a tuple."""

    inner: Field
    max_len: int | None = 1024
    min_len: int = 0
    tuples: bool = True

    def check(self, value: Any, errors: list[FieldError] | None = None) -> tuple[Any, ...]:
        if not (isinstance(value, list) or (self.tuples and isinstance(value, tuple))):
            err = self.fail(Reason.TYPE, value)
            if errors is None:
                raise err
            errors.append(err)
            return INVALID
        n = len(value)
        if n < self.min_len or (self.max_len is not None and n > self.max_len):
            err = self.fail(Reason.LENGTH, value)
            if errors is None:
                raise err
            errors.append(err)
            return INVALID
        check = self.inner.check
        if errors is None:
            try:
                return tuple([check(v) for v in value])
            except FieldError:
                for i, v in enumerate(value):  # again, to name the item
                    try:
                        check(v)
                    except FieldError as err:
                        raise err.within(i) from None
                raise  # pragma: no cover - a check that fails once and passes again
        found: list[FieldError] = []
        items = [_collect(self.inner, v, i, found) for i, v in enumerate(value)]
        if found:
            errors.extend(found)
            return INVALID
        return tuple(items)

    def describe(self) -> str:
        n = f"{self.min_len}" if self.min_len == self.max_len else f"{self.min_len}..{self.max_len}"
        return f"array ({n}) of {self.inner.describe()}"

    def explain(self, err: FieldError) -> str:
        if err.reason is Reason.LENGTH:
            assert isinstance(err.value, list | tuple)
            return f"{len(err.value)} items; allowed {self.min_len}..{self.max_len}"
        return Field.explain(self, err)


@dataclass(frozen=True, slots=True)
class Map(Field):
    """A map of text keys (matching ``key_pattern`` if given: a
    ``key_noun``) to values of ``value``, ``min_len`` to ``max_len`` entries;
    returned as a new dict."""

    value: Field
    max_len: int | None = None
    min_len: int = 0
    key_pattern: re.Pattern[str] | None = None
    key_noun: str = "name"

    def check(self, value: Any, errors: list[FieldError] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            err = self.fail(Reason.TYPE, value)
        elif len(value) < self.min_len or (self.max_len is not None and len(value) > self.max_len):
            err = self.fail(Reason.LENGTH, value)
        else:
            return self._entries(value, errors)
        if errors is None:
            raise err
        errors.append(err)
        return INVALID

    def _entries(self, value: dict[Any, Any], errors: list[FieldError] | None) -> dict[str, Any]:
        check = self.value.check
        pattern = self.key_pattern
        out: dict[str, Any] = {}
        found: list[FieldError] = []
        for k, v in value.items():
            if not isinstance(k, str) or (pattern is not None and not pattern.match(k)):
                err = self.fail(Reason.KEY, k)
                if errors is None:
                    raise err
                found.append(err)
            elif errors is None:
                try:
                    out[k] = check(v)
                except FieldError as err:
                    raise err.within(k) from None
            else:
                out[k] = _collect(self.value, v, k, found)
        if found:
            assert errors is not None
            errors.extend(found)
            return INVALID
        return out

    def describe(self) -> str:
        return f"map ({self.min_len}..{self.max_len}) name → {self.value.describe()}"

    def explain(self, err: FieldError) -> str:
        if err.reason is Reason.LENGTH:
            assert isinstance(err.value, dict)
            return f"{len(err.value)} entries; allowed {self.min_len}..{self.max_len}"
        if err.reason is Reason.KEY:
            return f"key {err.value!r} is not a {self.key_noun}"
        return Field.explain(self, err)


@dataclass(frozen=True, slots=True, eq=False)
class Record(Field):
    """A map with exactly the keys of ``fields`` (those in ``optional`` may be
    left out), each checked by its spec; ``build(**values)`` makes the result
    and ``post(result)`` may check rules across fields (raising a worded
    :class:`FieldError`).

    Raising, the first error wins, what is missing before what is unknown
    (a peer of another version lacks fields more often than it adds some);
    collecting, errors come in the order of a file's reader: unknown keys, then
    each field in declaration order (missing or refused). ``build`` and
    ``post`` run only on a record without errors."""

    name: str
    fields: Mapping[str, Field]
    build: Callable[..., Any] = dict
    optional: frozenset[str] = frozenset()
    post: Callable[[Any], Any] | None = None
    _keys: Any = field(init=False, repr=False)
    _items: tuple[tuple[str, Field], ...] = field(init=False, repr=False)

    type_name: ClassVar[str] = "map"

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keys", dict.fromkeys(self.fields).keys())
        object.__setattr__(self, "_items", tuple(self.fields.items()))

    def check(self, value: Any, errors: list[FieldError] | None = None) -> Any:
        if not isinstance(value, dict):
            err = self.fail(Reason.TYPE, value)
            if errors is None:
                raise err
            errors.append(err)
            return INVALID
        if errors is not None:
            return self._collecting(value, errors)
        if value.keys() != self._keys:
            self._keys_error(value)
        try:
            values = {n: spec.check(value[n]) for n, spec in self._items if n in value}
        except FieldError:
            for n, spec in self._items:  # again, to name the field
                if n in value:
                    try:
                        spec.check(value[n])
                    except FieldError as err:
                        raise err.within(n) from None
            raise  # pragma: no cover - a check that fails once and passes again
        out = self.build(**values)
        return out if self.post is None else self.post(out)

    def _keys_error(self, value: Mapping[str, Any]) -> None:
        missing = [n for n in self.fields if n not in value and n not in self.optional]
        if missing:
            raise self.fail(Reason.MISSING, value, names=missing)
        unknown = [k for k in value if k not in self.fields]
        if unknown:
            raise self.fail(Reason.UNKNOWN, value, names=unknown)

    def _collecting(self, value: Mapping[str, Any], errors: list[FieldError]) -> Any:
        found: list[FieldError] = []
        for k in value:
            if k not in self.fields:
                found.append(self.fail(Reason.UNKNOWN, value, path=(k,), names=(k,)))
        values: dict[str, Any] = {}
        for n, spec in self._items:
            if n in value:
                values[n] = _collect(spec, value[n], n, found)
            elif n not in self.optional:
                found.append(self.fail(Reason.MISSING, value, names=(n,)))
        if found:
            errors.extend(found)
            return INVALID
        out = self.build(**values)
        if self.post is None:
            return out
        try:
            return self.post(out)
        except FieldError as err:
            errors.append(err)
            return INVALID

    def describe(self) -> str:
        return f"map (fields of `{self.name}`)"

    def explain(self, err: FieldError) -> str:
        if err.reason is Reason.MISSING:
            return f"missing field(s) {', '.join(err.names)}"
        if err.reason is Reason.UNKNOWN:
            return f"unexpected field(s) {', '.join(repr(k) for k in err.names)}"
        return Field.explain(self, err)


@dataclass(frozen=True, slots=True)
class Plain(Field):
    """Plain data of any shape: maps with text keys, arrays, None, bools,
    ints, finite floats, text (and ``bytes`` with ``allow_bin``), nested at
    most ``max_depth`` maps and arrays deep, ``depth`` counting what already
    encloses the value plus one. Returned as it is."""

    max_depth: int
    depth: int = 1
    allow_bin: bool = False
    type_name: ClassVar[str] = "plain data"

    def check(self, value: Any, errors: list[FieldError] | None = None) -> Any:
        self._walk(value, self.depth)
        return value

    def _walk(self, value: Any, depth: int) -> None:
        if isinstance(value, dict):
            if depth > self.max_depth:
                raise self.fail(Reason.TOO_DEEP, value)
            for k, v in value.items():
                if not isinstance(k, str):
                    raise self.fail(Reason.KEY, k)
                self._item(v, k, depth)
        elif isinstance(value, list | tuple):
            if depth > self.max_depth:
                raise self.fail(Reason.TOO_DEEP, value)
            for i, v in enumerate(value):
                self._item(v, i, depth)
        else:
            self._scalar(value)

    def _item(self, v: Any, part: PathPart, depth: int) -> None:
        cls = v.__class__
        if cls is int or cls is str or cls is bool or v is None:
            return
        try:
            if cls is float:
                self._scalar(v)
            else:
                self._walk(v, depth + 1)
        except FieldError as err:
            raise err.within(part) from None

    def _scalar(self, value: Any) -> None:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.fail(Reason.NOT_FINITE, value)
        elif self.allow_bin and isinstance(value, bytes):
            return
        elif value is not None and not isinstance(value, bool | int | str):
            raise self.fail(Reason.TYPE, value)

    def explain(self, err: FieldError) -> str:
        if err.reason is Reason.TOO_DEEP:
            return f"maps and arrays nested deeper than {self.max_depth}"
        if err.reason is Reason.KEY:
            return f"map key {err.value!r} is not text"
        if err.reason is Reason.NOT_FINITE:
            return f"{err.value!r} is not a finite number"
        return f"{type(err.value).__name__} is not allowed here"
