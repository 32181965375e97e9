"""The public speaking scene, built and run for real offscreen (EGL / llvmpipe).

One engine for the module; ``load_scene`` between tests (people's meshes are
cached after the first build, so later loads are quick). Most checks read
the scene's state and the people's bones; the few pictures are 320x180.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from panda3d.core import Vec3

from palier.engine.app import Engine
from palier.engine.shots import aim_head
from palier.scenes.people import Person
from palier.scenes.public_speaking import sounds
from palier.scenes.public_speaking.declaration import DECLARATION, QUESTIONS
from palier.scenes.public_speaking.room import HALL, MEETING, PER_ROW, ROWS
from palier.scenes.public_speaking.scene import PublicSpeakingScene
from palier.scenes.public_speaking.speech import LINES
from palier.scenes.sound import RATE

SIZE = (320, 180)
PACKAGE = Path(__file__).resolve().parents[2] / "scenes" / "public_speaking"
CALM = {"attitude": "neutral", "attention": "attentive"}

pytestmark = pytest.mark.offscreen_engine(scene="spiders", size=SIZE)


def load(engine: Engine, **values: object) -> PublicSpeakingScene:
    scene = engine.load_scene("public_speaking", values)
    assert isinstance(scene, PublicSpeakingScene)
    return scene


def gaze_error(scene: PublicSpeakingScene, person: Person, target: Vec3) -> float:
    """Degrees between where ``person``'s face points and the direction from
    their eyes to ``target`` (scene root coordinates)."""
    root = scene.root
    eye = root.getRelativePoint(person.root, person.point("head", (0.0, 0.09, 0.07)))
    face = root.getRelativeVector(
        person.root, person.skeleton.getRelativeVector(person.nodes["head"], Vec3(0, 1, 0))
    )
    want = target - eye
    cos = face.normalized().dot(want.normalized())
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def head_in_root(engine: Engine, scene: PublicSpeakingScene) -> Vec3:
    return Vec3(engine.head.getPos(scene.root))


def test_heads_follow_the_head_anchor(engine: Engine) -> None:
    """Attentive: every listener's head faces the head anchor within a few
    degrees a moment after it moves, in both rooms."""
    for room in ("lecture_hall", "meeting_room"):
        scene = load(engine, audience=50, room=room, **CALM)
        for pos in ((0.0, 0.0, 1.65), (0.6, 0.3, 1.5), (-0.5, -0.2, 1.75)):
            engine.head.setPos(*pos)
            engine.simulate(2.0)
            target = head_in_root(engine, scene)
            heads = scene.audience_heads()
            assert len(heads) == 50
            worst = max(gaze_error(scene, p, target) for p, _ in heads)
            assert worst < 5.0, f"{room}, head at {pos}: a listener looks {worst:.1f} deg off"
    engine.head.setPos(0.0, 0.0, 1.2)


def test_the_scene_never_moves_the_head_anchor(engine: Engine) -> None:
    engine.head.setPosHpr(0.1, -0.2, 1.6, 10.0, -5.0, 0.0)
    before = engine.head.getMat(engine.base.render)
    scene = load(engine, **DECLARATION.most_intense())
    for event in DECLARATION.events:
        scene.fire(event.name)
    engine.simulate(3.0)
    assert engine.head.getMat(engine.base.render).almostEqual(before, 1e-5)
    engine.head.setPosHpr(0.0, 0.0, 1.2, 0.0, 0.0, 0.0)


def test_seats_fill_from_the_front_middle_first(engine: Engine) -> None:
    for layout in (MEETING, HALL):
        seats = layout.seats()
        assert len(seats) == ROWS * PER_ROW
        ys = [y for _, y, _ in seats]
        assert ys == sorted(ys), "each row is full before the next one starts"
        row = seats[:PER_ROW]
        assert [abs(x) for x, _, _ in row] == sorted(abs(x) for x, _, _ in row)
    assert [z for _, _, z in HALL.seats()][::PER_ROW] == sorted(set(z for _, _, z in HALL.seats()))
    scene = load(engine, audience=12, **CALM)
    engine.simulate(0.2)
    shown = [m for m in scene.members if m.shown]
    assert len(shown) == 12 and {m.index for m in shown} == set(range(12))
    scene.set_params({"audience": 3}, ramp_s=0.0)
    engine.simulate(0.1)
    assert len(scene.audience_heads()) == 3
    scene.set_params({"audience": 0}, ramp_s=0.0)
    engine.simulate(0.1)
    assert scene.audience_heads() == []
    for event in DECLARATION.events:  # nobody to do it: nothing breaks
        scene.fire(event.name)
    engine.simulate(1.0)


def test_more_attention_means_more_eyes_on_the_speaker(engine: Engine) -> None:
    looking = []
    for attention in ("distracted", "mixed", "attentive"):
        scene = load(engine, audience=50, attention=attention, attitude="neutral")
        engine.head.setPos(0.0, 0.0, 1.6)
        engine.simulate(2.5)
        target = head_in_root(engine, scene)
        looking.append(sum(gaze_error(scene, p, target) < 8.0 for p, _ in scene.audience_heads()))
        phones = sum(not m.person.phone_node.isHidden() for m in scene.members)
        if attention == "attentive":
            assert phones == 0
        else:
            assert phones > 0, f"{attention}: somebody is on their phone"
    engine.head.setPos(0.0, 0.0, 1.2)
    assert looking[0] < looking[1] < looking[2] == 50, looking


def mouth_corners(person: Person) -> float:
    """Height of the mouth's corners above its middle (metres, head frame)."""
    k = person.body.head_k
    head = person.nodes["head"]
    middle = person.point("lip_ur", (0.0, 0.0, 0.0), head).z
    right = person.point("lip_ur", (0.022 * k, 0.0, 0.0), head).z
    left = person.point("lip_ul", (-0.022 * k, 0.0, 0.0), head).z
    return (left + right) / 2 - middle


