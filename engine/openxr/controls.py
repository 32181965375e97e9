"""Controller state -> the patient's inputs, the same kinds the desktop sends.

Each frame the runtime bridge reads both controllers into a
:class:`ControllerFrame` and :meth:`PatientControls.update` turns it into
patient inputs (``DisplayBackend.emit``):

* ``confirm``: the trigger pressed (either hand);
* ``adjust`` -1 / +1: the thumbstick pushed left or right past
  :data:`STICK_ON` (either hand), once, then repeated while held, like a
  key held down on the desktop; on a touchpad, only while it is pressed;
* ``stop``: **both grips held for** :data:`STOP_HOLD_S` **seconds**, sent
  once; it can be sent again only after a grip was let go. Two hands on
  purpose: a hand resting on one grip, or a stumble, cannot stop a session,
  and the gesture needs no sight of the controllers.

The desktop backend sends the same kinds from the mouse and keys (Enter or a
click: confirm; arrows or the wheel: adjust; Backspace: stop), so scenes and
panels behave the same in both. Time comes from the caller (the engine's
clock), so the tests drive it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STOP_HOLD_S = 1.0
"""How long both grips must be held for a patient stop."""
GRIP_ON, GRIP_OFF = 0.75, 0.5
"""A grip counts as held from GRIP_ON and let go below GRIP_OFF (hysteresis:
a grip held near one threshold does not flicker)."""
STICK_ON, STICK_OFF = 0.6, 0.35
"""A thumbstick counts as pushed sideways past STICK_ON, back at rest below STICK_OFF."""
REPEAT_DELAY_S, REPEAT_EVERY_S = 0.45, 0.12
"""Holding the stick: the first repeat after REPEAT_DELAY_S, then one each
REPEAT_EVERY_S (a 0-100 scale in steps of 5 crosses in about 2.7 s)."""

PatientInputEvent = tuple[str, float]


@dataclass(frozen=True, slots=True)
class HandState:
    active: bool = False
    """The runtime has this controller bound and tracked for input."""
    select: bool = False
    squeeze: float = 0.0
    stick: tuple[float, float] = (0.0, 0.0)
    stick_click: bool = False


@dataclass(frozen=True, slots=True)
class ControllerFrame:
    t: float
    """Engine time, seconds."""
    left: HandState = HandState()
    right: HandState = HandState()
    touchpad: bool = False
    """The stick is a touchpad (``bindings.is_touchpad``)."""


@dataclass(slots=True)
class _Hand:
    select: bool = False
    gripped: bool = False
    direction: int = 0  # -1, 0, +1: where the stick is held
    next_repeat: float = 0.0


@dataclass(slots=True)
class PatientControls:
    stop_hold_s: float = STOP_HOLD_S
    _hands: dict[str, _Hand] = field(default_factory=lambda: {"left": _Hand(), "right": _Hand()})
    _both_since: float | None = None
    _stop_sent: bool = False

    def reset(self) -> None:
        """Forget what was held (focus lost: the runtime stops sending input)."""
        for hand in self._hands.values():
            hand.select = hand.gripped = False
            hand.direction = 0
        self._both_since = None
        self._stop_sent = False

    def update(self, frame: ControllerFrame) -> list[PatientInputEvent]:
        events: list[PatientInputEvent] = []
        for name, state in (("left", frame.left), ("right", frame.right)):
            hand = self._hands[name]
            if not state.active:
                state = HandState()
            # Trigger: confirm on the press, not while held.
            if state.select and not hand.select:
                events.append(("confirm", 1.0))
            hand.select = state.select
            # Grip with hysteresis.
            if hand.gripped:
                hand.gripped = state.squeeze >= GRIP_OFF
            else:
                hand.gripped = state.squeeze >= GRIP_ON
            events.extend(self._stick(hand, state, frame))
        events.extend(self._stop(frame.t))
        return events

    def _stick(
        self, hand: _Hand, state: HandState, frame: ControllerFrame
    ) -> list[PatientInputEvent]:
        x = state.stick[0]
        enabled = state.stick_click if frame.touchpad else True
        if not enabled:
            hand.direction = 0
            return []
        if hand.direction != 0:
            still = x * hand.direction >= STICK_OFF
            if not still:
                hand.direction = 0
            elif frame.t >= hand.next_repeat:
                hand.next_repeat = frame.t + REPEAT_EVERY_S
                return [("adjust", float(hand.direction))]
            else:
                return []
        if abs(x) >= STICK_ON:
            hand.direction = 1 if x > 0 else -1
            hand.next_repeat = frame.t + REPEAT_DELAY_S
            return [("adjust", float(hand.direction))]
        return []

    def _stop(self, t: float) -> list[PatientInputEvent]:
        both = self._hands["left"].gripped and self._hands["right"].gripped
        if not both:
            self._both_since = None
            self._stop_sent = False
            return []
        if self._both_since is None:
            self._both_since = t
        if not self._stop_sent and t - self._both_since >= self.stop_hold_s - 1e-9:
            self._stop_sent = True
            return [("stop", 1.0)]
        return []
