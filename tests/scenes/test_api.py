"""Scene declarations: validation, parsing, intensity and ramps (no renderer)."""

from __future__ import annotations

import itertools
import math

import pytest

from palier.scenes import registry
from palier.scenes.api import (
    INTENSITY_DIRECTIONS,
    Choice,
    DeclarationError,
    EventSpec,
    ParameterValueError,
    ParamKind,
    ParamSpec,
    Ramp,
    SceneDecl,
    SceneError,
    SurfaceSpec,
    Text,
    UnknownEventError,
    UnknownParameterError,
    UnknownSceneError,
)

T = Text("x", "x")
DECL = SceneDecl(
    id="demo",
    name=T,
    description=T,
    conditions=("test",),
    params=(
        ParamSpec("distance", ParamKind.FLOAT, T, 1.0, 0.15, 3.0, "m", intensifies="lower"),
        ParamSpec("count", ParamKind.INT, T, 1, 1, 10),
        ParamSpec(
            "activity",
            ParamKind.CHOICE,
            T,
            "still",
            choices=(Choice("still", T), Choice("walk", T), Choice("run", T)),
            intensifies="order",
        ),
        ParamSpec("lights", ParamKind.BOOL, T, True, intensifies="lower"),
    ),
    events=(
        EventSpec("jump", T),
        EventSpec(
            "siren",
            T,
            options=(
                ParamSpec(
                    "side",
                    ParamKind.CHOICE,
                    T,
                    "left",
                    choices=(Choice("left", T), Choice("right", T)),
                    intensifies="order",
                ),
                ParamSpec("distance", ParamKind.FLOAT, T, 50.0, 5.0, 200.0, "m"),
            ),
        ),
    ),
    surfaces=(SurfaceSpec("tap", T), SurfaceSpec("door_handle", T)),
)


def test_valid_values_are_coerced() -> None:
    out = DECL.validate_values({"distance": 1, "count": 3.0, "activity": "walk", "lights": False})
    assert out == {"distance": 1.0, "count": 3, "activity": "walk", "lights": False}
    assert isinstance(out["distance"], float) and isinstance(out["count"], int)


@pytest.mark.parametrize(
    ("values", "error", "needle"),
    [
        (
            {"distanse": 1.0},
            UnknownParameterError,
            "no parameter 'distanse'; this scene has: distance",
        ),
        ({"distance": "near"}, ParameterValueError, "expected float (0.15 to 3 m), got str"),
        ({"distance": True}, ParameterValueError, "got bool"),
        ({"distance": 5.0}, ParameterValueError, "5 is out of range; use 0.15 to 3 m"),
        ({"distance": float("nan")}, ParameterValueError, "got nan"),
        ({"distance": math.inf}, ParameterValueError, "got inf"),
        ({"count": 2.5}, ParameterValueError, "non-integer 2.5"),
        ({"count": 0}, ParameterValueError, "0 is out of range; use 1 to 10"),
        ({"activity": "fly"}, ParameterValueError, "one of 'still', 'walk', 'run'"),
        ({"lights": 1}, ParameterValueError, "expected bool"),
    ],
)
def test_bad_values_are_clear_errors(values: dict, error: type, needle: str) -> None:
    with pytest.raises(error) as info:
        DECL.validate_values(values)
    assert needle in str(info.value)
    assert str(info.value).startswith("demo: ")


def test_validation_is_all_or_nothing_and_errors_are_value_errors() -> None:
    with pytest.raises(ValueError):
        DECL.validate_values({"distance": 1.0, "count": 99})


def test_parse_assignments() -> None:
    assert DECL.parse_assignments(["distance=0.5", "lights=off", "activity=run"]) == {
        "distance": 0.5,
        "lights": False,
        "activity": "run",
    }
    with pytest.raises(ParameterValueError, match="is not NAME=VALUE"):
        DECL.parse_assignments(["distance"])
    with pytest.raises(ParameterValueError, match="'far' is not a number"):
        DECL.parse_assignments(["distance=far"])
    with pytest.raises(ParameterValueError, match="'maybe' is not true or false"):
        DECL.parse_assignments(["lights=maybe"])


def test_intensity_direction() -> None:
    dist = DECL.param("distance")
    assert dist.intensity(3.0) == 0.0 and dist.intensity(0.15) == 1.0
    assert DECL.least_intense() == {
        "distance": 3.0,
        "count": 1,
        "activity": "still",
        "lights": True,
    }
    assert DECL.most_intense() == {
        "distance": 0.15,
        "count": 10,
        "activity": "run",
        "lights": False,
    }


