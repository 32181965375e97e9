"""The one place where scenes are registered.

Each entry names a declaration (pure Python) and an implementation (Panda3D),
as ``module:attribute`` strings so that reading the catalogue never imports
the renderer. To add a scene: write its two modules and add a line here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from palier.scenes.api import SceneDecl, UnknownSceneError

if TYPE_CHECKING:  # types only: the catalogue stays pure Python (scenes.base loads Panda3D)
    from palier.scenes.base import Scene


@dataclass(frozen=True, slots=True)
class SceneEntry:
    declaration: str
    implementation: str


SAFE_PLACE_ID = "safe_place"

SCENES: dict[str, SceneEntry] = {
    SAFE_PLACE_ID: SceneEntry(
        "palier.scenes.safe_place.declaration:DECLARATION",
        "palier.scenes.safe_place.scene:SafePlaceScene",
    ),
    "spiders": SceneEntry(
        "palier.scenes.spiders.declaration:DECLARATION", "palier.scenes.spiders.scene:SpiderScene"
    ),
    "heights": SceneEntry(
        "palier.scenes.heights.declaration:DECLARATION", "palier.scenes.heights.scene:HeightsScene"
    ),
    "flying": SceneEntry(
        "palier.scenes.flying.declaration:DECLARATION", "palier.scenes.flying.scene:FlyingScene"
    ),
    "enclosed": SceneEntry(
        "palier.scenes.enclosed.declaration:DECLARATION",
        "palier.scenes.enclosed.scene:EnclosedScene",
    ),
    "public_speaking": SceneEntry(
        "palier.scenes.public_speaking.declaration:DECLARATION",
        "palier.scenes.public_speaking.scene:PublicSpeakingScene",
    ),
    "road": SceneEntry(
        "palier.scenes.road.declaration:DECLARATION", "palier.scenes.road.scene:RoadScene"
    ),
    "contamination": SceneEntry(
        "palier.scenes.contamination.declaration:DECLARATION",
        "palier.scenes.contamination.scene:ContaminationScene",
    ),
}


def _load(ref: str) -> Any:
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def scene_ids() -> list[str]:
    return list(SCENES)


def _entry(scene_id: str) -> SceneEntry:
    try:
        return SCENES[scene_id]
    except KeyError:
        known = ", ".join(SCENES)
        raise UnknownSceneError(
            f"no scene {scene_id!r}; registered scenes: {known} (see `palier scenes list`)"
        ) from None


@cache
def declaration(scene_id: str) -> SceneDecl:
    decl = _load(_entry(scene_id).declaration)
    if not isinstance(decl, SceneDecl) or decl.id != scene_id:
        raise UnknownSceneError(f"registry entry {scene_id!r} does not declare scene {scene_id!r}")
    return decl


def declarations() -> list[SceneDecl]:
    return [declaration(scene_id) for scene_id in SCENES]


def scene_class(scene_id: str) -> type[Scene]:
    cls: type[Scene] = _load(_entry(scene_id).implementation)
    return cls
