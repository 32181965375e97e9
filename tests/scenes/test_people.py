"""The shared procedural person (``palier.scenes.people``), built and rendered offscreen."""

from __future__ import annotations

import math

import numpy as np
import pytest
from panda3d.core import AmbientLight, DirectionalLight, NodePath, Point3

from palier.engine.app import Engine
from palier.scenes.people import BONES, LEGS, Person, PersonLook
from palier.scenes.procedural import ProceduralError, hand_builder, lit_shader

pytestmark = pytest.mark.offscreen_engine(scene="spiders", size=(320, 180))

MAX_GEOMS = 2  # the body, and the phone when shown
MAX_TRIANGLES = 8200  # near detail, every one of 50 seeds (measured 7,238-8,002)
MAX_TRIANGLES_FAR = 3600


def hprs(p: Person) -> dict[str, tuple[float, float, float]]:
    out = {}
    for name, node in p.nodes.items():
        h = node.getHpr()
        out[name] = (h.x, h.y, h.z)
    return out


def moved(
    a: dict[str, tuple[float, float, float]], b: dict[str, tuple[float, float, float]]
) -> set[str]:
    return {k for k in a if max(abs(x - y) for x, y in zip(a[k], b[k], strict=True)) > 1.0}


def test_look_is_deterministic_and_varied() -> None:
    assert PersonLook.from_seed(7) == PersonLook.from_seed(7)
    looks = [PersonLook.from_seed(s) for s in range(50)]
    assert len({lk.skin for lk in looks}) == 50
    lightness = [sum(lk.skin[:3]) for lk in looks]
    assert min(lightness) < 1.0 < 1.8 < max(lightness), "from dark to fair skin"
    assert {lk.sex for lk in looks} == {"female", "male"}
    assert len({lk.hair_style for lk in looks}) >= 4
    assert len({lk.hair for lk in looks}) >= 4
    assert len({lk.top for lk in looks}) >= 3 and len({lk.bottom for lk in looks}) >= 3
    assert len({lk.top_colour for lk in looks}) >= 6
    heights = [lk.height for lk in looks]
    assert max(heights) - min(heights) > 0.2
    assert any(lk.glasses for lk in looks) and not all(lk.glasses for lk in looks)


def test_geom_and_triangle_counts_fit_fifty_in_the_budget() -> None:
    root = NodePath("people")
    near = [Person(PersonLook.from_seed(s), root) for s in range(50)]
    seated = [Person(PersonLook.from_seed(s), root, pose="seated") for s in range(50)]
    far = [Person(PersonLook.from_seed(s), root, detail="far") for s in range(50)]
    assert max(p.geom_count(with_phone=True) for p in near) <= MAX_GEOMS
    assert max(p.triangle_count() for p in near) <= MAX_TRIANGLES
    assert max(p.triangle_count() for p in far) <= MAX_TRIANGLES_FAR
    # The scene budget: 500 draw calls, 500,000 triangles for 50 people.
    # One skinned mesh a person, whatever the pose and detail.
    assert sum(p.geom_count() for p in seated) == 50
    assert sum(p.geom_count() for p in far) == 50
    assert sum(p.triangle_count() for p in near) <= 400_000
    root.removeNode()


def test_bad_options_are_refused() -> None:
    root = NodePath("people")
    with pytest.raises(ProceduralError):
        Person(PersonLook.from_seed(1), root, pose="lying")  # type: ignore[arg-type]
    with pytest.raises(ProceduralError):
        Person(PersonLook.from_seed(1), root, rigid={"pelvis"})


def test_each_animation_moves_its_joints_and_keeps_the_feet() -> None:
    root = NodePath("people")
    p = Person(PersonLook.from_seed(3), root)
    p.apply()
    rest = hprs(p)
    soles = np.array(p.soles())
    assert np.allclose(soles[:, 2], 0.0, atol=0.01), "standing soles on the floor"

    p.phone(1.0)
    p.apply()
    phone = hprs(p)
    assert {"head", "upper_arm_l", "forearm_l", "upper_arm_r", "forearm_r"} <= moved(rest, phone)
    assert not moved(rest, phone) & {"thigh_l", "thigh_r", "pelvis"}
    assert phone["head"][1] < rest["head"][1] - 15.0, "looks down at the phone"
    assert np.allclose(np.array(p.soles()), soles, atol=1e-3)
    p.phone(0.0)

    p.arms_crossed(1.0)
    p.apply()
    crossed = hprs(p)
    assert {"forearm_l", "forearm_r", "upper_arm_l", "upper_arm_r"} <= moved(rest, crossed)
    left_hand = p.root.getRelativePoint(p.twist["l"], (0, 0, -p.body.forearm)).x
    right_hand = p.root.getRelativePoint(p.twist["r"], (0, 0, -p.body.forearm)).x
    assert left_hand > -0.05 and right_hand < 0.05, "the hands reach across the body"
    p.arms_crossed(0.0)

    p.nod(0.31)
    p.apply()
    assert moved(rest, hprs(p)) == {"head"}
    p.nod(0.0, 0.0)

    p.cough(0.5)
    p.apply()
    mouth = p.point("head", (0, 0.1, 0.02))
    hand = p.skeleton.getRelativePoint(p.twist["r"], (0, 0, -p.body.forearm - 0.05))
    assert math.dist(mouth, hand) < 0.2, "hand to the mouth"
    p.cough(None)

    heights = []
    for k in range(16):
        p.walk(k / 16)
        p.apply()
        heights.append(min(z for _, _, z in p.soles()))
    walking = hprs(p)
    assert {"thigh_l", "thigh_r", "shin_l", "shin_r"} <= moved(rest, walking)
    assert max(heights) < 0.03 and min(heights) > -0.03, "a foot stays on the ground"
    p.walk(None)
    p.apply()
    assert not moved(rest, hprs(p))
    root.removeNode()