def test_a_parameter_may_declare_no_intensity_direction() -> None:
    pace = ParamSpec("pace", ParamKind.FLOAT, T, 6.0, 4.0, 10.0, intensifies="none")
    light = ParamSpec(
        "light",
        ParamKind.CHOICE,
        T,
        "noon",
        choices=(Choice("dawn", T), Choice("noon", T), Choice("dusk", T)),
        intensifies="none",
    )
    guide = ParamSpec("guide", ParamKind.BOOL, T, True, intensifies="none")
    calm = SceneDecl("calm", T, T, ("relaxation",), params=(pace, light, guide))
    assert not calm.has_direction and DECL.has_direction
    assert calm.least_intense() == calm.most_intense() == calm.defaults()
    assert {p.intensity(p.range_ends[1]) for p in calm.params} == {0.0}
    assert calm.range_ends() == (
        {"pace": 4.0, "light": "dawn", "guide": False},
        {"pace": 10.0, "light": "dusk", "guide": True},
    )
    assert SceneDecl.from_dict(calm.to_dict()) == calm
    assert INTENSITY_DIRECTIONS["none"].get("fr") != INTENSITY_DIRECTIONS["none"].get("en")


def test_event_lookup() -> None:
    assert DECL.event("jump").name == "jump"
    with pytest.raises(UnknownEventError, match="no event 'fly'; this scene has: jump, siren"):
        DECL.event("fly")


def test_event_options_are_checked_and_defaulted() -> None:
    siren = DECL.event("siren")
    assert siren.validate_options({}) == {"side": "left", "distance": 50.0}
    assert siren.validate_options({"side": "right", "distance": 10}) == {
        "side": "right",
        "distance": 10.0,
    }
    with pytest.raises(ParameterValueError, match="demo: event 'siren': no option 'speed'"):
        siren.validate_options({"speed": 3}, "demo")
    with pytest.raises(ParameterValueError, match=r"event 'siren'.*'distance'.*out of range"):
        siren.validate_options({"distance": 500.0})
    assert DECL.event("jump").validate_options({}) == {}
    with pytest.raises(ParameterValueError, match="no option 'side'; it has: \\(none\\)"):
        DECL.event("jump").validate_options({"side": "left"})


def test_surfaces_are_declared_and_looked_up() -> None:
    assert DECL.surface("tap").name == "tap"
    with pytest.raises(SceneError, match="no surface 'sink'; this scene has: tap, door_handle"):
        DECL.surface("sink")
    with pytest.raises(DeclarationError, match="duplicate surface"):
        SceneDecl("d", T, T, (), surfaces=(SurfaceSpec("a", T), SurfaceSpec("a", T)))
    with pytest.raises(DeclarationError, match="identifier"):
        SurfaceSpec("door handle", T)


def test_declaration_round_trips_through_dict() -> None:
    assert SceneDecl.from_dict(DECL.to_dict()) == DECL


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": ParamKind.FLOAT, "default": 1.0, "minimum": 2.0, "maximum": 1.0},
        {"kind": ParamKind.FLOAT, "default": 9.0, "minimum": 0.0, "maximum": 1.0},
        {
            "kind": ParamKind.CHOICE,
            "default": "a",
            "choices": (Choice("a", T),),
            "intensifies": "order",
        },
    ],
)
def test_inconsistent_declarations_are_refused(kwargs: dict) -> None:
    with pytest.raises(DeclarationError):
        ParamSpec("p", label=T, **kwargs)


def test_ramp_is_smooth_and_ends_exactly() -> None:
    ramp = Ramp(0.0, 1.0, t0=10.0, duration=2.0)
    samples = [float(ramp.value(10.0 + i * 0.01)) for i in range(201)]
    steps = [b - a for a, b in itertools.pairwise(samples)]
    assert samples[0] == 0.0 and samples[-1] == 1.0
    assert all(s >= 0 for s in steps) and max(steps) < 0.02  # no jump anywhere
    assert Ramp("a", "b", 0.0, 1.0).value(0.5) == "a" and Ramp("a", "b", 0.0, 1.0).value(1.0) == "b"
    assert Ramp(0.0, 1.0, 0.0, 0.0).value(0.0) == 1.0


def test_registry_declares_the_shipped_scenes() -> None:
    ids = registry.scene_ids()
    assert {"safe_place", "spiders"} <= set(ids)
    for decl in registry.declarations():
        assert (
            decl.name.get("en")
            and decl.name.get("fr")
            and decl.description.get("en")
            and decl.description.get("fr")
        )
        assert decl.params and decl.events
        for p in decl.params:
            assert p.label.get("en") and p.label.get("fr")
        for e in decl.events:
            assert e.label.get("en") and e.label.get("fr")
    with pytest.raises(UnknownSceneError, match="no scene 'zombies'"):
        registry.declaration("zombies")