def test_attitude_shows_on_faces_and_arms(engine: Engine) -> None:
    corners = {}
    crossed = {}
    for attitude in ("warm", "neutral", "cold"):
        scene = load(engine, audience=30, attention="attentive", attitude=attitude)
        engine.simulate(3.0)
        people = [p for p, _ in scene.audience_heads()]
        corners[attitude] = float(np.median([mouth_corners(p) for p in people]))
        crossed[attitude] = sum(p.state.crossed > 0.9 for p in people)
    assert corners["warm"] > 0.003 > abs(corners["neutral"])
    assert corners["cold"] < -0.004
    assert crossed["warm"] == crossed["neutral"] == 0 < crossed["cold"]
    # Cold: over half a minute somebody yawns (mouth open, head back) and
    # somebody looks at the watch.
    yawned = watched = False
    for _ in range(30):
        engine.simulate(1.0)
        yawned |= any(m.person.state.yawn > 0.5 for m in scene.members if m.shown)
        watched |= any(m.person.state.watch > 0.5 for m in scene.members if m.shown)
    assert yawned and watched


def test_walk_out_leaves_by_the_door_and_comes_back(engine: Engine) -> None:
    scene = load(engine, audience=20, **CALM)
    engine.simulate(0.5)
    scene.fire("walk_out")
    engine.simulate(0.5)
    assert scene._walk is not None
    seat = scene._walk[0]
    walker = scene.walkers[seat]
    sitter = scene.members[seat].person
    assert sitter.root.isHidden() and not walker.root.isHidden()
    start = walker.root.getPos(scene.root)
    engine.simulate(4.0)
    moved = walker.root.getPos(scene.root)
    assert (moved - start).length() > 3.0, "walking at about a metre a second"
    door_y, door_x = MEETING.door
    last = moved
    for _ in range(16):
        engine.simulate(0.25)
        if walker.root.isHidden():
            break
        last = walker.root.getPos(scene.root)
    assert walker.root.isHidden(), "gone through the door"
    assert math.hypot(last.x - door_x, last.y - door_y) < 1.0, "by the door"
    engine.simulate(DECLARATION.event("walk_out").duration_s)
    assert not sitter.root.isHidden() and walker.root.isHidden(), "back in the seat"


def test_question_raises_a_hand_then_speaks(engine: Engine) -> None:
    scene = load(engine, audience=20, **CALM)
    engine.simulate(0.3)
    scene.fire("question")
    engine.simulate(1.5)
    asker = scene.members[scene._who["question"]].person
    hand = asker.point("forearm_r", (0.0, 0.0, -asker.body.forearm))
    assert hand.z > asker.point("head").z + 0.1, "the hand is up above the head"
    opened = []
    for _ in range(20):
        engine.simulate(0.1)
        opened.append(asker.state.mouth)
    assert max(opened) > 0.2, "the asker's mouth moves as they speak"
    engine.simulate(DECLARATION.event("question").duration_s)
    assert asker.state.hand == 0.0