def test_seated_people_stay_on_the_seat_and_keep_feet_down() -> None:
    root = NodePath("people")
    for seed in range(10):
        p = Person(PersonLook.from_seed(seed), root, pose="seated", seat_height=0.46)
        pelvis_z = p.nodes["pelvis"].getZ(p.skeleton)
        for t in (0.0, 0.7, 1.9):
            p.breathe(t)
            p.phone(0.8)
            p.cough(0.4)
            p.walk(0.3)  # ignored while seated
            p.look_at((1.0, 2.0, 1.2))
            p.apply()
            assert p.nodes["pelvis"].getZ(p.skeleton) == pytest.approx(pelvis_z)
            assert all(abs(z) < 0.05 for _, _, z in p.soles()), "feet on the floor"
        assert 0.46 < pelvis_z < 0.62
    root.removeNode()


def test_look_at_turns_toward_a_point_within_limits() -> None:
    root = NodePath("people")
    p = Person(PersonLook.from_seed(5), root)
    p.look_at((-2.0, 2.0, p._eye[2]))  # 45 deg to the left, at eye height
    p.apply()
    head = p.nodes["head"]
    fwd = p.skeleton.getRelativeVector(head, (0, 1, 0))
    assert math.degrees(math.atan2(-fwd.x, fwd.y)) == pytest.approx(45.0, abs=2.0)
    p.look_at((0.0, -3.0, 1.6))  # straight behind: limited
    p.apply()
    fwd = p.skeleton.getRelativeVector(head, (0, 1, 0))
    assert abs(math.degrees(math.atan2(-fwd.x, fwd.y))) <= 90.0
    # Smoothing: one short step covers only part of the way.
    q = Person(PersonLook.from_seed(6), root)
    q.look_at((-2.0, 2.0, 1.6), dt=1 / 90)
    assert 0.0 < q.state.yaw < 10.0
    root.removeNode()


def test_rendered_people_cover_the_view_and_leave_nothing(engine: Engine) -> None:
    assert engine.scene is not None
    engine.scene.root.hide()
    before = engine.base.render.countNumDescendants()
    stage = engine.scene_parent.attachNewNode("people-test")
    stage.setShader(lit_shader())
    amb = stage.attachNewNode(AmbientLight("amb"))
    amb.node().setColor((0.4, 0.4, 0.4, 1))
    sun = stage.attachNewNode(DirectionalLight("sun"))
    sun.setHpr(20, -30, 0)
    stage.setLight(amb)
    stage.setLight(sun)
    engine.head.setPos(0, 0, 1.2)
    engine.head.setHpr(0, -5, 0)
    engine.render_frame()
    empty = engine.capture().astype(np.int16)
    p = Person(PersonLook.from_seed(11), stage)
    p.root.setPos(0, 2.5, 0)
    p.root.setH(180)
    engine.render_frame()
    shot = engine.capture().astype(np.int16)
    changed = np.abs(shot - empty).max(axis=2) > 12
    share = changed.mean()
    assert 0.03 < share < 0.4, f"a person 2.5 m away covers {share:.1%} of the view"
    stage.removeNode()
    for i in range(20):
        q = Person(PersonLook.from_seed(i), engine.scene_parent, pose="seated")
        q.remove()
    engine.scene.root.show()
    assert engine.base.render.countNumDescendants() == before
    assert len(BONES) == 12


