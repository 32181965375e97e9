"""The action set's bindings for the common interaction profiles."""

from __future__ import annotations

import re

import pytest

from palier.engine.openxr import bindings
from palier.engine.openxr.bindings import ACTIONS_BY_NAME, PROFILES, ActionKind, is_touchpad

# The inputs each profile has (OpenXR 1.0 specification, "Interaction
# Profile Paths"), on both hands unless a hand is named.
COMPONENTS = {
    "/interaction_profiles/khr/simple_controller": {
        "/input/select/click": "boolean",
        "/input/menu/click": "boolean",
        "/input/grip/pose": "pose",
        "/input/aim/pose": "pose",
    },
    "/interaction_profiles/oculus/touch_controller": {
        "/input/squeeze/value": "float",
        "/input/trigger/value": "float",
        "/input/trigger/touch": "boolean",
        "/input/thumbstick": "vector2",
        "/input/thumbstick/click": "boolean",
        "/input/thumbstick/touch": "boolean",
        "/input/grip/pose": "pose",
        "/input/aim/pose": "pose",
    },
    "/interaction_profiles/valve/index_controller": {
        "/input/squeeze/value": "float",
        "/input/squeeze/force": "float",
        "/input/trigger/click": "boolean",
        "/input/trigger/value": "float",
        "/input/thumbstick": "vector2",
        "/input/thumbstick/click": "boolean",
        "/input/trackpad": "vector2",
        "/input/grip/pose": "pose",
        "/input/aim/pose": "pose",
    },
    "/interaction_profiles/htc/vive_controller": {
        "/input/squeeze/click": "boolean",
        "/input/menu/click": "boolean",
        "/input/trigger/click": "boolean",
        "/input/trigger/value": "float",
        "/input/trackpad": "vector2",
        "/input/trackpad/click": "boolean",
        "/input/trackpad/touch": "boolean",
        "/input/grip/pose": "pose",
        "/input/aim/pose": "pose",
    },
    "/interaction_profiles/microsoft/motion_controller": {
        "/input/menu/click": "boolean",
        "/input/squeeze/click": "boolean",
        "/input/trigger/value": "float",
        "/input/thumbstick": "vector2",
        "/input/thumbstick/click": "boolean",
        "/input/trackpad": "vector2",
        "/input/trackpad/click": "boolean",
        "/input/grip/pose": "pose",
        "/input/aim/pose": "pose",
    },
}
# What the runtime may convert into each action type.
ACCEPTS = {
    ActionKind.POSE: {"pose"},
    ActionKind.BOOLEAN: {"boolean", "float"},  # a float is thresholded
    ActionKind.FLOAT: {"float", "boolean"},  # a boolean reads 0 or 1
    ActionKind.VECTOR2: {"vector2"},
}


def test_the_common_profiles_are_all_there() -> None:
    assert {p.path for p in PROFILES} == set(COMPONENTS)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.label)
def test_every_binding_is_an_input_of_its_profile_of_a_fitting_type(
    profile: bindings.Profile,
) -> None:
    inputs = COMPONENTS[profile.path]
    for action, component in profile.bindings:
        assert component in inputs, f"{profile.label} has no {component}"
        assert inputs[component] in ACCEPTS[ACTIONS_BY_NAME[action].kind]


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.label)
def test_hand_pose_confirm_and_grip_on_both_hands(profile: bindings.Profile) -> None:
    suggested = profile.suggested()
    for hand in bindings.HAND_PATHS:
        bound = {action for action, path in suggested if path.startswith(hand + "/")}
        assert {"grip", "select", "squeeze"} <= bound, profile.label
    assert len(suggested) == len(set(suggested))


def test_only_the_vive_wand_moves_ratings_with_a_touchpad() -> None:
    assert [p.label for p in PROFILES if p.touchpad] == ["HTC Vive"]
    assert is_touchpad("/interaction_profiles/htc/vive_controller")
    assert not is_touchpad("/interaction_profiles/oculus/touch_controller")
    assert not is_touchpad(None)
    assert not is_touchpad("/interaction_profiles/unknown/thing")


def test_action_names_are_valid_openxr_names() -> None:
    for action in bindings.ACTIONS:
        assert re.fullmatch(r"[a-z0-9_.-]+", action.name)
    assert re.fullmatch(r"[a-z0-9_.-]+", bindings.ACTION_SET[0])
