"""The controller actions and their bindings for the common interaction profiles.

One action set, ``palier``, with the same actions on both hands (subaction
paths ``/user/hand/left`` and ``/user/hand/right``):

======== ======= ==========================================================
action   type    what it is
======== ======= ==========================================================
grip     pose    where the hand holds the controller: drives the hand anchors
select   boolean the trigger (or the select button): confirm
squeeze  float   the grip (squeeze) button: both held for a second = stop
stick    vector2 the thumbstick, or the touchpad where there is no stick
stick_click boolean the touchpad (or stick) pressed: on a touchpad a rating
                  moves only while it is pressed, so a resting thumb moves nothing
======== ======= ==========================================================

A runtime picks whichever suggested profile fits the controllers in use and
converts between input types where needed (a boolean button bound to the
float ``squeeze`` reads 0 or 1). The simple controller has no grip button;
its menu button stands in for it, so the stop gesture is both menu buttons
held.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

HANDS = ("left", "right")
HAND_PATHS = tuple(f"/user/hand/{hand}" for hand in HANDS)
ACTION_SET = ("palier", "Palier")
"""Name and localized name of the one action set."""


class ActionKind(Enum):
    BOOLEAN = "boolean"
    FLOAT = "float"
    VECTOR2 = "vector2"
    POSE = "pose"


@dataclass(frozen=True, slots=True)
class ActionDecl:
    name: str
    """Lower-case, as OpenXR requires of action names."""
    label: str
    """The runtime shows it in its binding editor (SteamVR)."""
    kind: ActionKind


ACTIONS = (
    ActionDecl("grip", "Hand pose", ActionKind.POSE),
    ActionDecl("select", "Confirm (trigger)", ActionKind.BOOLEAN),
    ActionDecl("squeeze", "Grip (hold both to stop)", ActionKind.FLOAT),
    ActionDecl("stick", "Move a rating", ActionKind.VECTOR2),
    ActionDecl("stick_click", "Press the touchpad", ActionKind.BOOLEAN),
)
ACTIONS_BY_NAME = {a.name: a for a in ACTIONS}


@dataclass(frozen=True, slots=True)
class Profile:
    path: str
    label: str
    bindings: tuple[tuple[str, str], ...]
    """(action name, input path under ``/user/hand/<hand>``), the same on both hands."""
    touchpad: bool = False
    """``stick`` is a touchpad: a rating moves only while it is pressed."""

    def suggested(self) -> list[tuple[str, str]]:
        """(action name, full binding path) for both hands."""
        return [
            (action, f"{hand}{component}")
            for hand in HAND_PATHS
            for action, component in self.bindings
        ]


_GRIP = ("grip", "/input/grip/pose")

PROFILES = (
    Profile(
        "/interaction_profiles/khr/simple_controller",
        "Khronos simple controller",
        (_GRIP, ("select", "/input/select/click"), ("squeeze", "/input/menu/click")),
    ),
    Profile(
        "/interaction_profiles/oculus/touch_controller",
        "Oculus Touch",
        (
            _GRIP,
            ("select", "/input/trigger/value"),
            ("squeeze", "/input/squeeze/value"),
            ("stick", "/input/thumbstick"),
            ("stick_click", "/input/thumbstick/click"),
        ),
    ),
    Profile(
        "/interaction_profiles/valve/index_controller",
        "Valve Index",
        (
            _GRIP,
            ("select", "/input/trigger/click"),
            ("squeeze", "/input/squeeze/value"),
            ("stick", "/input/thumbstick"),
            ("stick_click", "/input/thumbstick/click"),
        ),
    ),
    Profile(
        "/interaction_profiles/htc/vive_controller",
        "HTC Vive",
        (
            _GRIP,
            ("select", "/input/trigger/click"),
            ("squeeze", "/input/squeeze/click"),
            ("stick", "/input/trackpad"),
            ("stick_click", "/input/trackpad/click"),
        ),
        touchpad=True,
    ),
    Profile(
        "/interaction_profiles/microsoft/motion_controller",
        "Windows Mixed Reality",
        (
            _GRIP,
            ("select", "/input/trigger/value"),
            ("squeeze", "/input/squeeze/click"),
            ("stick", "/input/thumbstick"),
            ("stick_click", "/input/thumbstick/click"),
        ),
    ),
)
PROFILES_BY_PATH = {p.path: p for p in PROFILES}


def is_touchpad(profile_path: str | None) -> bool:
    """Whether the controllers in use (``xrGetCurrentInteractionProfile``)
    move ratings with a touchpad."""
    profile = PROFILES_BY_PATH.get(profile_path or "")
    return profile is not None and profile.touchpad
