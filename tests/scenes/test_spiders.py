"""The spiders scene, rendered for real offscreen (EGL / llvmpipe).

One engine for the module; ``load_scene`` between tests. Pictures are small
(320x180) so the whole file runs in well under a minute on two cores.
"""

from __future__ import annotations

import gc
import math
import tracemalloc

import numpy as np
import pytest

from palier.engine.app import Engine
from palier.engine.shots import aim_head
from palier.scenes import registry
from palier.scenes.api import ParamKind, SceneDecl
from palier.scenes.procedural import (
    UNTEXTURED_UV,
    GeomBuilder,
    ProceduralError,
    texture_from_array,
    transform,
)
from palier.scenes.spiders.declaration import DECLARATION
from palier.scenes.spiders.scene import SpiderScene

SIZE = (320, 180)
DT = 1.0 / 90.0
LEAST = DECLARATION.least_intense()
MOST = DECLARATION.most_intense()


pytestmark = pytest.mark.offscreen_engine(scene="spiders", size=SIZE)


def load(engine: Engine, **values: object) -> SpiderScene:
    scene = engine.load_scene("spiders", values)
    assert isinstance(scene, SpiderScene)
    return scene


def frame(engine: Engine) -> np.ndarray:
    engine.render_frame()
    return engine.capture().astype(np.int16)


def aimed_frame(engine: Engine) -> np.ndarray:
    assert engine.scene is not None
    aim_head(engine, engine.scene.focus_point())
    return frame(engine)


def foot_tips(scene: SpiderScene, index: int = 0) -> np.ndarray:
    """World positions (8, 3) of one spider's leg tips."""
    rig = scene.rigs[index]
    out = []
    for leg in rig.legs:
        tip = rig.foot_tip(leg, scene.root)
        out.append((tip.x, tip.y, tip.z))
    return np.array(out)


# -- procedural helpers (scenes/procedural.py, shared with other scenes) ---------------
def _outward_fraction(builder: GeomBuilder) -> float:
    """Share of triangles whose winding agrees with their vertex normals."""
    verts = np.vstack(builder._verts)
    tris = np.vstack(builder._tris)
    p, n = verts[:, :3], verts[:, 3:6]
    face = np.cross(p[tris[:, 1]] - p[tris[:, 0]], p[tris[:, 2]] - p[tris[:, 0]])
    agree = np.einsum("ij,ij->i", face, n[tris].sum(axis=1))
    real = np.linalg.norm(face, axis=1) > 1e-12
    return float((agree[real] > 0).mean())


def test_geom_builder_shapes_face_outward_and_merge_keeps_indices() -> None:
    b = GeomBuilder()
    b.add_ellipsoid((0, 0, 0), (1, 2, 1), profile=np.linspace(0.5, 1.0, 13))
    b.add_tube(np.array([[0, 0, 0], [0, 1, 0], [0, 2, 1]]), np.array([0.3, 0.2, 0.1]))
    b.add_box((0, 0, 0), (1, 2, 3), xform=transform((1, 0, 0), (30, 10, 0), 2.0))
    assert _outward_fraction(b) == 1.0
    hair = GeomBuilder()
    hair.add_bristles(
        np.zeros((5, 3)), np.tile([0, 0, 1], (5, 1)), 0.1, np.tile([1, 0, 0], (5, 1)), width=0.01
    )
    before = b.num_vertices
    b.merge(hair, untextured=True)
    geom = b.geom()
    assert geom.getVertexData().getNumRows() == before + 15
    tris = np.vstack(b._tris)
    assert tris.max() == b.num_vertices - 1 and tris[-1].min() >= before
    assert (np.vstack(b._verts)[before:, 10:12] == UNTEXTURED_UV).all()
    with pytest.raises(ProceduralError, match="normals"):
        GeomBuilder().add_mesh(
            np.zeros((3, 3)), np.zeros((2, 3)), np.zeros((3, 2)), np.array([[0, 1, 2]])
        )


