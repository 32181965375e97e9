"""The headset backend in Panda3D: eye buffers, eye cameras, the frame hooks.

One frame, in the engine's order (``engine.app``):

* **between frames** (:meth:`OpenXRBackend.between_frames`, from
  ``Engine.run``): poll the runtime's events, then ``xrWaitFrame``, which
  blocks until the headset wants the next frame: the headset's vsync, never
  inside a frame. While the session is not running (before READY, after
  STOPPING) nothing waits, so the loop idles 10 ms a frame and the engine's
  stages keep running (the link, the failsafe).
* **input stage** (:meth:`OpenXRBackend.update_input`): ``xrBeginFrame``;
  the eyes and the head at the predicted display time move ``engine.head``
  (the view space) and one camera per eye under it (pose from
  ``xrLocateViews``, projection from each eye's field of view, an asymmetric
  frustum); the controllers move the hand anchors (grip pose) and become
  patient inputs (``controls``); the eye buffers render only when the
  runtime will show them (VISIBLE or FOCUSED and ``shouldRender``).
* **render** (Panda3D's ``igLoop``): each eye is drawn into its own texture;
  then, in the draw callback of the headset PC's window, each eye texture is
  copied into the runtime's swapchain image (acquire, GL blit, release).
  The window itself then shows the left eye's texture (no third drawing of
  the scene); so does the therapist's mirror (:meth:`mirror_source`).
* **after render** (a task after ``igLoop``): ``xrEndFrame`` with the
  projection layer, or with no layer when nothing was drawn.

The rig (``engine.rig``) is the tracking space's origin: :meth:`recenter`
moves it so that the patient faces the scene (at start, on the console's
``recenter`` command, on the desktop key, and when the runtime recentres).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from panda3d.core import (
    Camera,
    FrameBufferProperties,
    GraphicsOutput,
    LMatrix4f,
    LQuaternionf,
    MatrixLens,
    NodePath,
    PythonCallbackObject,
    Texture,
)

from palier.engine.backends import (
    RECENTER_KEY,
    BackendError,
    DisplayBackend,
    RuntimeFrameStats,
    bind_patient_keys,
    place_hands,
)
from palier.engine.openxr.controls import PatientControls
from palier.engine.openxr.gl import Blitter, GLError, NativeContext, current_context, make_current
from palier.engine.openxr.lifecycle import Ending
from palier.engine.openxr.poses import Pose, heading_of, recenter_offset
from palier.engine.openxr.projection import Fov, projection_matrix
from palier.engine.openxr.runtime import EyeView, XrFailure, XrRuntime, graphics_api
from palier.engine.texview import TextureView

if TYPE_CHECKING:  # types only: engine.app imports the backends
    from palier.engine.app import Engine, EngineConfig

log = logging.getLogger(__name__)

ENDING_WARNINGS = {
    Ending.RUNTIME_EXIT: "the headset's runtime ended the session (its software was closed "
    "or asked the application to quit)",
    Ending.SESSION_LOST: "the headset session was lost (the headset was disconnected or its "
    "software stopped); start the engine again when the headset is back",
    Ending.INSTANCE_LOST: "the OpenXR runtime is shutting down; start the engine again when "
    "the headset software runs",
}

SORT_END_FRAME = 55
"""After Panda3D's igLoop (sort 50), which draws the eyes and copies them."""
EYE_BUFFER_SORT = -30
IDLE_S = 0.01
"""Loop period while the session is not running (no xrWaitFrame to pace it)."""
LOCAL_SPACE_FLOOR_CHECK_M = 0.5
"""A STAGE space whose origin is this close to the eyes has no real floor
(some runtimes, Monado's simulated headset, alias it to LOCAL): the rig is
then raised to the seated eye height, as for LOCAL."""


