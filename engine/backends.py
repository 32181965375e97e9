"""Display backends: where frames go and what moves the head and hands.

Every backend drives the same anchors (``engine.head``, ``engine.left_hand``,
``engine.right_hand``), so scenes never know which one is active.

* ``desktop``: a window; the mouse looks around, the keyboard walks and moves
  the hands (see :data:`DESKTOP_HELP`).
* ``offscreen``: headless rendering into a buffer (EGL on Mesa), a simulated
  clock, the head at rest. Used by tests and ``palier scenes shot``.
* ``openxr``: a headset through any OpenXR runtime with OpenGL
  (``engine.openxr``; pyopenxr is imported only when it is chosen).
* ``auto``: openxr when a runtime finds a headset, else desktop
  (:func:`choose_backend` says which and why).
"""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from direct.gui.OnscreenText import OnscreenText
from direct.showbase.ShowBase import ShowBase
from panda3d.core import (
    ClockObject,
    KeyboardButton,
    MouseButton,
    Point3,
    TextNode,
    Texture,
    WindowProperties,
    loadPrcFileData,
    unloadPrcFile,
)

from palier.core.i18n import N_, Message
from palier.engine import BACKENDS

if TYPE_CHECKING:  # types only: engine.app imports this module
    from palier.engine.app import Engine, EngineConfig

log = logging.getLogger(__name__)

PatientInput = Callable[[str, float], None]
"""Callback for the patient's own input: (kind, value). Kinds: ``adjust``
(value -1 or +1, a step on a rating scale; the first step places the marker),
``point`` (value 0..1 along a scale: places the marker there), ``confirm``
and ``stop`` (the patient asks to stop: the engine cuts to the safe place)."""


# Panda3D input events -> patient inputs (kind, value), as a controller
# would send them in the headset.
DESKTOP_PATIENT_KEYS: dict[str, tuple[str, float]] = {
    "mouse1": ("confirm", 1.0),
    "enter": ("confirm", 1.0),
    "arrow_left": ("adjust", -1.0),
    "arrow_left-repeat": ("adjust", -1.0),
    "arrow_right": ("adjust", 1.0),
    "arrow_right-repeat": ("adjust", 1.0),
    "wheel_up": ("adjust", 1.0),
    "wheel_down": ("adjust", -1.0),
    # The digits place the marker straight at 0, 10, ... 90 (a controller
    # pointing at the scale sends the same input).
    **{str(d): ("point", d / 10.0) for d in range(10)},
    "backspace": ("stop", 1.0),
}
RECENTER_KEY = "c"
"""Desktop key for :meth:`Engine.recenter` (face the scene again)."""


def bind_patient_keys(base: Any, emit: Callable[[str, float], None]) -> None:
    """Route the desktop's keys and mouse to patient inputs via ``emit``."""
    for event, (kind, value) in DESKTOP_PATIENT_KEYS.items():
        base.accept(event, emit, [kind, value])


DESKTOP_HELP = N_(
    "Desktop simulation: the keyboard and mouse stand in for the headset\n"
    "  Mouse (hold right button or press Tab to lock): look around\n"
    "  W A S D: step around   R / F: stand up / sit down\n"
    "  Space (hold): reach the right hand forward\n"
    "  Left / Right arrows, mouse wheel or 0-9: place a rating   Enter or click: confirm\n"
    "  C: face the scene again   Backspace: patient stop   F1: this help   Esc: quit"
)
DESKTOP_HELP_PAIR = N_("  P: pair a therapist console (when serving consoles: shows a code)")
"""The help's last line, apart so that the older lines keep their translations."""
DESKTOP_HINT = N_("F1: keys")
"""Shown at start instead of the key help, so that the help does not cover the view."""


class BackendError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class RuntimeFrameStats:
    """What a headset runtime says about frame pacing (``tel.frame_stats``).
    The counts are cumulative since the engine started."""

    predicted_display_period_ms: float
    """1000 / the display's refresh rate, as the runtime predicts it."""
    frames_late: int
    """Frames shown later than the runtime predicted."""
    frames_dropped: int
    """Frames never shown (the runtime showed the previous one again)."""


