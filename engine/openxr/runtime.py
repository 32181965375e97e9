"""Everything that calls OpenXR (pyopenxr's ``xr``), and nothing of Panda3D.

:class:`XrRuntime` owns the OpenXR objects of one engine, created in this
order and destroyed in the reverse one (:meth:`XrRuntime.close`):
instance (with its debug messenger), system, session, reference spaces,
action set (actions, hand spaces), swapchains. It runs the frame protocol
the backend drives:

1. :meth:`~XrRuntime.poll_events` every frame (the session's states go to
   :class:`~.lifecycle.SessionLifecycle`; begin and end session happen here);
2. :meth:`~XrRuntime.wait_frame` between frames (it blocks: the headset's
   vsync), then :meth:`~XrRuntime.begin_frame` at the start of one;
3. :meth:`~XrRuntime.locate` (eyes and head at the predicted display time),
   :meth:`~XrRuntime.read_controllers`;
4. per eye, :meth:`~XrRuntime.acquire_image` / :meth:`~XrRuntime.release_image`
   around the copy of the eye image (the backend's draw callback);
5. :meth:`~XrRuntime.end_frame` with the projection layer (or none).

Failures to start are :class:`~.errors.XrUnavailable` with the reason; a
failure while running is :class:`XrFailure` (the backend ends the engine
loop cleanly). Debug messages of the runtime go to :mod:`logging` through a
callback that is kept referenced here and destroyed before the instance, so
it never outlives it (panda3d-openxr's crashed at exit for that reason).
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import os
import sys
import time
import weakref
from dataclasses import dataclass
from typing import Any

from palier.engine.openxr import bindings
from palier.engine.openxr.controls import ControllerFrame, HandState
from palier.engine.openxr.errors import Reason, XrUnavailable, unavailable
from palier.engine.openxr.formats import FormatError, SwapchainFormat, choose_format
from palier.engine.openxr.gl import NativeContext, make_current
from palier.engine.openxr.lifecycle import Action, SessionLifecycle, SessionState
from palier.engine.openxr.poses import Pose, xr_to_panda
from palier.engine.openxr.projection import Fov
from palier.engine.openxr.timing import FrameTiming

# The loader prints its own errors to stderr ("failed to open ... Does it
# exist?") before ours, which says the same in the reader's words; set
# XR_LOADER_DEBUG=error (or all) to see them.
os.environ.setdefault("XR_LOADER_DEBUG", "none")

try:
    import xr
except Exception as exc:  # pyopenxr or PyOpenGL missing or broken: say so, do not crash
    _IMPORT_ERROR: Exception | None = exc
else:
    _IMPORT_ERROR = None

log = logging.getLogger(__name__)

APP_NAME = "Palier"
SWAPCHAIN_WAIT_NS = 250_000_000
SWAPCHAIN_WAIT_TRIES = 4
"""A swapchain image not ready after 4 x 250 ms means a stuck runtime: stop
cleanly instead of hanging the engine."""
EXIT_PUMP_S = 3.0
"""How long :meth:`XrRuntime.close` lets a running session stop by the book."""


class XrFailure(RuntimeError):
    """The runtime failed while the session ran (the engine stops cleanly)."""


def _require_xr() -> None:
    if _IMPORT_ERROR is not None:
        raise unavailable(Reason.BINDINGS_MISSING, error=str(_IMPORT_ERROR))


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _error(exc: BaseException) -> str:
    name = type(exc).__name__
    message = str(exc).strip()
    return f"{name}: {message}" if message else name


@dataclass(frozen=True, slots=True)
class ViewConfig:
    width: int
    height: int
    max_width: int
    max_height: int
    samples: int


@dataclass(frozen=True, slots=True)
class EyeView:
    """One eye at the frame's predicted display time, in Panda3D's axes,
    relative to the tracking space (the rig)."""

    pose: Pose
    fov: Fov


@dataclass(frozen=True, slots=True)
class FrameViews:
    head: Pose | None
    """The view space (between the eyes), None when the runtime has no valid pose."""
    eyes: tuple[EyeView, ...]
    valid: bool
    """Both position and orientation valid for the eyes (else keep the last image)."""


@dataclass(frozen=True, slots=True)
class Controllers:
    frame: ControllerFrame
    grips: dict[str, Pose | None]
    """Grip pose per hand ("left", "right"), None when not tracked."""


_OPEN: weakref.WeakSet[XrRuntime] = weakref.WeakSet()


@atexit.register
def _close_leftovers() -> None:
    """An engine that was never closed (a crash on the way out) still ends
    its session and destroys its callback before Python unloads ctypes."""
    for runtime in list(_OPEN):
        try:
            runtime.close(pump_s=0.5)
        except Exception:
            log.debug("openxr: late close failed", exc_info=True)


def graphics_api(environ: dict[str, str] | None = None) -> str:
    """The OpenGL window system Panda3D will use: ``wgl`` on Windows; on
    Linux ``glx`` with an X display, else ``egl`` (Panda3D's headless pipe)."""
    env = os.environ if environ is None else environ
    if sys.platform == "win32":
        return "wgl"
    return "glx" if env.get("DISPLAY") else "egl"


class XrRuntime:
    """Instance and system at construction (so a missing runtime or headset
    is known before any window opens); the session with :meth:`start_session`."""

    def __init__(self, graphics: str) -> None:
        _require_xr()
        self.graphics = graphics
        self.runtime_name = ""
        self.system_name = ""
        self.instance: Any = None
        self.system_id: Any = None
        self.session: Any = None
        self.app_space: Any = None
        self.view_space: Any = None
        self.app_space_kind = ""
        self.action_set: Any = None
        self.actions: dict[str, Any] = {}
        self.hand_paths: dict[str, Any] = {}
        self.hand_spaces: dict[str, Any] = {}
        self.swapchains: list[Any] = []
        self.swapchain_images: list[list[int]] = []
        self.swapchain_format: SwapchainFormat | None = None
        self.eye_sizes: list[tuple[int, int]] = []
        self.views: list[ViewConfig] = []
        self.blend_mode: Any = None
        self.lifecycle = SessionLifecycle()
        self.timing = FrameTiming()
        self.frame_state: Any = None
        self.touchpad = False
        self.profile = ""
        self.reference_space_changed = False
        self._extensions: set[str] = set()
        self._messenger: Any = None
        self._messenger_callback: Any = None  # referenced until the messenger is gone
        self._messenger_info: Any = None
        self._binding: Any = None
        self._native: NativeContext | None = None
        self._waited = False
        self._frame_open = False
        self._acquired: set[int] = set()
        self._layer_views: Any = None
        self._layer: Any = None
        self._profile_dirty = True
        self._to_time: Any = None
        self._closed = False
        try:
            self._create_instance()
            self._get_system()
        except BaseException:
            self.close()
            raise
        _OPEN.add(self)

    # -- instance and system -----------------------------------------------------------
    def _create_instance(self) -> None:
        try:
            offered = {
                _text(e.extension_name) for e in xr.enumerate_instance_extension_properties()
            }
        except xr.RuntimeUnavailableError:
            raise unavailable(Reason.NO_RUNTIME) from None
        except xr.XrException as exc:
            raise unavailable(Reason.RUNTIME_FAILED, error=_error(exc)) from None
        wanted = [xr.KHR_OPENGL_ENABLE_EXTENSION_NAME]
        if self.graphics == "egl":
            wanted.append(xr.MNDX_EGL_ENABLE_EXTENSION_NAME)
        missing = [name for name in wanted if name not in offered]
        optional = ["XR_EXT_debug_utils"]
        optional.append(
            "XR_KHR_win32_convert_performance_counter_time"
            if sys.platform == "win32"
            else "XR_KHR_convert_timespec_time"
        )
        enabled = wanted + [name for name in optional if name in offered]
        try:
            self.instance = xr.create_instance(
                xr.InstanceCreateInfo(
                    application_info=xr.ApplicationInfo(
                        application_name=APP_NAME,
                        application_version=1,
                        engine_name="Palier (Panda3D)",
                        engine_version=1,
                        api_version=xr.Version(1, 0, 0),
                    ),
                    enabled_extension_names=[n for n in enabled if n not in missing],
                )
            )
        except xr.RuntimeUnavailableError:
            raise unavailable(Reason.NO_RUNTIME) from None
        except xr.XrException as exc:
            raise unavailable(Reason.RUNTIME_FAILED, error=_error(exc)) from None
        props = xr.get_instance_properties(self.instance)
        version = xr.Version(props.runtime_version)
        self.runtime_name = f"{_text(props.runtime_name)} {version}".strip()
        self._extensions = {n for n in enabled if n not in missing}
        log.info("openxr: runtime %s; extensions %s", self.runtime_name, sorted(self._extensions))
        if missing:
            what = " and ".join(missing)
            hint = "no X display, so Panda3D draws with EGL" if self.graphics == "egl" else ""
            raise unavailable(
                Reason.NO_GRAPHICS,
                runtime=self.runtime_name,
                error=f"it does not offer {what}" + (f"; {hint}" if hint else ""),
            )
        if "XR_EXT_debug_utils" in self._extensions:
            self._create_messenger()
        self._to_time = self._time_converter()

    def _create_messenger(self) -> None:
        def on_message(severity: int, _types: int, data: Any, _user: Any) -> int:
            try:
                d = data.contents
                level = (
                    logging.ERROR
                    if severity & 0x1000
                    else logging.WARNING
                    if severity & 0x0100
                    else logging.DEBUG
                )
                log.log(
                    level,
                    "openxr runtime: %s: %s",
                    _text(d.function_name or b""),
                    _text(d.message or b""),
                )
            except Exception:  # never let an exception cross into the runtime's C code
                pass
            return 0

        self._messenger_callback = xr.PFN_xrDebugUtilsMessengerCallbackEXT(on_message)
        info = xr.DebugUtilsMessengerCreateInfoEXT()
        info._user_callback = self._messenger_callback
        info.message_severities = xr.DebugUtilsMessageSeverityFlagsEXT(0x1000 | 0x0100 | 0x0010)
        self._messenger_info = info
        try:
            self._messenger = xr.create_debug_utils_messenger_ext(self.instance, info)
        except xr.XrException:
            log.debug("openxr: no debug messenger", exc_info=True)
            self._messenger = None

    def _time_converter(self) -> Any:
        """A function: the runtime's XrTime now (None when it cannot say)."""
        if sys.platform != "win32" and "XR_KHR_convert_timespec_time" in self._extensions:
            instance = self.instance

            def now() -> int | None:
                ns = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
                stamp = xr.timespec(ns // 1_000_000_000, ns % 1_000_000_000)
                return _int(xr.convert_timespec_time_to_time_khr(instance, stamp))

            return now
        convert = getattr(xr, "convert_win32_performance_counter_to_time_khr", None)
        if (
            sys.platform == "win32"
            and convert is not None
            and "XR_KHR_win32_convert_performance_counter_time" in self._extensions
        ):
            instance = self.instance
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]

            def now_win() -> int | None:
                counter = ctypes.c_longlong()
                kernel32.QueryPerformanceCounter(ctypes.byref(counter))
                return _int(convert(instance, counter))

            return now_win
        return None

    def _get_system(self) -> None:
        try:
            self.system_id = xr.get_system(
                self.instance, xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY)
            )
        except (xr.FormFactorUnavailableError, xr.FormFactorUnsupportedError) as exc:
            raise unavailable(
                Reason.NO_HEADSET, runtime=self.runtime_name, error=_error(exc)
            ) from None
        except xr.XrException as exc:
            raise unavailable(
                Reason.RUNTIME_FAILED, runtime=self.runtime_name, error=_error(exc)
            ) from None
        props = xr.get_system_properties(self.instance, self.system_id)
        self.system_name = _text(props.system_name)
        stereo = xr.ViewConfigurationType.PRIMARY_STEREO
        configs = [int(c) for c in xr.enumerate_view_configurations(self.instance, self.system_id)]
        if int(stereo) not in configs:
            raise unavailable(
                Reason.NO_HEADSET,
                runtime=self.runtime_name,
                error=f"{self.system_name} is not a stereo headset",
            )
        self.views = [
            ViewConfig(
                int(v.recommended_image_rect_width),
                int(v.recommended_image_rect_height),
                int(v.max_image_rect_width),
                int(v.max_image_rect_height),
                int(v.recommended_swapchain_sample_count),
            )
            for v in xr.enumerate_view_configuration_views(self.instance, self.system_id, stereo)
        ]
        blends = [
            int(b)
            for b in xr.enumerate_environment_blend_modes(self.instance, self.system_id, stereo)
        ]
        opaque = int(xr.EnvironmentBlendMode.OPAQUE)
        self.blend_mode = xr.EnvironmentBlendMode(opaque if opaque in blends else blends[0])
        log.info(
            "openxr: system %s, %d views %s, blend %s",
            self.system_name,
            len(self.views),
            [(v.width, v.height) for v in self.views],
            self.blend_mode.name,
        )

    # -- session -----------------------------------------------------------------------
    def start_session(self, native: NativeContext) -> None:
        """Create the session on Panda3D's GL context (current on this
        thread), the spaces, the actions and one swapchain per eye."""
        self._native = native
        try:
            requirements = xr.get_opengl_graphics_requirements_khr(self.instance, self.system_id)
            log.info(
                "openxr: OpenGL %s..%s wanted",
                xr.Version(requirements.min_api_version_supported),
                xr.Version(requirements.max_api_version_supported),
            )
            self._binding = self._graphics_binding(native)
            self.session = xr.create_session(
                self.instance,
                xr.SessionCreateInfo(
                    system_id=self.system_id,
                    next=ctypes.cast(ctypes.pointer(self._binding), ctypes.c_void_p),
                ),
            )
            self._create_spaces()
            self._create_actions()
            self._create_swapchains()
        except FormatError as exc:
            raise unavailable(
                Reason.NO_GRAPHICS, runtime=self.runtime_name, error=str(exc)
            ) from None
        except xr.XrException as exc:
            raise unavailable(
                Reason.SESSION_FAILED, runtime=self.runtime_name, error=_error(exc)
            ) from None

    def _graphics_binding(self, native: NativeContext) -> Any:
        def cast(struct: Any, field: str, value: int) -> Any:
            kind = dict(struct._fields_)[field]
            if isinstance(kind, type) and issubclass(kind, ctypes.c_void_p):
                return kind(value)
            return ctypes.cast(ctypes.c_void_p(value), kind)

        if native.api == "egl":
            kind = xr.GraphicsBindingEGLMNDX
            address = ctypes.cast(native.get_proc_address, ctypes.c_void_p).value
            return kind(
                get_proc_address=xr.PFN_xrEglGetProcAddressMNDX(address),
                display=cast(kind, "display", native.display),
                config=cast(kind, "config", native.config),
                context=cast(kind, "context", native.context),
            )
        if native.api == "glx":
            kind = xr.GraphicsBindingOpenGLXlibKHR
            return kind(
                x_display=cast(kind, "x_display", native.display),
                visualid=native.visual_id,
                glx_fbconfig=cast(kind, "glx_fbconfig", native.config),
                glx_drawable=native.drawable,
                glx_context=cast(kind, "glx_context", native.context),
            )
        binding = xr.GraphicsBindingOpenGLWin32KHR()
        binding.h_dc = cast(type(binding), "h_dc", native.display)
        binding.h_glrc = cast(type(binding), "h_glrc", native.context)
        return binding

    def _create_spaces(self) -> None:
        kinds = {int(k) for k in xr.enumerate_reference_spaces(self.session)}
        stage = int(xr.ReferenceSpaceType.STAGE)
        # STAGE puts the floor at height 0, so seated and standing patients
        # see the scene at their real eye height; LOCAL (always there) has
        # its origin at the eyes, and the rig is raised by the seated eye height.
        space_type = xr.ReferenceSpaceType.STAGE if stage in kinds else xr.ReferenceSpaceType.LOCAL
        self.app_space_kind = space_type.name
        self.app_space = xr.create_reference_space(
            self.session,
            xr.ReferenceSpaceCreateInfo(
                reference_space_type=space_type, pose_in_reference_space=xr.Posef()
            ),
        )
        self.view_space = xr.create_reference_space(
            self.session,
            xr.ReferenceSpaceCreateInfo(
                reference_space_type=xr.ReferenceSpaceType.VIEW, pose_in_reference_space=xr.Posef()
            ),
        )
        log.info("openxr: tracking space %s", self.app_space_kind)

    def _create_actions(self) -> None:
        name, label = bindings.ACTION_SET
        self.action_set = xr.create_action_set(
            self.instance,
            xr.ActionSetCreateInfo(
                action_set_name=name, localized_action_set_name=label, priority=0
            ),
        )
        self.hand_paths = {
            hand: xr.string_to_path(self.instance, path)
            for hand, path in zip(bindings.HANDS, bindings.HAND_PATHS, strict=True)
        }
        kinds = {
            bindings.ActionKind.BOOLEAN: xr.ActionType.BOOLEAN_INPUT,
            bindings.ActionKind.FLOAT: xr.ActionType.FLOAT_INPUT,
            bindings.ActionKind.VECTOR2: xr.ActionType.VECTOR2F_INPUT,
            bindings.ActionKind.POSE: xr.ActionType.POSE_INPUT,
        }
        subactions = [self.hand_paths[h] for h in bindings.HANDS]
        for decl in bindings.ACTIONS:
            self.actions[decl.name] = xr.create_action(
                self.action_set,
                xr.ActionCreateInfo(
                    action_name=decl.name,
                    action_type=kinds[decl.kind],
                    subaction_paths=subactions,
                    localized_action_name=decl.label,
                ),
            )
        for profile in bindings.PROFILES:
            suggested = [
                xr.ActionSuggestedBinding(
                    self.actions[action], xr.string_to_path(self.instance, path)
                )
                for action, path in profile.suggested()
            ]
            try:
                xr.suggest_interaction_profile_bindings(
                    self.instance,
                    xr.InteractionProfileSuggestedBinding(
                        interaction_profile=xr.string_to_path(self.instance, profile.path),
                        suggested_bindings=suggested,
                    ),
                )
            except xr.XrException as exc:  # a runtime without this profile: the others still apply
                log.info("openxr: bindings for %s refused (%s)", profile.label, _error(exc))
        for hand in bindings.HANDS:
            self.hand_spaces[hand] = xr.create_action_space(
                self.session,
                xr.ActionSpaceCreateInfo(
                    action=self.actions["grip"],
                    subaction_path=self.hand_paths[hand],
                    pose_in_action_space=xr.Posef(),
                ),
            )
        xr.attach_session_action_sets(
            self.session, xr.SessionActionSetsAttachInfo(action_sets=[self.action_set])
        )

    def _create_swapchains(self) -> None:
        offered = [int(f) for f in xr.enumerate_swapchain_formats(self.session)]
        self.swapchain_format = choose_format(offered)
        if not self.swapchain_format.srgb:
            log.warning(
                "openxr: the runtime offers no sRGB swapchain format; using %s, colours "
                "will look paler in the headset",
                self.swapchain_format.name,
            )
        for view in self.views:
            # The runtime's recommended size (Monado's null compositor: 128x128).
            w, h = view.width, view.height
            swapchain = xr.create_swapchain(
                self.session,
                xr.SwapchainCreateInfo(
                    usage_flags=xr.SwapchainUsageFlags.COLOR_ATTACHMENT_BIT
                    | xr.SwapchainUsageFlags.SAMPLED_BIT,
                    format=self.swapchain_format.gl_format,
                    sample_count=1,
                    width=w,
                    height=h,
                    face_count=1,
                    array_size=1,
                    mip_count=1,
                ),
            )
            self.swapchains.append(swapchain)
            images = xr.enumerate_swapchain_images(swapchain, xr.SwapchainImageOpenGLKHR)
            self.swapchain_images.append([int(image.image) for image in images])
            self.eye_sizes.append((w, h))
        log.info(
            "openxr: %d swapchains %s of %s",
            len(self.swapchains),
            self.eye_sizes,
            self.swapchain_format.name,
        )
        self._layer_views = (xr.CompositionLayerProjectionView * len(self.swapchains))()
        for i, swapchain in enumerate(self.swapchains):
            sub = self._layer_views[i].sub_image
            sub.swapchain = swapchain
            sub.image_rect.offset.x = 0
            sub.image_rect.offset.y = 0
            sub.image_rect.extent.width = self.eye_sizes[i][0]
            sub.image_rect.extent.height = self.eye_sizes[i][1]
            sub.image_array_index = 0
        self._layer = xr.CompositionLayerProjection(space=self.app_space, views=self._layer_views)

    # -- events ------------------------------------------------------------------------
    def poll_events(self) -> None:
        """Every frame: state changes, loss, profile changes, recentering by the runtime."""
        if self.instance is None:
            return
        T = xr.StructureType
        while True:
            try:
                event = xr.poll_event(self.instance)
            except xr.EventUnavailable:
                break
            except xr.XrException as exc:
                raise XrFailure(f"xrPollEvent failed: {_error(exc)}") from None
            kind = int(event.type)
            if kind == int(T.EVENT_DATA_BUFFER):  # nothing was written: no event
                break
            if kind == int(T.EVENT_DATA_SESSION_STATE_CHANGED):
                changed = ctypes.cast(
                    ctypes.byref(event), ctypes.POINTER(xr.EventDataSessionStateChanged)
                ).contents
                state = SessionState(int(changed.state))
                log.info("openxr: session %s -> %s", self.lifecycle.state.name, state.name)
                self._carry_out(self.lifecycle.on_state(state))
            elif kind == int(T.EVENT_DATA_INSTANCE_LOSS_PENDING):
                log.error("openxr: the runtime is going away (instance loss pending)")
                self._carry_out(self.lifecycle.on_instance_loss_pending())
            elif kind == int(T.EVENT_DATA_EVENTS_LOST):
                lost = ctypes.cast(
                    ctypes.byref(event), ctypes.POINTER(xr.EventDataEventsLost)
                ).contents
                log.warning("openxr: the runtime dropped %d events", int(lost.lost_event_count))
            elif kind == int(T.EVENT_DATA_INTERACTION_PROFILE_CHANGED):
                self._profile_dirty = True
            elif kind == int(T.EVENT_DATA_REFERENCE_SPACE_CHANGE_PENDING):
                log.info("openxr: the runtime recentred a reference space")
                self.reference_space_changed = True

    def _carry_out(self, actions: list[Action]) -> None:
        for action in actions:
            if action == Action.BEGIN_SESSION:
                try:
                    xr.begin_session(
                        self.session,
                        xr.SessionBeginInfo(
                            primary_view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO
                        ),
                    )
                except xr.XrException as exc:
                    raise XrFailure(f"xrBeginSession failed: {_error(exc)}") from None
                self.timing.reset_gap()
                log.info("openxr: session begun")
            elif action == Action.END_SESSION:
                self._waited = self._frame_open = False
                try:
                    xr.end_session(self.session)  # the session handle, never anything else
                    log.info("openxr: session ended")
                except xr.XrException as exc:  # lost sessions may refuse; destroying still works
                    log.warning("openxr: xrEndSession: %s", _error(exc))
            elif action == Action.REQUEST_EXIT:
                try:
                    xr.request_exit_session(self.session)
                except xr.XrException as exc:
                    log.warning("openxr: xrRequestExitSession: %s", _error(exc))
                    self._carry_out(self.lifecycle.abandon())
            elif action == Action.DESTROY:
                log.info("openxr: session over (%s)", self.lifecycle.ending)

    # -- frames ------------------------------------------------------------------------
    def wait_frame(self) -> bool:
        """xrWaitFrame when the session runs (blocks until the runtime wants
        the next frame); False when no frame is to be made now."""
        if not self.lifecycle.frame_loop or self._waited or self._frame_open:
            return False
        try:
            self.frame_state = xr.wait_frame(self.session, xr.FrameWaitInfo())
        except xr.SessionLossPending:
            self._carry_out(self.lifecycle.on_state(SessionState.LOSS_PENDING))
            return False
        except xr.XrException as exc:
            raise XrFailure(f"xrWaitFrame failed: {_error(exc)}") from None
        self.timing.on_wait(
            int(self.frame_state.predicted_display_time),
            int(self.frame_state.predicted_display_period),
        )
        self._waited = True
        return True

    @property
    def frame_pending(self) -> bool:
        """xrWaitFrame was called and its frame has not ended yet."""
        return self._waited or self._frame_open

    @property
    def should_render(self) -> bool:
        return bool(
            self._frame_open
            and self.lifecycle.should_render
            and self.frame_state is not None
            and self.frame_state.should_render
        )

    def begin_frame(self) -> bool:
        if not self._waited or not self.lifecycle.frame_loop:
            return False
        self._waited = False
        try:
            xr.begin_frame(self.session, xr.FrameBeginInfo())
        except xr.FrameDiscarded:  # a success: the frame began; the one before was never shown
            self.timing.on_discarded()
        except xr.SessionLossPending:
            self._carry_out(self.lifecycle.on_state(SessionState.LOSS_PENDING))
            return False
        except xr.XrException as exc:
            raise XrFailure(f"xrBeginFrame failed: {_error(exc)}") from None
        self._frame_open = True
        return True

    def locate(self) -> FrameViews | None:
        """Eyes and head at this frame's predicted display time (None outside a frame)."""
        if not self._frame_open:
            return None
        when = self.frame_state.predicted_display_time
        try:
            state, views = xr.locate_views(
                self.session,
                xr.ViewLocateInfo(
                    view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO,
                    display_time=when,
                    space=self.app_space,
                ),
            )
            head = xr.locate_space(self.view_space, self.app_space, when)
        except xr.XrException as exc:
            raise XrFailure(f"xrLocateViews failed: {_error(exc)}") from None
        flags = int(state.view_state_flags)
        valid = bool(flags & int(xr.VIEW_STATE_ORIENTATION_VALID_BIT)) and bool(
            flags & int(xr.VIEW_STATE_POSITION_VALID_BIT)
        )
        eyes = []
        for i, view in enumerate(views):
            if i < len(self._layer_views):
                # Submitted as located: the compositor reprojects from these.
                self._layer_views[i].pose = view.pose
                self._layer_views[i].fov = view.fov
            eyes.append(EyeView(_pose(view.pose), Fov(*_fov(view.fov))))
        return FrameViews(head=_located(head), eyes=tuple(eyes), valid=valid)

    def read_controllers(self, t: float) -> Controllers | None:
        """Both controllers now (None unless the session has input focus)."""
        if not self._frame_open or not self.lifecycle.focused:
            return None
        try:
            xr.sync_actions(
                self.session,
                xr.ActionsSyncInfo(
                    active_action_sets=[xr.ActiveActionSet(self.action_set, xr.NULL_PATH)]
                ),
            )
        except xr.SessionNotFocused:
            return None
        except xr.XrException as exc:
            raise XrFailure(f"xrSyncActions failed: {_error(exc)}") from None
        if self._profile_dirty:
            self._profile_dirty = False
            self._update_profile()
        hands: dict[str, HandState] = {}
        grips: dict[str, Pose | None] = {}
        when = self.frame_state.predicted_display_time
        for hand in bindings.HANDS:
            path = self.hand_paths[hand]

            def info(action: str, path: Any = path) -> Any:
                return xr.ActionStateGetInfo(action=self.actions[action], subaction_path=path)

            select = xr.get_action_state_boolean(self.session, info("select"))
            squeeze = xr.get_action_state_float(self.session, info("squeeze"))
            stick = xr.get_action_state_vector2f(self.session, info("stick"))
            click = xr.get_action_state_boolean(self.session, info("stick_click"))
            pose = xr.get_action_state_pose(self.session, info("grip"))
            active = bool(
                select.is_active or squeeze.is_active or stick.is_active or pose.is_active
            )
            hands[hand] = HandState(
                active=active,
                select=bool(select.is_active and select.current_state),
                squeeze=float(squeeze.current_state) if squeeze.is_active else 0.0,
                stick=(
                    (float(stick.current_state.x), float(stick.current_state.y))
                    if stick.is_active
                    else (0.0, 0.0)
                ),
                stick_click=bool(click.is_active and click.current_state),
            )
            grips[hand] = (
                _located(xr.locate_space(self.hand_spaces[hand], self.app_space, when))
                if pose.is_active
                else None
            )
        frame = ControllerFrame(
            t=t, left=hands["left"], right=hands["right"], touchpad=self.touchpad
        )
        return Controllers(frame=frame, grips=grips)

    def _update_profile(self) -> None:
        profiles = []
        for hand in bindings.HANDS:
            try:
                state = xr.get_current_interaction_profile(self.session, self.hand_paths[hand])
                path = int(state.interaction_profile)
                profiles.append(xr.path_to_string(self.instance, path) if path else "")
            except xr.XrException:
                profiles.append("")
        self.profile = next((p for p in profiles if p), "")
        self.touchpad = bindings.is_touchpad(self.profile)
        if self.profile:
            log.info("openxr: controllers use %s", self.profile)

    def acquire_image(self, eye: int) -> int:
        """The GL texture to copy this eye's image into, acquired and ready."""
        swapchain = self.swapchains[eye]
        index = xr.acquire_swapchain_image(swapchain, xr.SwapchainImageAcquireInfo())
        self._acquired.add(eye)
        for _ in range(SWAPCHAIN_WAIT_TRIES):
            try:
                xr.wait_swapchain_image(
                    swapchain, xr.SwapchainImageWaitInfo(timeout=SWAPCHAIN_WAIT_NS)
                )
                return self.swapchain_images[eye][index]
            except xr.TimeoutExpired:
                continue
        raise XrFailure(f"the runtime never released swapchain image {index} of eye {eye}")

    def release_image(self, eye: int) -> None:
        if eye in self._acquired:
            self._acquired.discard(eye)
            xr.release_swapchain_image(self.swapchains[eye], xr.SwapchainImageReleaseInfo())

    def end_frame(self, rendered: bool) -> None:
        """xrEndFrame, with the projection layer when both eyes were copied."""
        if not self._frame_open:
            return
        self._frame_open = False
        for eye in list(self._acquired):  # a copy that failed half-way
            self.release_image(eye)
            rendered = False
        layers = [ctypes.byref(self._layer)] if rendered and self._layer is not None else []
        when = int(self.frame_state.predicted_display_time)
        try:
            xr.end_frame(
                self.session,
                xr.FrameEndInfo(
                    display_time=when, environment_blend_mode=self.blend_mode, layers=layers
                ),
            )
        except xr.SessionLossPending:
            self._carry_out(self.lifecycle.on_state(SessionState.LOSS_PENDING))
        except xr.XrException as exc:
            raise XrFailure(f"xrEndFrame failed: {_error(exc)}") from None
        now = None
        if self._to_time is not None:
            try:
                now = self._to_time()
            except Exception:
                log.warning(
                    "openxr: the runtime's clock cannot be read; late frames go uncounted",
                    exc_info=True,
                )
                self._to_time = None
        self.timing.on_end(when, now)

    # -- the end -----------------------------------------------------------------------
    def request_exit(self) -> None:
        self._carry_out(self.lifecycle.request_exit())

    def close(self, pump_s: float = EXIT_PUMP_S) -> None:
        """End a running session by the book (bounded by ``pump_s``), then
        destroy everything, newest first. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        _OPEN.discard(self)
        if self._native is not None:
            make_current(self._native)  # the runtime frees its GL textures in our context
        if self.session is not None and not self.lifecycle.finished:
            try:
                self._stop_session(pump_s)
            except Exception:
                log.warning("openxr: the session did not stop cleanly", exc_info=True)
        if self.session is not None and self.lifecycle.running:
            self._carry_out([Action.END_SESSION])
            self.lifecycle.running = False
        for swapchain in reversed(self.swapchains):
            _destroy(xr.destroy_swapchain, swapchain)
        self.swapchains.clear()
        self.swapchain_images.clear()
        for space in (*self.hand_spaces.values(), self.view_space, self.app_space):
            if space is not None:
                _destroy(xr.destroy_space, space)
        self.hand_spaces.clear()
        self.view_space = self.app_space = None
        if self.action_set is not None:
            _destroy(xr.destroy_action_set, self.action_set)  # its actions go with it
        self.action_set = None
        self.actions.clear()
        if self.session is not None:
            _destroy(xr.destroy_session, self.session)
        self.session = None
        if self._messenger is not None:
            _destroy(xr.destroy_debug_utils_messenger_ext, self._messenger)
        self._messenger = None
        if self.instance is not None:
            _destroy(xr.destroy_instance, self.instance)
        self.instance = None
        # Only now, with the instance gone, may the callback go.
        self._messenger_callback = self._messenger_info = None
        self._binding = None

    def _stop_session(self, pump_s: float) -> None:
        self.request_exit()
        deadline = time.monotonic() + pump_s
        while not self.lifecycle.finished and time.monotonic() < deadline:
            self.poll_events()
            if self._frame_open:
                self.end_frame(False)
            if self.wait_frame() and self.begin_frame():
                self.end_frame(False)
            elif not self.lifecycle.frame_loop:
                time.sleep(0.01)
        if not self.lifecycle.finished:
            log.warning("openxr: the session did not reach EXITING within %.1f s", pump_s)


def _int(value: Any) -> int:
    """An XrTime as pyopenxr returns it (a ctypes integer) as an int."""
    return int(getattr(value, "value", value))


def _destroy(fn: Any, handle: Any) -> None:
    try:
        fn(handle)
    except Exception:
        log.warning("openxr: %s failed", getattr(fn, "__name__", fn), exc_info=True)


def _pose(pose: Any) -> Pose:
    p, q = pose.position, pose.orientation
    return xr_to_panda(
        (float(p.x), float(p.y), float(p.z)), (float(q.w), float(q.x), float(q.y), float(q.z))
    )


def _fov(fov: Any) -> tuple[float, float, float, float]:
    return (
        float(fov.angle_left),
        float(fov.angle_right),
        float(fov.angle_up),
        float(fov.angle_down),
    )


def _located(location: Any) -> Pose | None:
    flags = int(location.location_flags)
    valid = bool(flags & int(xr.SPACE_LOCATION_ORIENTATION_VALID_BIT)) and bool(
        flags & int(xr.SPACE_LOCATION_POSITION_VALID_BIT)
    )
    return _pose(location.pose) if valid else None


def probe(graphics: str | None = None) -> XrRuntime | XrUnavailable:
    """A runtime with a headset (instance and system, no session yet), or why not."""
    try:
        return XrRuntime(graphics or graphics_api())
    except XrUnavailable as exc:
        return exc
