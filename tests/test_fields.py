"""palier.core.fields: the rules every layer shares, the path of an error,
first-error and collect-every-error modes."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from palier.core.fields import (
    INVALID,
    Array,
    Bool,
    FieldError,
    Float,
    Int,
    Map,
    Plain,
    Reason,
    Record,
    Scalar,
    Str,
)


def reason(spec: Any, value: Any) -> Reason:
    with pytest.raises(FieldError) as info:
        spec.check(value)
    return info.value.reason


def test_numbers_refuse_bools_nan_and_infinities_and_are_inclusive() -> None:
    f = Float(0.0, 1.0)
    assert f.check(1) == 1.0 and isinstance(f.check(1), float) and f.check(0.0) == 0.0
    assert reason(f, True) is Reason.TYPE
    assert reason(f, math.nan) is Reason.NOT_FINITE
    assert reason(f, math.inf) is Reason.NOT_FINITE
    assert reason(f, 1.0001) is Reason.RANGE
    i = Int(1, 10)
    assert i.check(10) == 10
    assert reason(i, False) is Reason.TYPE
    assert reason(i, 2.0) is Reason.TYPE  # the wire's ints are ints
    whole = Int(1, 10, integral_floats=True)  # a command line's, a TOML file's
    assert whole.check(2.0) == 2 and isinstance(whole.check(2.0), int)
    assert reason(whole, 2.5) is Reason.NOT_INTEGER
    assert reason(whole, math.nan) is Reason.NOT_FINITE
    assert reason(whole, 11.0) is Reason.RANGE


def test_range_errors_carry_the_normalised_value() -> None:
    with pytest.raises(FieldError) as info:
        Int(1, 10, integral_floats=True).check(12.0)
    assert info.value.value == 12 and isinstance(info.value.value, int)
    assert info.value.problem == "12 is out of range 1..10"


def test_text_checks_come_in_order() -> None:
    s = Str(8, 1, choices=("walk", "run"))
    assert s.check("run") == "run"
    assert reason(s, 3) is Reason.TYPE
    assert reason(s, "") is Reason.LENGTH
    assert reason(s, "x" * 9) is Reason.LENGTH
    assert reason(s, "fly") is Reason.CHOICE
    ident = Str(None, pattern=re.compile(r"^[a-z]+$"), blank=False)
    assert reason(ident, "   ") is Reason.EMPTY
    assert reason(ident, "Abc") is Reason.PATTERN
    assert reason(Bool(), 1) is Reason.TYPE


def test_scalar_limits() -> None:
    s = Scalar(max_len=4, max_abs_int=100)
    assert [s.check(v) for v in (1.5, -100, "abcd", True)] == [1.5, -100, "abcd", True]
    assert reason(s, math.nan) is Reason.NOT_FINITE
    assert reason(s, "abcde") is Reason.LENGTH
    assert reason(s, 101) is Reason.RANGE
    assert reason(s, [1]) is Reason.TYPE


POINT = Record("point", {"x": Float(-1, 1), "y": Float(-1, 1)}, optional=frozenset({"y"}))
SHAPE = Record(
    "shape",
    {
        "name": Str(16, 1),
        "points": Array(POINT, 4, 1),
        "tags": Map(Int(0, 9), key_pattern=re.compile(r"^[a-z]+$")),
    },
)
GOOD = {"name": "tri", "points": [{"x": 0, "y": 0.5}, {"x": 1}], "tags": {"a": 1}}


def test_records_build_and_normalise() -> None:
    out = SHAPE.check(GOOD)
    assert out == {"name": "tri", "points": ({"x": 0.0, "y": 0.5}, {"x": 1.0}), "tags": {"a": 1}}
    built = Record("p", {"x": Int(0, 9)}, build=lambda x: ("built", x)).check({"x": 3})
    assert built == ("built", 3)


def test_the_path_names_the_place_from_the_spec_checked() -> None:
    bad = {**GOOD, "points": [{"x": 0}, {"x": 2.0}]}
    with pytest.raises(FieldError) as info:
        SHAPE.check(bad)
    assert info.value.path == ("points", 1, "x") and info.value.reason is Reason.RANGE
    assert str(info.value) == "points[1].x: 2 is out of range -1..1"
    with pytest.raises(FieldError) as info:
        SHAPE.check({**GOOD, "tags": {"a": 1, "B": 2}})
    assert info.value.path == ("tags",) and info.value.reason is Reason.KEY
    with pytest.raises(FieldError) as info:
        SHAPE.check({**GOOD, "tags": {"a": 10}})
    assert info.value.path == ("tags", "a")


def test_a_raising_record_reports_missing_before_unknown() -> None:
    with pytest.raises(FieldError) as info:
        SHAPE.check({"name": "x", "extra": 1, "other": 2})
    assert info.value.reason is Reason.MISSING and info.value.names == ("points", "tags")
    assert info.value.problem == "missing field(s) points, tags"
    with pytest.raises(FieldError) as info:
        SHAPE.check({**GOOD, "extra": 1})
    assert info.value.problem == "unexpected field(s) 'extra'"


def test_collect_mode_reports_every_error_in_reading_order() -> None:
    data = {"zz": 0, "name": "", "points": [{"x": 5}, {"x": 0, "q": 1}, "no"], "tags": {"a": "b"}}
    errors: list[FieldError] = []
    assert SHAPE.check(data, errors) is INVALID
    assert [(e.path, e.reason) for e in errors] == [
        (("zz",), Reason.UNKNOWN),
        (("name",), Reason.LENGTH),
        (("points", 0, "x"), Reason.RANGE),
        (("points", 1, "q"), Reason.UNKNOWN),
        (("points", 2), Reason.TYPE),
        (("tags", "a"), Reason.TYPE),
    ]
    errors = []
    assert SHAPE.check({"name": "x"}, errors) is INVALID
    assert [(e.path, e.names) for e in errors] == [((), ("points",)), ((), ("tags",))]
    assert SHAPE.check(GOOD, errors := []) == SHAPE.check(GOOD) and errors == []


def test_a_post_rule_runs_on_a_valid_record_only() -> None:
    calls: list[Any] = []

    def ordered(r: dict[str, float]) -> dict[str, float]:
        calls.append(r)
        if r["lo"] > r["hi"]:
            raise FieldError(Reason.RULE, RANGE, r, path=("lo",), problem="lo above hi")
        return r

    RANGE = Record("range", {"lo": Float(0, 9), "hi": Float(0, 9)}, post=ordered)
    errors: list[FieldError] = []
    assert RANGE.check({"lo": 5, "hi": 1}, errors) is INVALID
    assert errors[0].worded and str(errors[0]) == "lo: lo above hi"
    assert RANGE.check({"lo": 50, "hi": 1}, errors := []) is INVALID and len(calls) == 1


def test_plain_data_depth_keys_and_nan_anywhere() -> None:
    plain = Plain(3)
    assert plain.check({"a": [1, {"b": None}]}) == {"a": [1, {"b": None}]}
    with pytest.raises(FieldError) as info:
        plain.check({"a": [1, {"b": []}]})
    assert info.value.reason is Reason.TOO_DEEP and info.value.path == ("a", 1, "b")
    with pytest.raises(FieldError) as info:
        plain.check({"a": [math.inf]})
    assert info.value.reason is Reason.NOT_FINITE and info.value.path == ("a", 0)
    assert reason(plain, {1: 2}) is Reason.KEY
    assert reason(plain, {"a": b"x"}) is Reason.TYPE
    assert Plain(3, allow_bin=True).check({"a": b"x"}) == {"a": b"x"}