class DisplayBackend:
    """Opens the ShowBase with the right configuration and moves anchors."""

    name = "base"
    simulated_clock = False

    def __init__(self) -> None:
        self._prc: Any = None
        self.patient_input: list[PatientInput] = []
        self.chosen_because: Message | None = None
        """Why ``--backend auto`` chose this backend (None when it was named)."""

    def prc_lines(self, config: EngineConfig) -> list[str]:
        w, h = config.size
        return [
            f"win-size {w} {h}",
            "sync-video false",
            "framebuffer-multisample 1" if config.multisamples else "",
            f"multisamples {config.multisamples}" if config.multisamples else "",
            "textures-power-2 none",
            "notify-level-display error",
            "notify-level-device fatal",  # no /dev/input in containers: harmless noise
            "default-directnotify-level warning",
            "show-frame-rate-meter false",
            "print-pipe-types false",  # "Known pipe types: ..." on every start
        ]

    def open(self, config: EngineConfig) -> Any:
        self._prc = loadPrcFileData(f"palier-{self.name}", "\n".join(self.prc_lines(config)))
        try:
            base = ShowBase()
        except Exception as exc:  # Panda3D raises plain Exception when no pipe opens
            self.close(None)
            raise BackendError(self.open_failure_hint(exc)) from exc
        if base.win is None:
            base.destroy()
            self.close(None)
            raise BackendError(self.open_failure_hint(None))
        return base

    def open_failure_hint(self, exc: Exception | None) -> str:
        return f"could not open a {self.name} window ({exc})"

    def attach(self, engine: Engine) -> None:
        place_hands(engine, 0.0)

    def emit(self, kind: str, value: float = 0.0) -> None:
        for handler in self.patient_input:
            handler(kind, value)

    def update_input(self, engine: Engine, dt: float) -> None:
        """Input stage: move head/hands for this frame."""

    def between_frames(self, engine: Engine) -> None:
        """Called by ``Engine.run`` before each frame: a headset backend waits
        here until its runtime wants the next frame (the headset's vsync),
        so the wait is never inside a frame."""

    def recenter(self, engine: Engine) -> None:
        """Turn the view so that the patient faces the scene again
        (:meth:`Engine.recenter`). Nothing to turn on a still camera."""

    def start_view(self, engine: Engine) -> None:
        """Called once, when the first scene is built and warmed up: where the
        view starts. A still camera or a tracked headset starts where it is."""

    def runtime_frame_stats(self) -> RuntimeFrameStats | None:
        """The display runtime's own frame figures; None where it reports none
        (offscreen, desktop). Called about once a second, from the frame."""
        return None

    def mirror_source(self) -> Texture | None:
        """A texture the therapist's mirror copies (scaled) instead of drawing
        the scene again: a headset backend's eye image. None: the mirror
        draws a second, small view of the main camera."""
        return None

    def window_closed(self, engine: Engine) -> bool:
        return False

    def close(self, engine: Engine | None) -> None:
        if self._prc is not None:
            unloadPrcFile(self._prc)
            self._prc = None


_EGL_PIPES: list[Any] = []
"""Every offscreen pipe this process opened, kept until it exits. EGL does
not count ``eglInitialize`` calls: a pipe's destructor calls
``eglTerminate`` on the process's one default display, so a closed engine's
pipe, freed by the garbage collector while a newer engine renders, left
that engine with a dead display (``EGL_BAD_DISPLAY``, blank captures). A
pipe holds no buffer once its window is closed: keeping it costs little."""


class OffscreenBackend(DisplayBackend):
    name = "offscreen"
    simulated_clock = True

    def prc_lines(self, config: EngineConfig) -> list[str]:
        lines = [
            *super().prc_lines(config),
            "window-type offscreen",
            "audio-library-name null",
            # Nothing paces an offscreen buffer (no vsync, no headset runtime
            # waiting for the image), so without this the GL driver queues
            # frame after frame: Mesa's llvmpipe held gigabytes of queued
            # frames and then stalled for seconds on the next read-back (the
            # mirror, a screenshot). Each frame now ends when it is drawn, so
            # its measured time is its real cost.
            "gl-finish true",
        ]
        if sys.platform.startswith("linux"):
            # Go straight to EGL: no X11 attempt (and its error) on a headless box.
            lines.append("load-display p3headlessgl")
        return lines

    def open(self, config: EngineConfig) -> Any:
        base = super().open(config)
        if base.pipe is not None and base.pipe not in _EGL_PIPES:
            _EGL_PIPES.append(base.pipe)
        # Panda's own clock follows ours so intervals and shaders using
        # osg_FrameTime are deterministic too.
        if not config.realtime:
            clock = ClockObject.getGlobalClock()
            clock.setMode(ClockObject.MNonRealTime)
            clock.setDt(config.sim_dt)
        return base

    def open_failure_hint(self, exc: Exception | None) -> str:
        return (
            "could not open an offscreen OpenGL buffer"
            + (f" ({exc})" if exc else "")
            + ". Install Mesa's EGL (Debian: libegl1 libegl-mesa0 libgl1-mesa-dri) "
            "or run with a display."
        )

    def close(self, engine: Engine | None) -> None:
        ClockObject.getGlobalClock().setMode(ClockObject.MNormal)
        super().close(engine)


