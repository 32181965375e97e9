"""The headset-side engine: one Panda3D application, several display backends.

Per-frame order (task sorts; Panda3D runs lower sorts first):

====  ==============  =====================================================
sort  stage           what happens
====  ==============  =====================================================
 10   input           the backend moves the head and hand anchors
 20   commands        queued control commands are applied (never waits)
 30   scene           parameter ramps advance, the scene animates
 40   safety          fades and the safe-place fallback advance
 45   telemetry       frame observers read state (they must not block)
 50   render          Panda3D's own ``igLoop`` draws and flips
====  ==============  =====================================================

Time: scenes get ``(t, dt)`` from :class:`FrameClock`, never the wall clock.
Offscreen runs use a fixed ``dt`` so a frame's image depends only on the
commands given, which keeps tests and screenshots deterministic.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from panda3d.core import AntialiasAttrib, ConfigVariableInt, Filename, NodePath

from palier.engine.backends import DisplayBackend, make_backend
from palier.engine.fader import Fader
from palier.engine.warmup import WarmUp
from palier.scenes import registry
from palier.scenes.api import Contact, Hand, ParamValue, SceneDecl
from palier.scenes.base import Scene, SceneContext

log = logging.getLogger(__name__)

SORT_INPUT = 10
SORT_COMMANDS = 20
SORT_SCENE = 30
SORT_SAFETY = 40
SORT_TELEMETRY = 45

FADE_OUT_S = 0.4
FADE_IN_S = 0.6


class EngineError(RuntimeError):
    """The engine cannot start or cannot do what it was asked."""


@dataclass(slots=True)
class EngineConfig:
    backend: str = "offscreen"
    size: tuple[int, int] = (1280, 720)
    scene: str = "spiders"
    params: dict[str, ParamValue] = field(default_factory=dict)
    language: str = "en"
    sim_dt: float = 1.0 / 90.0
    """Fixed step of the simulated clock (offscreen backend)."""
    eye_height: float = 1.2
    """Seated eye height in metres; the desktop backend puts the head here."""
    seed: int = 1234
    multisamples: int = 4
    fov_deg: float = 90.0
    realtime: bool | None = None
    """Wall-clock time instead of the fixed step. None: the backend decides
    (desktop and headset real, offscreen simulated). An offscreen engine
    serving a console runs in real time so heartbeats and fades are real."""
    anisotropy: int | None = None
    """Anisotropic filtering degree of every texture (1..16). None: 4 on a
    graphics card, 1 on a software rasteriser (Mesa's llvmpipe), whose
    anisotropic sampling took from seconds to minutes for a single frame
    (``engine_anisotropy``)."""
    fps_cap: float = 0.0
    """Pace the loop to at most this many frames a second (0: no cap; the
    desktop window is paced by vsync, a headset by its runtime)."""
    prepare_scenes: bool = False
    """At start, build every other registered scene once, unseen, draw it once
    and tear it down (``Engine.prepare_scenes``): what a scene makes from its
    seed (people, sounds, texture images) stays cached and its shaders
    compiled, so a scene switch in a session only assembles nodes. ``palier
    engine`` and ``palier demo`` do; tests that start many engines do not."""


@dataclass(slots=True)
class FrameClock:
    simulated: bool
    sim_dt: float
    t: float = 0.0
    dt: float = 0.0
    frame: int = 0
    _last_wall: float = field(default_factory=time.perf_counter)

    def tick(self) -> None:
        if self.simulated:
            self.dt = self.sim_dt
        else:
            now = time.perf_counter()
            # Clamp so a stall (window drag, debugger) never makes a ramp jump.
            self.dt = min(now - self._last_wall, 0.1)
            self._last_wall = now
        self.t += self.dt
        self.frame += 1


SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swrast", "swr", "gdi generic", "basic render")
"""Substrings of GL_RENDERER naming a rasteriser that runs on the CPU."""


def _checked_anisotropy(wanted: int) -> int:
    if isinstance(wanted, bool) or not isinstance(wanted, int) or not 1 <= wanted <= 16:
        raise EngineError(f"anisotropy must be a whole number 1..16, got {wanted!r}")
    return wanted


def engine_anisotropy(renderer: str, wanted: int | None) -> int:
    """The texture filtering degree for this renderer (see
    ``EngineConfig.anisotropy``). Mesa's llvmpipe filters anisotropically in
    a per-pixel loop: measured here, single frames of 1.3 s, 13 s and once
    168 s where a textured surface was seen at a grazing angle, at random
    moments of an otherwise 200 ms session (``bench/frame_stability.py``);
    with degree 1 the same session had none."""
    if wanted is not None:
        return _checked_anisotropy(wanted)
    software = any(name in renderer.lower() for name in SOFTWARE_RENDERERS)
    return 1 if software else 4


class Engine:
    """Owns the window, the anchors, the active scene and the frame loop."""

    def __init__(self, config: EngineConfig, backend: DisplayBackend | None = None) -> None:
        """``backend``: one already made (``--backend auto`` chose it and said
        so); by default the one ``config.backend`` names."""
        self.config = config
        if config.anisotropy is not None:
            _checked_anisotropy(config.anisotropy)  # before a window is opened
        self.backend: DisplayBackend = backend or make_backend(config.backend)
        self.base = self.backend.open(config)
        gsg = self.base.win.getGsg()
        self.renderer = str(gsg.getDriverRenderer()) if gsg is not None else ""
        # Process-wide: read when each texture is prepared, after this point.
        self.anisotropy = engine_anisotropy(self.renderer, config.anisotropy)
        ConfigVariableInt("texture-anisotropic-degree").setValue(self.anisotropy)
        simulated = self.backend.simulated_clock if config.realtime is None else not config.realtime
        self.clock = FrameClock(simulated=simulated, sim_dt=config.sim_dt)
        self.language = config.language
        base = self.base
        base.disableMouse()
        base.setBackgroundColor(0.0, 0.0, 0.0, 1.0)

        # Tracking space: the rig is the floor origin under the patient; the
        # head and hands are its children, driven by the backend.
        self.rig = base.render.attachNewNode("rig")
        self.head = self.rig.attachNewNode("head")
        self.left_hand = self.rig.attachNewNode("left_hand")
        self.right_hand = self.rig.attachNewNode("right_hand")
        self.head.setPos(0.0, 0.0, config.eye_height)
        base.camera.reparentTo(self.head)
        base.camera.setPos(0, 0, 0)
        base.camLens.setNearFar(0.03, 500.0)
        base.camLens.setFov(config.fov_deg)

        self.scene_parent = base.render.attachNewNode("scenes")
        self.scene: Scene | None = None
        self._paused_scene: Scene | None = None
        self.paused = False
        self.pause_reason = ""
        self.fader = Fader(base, self.head)
        self.warm = WarmUp(base, base.camera)
        self._pending_swap: Callable[[], None] | None = None
        self._swap_kind = ""  # "pause" or "resume" while a fade-out is under way
        self._safe_place: Scene | None = None  # built ahead, hidden, for the next pause
        self._quit = False

        self._commands: deque[Callable[[Engine], None]] = deque()
        self.command_sources: list[Callable[[Engine], None]] = []
        self.frame_observers: list[Callable[[Engine], None]] = []
        self.stop_observers: list[Callable[[Engine], None]] = []
        """Called after a patient stop has cut to the safe place (the link records it)."""
        self.recenter_observers: list[Callable[[Engine], None]] = []
        """Called after each :meth:`recenter` (the link records it)."""
        self.contact_observers: list[Callable[[Engine, Contact], None]] = []
        """Called, on the frame, for each touch of a declared surface a scene
        reports (the link records it as a ``contact`` clinical event)."""
        self._held_hands: dict[Hand, tuple[float, float, float]] = {}
        """Simulated hands (:meth:`hold_hand`), placed after the backend's input."""
        self.frame_times: deque[float] = deque(maxlen=512)
        self._frame_start = time.perf_counter()

        self._stages: list[tuple[str, int, Callable[[], None]]] = [
            ("palier-input", SORT_INPUT, self._stage_input),
            ("palier-commands", SORT_COMMANDS, self._stage_commands),
            ("palier-scene", SORT_SCENE, self._stage_scene),
            ("palier-safety", SORT_SAFETY, self._stage_safety),
            ("palier-telemetry", SORT_TELEMETRY, self._stage_telemetry),
        ]
        for name, sort, fn in self._stages:
            base.taskMgr.add(self._as_task(fn), name, sort=sort)
        self.backend.patient_input.append(self._on_patient_input)
        self.backend.attach(self)
        if config.multisamples:
            base.render.setAntialias(AntialiasAttrib.MMultisample)
        try:
            # Import every scene's code now, at start: a later scene switch
            # then builds, it does not also read and compile modules.
            for scene_id in registry.scene_ids():
                registry.scene_class(scene_id)
            self.load_scene(config.scene, config.params, warm=False)
            self._safe_place = self._prepare_safe_place()
            self.prepared: dict[str, float] = {}
            """Seconds each scene took to prepare at start (``prepare_scenes``)."""
            if config.prepare_scenes:
                self.prepare_scenes()
            self.warm_up()
            self.backend.start_view(self)  # the desktop turns to the stimulus
        except BaseException:
            # Leave nothing open: a failed start must not poison the next Engine.
            self.close()
            raise

    # -- tasks --------------------------------------------------------------
    @staticmethod
    def _as_task(fn: Callable[[], None]) -> Callable[[Any], int]:
        def task(_task: Any) -> int:
            fn()
            return 1  # Task.cont

        return task

    def _stage_input(self) -> None:
        now = time.perf_counter()
        self.frame_times.append(now - self._frame_start)
        self._frame_start = now
        self.clock.tick()
        self.backend.update_input(self, self.clock.dt)
        for hand, pos in self._held_hands.items():
            self.hand(hand).setPos(self.rig, pos)

    def _stage_commands(self) -> None:
        for source in self.command_sources:
            source(self)
        while self._commands:
            self._commands.popleft()(self)

    def _stage_scene(self) -> None:
        if self.scene is not None:
            self.scene.update(self.clock.t, self.clock.dt)

    def _stage_safety(self) -> None:
        swap_now = self.fader.update(self.clock.dt)
        if swap_now and self._pending_swap is not None:
            swap, self._pending_swap = self._pending_swap, None
            self._swap_kind = ""
            swap()
            self.fader.fade_in(FADE_IN_S)

    def _stage_telemetry(self) -> None:
        for observer in self.frame_observers:
            observer(self)

    # -- public API ----------------------------------------------------------
    def submit(self, command: Callable[[Engine], None]) -> None:
        """Queue work for the next commands stage (thread-safe: deque append)."""
        self._commands.append(command)

    @property
    def frame(self) -> int:
        return self.clock.frame

    @property
    def time(self) -> float:
        return self.clock.t

    def scene_declaration(self) -> SceneDecl | None:
        return self.scene.declaration if self.scene else None

    def _new_scene(self, scene_id: str, values: Mapping[str, object] | None) -> Scene:
        cls = registry.scene_class(scene_id)
        decl = registry.declaration(scene_id)
        checked = decl.validate_values(values or {})  # raise before touching the graph
        root = self.scene_parent.attachNewNode(f"scene-{scene_id}")
        ctx = SceneContext(
            root=root,
            head=self.head,
            left_hand=self.left_hand,
            right_hand=self.right_hand,
            loader=self.base.loader,
            audio=self.base.sfxManagerList[0] if self.base.sfxManagerList else None,
            language=self.language,
            seed=self.config.seed,
            eye_height=self.config.eye_height,
            on_contact=self._on_contact,
        )
        scene = cls(ctx)
        try:
            scene.build(checked)
            scene.update(self.clock.t, 0.0)
        except Exception:
            scene.teardown()
            root.removeNode()
            raise
        return scene

    def _prepare_safe_place(self) -> Scene | None:
        """Build the safe place once, hidden and silent, so that a pause (or
        the link failsafe) is a swap at the next black frame instead of a
        frame stalled building a scene (seconds on a slow machine)."""
        try:
            scene = self._new_scene(registry.SAFE_PLACE_ID, {"breathing_guide": True})
        except Exception:
            log.exception("safe place could not be prepared; a pause will build it then")
            return None
        self._hide(scene)  # drawn once, unseen, by the warm-up that follows
        return scene

    def prepare_scenes(self) -> None:
        """Build, draw once unseen and tear down every registered scene but the
        ones already built (the start scene and the safe place), so that
        their first load in a session finds their assets made. A scene that
        fails here is logged and skipped: its load will say what is wrong."""
        built = {registry.SAFE_PLACE_ID, self.config.scene}
        for scene_id in registry.scene_ids():
            if scene_id in built:
                continue
            start = time.perf_counter()
            try:
                scene = self._new_scene(scene_id, None)
            except Exception:
                log.exception("scene %s could not be prepared", scene_id)
                continue
            self._hide(scene)
            self.warm_up(scene.root)
            self._drop(scene)
            self.prepared[scene_id] = time.perf_counter() - start
            log.info("prepared scene %s in %.2f s", scene_id, self.prepared[scene_id])

    def warm_up(self, root: NodePath | None = None) -> None:
        """Draw ``root`` (default: the whole scene graph) once, unseen, hidden
        parts included (``engine.warmup``): what a later frame shows for the
        first time is compiled and uploaded now, in load time, never on that
        frame. Called after the engine starts (everything), after each scene
        load (the new scene), and by the patient panels and the mirror when
        they are made (everything: a new kind of buffer, or new panels)."""
        self.warm.run(self.base.render if root is None else root)

    @staticmethod
    def _hide(scene: Scene) -> None:
        scene.root.stash()
        for sound in scene._sounds:  # inactive sounds are silent; loops resume later
            sound.setActive(False)

    @staticmethod
    def _show(scene: Scene) -> None:
        scene.root.unstash()
        for sound in scene._sounds:
            sound.setActive(True)

    def _drop(self, scene: Scene | None) -> None:
        if scene is not None:
            scene.teardown()
            scene.root.removeNode()

    def load_scene(
        self, scene_id: str, values: Mapping[str, object] | None = None, *, warm: bool = True
    ) -> Scene:
        """Replace the exposure scene at once (validated first; a bad value
        leaves the current scene untouched) and warm it up (``warm_up``).
        Cancels a pause."""
        new = self._new_scene(scene_id, values)
        if self.paused and self._paused_scene is not None and self._safe_place is None:
            if self.scene is not None:  # the safe place showing: keep it for next time
                self._hide(self.scene)
            self._safe_place, self.scene = self.scene, None
        self._drop(self.scene)
        self._drop(self._paused_scene)
        self._paused_scene = None
        self.scene = new
        self.paused = False
        self.pause_reason = ""
        if self._pending_swap is not None:  # a fade under way must not swap the new scene
            self._pending_swap, self._swap_kind = None, ""
            self.fader.fade_in(FADE_IN_S)
        if warm:
            self.warm_up(new.root)
        return new

    def set_params(self, values: Mapping[str, object], ramp_s: float | None = None) -> None:
        target = self._paused_scene if self.paused else self.scene
        if target is None:
            raise EngineError("no scene is loaded")
        target.set_params(values, ramp_s)

    def fire(self, event: str, **options: Any) -> None:
        exposure = self._paused_scene if self._paused_scene is not None else self.scene
        if exposure is not None:
            exposure.declaration.event(event)  # an unknown name says so, paused or not
        if self.paused or self.scene is None:
            raise EngineError("events cannot be fired while paused in the safe place")
        self.scene.fire(event, **options)

    def pause(self, reason: str = "therapist", *, at_once: bool = False) -> bool:
        """Fade to black, then show the safe place. Returns False if already
        paused. The exposure scene is kept (hidden) so resume restores it.

        ``at_once``: show the safe place on this frame, no fade. For a
        failsafe that fires late because the frame loop was stuck: the fade
        would put several more frames of exposure between the stall and the
        safe place, after the moment it should already have been shown."""
        if self.paused:
            if self._swap_kind == "resume":
                # A pause (therapist, failsafe, patient stop) during the fade
                # back wins: cancel the resume and stay in the safe place.
                self._pending_swap, self._swap_kind = None, ""
                self.pause_reason = reason
                self._fade_in_or_cut(at_once)
                return True
            if at_once and self._pending_swap is not None:  # still fading out: swap now
                # The pause already under way keeps its reason.
                pending, self._pending_swap, self._swap_kind = self._pending_swap, None, ""
                pending()
                self.fader.clear()
                return True
            return False
        self.paused = True
        self.pause_reason = reason

        def swap() -> None:
            self._paused_scene = self.scene
            if self._paused_scene is not None:
                self._paused_scene.root.stash()
            safe, self._safe_place = self._safe_place, None
            if safe is None:
                safe = self._new_scene(registry.SAFE_PLACE_ID, {"breathing_guide": True})
            else:
                self._show(safe)
                safe.update(self.clock.t, 0.0)
            self.scene = safe

        if at_once:
            swap()
            self.fader.clear()
            return True
        self._pending_swap, self._swap_kind = swap, "pause"
        self.fader.fade_out(FADE_OUT_S)
        return True

    def patient_stop(self) -> None:
        """The patient asked to stop (the backend's ``stop`` input): show the
        safe place on this frame, then tell the stop observers. Needs no
        console: the engine does it alone, and the link keeps the event for
        a console that connects later.

        A cut, not the usual fade: the fade would keep the feared scene in
        view, darkening, for 0.4 s after the patient asked for it to go; a
        cut between two scenes while the head stays tracked is like a
        teleport, a move headset users are used to."""
        if not self.pause("patient_stop", at_once=True):
            log.info("patient stop while already in the safe place (%s)", self.pause_reason)
        for observer in self.stop_observers:
            try:
                observer(self)
            except Exception:  # recording must not undo the safety action
                log.exception("a patient-stop observer failed")

    def recenter(self) -> None:
        """Turn the view so that the patient faces the scene again (the
        backend's :meth:`~palier.engine.backends.DisplayBackend.recenter`),
        then tell the recenter observers."""
        self.backend.recenter(self)
        for observer in self.recenter_observers:
            try:
                observer(self)
            except Exception:
                log.exception("a recenter observer failed")

    def hand(self, hand: Hand) -> NodePath:
        """The anchor of the ``left`` or ``right`` hand."""
        return self.left_hand if hand == "left" else self.right_hand

    def hold_hand(self, hand: Hand, pos: tuple[float, float, float] | None) -> None:
        """A simulated hand: keep ``hand`` at ``pos`` (metres in the tracking
        space, the rig's) from the next input stage on, whatever the backend
        does; None gives the hand back to the backend. Tests and the desktop
        use it to touch a scene's declared surfaces without hand tracking."""
        if pos is None:
            self._held_hands.pop(hand, None)
        else:
            self._held_hands[hand] = (float(pos[0]), float(pos[1]), float(pos[2]))

    def _on_contact(self, contact: Contact) -> None:
        """A scene reported a touch (its ``SceneContext.on_contact``), on the
        frame: the observers only queue it (the link's outbox)."""
        for observer in self.contact_observers:
            try:
                observer(self, contact)
            except Exception:
                log.exception("a contact observer failed")

    def _on_patient_input(self, kind: str, _value: float) -> None:
        if kind == "stop":
            self.patient_stop()

    def _fade_in_or_cut(self, cut: bool) -> None:
        if cut:
            self.fader.clear()
        else:
            self.fader.fade_in(FADE_IN_S)

    @property
    def fading_to_safe_place(self) -> bool:
        """A pause's fade-out is under way (the exposure scene still shows)."""
        return self._swap_kind == "pause"

    def resume(self) -> bool:
        if not self.paused:
            return False
        if self._swap_kind == "pause":
            # Still fading out: the exposure scene never left; fade back to it.
            self._pending_swap, self._swap_kind = None, ""
            self.paused = False
            self.pause_reason = ""
            self.fader.fade_in(FADE_IN_S)
            return True

        def swap() -> None:
            safe, self.scene = self.scene, self._paused_scene
            self._paused_scene = None
            if safe is not None and self._safe_place is None:
                self._hide(safe)  # kept, ready for the next pause
                self._safe_place = safe
            else:
                self._drop(safe)
            if self.scene is not None:
                self.scene.root.unstash()
            self.paused = False
            self.pause_reason = ""

        self._pending_swap, self._swap_kind = swap, "resume"
        self.fader.fade_out(FADE_OUT_S)
        return True

    # -- loop -----------------------------------------------------------------
    def step(self) -> None:
        """Run one whole frame (all stages, then render)."""
        self.base.taskMgr.step()

    def simulate(self, seconds: float, dt: float | None = None) -> None:
        """Advance the simulation without rendering (for screenshots after
        S seconds: the scene state is the same as if every frame was drawn)."""
        step_dt = dt or self.config.sim_dt
        steps = max(0, round(seconds / step_dt))
        saved = self.clock.simulated, self.clock.sim_dt
        self.clock.simulated, self.clock.sim_dt = True, step_dt
        try:
            for _ in range(steps):
                for _name, _sort, fn in self._stages:
                    fn()
        finally:
            self.clock.simulated, self.clock.sim_dt = saved

    def run(self, frames: int | None = None) -> int:
        """Run until quit (Esc, window closed) or ``frames`` frames; returns
        the number of frames run."""
        start = self.frame
        period = 1.0 / self.config.fps_cap if self.config.fps_cap > 0 else 0.0
        next_due = time.perf_counter()
        while not self._quit and (frames is None or self.frame - start < frames):
            # A headset's runtime paces here, between frames (xrWaitFrame).
            self.backend.between_frames(self)
            self.step()
            if self.backend.window_closed(self):
                break
            if period:
                # Pacing happens between frames, like vsync; never inside one.
                next_due += period
                delay = next_due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                else:
                    next_due = time.perf_counter()
        return self.frame - start

    def quit(self) -> None:
        self._quit = True

    def render_frame(self) -> None:
        """Draw the current state without advancing time (for screenshots)."""
        self.base.graphicsEngine.renderFrame()
        self.base.graphicsEngine.renderFrame()  # double-buffered: second flip shows it

    def capture(self) -> Any:
        """The last rendered frame as an (H, W, 3) uint8 numpy array."""
        tex = self.base.win.getScreenshot()
        if tex is None:
            raise EngineError("the window has no frame to capture yet")
        data = tex.getRamImageAs("RGB")
        w, h = tex.getXSize(), tex.getYSize()
        return np.frombuffer(bytes(data), dtype=np.uint8).reshape(h, w, 3)[::-1].copy()

    def save_png(self, path: str) -> None:
        if not self.base.win.saveScreenshot(Filename.fromOsSpecific(path)):
            raise EngineError(f"could not write screenshot to {path}")

    def close(self) -> None:
        """Tear everything down; the process may create a new Engine after."""
        self._drop(self.scene)
        self._drop(self._paused_scene)
        self._drop(self._safe_place)
        self.scene = self._paused_scene = self._safe_place = None
        for name, _sort, _fn in self._stages:
            self.base.taskMgr.remove(name)
        self.warm.close()
        self.backend.close(self)
        self.base.destroy()
