"""The Panda3D side of a scene plugin: the base class every scene extends.

The engine hands a scene a :class:`SceneContext` (its own root node, the head
and hand anchors, a loader and an audio manager) and then only ever calls
``build``, ``set_params``, ``fire``, ``update`` and ``teardown``. A scene never
adds tasks to the task manager, never reads the wall clock, and never asks
which display backend is active: time comes in through ``update`` and the
anchors move the same way in the desktop window, offscreen and in a headset.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from panda3d.core import AudioManager, AudioSound, NodePath

from palier.scenes.api import Contact, Hand, ParamKind, ParamValue, Ramp, SceneDecl

log = logging.getLogger(__name__)

DEFAULT_RAMP_S = 1.5
"""Ramp used when a caller changes a parameter without saying how fast."""


@dataclass(slots=True)
class SceneContext:
    root: NodePath
    head: NodePath
    left_hand: NodePath
    right_hand: NodePath
    loader: Any  # direct.showbase.Loader.Loader; typed loosely to keep stubs out
    audio: AudioManager | None = None
    language: str = "en"
    seed: int = 1234
    eye_height: float = 1.2
    on_contact: Callable[[Contact], None] | None = None
    """Where the scene's :meth:`Scene.report_contact` goes (the engine turns it
    into a ``contact`` clinical event); None drops contacts (shots, tests)."""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ActiveEvent:
    name: str
    t0: float
    duration: float

    def progress(self, t: float) -> float:
        return min(1.0, max(0.0, (t - self.t0) / self.duration)) if self.duration > 0 else 1.0


class Scene:
    """Base class of every scene. Subclasses set ``declaration`` and override
    ``on_build``, ``on_update``, ``on_event`` and, if they hold resources the
    scene graph does not own, ``on_teardown``."""

    declaration: ClassVar[SceneDecl]

    def __init__(self, ctx: SceneContext) -> None:
        self.ctx = ctx
        self.root = ctx.root
        self.time = 0.0
        self._targets: dict[str, ParamValue] = self.declaration.defaults()
        self._values: dict[str, ParamValue] = dict(self._targets)
        self._ramps: dict[str, Ramp] = {}
        self._events: list[ActiveEvent] = []
        self._sounds: list[AudioSound] = []
        self._built = False

    # -- lifecycle ---------------------------------------------------------
    def build(self, values: Mapping[str, object] | None = None) -> None:
        """Create the scene's nodes under ``self.root`` at the given values
        (validated; applied at once, there is nothing to ramp from yet)."""
        if values:
            checked = self.declaration.validate_values(values)
            self._targets.update(checked)
            self._values.update(checked)
        self.on_build()
        self._built = True
        self.on_update(0.0, 0.0)

    def teardown(self) -> None:
        """Remove everything the scene created. Safe to call twice."""
        if not self._built:
            return
        self._built = False
        try:
            self.on_teardown()
        finally:
            for sound in self._sounds:
                sound.stop()
            self._sounds.clear()
            self._events.clear()
            self._ramps.clear()
            self.root.getChildren().detach()
            self.root.clearLight()
            self.root.clearFog()

    # -- parameters --------------------------------------------------------
    def set_params(self, values: Mapping[str, object], ramp_s: float | None = None) -> None:
        """Validate all values first (all or nothing), then ramp to them."""
        checked = self.declaration.validate_values(values)
        duration = DEFAULT_RAMP_S if ramp_s is None else max(0.0, float(ramp_s))
        for name, target in checked.items():
            self._targets[name] = target
            if duration == 0.0:
                self._ramps.pop(name, None)
                self._values[name] = target
            else:
                self._ramps[name] = Ramp(self._values[name], target, self.time, duration)

    def value(self, name: str) -> Any:
        """The current (possibly mid-ramp) value. Numbers are floats while
        ramping; choices and toggles switch at the end of their ramp, use
        :meth:`transition` to blend."""
        return self._values[name]

    def target(self, name: str) -> ParamValue:
        return self._targets[name]

    def targets(self) -> dict[str, ParamValue]:
        return dict(self._targets)

    def transition(self, name: str) -> tuple[ParamValue, ParamValue, float]:
        """(from, to, progress 0..1) of a parameter's current change."""
        ramp = self._ramps.get(name)
        if ramp is None:
            v = self._targets[name]
            return v, v, 1.0
        return ramp.start, ramp.target, ramp.progress(self.time)

    def intensity(self) -> float:
        """Mean 0..1 intensity of the current values (used for telemetry and
        the simulated heart rate; never for clinical decisions)."""
        specs = self.declaration.params
        if not specs:
            return 0.0
        total = 0.0
        for spec in specs:
            v = self._values[spec.name]
            if spec.kind in (ParamKind.CHOICE, ParamKind.BOOL):
                v = self._targets[spec.name]
            elif spec.kind is ParamKind.INT:
                v = round(float(v))
            total += spec.intensity(v)
        return total / len(specs)

    # -- events ------------------------------------------------------------
    def fire(self, name: str, **options: Any) -> None:
        """Start event ``name``. Options are checked against the event's
        declaration (defaults filled in) before the scene sees them."""
        spec = self.declaration.event(name)
        checked = spec.validate_options(options, self.declaration.id)
        self._events.append(ActiveEvent(name, self.time, spec.duration_s))
        self.on_event(name, **checked)

    def active_events(self) -> list[str]:
        return [e.name for e in self._events]

    def event_progress(self, name: str) -> float | None:
        """Progress of the most recent firing of ``name`` still running."""
        for ev in reversed(self._events):
            if ev.name == name:
                return ev.progress(self.time)
        return None

    # -- frame -------------------------------------------------------------
    def update(self, t: float, dt: float) -> None:
        self.time = t
        if self._ramps:
            finished = []
            for name, ramp in self._ramps.items():
                self._values[name] = ramp.value(t)
                if ramp.done(t):
                    self._values[name] = ramp.target
                    finished.append(name)
            for name in finished:
                del self._ramps[name]
        if self._events:
            self._events = [e for e in self._events if e.progress(t) < 1.0]
        self.on_update(t, dt)

    # -- helpers for subclasses ---------------------------------------------
    def report_contact(self, surface: str, hand: Hand, t_start: float, duration_s: float) -> None:
        """Report that ``hand`` touched declared ``surface`` from scene time
        ``t_start`` for ``duration_s`` seconds. Call it once, when the hand
        leaves the surface (or at teardown if it is still touching)."""
        self.declaration.surface(surface)
        if self.ctx.on_contact is not None:
            self.ctx.on_contact(Contact(surface, hand, t_start, max(0.0, duration_s)))

    def add_sound(self, sound: AudioSound) -> AudioSound:
        """Register a sound so teardown stops it."""
        self._sounds.append(sound)
        return sound

    def focus_point(self) -> tuple[float, float, float] | None:
        """World point a still camera should look at to show this scene
        (used by ``palier scenes shot``; a headset wearer looks where they like)."""
        return None

    def forward_heading(self) -> float:
        """Heading (degrees, Panda3D's: 0 looks along +Y, 90 to the left) a
        seated patient faces to see this scene; the recenter command turns
        the view to it. Scenes are built facing +Y."""
        return 0.0

    # -- to override -------------------------------------------------------
    def on_build(self) -> None:
        raise NotImplementedError("a scene must build its nodes in on_build()")

    def on_update(self, t: float, dt: float) -> None:
        """Per-frame animation. No I/O, no allocation storms."""

    def on_event(self, name: str, **options: Any) -> None:
        """Start the named one-shot stimulus; ``event_progress`` tracks it."""

    def on_teardown(self) -> None:
        """Release what the scene graph does not own (sounds are handled)."""