class DesktopBackend(DisplayBackend):
    """Mouse-look and keyboard in a window: the headset stand-in."""

    name = "desktop"
    MOUSE_SENSITIVITY = 0.15  # degrees per pixel
    WALK_SPEED = 1.2  # m/s
    TURN_SPEED = 90.0  # deg/s for the arrow keys when nothing asks for a rating

    def __init__(self) -> None:
        super().__init__()
        self.heading = 0.0
        self.pitch = -10.0
        self.locked = False
        self.reach = 0.0
        self.help_node: Any = None
        self.hint_node: Any = None
        self._keys: dict[str, Any] = {}

    def prc_lines(self, config: EngineConfig) -> list[str]:
        return [
            *super().prc_lines(config),
            "window-type onscreen",
            "window-title Palier engine (desktop simulation)",
            "sync-video true",
        ]

    def open(self, config: EngineConfig) -> Any:
        if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        ):
            raise BackendError(
                "no display found (DISPLAY is not set): the desktop backend needs a screen. "
                "Use --backend offscreen to render headless, or run under Xvfb."
            )
        return super().open(config)

    def open_failure_hint(self, exc: Exception | None) -> str:
        return (
            "could not open a desktop window"
            + (f" ({exc})" if exc else "")
            + "; check the display and OpenGL drivers, or use --backend offscreen."
        )

    def attach(self, engine: Engine) -> None:
        super().attach(engine)
        base = engine.base
        self.help_node = OnscreenText(
            text=DESKTOP_HELP.get(engine.language) + "\n" + DESKTOP_HELP_PAIR.get(engine.language),
            parent=base.a2dTopLeft,
            pos=(0.05, -0.08),
            scale=0.045,
            align=TextNode.ALeft,
            fg=(1, 1, 1, 1),
            bg=(0, 0, 0, 0.55),
            mayChange=True,  # keeps the TextNode, whose card we widen below
        )
        # Wider margins than OnscreenText's: its card clipped the longest line.
        self.help_node.textNode.setCardAsMargin(0.5, 0.6, 0.3, 0.3)
        self.help_node.hide()  # F1 shows it; the small hint says so
        self.hint_node = OnscreenText(
            text=DESKTOP_HINT.get(engine.language),
            parent=base.a2dTopLeft,
            pos=(0.05, -0.08),
            scale=0.04,
            align=TextNode.ALeft,
            fg=(1, 1, 1, 0.85),
            bg=(0, 0, 0, 0.45),
            mayChange=True,
        )
        self.hint_node.textNode.setCardAsMargin(0.4, 0.4, 0.25, 0.25)
        base.accept("escape", engine.quit)
        base.accept("f1", self.toggle_help)
        base.accept("tab", self.toggle_lock, [base])
        bind_patient_keys(base, self.emit)
        base.accept(RECENTER_KEY, engine.recenter)
        base.accept("r", self._seat, [engine, False])
        base.accept("f", self._seat, [engine, True])
        self._keys = {k: KeyboardButton.asciiKey(k) for k in ("w", "a", "s", "d", "z", "q")}
        self._keys["space"] = KeyboardButton.space()
        self._rmb = MouseButton.three()
        self.pitch = -10.0

    def recenter(self, engine: Engine) -> None:
        """Face the scene's forward, eyes level (the mouse-look is reset)."""
        scene = engine.scene
        self.heading = scene.forward_heading() if scene is not None else 0.0
        self.pitch = 0.0
        engine.head.setHpr(self.heading, self.pitch, 0)

    def start_view(self, engine: Engine) -> None:
        """Face the stimulus: the point the scene says shows it (a spider on
        the floor to the left), else the scene's forward heading."""
        scene = engine.scene
        point = scene.focus_point() if scene is not None else None
        if scene is None or point is None:
            self.recenter(engine)
            return
        target = engine.rig.getRelativePoint(scene.root, Point3(*point))
        eye = engine.head.getPos()
        dx, dy, dz = target.x - eye.x, target.y - eye.y, target.z - eye.z
        if math.hypot(dx, dy) < 1e-6:
            self.recenter(engine)
            return
        self.heading = math.degrees(math.atan2(-dx, dy))  # Panda3D: 90 looks along -X
        self.pitch = max(-85.0, min(85.0, math.degrees(math.atan2(dz, math.hypot(dx, dy)))))
        engine.head.setHpr(self.heading, self.pitch, 0)

    def _seat(self, engine: Engine, seated: bool) -> None:
        engine.head.setZ(engine.config.eye_height if seated else 1.65)

    def toggle_help(self) -> None:
        if self.help_node is not None:
            showing = self.help_node.isHidden()
            if showing:
                self.help_node.show()
            else:
                self.help_node.hide()
            if self.hint_node is not None:
                if showing:
                    self.hint_node.hide()
                else:
                    self.hint_node.show()

    def toggle_lock(self, base: Any) -> None:
        self.locked = not self.locked
        props = WindowProperties()
        props.setCursorHidden(self.locked)
        base.win.requestProperties(props)
        self._center_pointer(base)

    def _center_pointer(self, base: Any) -> None:
        win = base.win
        win.movePointer(0, win.getXSize() // 2, win.getYSize() // 2)

    def update_input(self, engine: Engine, dt: float) -> None:
        base = engine.base
        watcher = base.mouseWatcherNode
        if watcher is None or base.win is None:
            return
        look = self.locked or watcher.isButtonDown(self._rmb)
        if look:
            pointer = base.win.getPointer(0)
            cx, cy = base.win.getXSize() // 2, base.win.getYSize() // 2
            if getattr(self, "_was_looking", False):
                self.heading -= (pointer.getX() - cx) * self.MOUSE_SENSITIVITY
                self.pitch -= (pointer.getY() - cy) * self.MOUSE_SENSITIVITY
                self.pitch = max(-85.0, min(85.0, self.pitch))
            self._center_pointer(base)
        self._was_looking = look
        engine.head.setHpr(self.heading, self.pitch, 0)

        down = watcher.isButtonDown
        k = self._keys
        forward = (down(k["w"]) or down(k["z"])) - down(k["s"])
        strafe = down(k["d"]) - (down(k["a"]) or down(k["q"]))
        if forward or strafe:
            h = math.radians(self.heading)
            step = self.WALK_SPEED * dt
            dx = (strafe * math.cos(h) - forward * math.sin(h)) * step
            dy = (strafe * math.sin(h) + forward * math.cos(h)) * step
            engine.head.setPos(engine.head.getX() + dx, engine.head.getY() + dy, engine.head.getZ())
        target_reach = 1.0 if down(k["space"]) else 0.0
        self.reach += (target_reach - self.reach) * min(1.0, dt * 6.0)
        place_hands(engine, self.heading, self.reach)

    def window_closed(self, engine: Engine) -> bool:
        win = engine.base.win
        return win is None or win.isClosed()

    def close(self, engine: Engine | None) -> None:
        for node in (self.help_node, self.hint_node):
            if node is not None:
                node.destroy()
        self.help_node = self.hint_node = None
        super().close(engine)


def place_hands(engine: Engine, heading: float, reach: float = 0.0) -> None:
    """Resting hands for backends without hand tracking: on the lap/table in
    front of the body, turned with the head's heading; ``reach`` (0..1)
    stretches the right hand forward."""
    head = engine.head
    h = math.radians(heading)
    cos_h, sin_h = math.cos(h), math.sin(h)
    base_z = engine.config.eye_height - 0.42
    for node, side, extra in ((engine.left_hand, -1.0, 0.0), (engine.right_hand, 1.0, reach)):
        lx, ly = 0.2 * side, 0.38 + 0.25 * extra
        node.setPos(
            head.getX() + lx * cos_h - ly * sin_h,
            head.getY() + lx * sin_h + ly * cos_h,
            base_z + 0.1 * extra,
        )
        node.setHpr(heading, 0, 0)


def make_backend(name: str) -> DisplayBackend:
    if name == "desktop":
        return DesktopBackend()
    if name == "offscreen":
        return OffscreenBackend()
    if name == "openxr":
        # Imported here: pyopenxr loads only when a headset is asked for.
        from palier.engine.openxr.backend import OpenXRBackend

        return OpenXRBackend()
    if name == "auto":
        return choose_backend()
    raise BackendError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


def choose_backend() -> DisplayBackend:
    """``--backend auto``: openxr when a runtime finds a headset (its instance
    and system are kept for the session), else desktop; ``chosen_because``
    says which and why, for the command line to print."""
    from palier.engine.openxr import errors
    from palier.engine.openxr.runtime import probe

    found = probe()
    if isinstance(found, errors.XrUnavailable):
        reason = getattr(found, "i18n_message", None)
        why = errors.AUTO_CHOSE_DESKTOP.format(reason=reason if reason is not None else str(found))
        log.info("backend auto: desktop (%s)", found)
        desktop = DesktopBackend()
        desktop.chosen_because = why
        return desktop
    from palier.engine.openxr.backend import OpenXRBackend

    headset = OpenXRBackend(found)
    headset.chosen_because = errors.AUTO_CHOSE_OPENXR.format(
        system=found.system_name, runtime=found.runtime_name
    )
    return headset