class OpenXRBackend(DisplayBackend):
    """``--backend openxr``: a headset through any OpenXR runtime with OpenGL."""

    name = "openxr"

    def __init__(self, runtime: XrRuntime | None = None) -> None:
        super().__init__()
        self.runtime: XrRuntime | None = runtime
        """Given by ``--backend auto`` (its probe), else made by :meth:`open`."""
        self.controls = PatientControls()
        self.eye_textures: list[Texture] = []
        self.eye_buffers: list[GraphicsOutput] = []
        self.eye_cameras: list[NodePath] = []
        self.eye_props: FrameBufferProperties | None = None
        self._native: NativeContext | None = None
        self._blitter: Blitter | None = None
        self._view: TextureView | None = None
        self._view_region: Any = None
        self._near_far = (0.03, 500.0)
        self._lens_fovs: list[Fov | None] = []
        self._rendering = False
        self._submitted = False
        self._failed: str | None = None
        self._ended = False
        self._recentered = False
        self._head: Pose | None = None
        self._engine: Engine | None = None
        self._capture: list[np.ndarray] | None = None
        self._capture_wanted = False
        self._warm_targets: list[GraphicsOutput | None] = []

    # -- opening -----------------------------------------------------------------------
    def prc_lines(self, config: EngineConfig) -> list[str]:
        lines = [
            *super().prc_lines(config),
            "sync-video false",  # the headset's runtime paces the frames (xrWaitFrame)
        ]
        if graphics_api() == "egl":
            # Linux with no X display: Panda3D's headless EGL pipe, which the
            # runtime takes through XR_MNDX_egl_enable (Monado).
            lines += [
                "window-type offscreen",
                "load-display p3headlessgl",
                "audio-library-name null",
            ]
        else:
            lines += ["window-type onscreen", "window-title Palier engine (headset view)"]
        return lines

    def open(self, config: EngineConfig) -> Any:
        # The runtime and the headset first: a missing one is said before any window opens.
        runtime = self.runtime if self.runtime is not None else XrRuntime(graphics_api())
        self.runtime = runtime
        try:
            base = super().open(config)
        except BaseException:
            runtime.close()
            self.runtime = None
            raise
        try:
            self._native = self._current_context(base)
            runtime.start_session(self._native)
        except BaseException:
            runtime.close()
            self.runtime = None
            base.destroy()
            super().close(None)
            raise
        return base

    def _current_context(self, base: Any) -> NativeContext:
        """Panda3D's GL context handles, read where it is surely current: in a
        draw callback of a one-off frame."""
        found: list[NativeContext | Exception] = []
        region = base.win.makeDisplayRegion(0, 0.01, 0, 0.01)
        region.setCamera(base.cam)

        def probe(data: Any) -> None:
            try:
                found.append(current_context(prefer=graphics_api()))
            except Exception as exc:
                found.append(exc)
            data.upcall()

        region.setDrawCallback(PythonCallbackObject(probe))
        try:
            base.graphicsEngine.renderFrame()
        finally:
            base.win.removeDisplayRegion(region)
        if not found or isinstance(found[0], Exception):
            raise BackendError(f"could not read Panda3D's OpenGL context for the headset ({found})")
        return found[0]

    def attach(self, engine: Engine) -> None:
        super().attach(engine)
        assert self.runtime is not None
        self._engine = engine
        base = engine.base
        lens = base.camLens
        self._near_far = (float(lens.getNear()), float(lens.getFar()))
        self.eye_props = self._eye_props(engine.config)
        for i, (w, h) in enumerate(self.runtime.eye_sizes):
            self._make_eye(engine, i, w, h)
        # The window shows the left eye; the main camera draws nothing.
        main_region = base.camNode.getDisplayRegion(0)
        main_region.setActive(False)
        self._view = TextureView(self.eye_textures[0], "palier-headset-view")
        self._view_region = base.win.makeDisplayRegion()
        self._view_region.setCamera(self._view.camera)
        self._view_region.setClearColorActive(True)
        self._view_region.setClearColor(base.getBackgroundColor())
        self._view_region.setDrawCallback(PythonCallbackObject(self._copy_to_headset))
        self._view.fit(base.win.getXSize(), base.win.getYSize())
        base.accept("window-event", self._on_window_event)
        base.taskMgr.add(self._end_frame_task, "palier-openxr-end-frame", sort=SORT_END_FRAME)
        # The patient's panels read "controller" hints; the desktop keys still
        # work in the headset PC's window (the therapist beside the patient).
        bind_patient_keys(base, self.emit)
        base.accept("escape", engine.quit)
        base.accept(RECENTER_KEY, engine.recenter)  # the engine tells its observers (the link)
        # Every kind of framebuffer drawn into is warmed up before the first frame.
        self._warm_targets.append(engine.warm.add_target(self.eye_props))

    @staticmethod
    def _eye_props(config: EngineConfig) -> FrameBufferProperties:
        props = FrameBufferProperties()
        props.setRgbColor(True)
        props.setRgbaBits(8, 8, 8, 8)
        props.setDepthBits(24)
        if config.multisamples:
            props.setMultisamples(config.multisamples)
        return props

    def _make_eye(self, engine: Engine, index: int, w: int, h: int) -> None:
        base = engine.base
        texture = Texture(f"palier-eye-{index}")
        assert self.eye_props is not None
        buffer = base.win.makeTextureBuffer(
            f"palier-eye-{index}", w, h, texture, False, self.eye_props
        )
        if buffer is None:
            raise BackendError(
                f"the graphics driver refused a {w}x{h} buffer for the headset's eye {index}"
            )
        buffer.setSort(EYE_BUFFER_SORT + index)
        buffer.setClearColorActive(True)
        buffer.setClearColor(base.getBackgroundColor())
        buffer.setActive(False)
        lens = MatrixLens()
        lens.setUserMat(
            LMatrix4f(*_flat(projection_matrix(Fov.symmetric(90, 90), *self._near_far)))
        )
        camera = engine.head.attachNewNode(Camera(f"palier-eye-{index}", lens))
        region = buffer.makeDisplayRegion()
        region.setCamera(camera)
        self.eye_textures.append(texture)
        self.eye_buffers.append(buffer)
        self.eye_cameras.append(camera)
        self._lens_fovs.append(None)

    def _on_window_event(self, win: Any) -> None:
        engine = self._engine
        if (
            self._view is not None
            and win is not None
            and engine is not None
            and win == engine.base.win
        ):
            self._view.fit(win.getXSize(), win.getYSize())

    # -- between frames ----------------------------------------------------------------
    def between_frames(self, engine: Engine) -> None:
        runtime = self.runtime
        if runtime is None or self._failed:
            return
        try:
            runtime.poll_events()
            if runtime.lifecycle.frame_loop:
                runtime.wait_frame()
            elif not runtime.lifecycle.finished:
                time.sleep(IDLE_S)  # nothing paces the loop until the session runs
        except XrFailure as exc:
            self._fail(str(exc))

    # -- input stage -------------------------------------------------------------------
    def update_input(self, engine: Engine, dt: float) -> None:
        runtime = self.runtime
        self._rendering = self._submitted = False
        if runtime is None or self._failed:
            self._set_eyes_active(False)
            return
        try:
            if not runtime.frame_pending:
                # Stepped without Engine.run (tests, tools): wait here instead.
                self.between_frames(engine)
            if not runtime.begin_frame():
                self._set_eyes_active(False)
                return
            views = runtime.locate()
            if views is not None and views.valid:
                self._place_views(engine, views.head, views.eyes)
            controllers = runtime.read_controllers(engine.clock.t)
            self._place_hands(engine, controllers)
            if controllers is not None:
                for kind, value in self.controls.update(controllers.frame):
                    self.emit(kind, value)
            else:
                self.controls.reset()  # no input focus: nothing is held any more
            if runtime.reference_space_changed:
                runtime.reference_space_changed = False
                self.recenter(engine)
            self._rendering = bool(runtime.should_render and views is not None and views.valid)
        except XrFailure as exc:
            self._fail(str(exc))
            self._rendering = False
        self._set_eyes_active(self._rendering)

    def _set_eyes_active(self, active: bool) -> None:
        for buffer in self.eye_buffers:
            if buffer.isActive() != active:
                buffer.setActive(active)

    def _place_views(self, engine: Engine, head: Pose | None, eyes: tuple[EyeView, ...]) -> None:
        if head is None:
            # No head pose but valid eyes: the head halfway between them.
            head = Pose(
                tuple(sum(e.pose.position[k] for e in eyes) / len(eyes) for k in range(3)),  # type: ignore[arg-type]
                eyes[0].pose.orientation,
            )
        self._head = head
        _set_pose(engine.head, head)
        if not self._recentered:
            self._recentered = True
            self.recenter(engine)
        for i, eye in enumerate(eyes[: len(self.eye_cameras)]):
            _set_pose(self.eye_cameras[i], eye.pose.relative_to(head))
            if eye.fov != self._lens_fovs[i]:
                self._lens_fovs[i] = eye.fov
                lens = self.eye_cameras[i].node().getLens()
                lens.setUserMat(LMatrix4f(*_flat(projection_matrix(eye.fov, *self._near_far))))

    def _place_hands(self, engine: Engine, controllers: Any) -> None:
        grips = controllers.grips if controllers is not None else {}
        tracked = {hand: pose for hand, pose in grips.items() if pose is not None}
        if not tracked:
            heading = heading_of(self._head.orientation) if self._head is not None else 0.0
            place_hands(engine, heading)
            return
        for hand, pose in tracked.items():
            _set_pose(engine.left_hand if hand == "left" else engine.right_hand, pose)

    # -- render: the copy into the headset ---------------------------------------------
    def _copy_to_headset(self, data: Any) -> None:
        """Draw callback of the window's region, after both eye buffers were
        drawn this frame: copy them into the runtime's swapchain images."""
        try:
            if self._rendering and self.runtime is not None and not self._failed:
                self._submit_eyes()
        except (XrFailure, GLError) as exc:
            self._fail(str(exc))
        except Exception as exc:  # an exception must not cross into Panda3D's C++ draw
            log.exception("openxr: copying the eye images failed")
            self._fail(f"copying the eye images failed: {exc}")
        data.upcall()

    def _submit_eyes(self) -> None:
        runtime = self.runtime
        assert runtime is not None and self._native is not None and self._engine is not None
        gsg = self._engine.base.win.getGsg()
        if self._blitter is None:
            self._blitter = Blitter(self._native)
        captures: list[np.ndarray] = []
        for i, texture in enumerate(self.eye_textures):
            source = texture.prepareNow(0, gsg.getPreparedObjects(), gsg).getNativeId()
            size = (texture.getXSize(), texture.getYSize())
            dest = runtime.acquire_image(i)
            try:
                self._blitter.blit(source, size, dest, runtime.eye_sizes[i])
                if self._capture_wanted:
                    w, h = runtime.eye_sizes[i]
                    raw = self._blitter.read_rgba(dest, (w, h))
                    captures.append(np.frombuffer(raw, np.uint8).reshape(h, w, 4)[::-1].copy())
            finally:
                runtime.release_image(i)
        self._submitted = True
        if self._capture_wanted:
            self._capture, self._capture_wanted = captures, False

    def _end_frame_task(self, task: Any) -> int:
        runtime = self.runtime
        if runtime is not None and not self._failed:
            try:
                runtime.end_frame(self._submitted)
            except XrFailure as exc:
                self._fail(str(exc))
        return int(task.cont)

    # -- hooks for the engine ----------------------------------------------------------
    def recenter(self, engine: Engine) -> None:
        """Turn and move the rig so that the patient faces the scene from its
        origin (the head's height kept on a real floor)."""
        head = self._head
        if head is None or self.runtime is None:
            self._recentered = False  # do it on the first tracked frame
            return
        scene = engine.scene
        facing = scene.forward_heading() if scene is not None else 0.0
        on_floor = (
            self.runtime.app_space_kind == "STAGE" and head.position[2] > LOCAL_SPACE_FLOOR_CHECK_M
        )
        rig_z = 0.0 if on_floor else engine.config.eye_height - head.position[2]
        offset = recenter_offset(head, facing, rig_z)
        engine.rig.setPos(*offset.position)
        engine.rig.setHpr(offset.heading, 0, 0)
        log.info(
            "openxr: recentred (head heading %.1f° -> %.1f°, rig at %s)",
            heading_of(head.orientation),
            facing,
            tuple(round(c, 3) for c in offset.position),
        )

    def runtime_frame_stats(self) -> RuntimeFrameStats | None:
        runtime = self.runtime
        if runtime is None or runtime.timing.frames == 0:
            return None
        timing = runtime.timing
        return RuntimeFrameStats(
            predicted_display_period_ms=timing.predicted_display_period_ms,
            frames_late=timing.frames_late,
            frames_dropped=timing.frames_dropped,
        )

    def mirror_source(self) -> Texture | None:
        """The left eye's image: the mirror is a scaled copy of it."""
        return self.eye_textures[0] if self.eye_textures else None

    def window_closed(self, engine: Engine) -> bool:
        if self._failed:
            return True
        runtime = self.runtime
        if runtime is not None and runtime.lifecycle.finished:
            if not self._ended:
                self._ended = True
                ending = runtime.lifecycle.ending
                if ending in ENDING_WARNINGS:
                    log.warning("openxr: %s; the engine stops", ENDING_WARNINGS[ending])
            return True
        win = engine.base.win
        if win is None:
            return True
        closed = getattr(win, "isClosed", None)  # an onscreen window (an offscreen buffer has none)
        return bool(closed()) if callable(closed) else False

    def _fail(self, why: str) -> None:
        if not self._failed:
            log.error("openxr: the headset runtime failed: %s; the engine stops", why)
        self._failed = why
        self._set_eyes_active(False)

    # -- checks ------------------------------------------------------------------------
    def capture_eyes(self, engine: Engine, max_frames: int = 60) -> list[np.ndarray]:
        """Both eyes' images as the runtime received them (read back from the
        swapchain images right after the copy; RGBA, top row first). For
        tests and benchmarks: it steps the engine until a frame was shown."""
        self._capture, self._capture_wanted = None, True
        step: Callable[[], None] = engine.step
        for _ in range(max_frames):
            self.between_frames(engine)
            step()
            if self._capture is not None:
                return self._capture
            if self._failed or (self.runtime is not None and self.runtime.lifecycle.finished):
                break
        self._capture_wanted = False
        raise BackendError(f"no headset frame was shown within {max_frames} frames")

    # -- closing -----------------------------------------------------------------------
    def close(self, engine: Engine | None) -> None:
        if engine is not None:
            base = engine.base
            base.taskMgr.remove("palier-openxr-end-frame")
            for event in ("window-event", "escape", RECENTER_KEY):
                base.ignore(event)
            if self._native is not None:
                make_current(self._native)
            if self._blitter is not None:
                try:
                    self._blitter.close()
                except Exception:
                    log.debug("openxr: blitter close failed", exc_info=True)
                self._blitter = None
        runtime, self.runtime = self.runtime, None
        if runtime is not None:
            runtime.close()  # session stopped by the book, then everything destroyed
        if engine is not None:
            base = engine.base
            for target in self._warm_targets:
                engine.warm.remove_target(target)
            if self._view_region is not None:
                self._view_region.clearDrawCallback()
                base.win.removeDisplayRegion(self._view_region)
            if self._view is not None:
                self._view.destroy()
            for buffer in self.eye_buffers:
                buffer.clearRenderTextures()
                base.graphicsEngine.removeWindow(buffer)
            for camera in self.eye_cameras:
                camera.removeNode()
        self._warm_targets.clear()
        self._view = self._view_region = None
        self.eye_buffers.clear()
        self.eye_cameras.clear()
        self.eye_textures.clear()
        super().close(engine)


def _set_pose(node: NodePath, pose: Pose) -> None:
    node.setPos(*pose.position)
    node.setQuat(_quat(pose))


def _quat(pose: Pose) -> LQuaternionf:
    return LQuaternionf(*pose.orientation)


def _flat(matrix: tuple[tuple[float, ...], ...]) -> list[float]:
    return [value for row in matrix for value in row]
