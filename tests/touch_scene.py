"""A test-only scene with one declared surface, for the contact events end
to end (engine, link, console, record, exports) before the ERP scenes land.

``registered()`` adds it to the scene registry for the duration of a test
module; the simulated hand (:meth:`Engine.hold_hand`) touches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from panda3d.core import CardMaker, NodePath, Point3

from palier.core.i18n import Text
from palier.scenes import registry
from palier.scenes.api import EventSpec, Hand, ParamKind, ParamSpec, SceneDecl, SurfaceSpec
from palier.scenes.base import Scene

SCENE_ID = "touch_test"
TAP_AT = (0.0, 0.55, 0.8)
"""Where the tap is, in the scene's (and the tracking space's) metres."""
REACH_M = 0.08
"""A hand closer than this to the tap touches it."""

DECLARATION = SceneDecl(
    id=SCENE_ID,
    name=Text("Touch test", "Test de contact"),
    description=Text("A tap to touch (tests only).", "Un robinet à toucher (tests seulement)."),
    conditions=("ocd_contamination",),
    params=(
        ParamSpec(
            name="dirt",
            kind=ParamKind.FLOAT,
            label=Text("Dirt", "Saleté"),
            default=0.0,
            minimum=0.0,
            maximum=1.0,
        ),
    ),
    events=(
        EventSpec(
            name="cough",
            label=Text("Someone coughs", "Quelqu'un tousse"),
            options=(
                ParamSpec(
                    name="distance_m",
                    kind=ParamKind.FLOAT,
                    label=Text("Distance", "Distance"),
                    default=2.0,
                    minimum=0.5,
                    maximum=6.0,
                    unit="m",
                ),
                ParamSpec(
                    name="loud",
                    kind=ParamKind.BOOL,
                    label=Text("Loud", "Fort"),
                    default=False,
                ),
            ),
        ),
    ),
    surfaces=(SurfaceSpec("tap", Text("Tap", "Robinet")),),
)


class TouchScene(Scene):
    declaration = DECLARATION

    def on_build(self) -> None:
        card = CardMaker("tap")
        card.setFrame(-0.05, 0.05, -0.05, 0.05)
        self.tap = self.root.attachNewNode(card.generate())
        self.tap.setPos(*TAP_AT)
        self._touching: dict[Hand, float] = {}

    def on_update(self, t: float, dt: float) -> None:
        hands: tuple[tuple[Hand, NodePath], ...] = (
            ("left", self.ctx.left_hand),
            ("right", self.ctx.right_hand),
        )
        for hand, anchor in hands:
            near = (anchor.getPos(self.root) - Point3(*TAP_AT)).length() < REACH_M
            if near and hand not in self._touching:
                self._touching[hand] = t
            elif not near and hand in self._touching:
                start = self._touching.pop(hand)
                self.report_contact("tap", hand, start, t - start)

    def on_teardown(self) -> None:
        for hand, start in self._touching.items():
            self.report_contact("tap", hand, start, self.time - start)
        self._touching.clear()


@contextmanager
def registered() -> Iterator[None]:
    """The test scene in the registry while the block runs."""
    registry.SCENES[SCENE_ID] = registry.SceneEntry(
        "tests.touch_scene:DECLARATION", "tests.touch_scene:TouchScene"
    )
    try:
        yield
    finally:
        del registry.SCENES[SCENE_ID]