def test_faces_smile_frown_and_open() -> None:
    root = NodePath("people")
    p = Person(PersonLook.from_seed(8), root, pose="seated")
    k = p.body.head_k
    head = p.nodes["head"]

    def corners() -> float:
        middle = p.point("lip_ur", (0.0, 0.0, 0.0), head).z
        right = p.point("lip_ur", (0.022 * k, 0.0, 0.0), head).z
        left = p.point("lip_ul", (-0.022 * k, 0.0, 0.0), head).z
        return (left + right) / 2 - middle

    def inner_brows() -> float:
        return p.point("brow_l", (0.01, 0.0, 0.0), head).z

    p.apply()
    rest_corners, rest_brows = corners(), inner_brows()
    mouth_rest = p.nodes["mouth"].getSz()
    assert abs(rest_corners) < 1e-4 and mouth_rest < 0.05, "a closed, straight mouth at rest"
    p.expression(1.0)
    p.apply()
    assert corners() > 0.004, "a smile lifts the corners"
    assert p.nodes["mouth"].getSz() > mouth_rest, "and parts the lips on the teeth"
    p.expression(-1.0)
    p.apply()
    assert corners() < -0.005, "a frown drops them"
    assert inner_brows() < rest_brows - 0.003, "and knits the brows"
    p.expression(0.0)
    p.yawn(0.5)
    p.apply()
    lower = p.nodes["lip_ll"].getZ()
    assert p.nodes["mouth"].getSz() > 0.9 and lower < p._pivots["lip_ll"][2] - 0.01
    assert p.nodes["head"].getP() > 5.0, "the head tips back in a yawn"
    p.yawn(None)
    p.laugh(0.3)
    p.apply()
    assert p.nodes["mouth"].getSz() > 0.4 and corners() > 0.004
    p.laugh(0.0, 0.0)
    p.apply()
    assert abs(corners()) < 1e-4 and p.nodes["mouth"].getSz() < 0.05
    # Far people keep a posable face when the scene asks (rigid legs only).
    far = Person(PersonLook.from_seed(9), root, pose="seated", detail="far", rigid=LEGS)
    far.expression(1.0)
    far.apply()
    assert far.triangle_count() <= MAX_TRIANGLES_FAR
    root.removeNode()


def test_clap_check_time_raise_hand_and_whisper() -> None:
    root = NodePath("people")
    p = Person(PersonLook.from_seed(4), root, pose="seated")

    def hands() -> float:
        left = p.point("forearm_l", (0.0, 0.0, -p.body.forearm - 0.06))
        right = p.point("forearm_r", (0.0, 0.0, -p.body.forearm - 0.06))
        return float((left - right).length())

    gaps = []
    for i in range(12):
        p.clap(i / 40.0)
        p.apply()
        gaps.append(hands())
    assert min(gaps) < 0.04 and max(gaps) > 0.15, "the palms meet and part"
    p.clap(0.0, 0.0)
    p.check_time(1.0)
    p.apply()
    wrist = p.point("forearm_l", (0.0, 0.0, -p.body.forearm))
    eye = Point3(*p._eye)
    assert (wrist - eye).length() < 0.4 and wrist.z > p.pelvis_z + 0.3, "the watch before the eyes"
    assert p.nodes["head"].getP() < -15.0, "looking down at it"
    p.check_time(0.0)
    p.raise_hand(1.0)
    p.apply()
    assert p.point("forearm_r", (0.0, 0.0, -p.body.forearm)).z > p._eye[2] + 0.1
    p.raise_hand(0.0)
    p.whisper(1.0)
    p.apply()
    assert abs(p.nodes["chest"].getR()) > 5.0, "leaning toward the neighbour"
    root.removeNode()


def test_the_same_person_built_again_shares_its_mesh() -> None:
    root = NodePath("people")
    a = Person(PersonLook.from_seed(21), root, pose="seated")
    b = Person(PersonLook.from_seed(21), root, pose="seated")
    c = Person(PersonLook.from_seed(21), root, pose="seated", detail="far")
    vertices = [p.geom_nodes[0].getGeom(0).getVertexData().getArray(0) for p in (a, b)]
    assert vertices[0] == vertices[1], "one vertex array for both"
    assert a.triangle_count() == b.triangle_count() > c.triangle_count()
    a.look_at((1.0, 2.0, 1.0))
    a.apply()
    assert b.nodes["head"].getH() == 0.0, "each keeps its own bones"
    root.removeNode()


@pytest.mark.parametrize("sleeve", [None, (0.2, 0.3, 0.4, 1.0)])
def test_hands_share_their_shape_and_take_the_callers_colours(
    sleeve: tuple[float, float, float, float] | None,
) -> None:
    """A hand is built once per kind and copied: same geometry for any skin,
    every vertex in the caller's skin, sleeve or the nails' fixed colour."""
    dark, light = (0.35, 0.22, 0.15, 1.0), (0.92, 0.76, 0.66, 1.0)
    a = hand_builder(right=True, skin=dark, sleeve=sleeve)
    b = hand_builder(right=True, skin=light, sleeve=sleeve)
    va, vb = np.vstack(a._verts), np.vstack(b._verts)
    assert va.shape == vb.shape and np.array_equal(va[:, :6], vb[:, :6])
    allowed_a = {dark, (0.84, 0.70, 0.66, 1.0)} | ({sleeve} if sleeve else set())
    colours_a = {tuple(round(float(c), 4) for c in row) for row in va[:, 6:10]}
    assert colours_a <= {tuple(round(c, 4) for c in col) for col in allowed_a}
    assert tuple(round(float(c), 4) for c in vb[0, 6:10]) == tuple(round(c, 4) for c in light)
    # Copies: changing one hand's rows leaves the next hand alone.
    a._verts[0][:, 0] += 1.0
    c = hand_builder(right=True, skin=dark, sleeve=sleeve)
    assert np.array_equal(np.vstack(c._verts)[:, :6], vb[:, :6])
