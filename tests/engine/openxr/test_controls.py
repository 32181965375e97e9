"""Controller state -> patient inputs, with a fake clock: confirm, adjust with
repeat, touchpads, and the stop gesture (both grips held for one second)."""

from __future__ import annotations

import pytest

from palier.engine.openxr.controls import (
    REPEAT_DELAY_S,
    REPEAT_EVERY_S,
    STOP_HOLD_S,
    ControllerFrame,
    HandState,
    PatientControls,
)

IDLE = HandState(active=True)


def hand(**state: object) -> HandState:
    return HandState(active=True, **state)  # type: ignore[arg-type]


def run(
    controls: PatientControls,
    t0: float,
    t1: float,
    left: HandState = IDLE,
    right: HandState = IDLE,
    dt: float = 1 / 90,
    touchpad: bool = False,
) -> list[tuple[float, str, float]]:
    """Frames from t0 (included) to t1 (excluded) at 90 Hz; (t, kind, value) sent."""
    out = []
    n = round((t1 - t0) / dt)
    for i in range(n):
        t = t0 + i * dt
        for kind, value in controls.update(ControllerFrame(t, left, right, touchpad)):
            out.append((t, kind, value))
    return out


def test_trigger_confirms_once_per_press() -> None:
    c = PatientControls()
    sent = run(c, 0.0, 0.5, right=hand(select=True))
    assert [(k, v) for _t, k, v in sent] == [("confirm", 1.0)]
    assert run(c, 0.5, 0.6) == []
    assert [k for _t, k, _v in run(c, 0.6, 0.7, left=hand(select=True))] == ["confirm"]


def test_stick_moves_once_then_repeats_while_held() -> None:
    c = PatientControls()
    sent = run(c, 0.0, 1.0, right=hand(stick=(0.9, 0.1)))
    times = [t for t, k, v in sent if (k, v) == ("adjust", 1.0)]
    assert len(times) == len(sent)
    assert times[0] == 0.0
    assert times[1] == pytest.approx(REPEAT_DELAY_S, abs=1 / 90)
    assert times[2] - times[1] == pytest.approx(REPEAT_EVERY_S, abs=1 / 90)
    # Back to rest, then left: one step the other way at once.
    assert run(c, 1.0, 1.1) == []
    sent = run(c, 1.1, 1.2, left=hand(stick=(-0.7, 0.0)))
    assert [(k, v) for _t, k, v in sent] == [("adjust", -1.0)]


def test_stick_hysteresis_and_dead_zone() -> None:
    c = PatientControls()
    assert run(c, 0.0, 0.5, right=hand(stick=(0.5, 0.0))) == []  # under STICK_ON
    assert len(run(c, 0.5, 0.52, right=hand(stick=(0.65, 0.0)))) == 1
    # Easing back to 0.4 keeps it held (above STICK_OFF): no new step from a wobble.
    assert run(c, 0.52, 0.6, right=hand(stick=(0.4, 0.0))) == []
    assert len(run(c, 0.6, 0.62, right=hand(stick=(0.7, 0.0)))) == 0  # still the same hold


def test_touchpad_moves_a_rating_only_while_pressed() -> None:
    c = PatientControls()
    resting_thumb = hand(stick=(0.9, 0.0))
    assert run(c, 0.0, 0.5, right=resting_thumb, touchpad=True) == []
    sent = run(c, 0.5, 0.6, right=hand(stick=(0.9, 0.0), stick_click=True), touchpad=True)
    assert [(k, v) for _t, k, v in sent] == [("adjust", 1.0)]


def test_both_grips_held_for_a_second_stop_once() -> None:
    c = PatientControls()
    grip = hand(squeeze=1.0)
    sent = run(c, 0.0, 3.0, left=grip, right=grip)
    assert [(k, v) for _t, k, v in sent] == [("stop", 1.0)]
    assert sent[0][0] == pytest.approx(STOP_HOLD_S, abs=1 / 90)
    assert sent[0][0] >= STOP_HOLD_S - 1e-9
    # Let one go and grip again: another full second before the next stop.
    assert run(c, 3.0, 3.1, left=grip) == []
    sent = run(c, 3.1, 5.0, left=grip, right=grip)
    assert [k for _t, k, _v in sent] == ["stop"]
    assert sent[0][0] == pytest.approx(3.1 + STOP_HOLD_S, abs=1 / 90)


def test_letting_go_before_the_second_cancels_the_stop() -> None:
    c = PatientControls()
    grip = hand(squeeze=0.9)
    assert run(c, 0.0, 0.9, left=grip, right=grip) == []
    assert run(c, 0.9, 1.0, left=grip) == []  # right hand released at 0.9 s
    assert run(c, 1.0, 1.9, left=grip, right=grip) == []  # 0.9 s again: not yet
    assert [k for _t, k, _v in run(c, 1.9, 2.2, left=grip, right=grip)] == ["stop"]


def test_one_grip_never_stops() -> None:
    c = PatientControls()
    assert run(c, 0.0, 5.0, left=hand(squeeze=1.0)) == []


def test_grip_hysteresis() -> None:
    c = PatientControls()
    firm, loose = hand(squeeze=0.8), hand(squeeze=0.55)
    run(c, 0.0, 0.5, left=firm, right=firm)
    # Loosened to 0.55 (under GRIP_ON, above GRIP_OFF): still held, the second completes.
    assert [k for _t, k, _v in run(c, 0.5, 1.2, left=loose, right=loose)] == ["stop"]
    c2 = PatientControls()
    assert run(c2, 0.0, 2.0, left=loose, right=loose) == []  # never firm enough to start


def test_inactive_controllers_send_nothing() -> None:
    c = PatientControls()
    ghost = HandState(active=False, select=True, squeeze=1.0, stick=(1.0, 0.0))
    assert run(c, 0.0, 2.0, left=ghost, right=ghost) == []


def test_reset_forgets_what_was_held() -> None:
    c = PatientControls()
    grip = hand(squeeze=1.0)
    run(c, 0.0, 0.8, left=grip, right=grip)
    c.reset()  # focus lost for a moment
    assert run(c, 0.8, 1.5, left=grip, right=grip) == []  # the hold starts again at 0.8
    assert [k for _t, k, _v in run(c, 1.5, 2.0, left=grip, right=grip)] == ["stop"]


def test_the_desktop_sends_the_same_kinds_of_input() -> None:
    # Scenes and panels see the same inputs whichever backend runs: every
    # kind the controllers send, the desktop's mouse and keys send too.
    from palier.engine.backends import DESKTOP_PATIENT_KEYS

    c = PatientControls()
    grip = hand(squeeze=1.0)
    sent = {k for _t, k, _v in run(c, 0.0, 0.2, right=hand(select=True, stick=(1.0, 0.0)))}
    sent |= {k for _t, k, _v in run(c, 0.2, 1.5, left=grip, right=grip)}
    assert sent == {"confirm", "adjust", "stop"}
    assert sent <= {kind for kind, _value in DESKTOP_PATIENT_KEYS.values()}