def test_applause_and_laughter_move_the_audience(engine: Engine) -> None:
    scene = load(engine, audience=20, **CALM)
    engine.simulate(0.3)
    scene.fire("applause")
    gaps = []
    p = scene.members[0].person
    for _ in range(90):
        engine.simulate(1 / 90)
        left = p.point("forearm_l", (0.0, 0.0, -p.body.forearm - 0.06))
        right = p.point("forearm_r", (0.0, 0.0, -p.body.forearm - 0.06))
        gaps.append((left - right).length())
    assert min(gaps) < 0.07 < 0.15 < max(gaps), "the hands meet and part"
    engine.simulate(5.0)
    scene.fire("laughter")
    engine.simulate(1.0)
    laughing = [m for m in scene.members if m.shown and m.person.state.laugh > 0.5]
    assert len(laughing) >= 5
    assert all(m.person.state.mouth == 0.0 for m in laughing)  # the laugh opens it, not speech


def test_countdown_shows_the_time_left_and_turns_red(engine: Engine) -> None:
    scene = load(engine, audience=3, timer=True, timer_minutes=2, **CALM)
    engine.simulate(1.0)
    clocks = scene.props.clocks
    assert all(not c.isHidden() for c in clocks)

    def shown() -> str:
        out = ""
        for cards in scene.props.digits[1]:
            on = [d for d, card in enumerate(cards) if not card.isHidden()]
            out += str(on[0]) if on else "-"
        return out

    def expected() -> str:
        assert scene._timer_t0 is not None
        left = math.ceil(120 - (scene.time - scene._timer_t0))
        return f"{left // 60:02d}{left % 60:02d}"

    assert shown() == expected() and shown() in ("0200", "0159")
    engine.simulate(61.5)
    assert shown() == expected() and shown().startswith("00")
    assert clocks[1].getColorScale()[1] < 0.5, "red in the last minute"
    scene.set_params({"timer": False}, ramp_s=0.0)
    engine.simulate(0.1)
    assert all(c.isHidden() for c in clocks)


def test_spotlight_camera_and_room_change_the_picture(engine: Engine) -> None:
    def picture(**values: object) -> np.ndarray:
        scene = load(engine, audience=20, **CALM, **values)
        engine.simulate(0.5)
        aim_head(engine, scene.focus_point())
        engine.render_frame()
        return engine.capture().astype(np.int16)

    plain = picture()
    lit = picture(spotlight=1.0)
    assert lit.mean() < plain.mean() - 5, "the room dims under the spotlight"
    scene = engine.scene
    assert isinstance(scene, PublicSpeakingScene)
    assert not scene.props.stage_lamp.isHidden()
    filmed = picture(camera=True)
    assert np.abs(filmed - plain).mean() > 0.3
    hall = picture(room="lecture_hall")
    assert np.abs(hall - plain).mean() > 10


def test_parameters_grade_one_way() -> None:
    least, most = DECLARATION.least_intense(), DECLARATION.most_intense()
    assert least["audience"] == 0 and most["audience"] == 50
    assert most["attention"] == "attentive" and most["attitude"] == "cold"
    assert most["room"] == "lecture_hall" and most["timer"] is True
    assert most["timer_minutes"] == 1
    for spec in DECLARATION.params:
        assert spec.help is None or str(spec.help)
        assert str(spec.label)


def test_every_question_is_a_spoken_line() -> None:
    """The question event asks these in turn; tests/scenes/test_speech.py
    checks their recordings."""
    assert LINES.names() == list(QUESTIONS)
    assert LINES.chain == "room"
    assert {LINES.voice_of(q) for q in QUESTIONS} == {"male", "female"}
    folder = (PACKAGE / "speech").resolve()
    assert all(LINES.recording(q, "fr").parent.resolve() == folder for q in QUESTIONS)


def test_synthesised_sounds() -> None:
    room = sounds.room_tone(3)
    assert len(room) == 8 * RATE
    assert abs(float(room[0]) - float(room[-1])) < 0.05, "the room tone loops without a click"
    for clip, low, high in (
        (sounds.cough(3), 0.5, 1.7),
        (sounds.ringtone(), 3.0, 4.0),
        (sounds.applause(3), 4.5, 5.5),
        (sounds.laughter(3), 3.0, 4.0),
    ):
        assert low * RATE <= len(clip) <= high * RATE
        assert 0.3 < float(np.max(np.abs(clip))) <= 1.0
        assert abs(float(clip[0])) < 0.02 and abs(float(clip[-1])) < 0.02, "faded in and out"
    assert np.array_equal(sounds.cough(3), sounds.cough(3))
    assert not np.array_equal(sounds.cough(3), sounds.cough(4))
    # Applause is dense (many clappers): most 50 ms windows hold a clap.
    clap = np.abs(sounds.applause(3))
    win = int(0.05 * RATE)
    windows = clap[: len(clap) // win * win].reshape(-1, win).max(axis=1)
    assert float((windows > 0.05).mean()) > 0.6
