"""Offscreen pictures of the shared procedural people (``palier.scenes.people``).

    python -m tools.people_gallery OUT_DIR [--size 960x540]

Writes ``lineup.png`` (eight standing, six seated, 90 degree view), ``faces.png``
(three faces at 1.5 m, 45 degrees, the headset's pixel density) and
``poses.png`` (phone, arms crossed, nod, cough, walk, head turned), lit like the
scenes (ambient, a key light from the window side, a fill). ``docs/img/people.png``
is ``lineup.png`` at 640x360.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from panda3d.core import AmbientLight, DirectionalLight, NodePath, PointLight

from palier.engine.app import Engine, EngineConfig
from palier.scenes.people import Person, PersonLook
from palier.scenes.procedural import GeomBuilder, lit_shader, material


def _stage(engine: Engine) -> NodePath:
    assert engine.scene is not None
    engine.scene.root.hide()
    root = engine.scene_parent.attachNewNode("people-gallery")
    root.setShader(lit_shader())
    b = GeomBuilder()
    b.add_box((0.0, 4.0, -0.05), (14.0, 14.0, 0.1), color=(0.46, 0.44, 0.41, 1.0))
    b.add_box((0.0, 8.0, 2.0), (14.0, 0.1, 4.0), color=(0.62, 0.63, 0.64, 1.0))
    room = root.attachNewNode(b.node("gallery-room"))
    room.setMaterial(material((1, 1, 1, 1), specular=0.02, shininess=4.0), 1)
    room.setTextureOff(1)
    amb = AmbientLight("amb")
    amb.setColor((0.30, 0.30, 0.32, 1.0))
    key = DirectionalLight("key")
    key.setColor((0.62, 0.60, 0.56, 1.0))
    lamp = PointLight("lamp")
    lamp.setColor((0.35, 0.32, 0.28, 1.0))
    lamp.setAttenuation((1.0, 0.0, 0.04))
    fill = DirectionalLight("fill")
    fill.setColor((0.18, 0.19, 0.22, 1.0))
    for light, pos, hpr in (
        (amb, None, None),
        (key, None, (25.0, -35.0, 0.0)),
        (lamp, (0.0, 2.0, 2.6), None),
        (fill, None, (-40.0, -15.0, 0.0)),
    ):
        np_light = root.attachNewNode(light)
        if pos is not None:
            np_light.setPos(*pos)
        if hpr is not None:
            np_light.setHpr(*hpr)
        root.setLight(np_light)
    return root


def _chair(root: NodePath, x: float, y: float, seat: float) -> None:
    b = GeomBuilder()
    col = (0.20, 0.22, 0.26, 1.0)
    b.add_box((0.0, 0.0, seat - 0.03), (0.5, 0.48, 0.06), color=col)
    b.add_box((0.0, -0.24, seat + 0.35), (0.5, 0.05, 0.7), color=col)
    for dx in (-0.22, 0.22):
        for dy in (-0.2, 0.2):
            b.add_box((dx, dy, (seat - 0.06) / 2), (0.03, 0.03, seat - 0.06), color=col)
    np_ = root.attachNewNode(b.node("chair"))
    np_.setPos(x, y, 0.0)
    np_.setH(180.0)
    np_.setMaterial(material((1, 1, 1, 1), specular=0.1, shininess=20.0), 1)
    np_.setTextureOff(1)


def _shoot(
    engine: Engine,
    eye: tuple[float, float, float],
    at: tuple[float, float, float],
    fov: float,
    out: Path,
) -> None:
    engine.base.camLens.setFov(fov)
    engine.head.setPos(*eye)
    engine.head.lookAt(*at)
    engine.render_frame()
    engine.render_frame()
    engine.save_png(str(out))


def lineup(engine: Engine, out: Path) -> None:
    root = _stage(engine)
    people = []
    for i in range(8):
        p = Person(PersonLook.from_seed(100 + i), root, name=f"standing-{i}")
        p.root.setPos(-3.15 + i * 0.9, 4.6, 0.0)
        p.root.setH(180.0 + (i % 3 - 1) * 12.0)
        people.append(p)
    for i in range(6):
        x, y = -1.6 + i * 0.64, 2.6
        _chair(root, x, y, 0.45)
        p = Person(PersonLook.from_seed(200 + i), root, pose="seated", name=f"seated-{i}")
        p.root.setPos(x, y + 0.05, 0.0)
        p.root.setH(180.0)
        people.append(p)
    for k, p in enumerate(people):
        p.breathe(1.3 * k)
        p.look_at((0.0, 0.0, 1.2))
        p.apply()
    _shoot(engine, (0.0, -0.4, 1.2), (0.0, 4.0, 1.0), 90.0, out)
    root.removeNode()


def faces(engine: Engine, out: Path) -> None:
    root = _stage(engine)
    for i, seed in enumerate((103, 202, 105)):
        p = Person(PersonLook.from_seed(seed), root, name=f"face-{i}")
        p.root.setPos((i - 1) * 0.42, 1.5, 1.62 - p.body.h * 0.935)
        p.root.setH(180.0)
        p.look_at((0.0, 0.0, 1.62), None)
        p.apply()
    _shoot(engine, (0.0, 0.0, 1.62), (0.0, 1.5, 1.58), 45.0, out)
    root.removeNode()


def poses(engine: Engine, out: Path) -> None:
    root = _stage(engine)
    seeds = (101, 104, 106, 107, 203, 205)
    people = []
    for i, seed in enumerate(seeds):
        p = Person(PersonLook.from_seed(seed), root, name=f"pose-{i}")
        p.root.setPos(-2.5 + i * 1.0, 3.2, 0.0)
        p.root.setH(180.0)
        people.append(p)
    people[0].phone(1.0)
    people[0].phone_node.show()
    people[1].arms_crossed(1.0)
    people[2].nod(0.31)
    people[3].cough(0.5)
    people[4].walk(0.2)
    people[4].root.setH(140.0)
    people[5].look_at((-4.0, 1.0, 1.6))
    for p in people:
        p.apply()
    _shoot(engine, (0.0, -0.2, 1.3), (0.0, 3.2, 1.0), 70.0, out)
    root.removeNode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="960x540")
    parser.add_argument("--only", default="lineup,faces,poses")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    engine = Engine(EngineConfig(backend="offscreen", scene="spiders", size=(w, h)))
    try:
        for name in args.only.split(","):
            {"lineup": lineup, "faces": faces, "poses": poses}[name](
                engine, args.out / f"{name}.png"
            )
    finally:
        engine.close()
    _ = math


if __name__ == "__main__":
    main()
