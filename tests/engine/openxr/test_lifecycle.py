"""The session state machine fed scripted event sequences, as a runtime sends them."""

from __future__ import annotations

import pytest

from palier.engine.openxr.lifecycle import Action, Ending, SessionLifecycle, SessionState

S = SessionState
A = Action


def feed(life: SessionLifecycle, *states: SessionState) -> list[Action]:
    actions: list[Action] = []
    for state in states:
        actions += life.on_state(state)
    return actions


def test_normal_start_and_quit_at_the_engines_request() -> None:
    life = SessionLifecycle()
    assert feed(life, S.IDLE) == []
    assert not life.frame_loop
    assert feed(life, S.READY) == [A.BEGIN_SESSION]
    assert life.frame_loop and not life.should_render
    feed(life, S.SYNCHRONIZED)
    assert life.frame_loop and not life.should_render  # frames, but none shown: draw nothing
    feed(life, S.VISIBLE)
    assert life.should_render and not life.focused
    feed(life, S.FOCUSED)
    assert life.should_render and life.focused
    # The engine quits (Esc, --frames done, Ctrl+C): ask the runtime to stop.
    assert life.request_exit() == [A.REQUEST_EXIT]
    assert life.request_exit() == []  # asked once
    assert not life.finished and life.frame_loop  # frames go on until STOPPING
    assert feed(life, S.VISIBLE, S.SYNCHRONIZED) == []
    assert feed(life, S.STOPPING) == [A.END_SESSION]
    assert not life.frame_loop
    assert feed(life, S.IDLE) == [A.DESTROY]
    assert life.finished and life.ending == Ending.APP_EXIT
    assert feed(life, S.EXITING) == []  # nothing more to do
    assert life.history == [
        S.IDLE, S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED,
        S.VISIBLE, S.SYNCHRONIZED, S.STOPPING, S.IDLE, S.EXITING,
    ]  # fmt: skip


def test_focus_lost_and_regained() -> None:
    # The headset's system menu opens over the scene: VISIBLE (still drawn,
    # no controller input), then back.
    life = SessionLifecycle()
    feed(life, S.IDLE, S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED)
    feed(life, S.VISIBLE)
    assert life.should_render and not life.focused
    feed(life, S.SYNCHRONIZED)  # headset taken off: nothing shown, keep the loop
    assert life.frame_loop and not life.should_render
    feed(life, S.VISIBLE, S.FOCUSED)
    assert life.focused and not life.finished


def test_loss_pending_ends_the_session_and_the_engine() -> None:
    life = SessionLifecycle()
    feed(life, S.IDLE, S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED)
    assert feed(life, S.LOSS_PENDING) == [A.END_SESSION, A.DESTROY]
    assert life.finished and life.ending == Ending.SESSION_LOST
    assert not life.frame_loop and not life.should_render
    assert life.request_exit() == []


def test_the_runtime_asks_to_exit_while_synchronized() -> None:
    # The user quits from the headset's own menu while the headset is off the face.
    life = SessionLifecycle()
    feed(life, S.IDLE, S.READY, S.SYNCHRONIZED)
    assert feed(life, S.STOPPING) == [A.END_SESSION]
    assert feed(life, S.IDLE) == []  # not asked by us: wait for what comes next
    assert not life.finished
    assert feed(life, S.EXITING) == [A.DESTROY]
    assert life.ending == Ending.RUNTIME_EXIT


def test_exiting_without_stopping_first_still_ends_the_session() -> None:
    life = SessionLifecycle()
    feed(life, S.IDLE, S.READY, S.SYNCHRONIZED)
    assert feed(life, S.EXITING) == [A.END_SESSION, A.DESTROY]


def test_stopped_by_the_runtime_then_ready_again_recovers() -> None:
    # Another application took the headset, then gave it back.
    life = SessionLifecycle()
    feed(life, S.IDLE, S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED)
    assert feed(life, S.VISIBLE, S.SYNCHRONIZED, S.STOPPING) == [A.END_SESSION]
    assert feed(life, S.IDLE) == []
    assert not life.frame_loop and not life.finished
    assert feed(life, S.READY) == [A.BEGIN_SESSION]
    feed(life, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED)
    assert life.focused


def test_quit_before_the_session_was_ready() -> None:
    life = SessionLifecycle()
    feed(life, S.IDLE)
    assert life.request_exit() == [A.DESTROY]
    assert life.finished and life.ending == Ending.APP_EXIT
    assert feed(life, S.READY) == []  # never begun


def test_quit_requested_while_idle_between_runs() -> None:
    life = SessionLifecycle()
    feed(life, S.IDLE, S.READY, S.SYNCHRONIZED, S.STOPPING, S.IDLE)
    assert life.request_exit() == [A.DESTROY]
    assert life.finished


def test_instance_loss_pending() -> None:
    life = SessionLifecycle()
    feed(life, S.IDLE, S.READY, S.SYNCHRONIZED, S.VISIBLE)
    assert life.on_instance_loss_pending() == [A.END_SESSION, A.DESTROY]
    assert life.ending == Ending.INSTANCE_LOST
    assert life.on_instance_loss_pending() == []


def test_a_runtime_that_does_not_stop_when_asked_is_abandoned() -> None:
    life = SessionLifecycle()
    feed(life, S.IDLE, S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED)
    life.request_exit()
    assert life.abandon() == [A.END_SESSION, A.DESTROY]
    assert life.finished and not life.running
    assert life.abandon() == []


def test_state_values_are_the_specifications() -> None:
    xr = pytest.importorskip("xr")
    for state in SessionState:
        assert int(getattr(xr.SessionState, state.name)) == state.value
