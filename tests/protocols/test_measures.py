"""SUDS validation: whole numbers 0..100 only, every refusal a SudsError."""

from __future__ import annotations

import pytest

from palier.protocols.measures import SudsError, validate_suds


@pytest.mark.parametrize(
    "bad",
    [
        "²",
        "٣",
        "５０",
        "¹⁰",
        "50.0",
        "-1",
        "+5",
        "101",
        "1e2",
        "",
        " ",
        "5 0",
        "0x10",
        -1,
        101,
        50.0,
        True,
        None,
        float("nan"),
    ],
)
def test_refused_with_suds_error(bad: object) -> None:
    with pytest.raises(SudsError) as info:
        validate_suds(bad)
    assert "0" in str(info.value) and "100" in str(info.value)


@pytest.mark.parametrize("good,value", [(" 50 ", 50), ("0", 0), ("100", 100), ("007", 7), (42, 42)])
def test_accepted(good: object, value: int) -> None:
    assert validate_suds(good) == value
