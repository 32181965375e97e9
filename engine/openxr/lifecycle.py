"""The OpenXR session's life, as a pure state machine fed the runtime's events.

The runtime moves the session through its states (``XrSessionState``; the
values here are the specification's numbers) and the application must answer
some of them: begin the session when it is READY, end it when it is
STOPPING, destroy everything on EXITING or LOSS_PENDING. In between, the
frame loop (wait, begin, end frame) runs while the session is begun; images
are drawn only while it is VISIBLE or FOCUSED; controller input reaches the
application only while FOCUSED.

:class:`SessionLifecycle` decides; the caller (``runtime.py``) carries out
the :class:`Action` values it returns and logs the transitions. The engine's
own wish to quit is :meth:`SessionLifecycle.request_exit`: a running
session is asked to stop (``xrRequestExitSession``) and ends through the
same STOPPING, IDLE, EXITING path, so the runtime sees a clean exit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class SessionState(enum.IntEnum):
    """``XrSessionState``."""

    UNKNOWN = 0
    IDLE = 1
    READY = 2
    SYNCHRONIZED = 3
    VISIBLE = 4
    FOCUSED = 5
    STOPPING = 6
    LOSS_PENDING = 7
    EXITING = 8


class Action(enum.Enum):
    BEGIN_SESSION = "begin_session"
    END_SESSION = "end_session"
    REQUEST_EXIT = "request_exit"
    """``xrRequestExitSession``: the runtime will move the session to STOPPING."""
    DESTROY = "destroy"
    """Leave the frame loop for good: the engine stops and destroys the session."""


class Ending(enum.Enum):
    """Why the session is over (``SessionLifecycle.ending``)."""

    APP_EXIT = "app_exit"
    """The engine asked to quit and the runtime let the session go."""
    RUNTIME_EXIT = "runtime_exit"
    """The runtime ended it (the user quit from the headset's menu, the
    runtime is shutting down)."""
    SESSION_LOST = "session_lost"
    """LOSS_PENDING: the session cannot go on (headset unplugged, runtime crash)."""
    INSTANCE_LOST = "instance_lost"
    """The runtime is going away (``XrEventDataInstanceLossPending``)."""


RENDER_STATES = frozenset({SessionState.VISIBLE, SessionState.FOCUSED})
RUNNING_STATES = frozenset(
    {SessionState.READY, SessionState.SYNCHRONIZED, SessionState.VISIBLE, SessionState.FOCUSED}
)


@dataclass(slots=True)
class SessionLifecycle:
    state: SessionState = SessionState.UNKNOWN
    running: bool = False
    """Between xrBeginSession and xrEndSession: the frame loop must run."""
    exit_requested: bool = False
    ending: Ending | None = None
    """Set once the session is over for good; the engine loop ends."""
    history: list[SessionState] = field(default_factory=list)
    """Every state entered, in order (for the log and the tests)."""

    # -- what the caller asks ----------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def frame_loop(self) -> bool:
        """Run xrWaitFrame / xrBeginFrame / xrEndFrame this frame."""
        return self.running and not self.finished

    @property
    def should_render(self) -> bool:
        """The runtime shows our images (VISIBLE or FOCUSED); FrameState's
        ``should_render`` has the last word for each frame."""
        return self.frame_loop and self.state in RENDER_STATES

    @property
    def focused(self) -> bool:
        """Controller input reaches us."""
        return self.frame_loop and self.state == SessionState.FOCUSED

    # -- what the runtime says ---------------------------------------------------------
    def on_state(self, new: SessionState | int) -> list[Action]:
        """The runtime's ``XrEventDataSessionStateChanged``."""
        new = SessionState(new)
        self.state = new
        self.history.append(new)
        if self.finished:
            return []
        if new == SessionState.READY:
            if self.exit_requested:
                # Quit before the session ever began: nothing to stop.
                self.ending = Ending.APP_EXIT
                return [Action.DESTROY]
            self.running = True
            return [Action.BEGIN_SESSION]
        if new == SessionState.STOPPING:
            actions = [Action.END_SESSION] if self.running else []
            self.running = False
            return actions
        if new == SessionState.IDLE and self.exit_requested and not self.running:
            # Ended at our request: an IDLE session may be destroyed (EXITING
            # would follow, but nothing is left to wait for).
            self.ending = Ending.APP_EXIT
            return [Action.DESTROY]
        if new == SessionState.EXITING:
            self.ending = Ending.APP_EXIT if self.exit_requested else Ending.RUNTIME_EXIT
            return self._end_then_destroy()
        if new == SessionState.LOSS_PENDING:
            self.ending = Ending.SESSION_LOST
            return self._end_then_destroy()
        return []

    def on_instance_loss_pending(self) -> list[Action]:
        """The runtime's ``XrEventDataInstanceLossPending``."""
        if self.finished:
            return []
        self.ending = Ending.INSTANCE_LOST
        return self._end_then_destroy()

    # -- what the engine wants ---------------------------------------------------------
    def request_exit(self) -> list[Action]:
        """The engine is quitting. A running session is asked to stop (and
        :meth:`on_state` finishes the job); one that never began is done."""
        if self.finished:
            return []
        if self.exit_requested:
            return []
        self.exit_requested = True
        if self.running and self.state != SessionState.STOPPING:
            return [Action.REQUEST_EXIT]
        self.ending = Ending.APP_EXIT
        return [Action.DESTROY]

    def abandon(self) -> list[Action]:
        """The runtime would not stop the session when asked: end it ourselves."""
        if self.finished:
            return []
        self.ending = Ending.APP_EXIT
        return self._end_then_destroy()

    def _end_then_destroy(self) -> list[Action]:
        actions = [Action.END_SESSION] if self.running else []
        self.running = False
        return [*actions, Action.DESTROY]