def test_texture_from_array_keeps_orientation_and_colour() -> None:
    from panda3d.core import PNMImage

    img = np.zeros((4, 8, 3), np.uint8)
    img[0, 0] = (255, 0, 0)  # top-left red
    img[3, 7] = (0, 0, 255)  # bottom-right blue
    tex = texture_from_array("t", img, mipmap=False)
    pnm = PNMImage()
    assert tex.store(pnm)
    assert (pnm.getXSize(), pnm.getYSize()) == (8, 4)
    assert pnm.getXel(0, 0) == (1.0, 0.0, 0.0)
    assert pnm.getXel(7, 3) == (0.0, 0.0, 1.0)
    with pytest.raises(ProceduralError):
        texture_from_array("bad", np.zeros((4, 4)))


# -- declaration ----------------------------------------------------------------------
def test_declaration_is_complete_and_bilingual() -> None:
    decl: SceneDecl = registry.declaration("spiders")
    assert decl is DECLARATION and decl.id == "spiders"
    assert registry.scene_class("spiders") is SpiderScene
    assert "arachnophobia" in decl.conditions
    params = {p.name: p for p in decl.params}
    assert set(params) >= {"distance", "size", "count", "activity", "location"}
    d, s, c = params["distance"], params["size"], params["count"]
    assert (d.minimum, d.maximum, d.unit, d.intensifies) == (0.15, 3.0, "m", "lower")
    assert (s.minimum, s.maximum, s.unit, s.intensifies) == (2.0, 20.0, "cm", "higher")
    assert (c.kind, c.minimum, c.maximum) == (ParamKind.INT, 1, 10)
    assert params["activity"].choice_values == ("still", "slow_walk", "fast_scuttle")
    assert params["location"].choice_values == ("floor", "table", "hand")
    texts = [decl.name, decl.description]
    for p in decl.params:
        texts += [p.label, *(ch.label for ch in p.choices)]
        if p.help:
            texts.append(p.help)
    events = {e.name: e for e in decl.events}
    assert set(events) >= {"run_toward", "drop_from_above"}
    for ev in decl.events:
        assert ev.duration_s > 1.0
        texts.append(ev.label)
    for text in texts:
        assert text.get("en").strip() and text.get("fr").strip()
    # French labels are translations, not copies (names like "Distance" aside).
    assert sum(t.get("en") != t.get("fr") for t in texts) > len(texts) * 0.8
    assert SceneDecl.from_dict(decl.to_dict()).to_dict() == decl.to_dict()
    assert LEAST == {
        "distance": 3.0,
        "size": 2.0,
        "count": 1,
        "activity": "still",
        "location": "floor",
    }


# -- building and pictures ----------------------------------------------------------------------
def test_least_and_most_intense_build_and_look_different(engine: Engine) -> None:
    low_scene = load(engine, **LEAST)
    engine.simulate(1.0)
    assert low_scene.visible_spiders() == 1
    low = aimed_frame(engine)
    high_scene = load(engine, **MOST)
    engine.simulate(1.0)
    assert high_scene.visible_spiders() == 10
    assert not high_scene.hand.isHidden(), "the patient's hand is drawn in 'hand' mode"
    high = aimed_frame(engine)
    assert low.shape == high.shape == (SIZE[1], SIZE[0], 3)
    for img in (low, high):
        assert img.std() > 5, "a scene must not render as a flat colour"
    changed = float((np.abs(low - high).mean(axis=2) > 24).mean())
    assert changed > 0.2, f"only {changed:.1%} of pixels differ between the extremes"
    # The most intense picture is dominated by dark, hairy spiders.
    dark = lambda img: float((img.mean(axis=2) < 60).mean())  # noqa: E731
    assert dark(high) > 3 * dark(low) + 0.005


def test_least_intense_spider_stands_out_on_the_floor(engine: Engine) -> None:
    # Smallest and farthest: a patient looking at it must see a dark spider on
    # a pale floor (the rug), not guess at a speck on dark boards. A 10 degree
    # view of the spot stands in for looking straight at it.
    scene = load(engine, **LEAST)
    engine.simulate(0.5)
    lens = engine.base.camLens
    hfov = lens.getHfov()  # restored as the engine sets it: horizontal only
    try:
        lens.setFov(10.0)
        img = aimed_frame(engine).astype(float).mean(axis=2)
        scene.rigs[0].root.stash()
        empty = frame(engine).astype(float).mean(axis=2)
        scene.rigs[0].root.unstash()
    finally:
        lens.setFov(hfov)
    floor = float(np.median(img))
    assert floor > 120, f"the floor around the spider is dark ({floor:.0f}/255)"

    def dark(a: np.ndarray) -> int:
        return int((a < 0.5 * floor).sum())

    # At 320x180 the 2 cm spider is about 11 pixels across, legs included.
    assert dark(img) - dark(empty) >= 6, "the spider does not stand out from the floor"


def test_focus_point_is_the_nearest_spider_and_frames_it(engine: Engine) -> None:
    scene = load(engine, distance=0.5, size=15.0, count=3, location="table")
    engine.simulate(0.5)
    focus = scene.focus_point()
    assert focus is not None
    head = engine.head.getPos(scene.root)
    dists = [math.dist(scene.spider_position(i), (head.x, head.y, head.z)) for i in range(3)]
    nearest = scene.spider_position(int(np.argmin(dists)))
    assert math.dist(focus, nearest) < 0.02
    # Framed: the spider darkens the middle of the picture, not the edges.
    img = aimed_frame(engine)
    h, w = img.shape[:2]
    centre = img[h // 2 - 15 : h // 2 + 15, w // 2 - 15 : w // 2 + 15].mean(axis=2)
    assert float((centre < 70).mean()) > 0.05


def test_room_surfaces_keep_their_textures_far_from_the_origin(engine: Engine) -> None:
    # Regression: the shader's "untextured" UV flag once caught the floor's
    # negative tiling coordinates and drew the left half of the room white.
    from panda3d.core import Point3

    load(engine, location="floor", distance=3.0)
    for target in ((-2.5, 1.5, 0.0), (1.5, 2.5, 0.0), (-2.0, 3.5, 0.0)):
        engine.head.lookAt(Point3(*target))
        img = frame(engine)
        h, w = img.shape[:2]
        patch = img[h // 2 - 10 : h // 2 + 10, w // 2 - 10 : w // 2 + 10].reshape(-1, 3)
        r, g, b = patch.mean(axis=0)
        assert r > b + 25 and patch.mean() < 200, f"floor at {target} is not wood: {r, g, b}"


def test_hand_only_in_hand_mode(engine: Engine) -> None:
    scene = load(engine, location="table")
    assert scene.hand.isHidden()
    scene = load(engine, location="hand", distance=0.3)
    assert not scene.hand.isHidden()
    hand = engine.right_hand.getPos(scene.root)
    assert math.dist(scene.spider_position(0)[:2], (hand.x, hand.y)) == pytest.approx(0.3, abs=0.02)


# -- events ----------------------------------------------------------------------
def test_run_toward_brings_the_spider_close_then_back(engine: Engine) -> None:
    scene = load(engine, distance=1.2, size=15.0, location="table")
    engine.simulate(0.3)
    start = scene.spider_position(0)
    before = aimed_frame(engine)
    engine.fire("run_toward")
    assert "run_toward" in scene.active_events()
    duration = DECLARATION.event("run_toward").duration_s
    ys, frames = [], []
    for _ in range(int(duration / DT) + 10):
        engine.simulate(DT)
        ys.append(scene.spider_position(0)[1])
    engine.simulate(0.2)
    assert "run_toward" not in scene.active_events()
    nearest = min(ys)
    assert nearest < start[1] - 1.0, "the spider must come right up to the patient"
    assert abs(ys[-1] - start[1]) < 0.02, "and go back to its place afterwards"
    assert np.abs(np.diff(ys)).max() < 0.03, "running is fast but continuous"
    # The picture changes while it runs.
    load(engine, distance=1.2, size=15.0, location="table")
    engine.simulate(0.3)
    engine.fire("run_toward")
    for _ in range(3):
        engine.simulate(duration / 8)
        frames.append(frame(engine))
    assert max(float(np.abs(f - before).mean()) for f in frames) > 0.3


@pytest.mark.parametrize("event", [e.name for e in DECLARATION.events])
def test_each_event_changes_the_most_intense_picture(engine: Engine, event: str) -> None:
    # As the catalogue checks every scene: camera on the subject, then fire.
    scene = load(engine, **MOST)
    engine.simulate(0.5)
    before = aimed_frame(engine)
    scene.fire(event)
    frames = []
    for _ in range(4):
        engine.simulate(DECLARATION.event(event).duration_s / 5)
        frames.append(frame(engine))
    assert max(float(np.abs(f - before).mean()) for f in frames) > 0.5


def test_drop_from_above_descends_in_front_of_the_face(engine: Engine) -> None:
    scene = load(engine, distance=2.0, size=10.0, location="floor")
    engine.simulate(0.2)
    engine.head.setHpr(0, 0, 0)  # looking straight ahead
    before = frame(engine)
    assert scene.dropper.root.isHidden()
    engine.fire("drop_from_above")
    duration = DECLARATION.event("drop_from_above").duration_s
    heights, frames = [], []
    for k in range(8):
        engine.simulate(duration / 8)
        heights.append(scene.dropper.root.getZ(scene.root))
        if k < 7:
            assert not scene.dropper.root.isHidden() and not scene.thread.isHidden()
            frames.append(frame(engine))
    head = engine.head.getPos(scene.root)
    low = min(heights)
    assert head.z - 0.4 < low < head.z, "it hangs just below eye level"
    pos = scene.dropper.root.getPos(scene.root)
    assert 0.2 < pos.y - head.y < 0.8 and abs(pos.x - head.x) < 0.2, "in front of the face"
    assert max(float(np.abs(f - before).mean()) for f in frames) > 0.5
    engine.simulate(0.5)
    assert scene.dropper.root.isHidden() and scene.thread.isHidden()


def test_events_fired_again_or_during_a_change_never_jump(engine: Engine) -> None:
    scene = load(engine, location="table", distance=0.8, size=10.0)
    engine.simulate(0.2)
    scene.fire("drop_from_above")
    scene.fire("run_toward")
    engine.simulate(1.5)
    p = scene.dropper.root.getPos(scene.root)
    runner, dropper = [scene.spider_position(0)], [(p.x, p.y, p.z)]
    engine.set_params({"location": "hand"}, ramp_s=2.0)
    scene.fire("drop_from_above")  # again, while the first one hangs there
    scene.fire("run_toward")  # again, mid-run
    for _ in range(round(3.0 / DT)):
        engine.simulate(DT)
        runner.append(scene.spider_position(0))
        p = scene.dropper.root.getPos(scene.root)
        dropper.append((p.x, p.y, p.z))
    assert np.linalg.norm(np.diff(np.array(runner), axis=0), axis=1).max() < 0.03
    assert np.linalg.norm(np.diff(np.array(dropper), axis=0), axis=1).max() < 0.03


# -- smooth changes ----------------------------------------------------------------------
def positions_during(
    engine: Engine, scene: SpiderScene, seconds: float, index: int = 0
) -> np.ndarray:
    out = []
    for _ in range(round(seconds / DT)):
        engine.simulate(DT)
        out.append(scene.spider_position(index))
    return np.array(out)


@pytest.mark.parametrize(
    ("start", "end"), [("table", "hand"), ("floor", "table"), ("hand", "floor")]
)
def test_location_change_walks_there_without_a_jump(engine: Engine, start: str, end: str) -> None:
    scene = load(engine, location=start, distance=0.6, size=8.0, count=2)
    engine.simulate(0.2)
    a = np.array(scene.spider_position(0))
    engine.set_params({"location": end}, ramp_s=3.0)
    path = positions_during(engine, scene, 3.2)
    steps = np.linalg.norm(np.diff(np.vstack([a, path]), axis=0), axis=1)
    assert steps.max() < 0.025, f"{start}->{end}: a {steps.max():.3f} m jump in one frame"
    frame_b = load(engine, location=end, distance=0.6, size=8.0, count=2)
    engine.simulate(0.2)
    assert np.allclose(path[-1], frame_b.spider_position(0), atol=0.01)
    if "floor" in (start, end):  # climbed the table leg on the way
        assert path[:, 2].min() < 0.05 and path[:, 2].max() > 0.7


def test_ramp_zero_moves_at_once(engine: Engine) -> None:
    scene = load(engine, location="table", distance=0.6)
    engine.set_params({"location": "floor"}, ramp_s=0)
    engine.simulate(DT)
    assert scene.spider_position(0)[2] == pytest.approx(0.0)


def test_distance_and_size_ramp_continuously(engine: Engine) -> None:
    scene = load(engine, location="floor", distance=3.0, size=2.0)
    engine.simulate(0.1)
    engine.set_params({"distance": 0.3, "size": 15.0}, ramp_s=2.0)
    path = positions_during(engine, scene, 2.1)
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    assert steps.max() < 0.03
    scales = []
    for _ in range(10):
        scales.append(scene.rigs[0].root.getScale().x)
        engine.simulate(DT)
    assert scales[-1] == pytest.approx(0.15, rel=0.01)


def test_count_change_walks_spiders_in(engine: Engine) -> None:
    scene = load(engine, location="table", distance=0.8, size=8.0, count=1)
    engine.simulate(0.2)
    aim_head(engine, scene.focus_point())
    one = frame(engine)
    assert scene.visible_spiders() == 1
    engine.set_params({"count": 6}, ramp_s=2.0)
    seen = []
    tracks = []
    for _ in range(round(2.2 / DT)):
        engine.simulate(DT)
        seen.append(scene.visible_spiders())
        tracks.append(scene.spider_position(3))
    assert seen == sorted(seen) and seen[0] < 6 and seen[-1] == 6, "they arrive one by one"
    steps = np.linalg.norm(np.diff(np.array(tracks)[-100:], axis=0), axis=1)
    assert steps.max() < 0.03, "a newcomer walks in, it does not pop"
    six = frame(engine)
    dark = lambda img: float((img.mean(axis=2) < 60).mean())  # noqa: E731
    assert dark(six) > dark(one) * 2


# -- animation ----------------------------------------------------------------------
def test_walk_is_an_alternating_tetrapod_gait_with_planted_feet(engine: Engine) -> None:
    scene = load(engine, location="table", distance=0.8, size=10.0, activity="slow_walk")
    engine.simulate(2.0)
    rig = scene.rigs[0]
    tips, body = [], []
    for _ in range(90):
        engine.simulate(DT)
        tips.append(foot_tips(scene))
        body.append(scene.spider_position(0))
    tips_a, body_a = np.array(tips), np.array(body)
    body_speed = float(np.linalg.norm(np.diff(body_a, axis=0), axis=1).mean() / DT)
    assert body_speed > 0.02, "a slow walk still moves"
    lift = tips_a[:, :, 2] - body_a[:, None, 2]  # foot height above the table
    groups = np.array([leg.group for leg in rig.legs])
    # Group 0 is L1 R2 L3 R4 (legs are listed pair by pair, left then right).
    assert groups.tolist() == [0, 1, 1, 0, 0, 1, 1, 0]
    up = lift > 0.002
    assert up[:, groups == 0].any() and up[:, groups == 1].any(), "both groups step"
    both = up[:, groups == 0].any(axis=1) & up[:, groups == 1].any(axis=1)
    assert both.mean() < 0.1, "the two tetrapods swing in turn, not together"
    # Stance feet stay put: they slide far slower than the body moves.
    on_ground = (lift[1:] < 0.0003) & (lift[:-1] < 0.0003)
    slide = np.linalg.norm(np.diff(tips_a[:, :, :2], axis=0), axis=2) / DT
    assert float(slide[on_ground].mean()) < 0.3 * body_speed


def test_still_spiders_twitch_in_place(engine: Engine) -> None:
    scene = load(engine, location="table", distance=0.5, size=10.0, activity="still")
    engine.simulate(0.1)
    place = scene.spider_position(0)
    first = foot_tips(scene)
    moved = 0.0
    for _ in range(6 * 9):
        engine.simulate(0.1)
        moved = max(moved, float(np.abs(foot_tips(scene) - first).max()))
    assert scene.spider_position(0) == place, "a still spider stays where it is"
    assert moved > 0.002, "but a leg or palp moves now and then"


# -- resources ------------------------------------------------------------------------
def _counts(engine: Engine) -> tuple[int, int, int, int]:
    from panda3d.core import TexturePool

    prepared = engine.base.win.getGsg().getPreparedObjects()
    return (
        engine.base.render.countNumDescendants(),
        len(TexturePool.findAllTextures("*")),
        prepared.getNumPreparedTextures() + prepared.getNumQueuedTextures(),
        len(engine.base.taskMgr.getAllTasks()),
    )


def test_build_and_teardown_twenty_times_leaks_nothing(engine: Engine) -> None:
    load(engine, **MOST)
    engine.step()
    gc.collect()
    engine.step()
    baseline = _counts(engine)
    for i in range(20):
        scene = load(engine, **(MOST if i % 2 else LEAST))
        scene.fire("drop_from_above")
        engine.step()
    del scene
    load(engine, **MOST)
    engine.step()
    gc.collect()
    engine.step()
    assert _counts(engine) == baseline
    live = [o for o in gc.get_objects() if isinstance(o, SpiderScene)]
    assert len(live) == 1, f"scene objects still alive: {live}"


def test_frame_update_does_not_allocate(engine: Engine) -> None:
    scene = load(engine, **MOST)
    scene.fire("drop_from_above")
    for _ in range(30):
        engine.simulate(DT)
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(120):
            engine.simulate(DT)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(
        s.size_diff for s in after.compare_to(before, "filename") if "spiders" in str(s.traceback)
    )
    assert grown < 4096, f"the spiders' per-frame update keeps {grown} bytes"


# -- the vectorised rig ----------------------------------------------------------------------
def test_vectorised_legs_reach_their_targets_and_palps_match_panda() -> None:
    from panda3d.core import NodePath

    from palier.scenes.spiders import model

    proto = model.build_proto(1234)
    table = proto.leg_table
    rest = np.stack([table.rest_x, table.rest_y, np.zeros_like(table.rest_x)], axis=-1)
    rng = np.random.default_rng(3)
    # Targets near the rest feet (where a gait puts them), lifted up to 5 cm.
    feet = rest + rng.uniform([-0.05, -0.05, 0.0], [0.05, 0.05, 0.05], (4, *rest.shape))
    bones = model.leg_bones(table, feet)
    assert bones.shape == (4, len(proto.legs), 4, 4, 4)
    # The reference: the same solve posed on a chain of Panda nodes, joint by
    # joint, as the rig did before its bones became a palette.
    root = NodePath("bones")
    for k, leg in enumerate(proto.legs):
        yaw = root.attachNewNode("coxa")
        yaw.setPos(leg.hip)
        femur = yaw.attachNewNode("femur")
        femur.setPos(0.0, model.COXA_LEN, model.COXA_DZ)
        tibia = femur.attachNewNode("tibia")
        tibia.setPos(0.0, leg.lengths[0], 0.0)
        meta = tibia.attachNewNode("meta")
        meta.setPos(0.0, leg.lengths[1], 0.0)
        for sample in range(len(feet)):
            m = bones[sample, k]
            # Angles back from the palette: the coxa's heading, each segment's pitch.
            heading = math.degrees(math.atan2(-m[0, 1, 0], m[0, 1, 1]))
            pitch = [
                math.degrees(math.atan2(m[j, 1, 2], math.hypot(m[j, 1, 0], m[j, 1, 1])))
                for j in range(4)
            ]
            yaw.setH(heading)
            femur.setP(pitch[1])
            tibia.setP(pitch[2] - pitch[1])
            meta.setP(pitch[3] - pitch[2])
            for j, node in enumerate((yaw, femur, tibia, meta)):
                want = node.getMat(root)
                ref = [[want.getCell(r, c) for c in range(4)] for r in range(4)]
                assert np.allclose(m[j], ref, atol=1e-5), (k, sample, j)
    # And at rest (in stance, on the ground) every foot is where it was asked.
    on_ground = rest[None] + np.zeros((1, *rest.shape))
    tips = model.leg_bones(table, on_ground)[..., 3, :, :]
    reached = np.stack([np.array([0.0, c, 0.0, 1.0]) @ tips[0, k] for k, c in enumerate(table.c)])[
        :, :3
    ]
    assert np.abs(reached - rest).max() < 1e-3, "at rest every foot is on its rest spot"
    # The palps: the same matrix Panda composes for the node pair they replace.
    torso = NodePath("torso")
    torso.setR(2.0)
    palp = torso.attachNewNode("palp")
    palp.setPos(*(np.array(model.PALP_POS[0]) * model.BODY_SCALE))
    palp.setScale(model.BODY_SCALE)
    palp.setHpr(model.PALP_HEADING[0], -7.5, 0.0)
    want = palp.getNetTransform().getMat()
    got = model.palp_bones(np.array(2.0), np.array([-7.5, 0.0]))[0]
    assert np.allclose(got, [[want.getCell(i, j) for j in range(4)] for i in range(4)], atol=1e-6)


def test_the_gpu_poses_the_limbs_as_the_numpy_reference_solves(engine: Engine) -> None:
    """The limb shader solves every bone per vertex from 16 numbers a
    spider; redrawn with matrices from ``reference_bones`` (the numpy solve
    the other rig tests check) the picture must not change, and redrawn
    from another moment of the gait it must."""
    from palier.scenes.procedural import BonePalette, palette_lit_shader
    from palier.scenes.spiders import model

    scene = load(engine, location="table", distance=0.3, size=20.0, count=3.0, activity="slow_walk")
    scene.rigs[1].hanging = 0.7  # the dropper's spread, groping legs too
    engine.simulate(0.5)
    assert all(rig.gait[1] > 0.01 for rig in scene.rigs[:3]), "mid-stride: feet lifted"
    rigs = [rig for rig in scene.rigs if not rig.root.isHidden()]
    assert len(rigs) == 3
    for rig in rigs:
        rig.cast.hide()  # flattened to a millimetre, its slivers flip pixels at a rounding
    aim_head(engine, scene.focus_point())
    gpu = frame(engine)

    def drawn_from(bones: np.ndarray) -> np.ndarray:
        for rig, mats in zip(rigs, bones, strict=True):
            palette = BonePalette(mats.shape[0])
            palette.matrices[:] = mats
            rig.limbs.setAttrib(palette_lit_shader(priority=3), 3)
            palette.bind(rig.limbs)
        return frame(engine)

    reference = drawn_from(model.reference_bones(rigs))
    limbs = np.abs(gpu - reference).max(axis=2)
    for rig in rigs:
        phase = list(rig.gait)
        phase[0] = (phase[0] + 0.25) % 1.0
        rig.gait = tuple(phase)
    elsewhere = np.abs(gpu - drawn_from(model.reference_bones(rigs))).max(axis=2)
    assert (elsewhere > 24).sum() > 100, "another moment of the gait is drawn differently"
    assert (limbs > 8).sum() <= 4, f"{(limbs > 8).sum()} pixels differ from the reference"


HEADSET_PX_PER_DEG = 960 / 45
"""Pixel density of a current headset: a 960-pixel picture of a 45 degree view."""


def spider_pixels(engine: Engine, scene: SpiderScene) -> tuple[int, float]:
    """The spiders' pixels at headset density, looking at the nearest one:
    how many pixels they change, and their mean contrast (luminance)."""
    lens = engine.base.camLens
    hfov = lens.getHfov()
    try:
        lens.setFov(SIZE[0] / HEADSET_PX_PER_DEG)  # 15 degrees across 320 pixels
        img = aimed_frame(engine).astype(float).mean(axis=2)
        for rig in scene.rigs:
            rig.root.stash()
        empty = frame(engine).astype(float).mean(axis=2)
        for rig in scene.rigs:
            rig.root.unstash()
    finally:
        lens.setFov(hfov)
    diff = np.abs(img - empty)
    mask = diff > 25
    return int(mask.sum()), float(diff[mask].mean()) if mask.any() else 0.0


def test_the_protocol_steps_are_visible_at_headset_density_and_graded(engine: Engine) -> None:
    # Step 1 asks the patient to describe the spider's colour and legs: at a
    # headset's pixel density it must be more than a speck, yet the least of
    # all; the floor and first table steps grow step by step (distance and
    # size together; later steps grade by the hand's closeness and by number,
    # not by the picture alone), and the top step shows the most.
    from palier.protocols.files import protocol_by_id

    steps = protocol_by_id("spiders-graded").steps
    seen = []
    for step in steps:
        scene = load(engine, **step.resolved_preset(DECLARATION.defaults()))
        engine.simulate(1.0)
        seen.append(spider_pixels(engine, scene))
    pixels = [p for p, _c in seen]
    print("spider pixels at headset density, per step:", seen)
    first_px, first_contrast = seen[0]
    # (The step once graded a 3 cm spider 3 m away: about 15 pixels, a speck.)
    assert first_px >= 100, f"step 1 shows only {first_px} spider pixels"
    assert first_contrast > 60, f"step 1's spider barely stands out ({first_contrast:.0f})"
    # Within 15 %: a walking spider's legs and heading change what it covers.
    assert pixels[0] <= 1.15 * min(pixels), pixels
    for k in range(1, 5):
        assert pixels[k] >= 0.85 * pixels[k - 1], f"step {k + 1} shows less than step {k}"
    assert pixels[-1] == max(pixels) and pixels[-1] > 20 * pixels[0], pixels


def test_the_room_has_an_ordinary_table_and_the_hand_rests_on_it(engine: Engine) -> None:
    from palier.scenes.spiders.room import TABLE_BACK, TABLE_FRONT, TABLE_TOP, TABLE_X

    assert 1.2 <= TABLE_BACK - TABLE_FRONT <= 2.0 and 0.8 <= 2 * TABLE_X <= 1.0
    scene = load(engine, location="hand", distance=0.15, size=10.0, count=3)
    engine.simulate(0.5)
    pos, hpr = scene.hand.getPos(scene.root), scene.hand.getHpr(scene.root)
    # hand_node's palm underside is 2 cm under its origin: on the table top, flat.
    assert pos.z == pytest.approx(TABLE_TOP + 0.02, abs=1e-4)
    assert abs(hpr.y) < 0.5 and abs(hpr.z) < 0.5
    assert abs(pos.x) < TABLE_X and TABLE_FRONT < pos.y < TABLE_BACK


def test_spiders_never_overlap_at_the_top_step(engine: Engine) -> None:
    scene = load(
        engine, location="hand", distance=0.15, size=10.0, count=3, activity="fast_scuttle"
    )
    closest = math.inf
    for _ in range(round(6.0 / (4 * DT))):
        engine.simulate(4 * DT)
        pts = [scene.spider_position(i) for i in range(3)]
        for a in range(3):
            for b in range(a + 1, 3):
                closest = min(closest, math.dist(pts[a][:2], pts[b][:2]))
    assert closest >= 0.10, f"two 10 cm spiders came {closest:.3f} m apart (centres)"


def test_drop_from_above_hangs_in_front_of_the_face(engine: Engine) -> None:
    scene = load(engine, location="hand", distance=0.2, size=8.0)
    engine.simulate(0.2)
    scene.fire("drop_from_above")
    engine.simulate(0.45 * scene._drop_s)  # hanging, after the fall
    head = engine.head.getPos(scene.root)
    p = scene.dropper.root.getPos(scene.root)
    ahead = math.hypot(p.x - head.x, p.y - head.y)
    assert 0.2 < ahead < 0.5, f"the spider hangs {ahead:.2f} m from the eyes"
    assert head.z - 0.25 < p.z < head.z, "not at face height"
