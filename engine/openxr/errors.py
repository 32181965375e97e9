"""Why the headset cannot be used, in words a clinician can act on.

Every failure to start the openxr backend is an :class:`XrUnavailable`
(a ``BackendError``) that says which case it is (:class:`Reason`), what to
do, and that ``--backend desktop`` runs without a headset. The text is a
translated message (``palier.core.i18n``), shown in the reader's language.
"""

from __future__ import annotations

import enum

from palier.core.i18n import N_, Message, localized_error


class Reason(enum.Enum):
    BINDINGS_MISSING = "bindings_missing"
    NO_RUNTIME = "no_runtime"
    RUNTIME_FAILED = "runtime_failed"
    NO_HEADSET = "no_headset"
    NO_GRAPHICS = "no_graphics"
    SESSION_FAILED = "session_failed"


MESSAGES: dict[Reason, Message] = {
    Reason.BINDINGS_MISSING: N_(
        "the OpenXR bindings (pyopenxr) could not be loaded ({error}). Reinstall Palier "
        "with its dependencies, or use --backend desktop: the keyboard and mouse stand in "
        "for the headset."
    ),
    Reason.NO_RUNTIME: N_(
        "no OpenXR runtime is installed, or none is set as the active one. Install the "
        "headset's software (Meta Quest Link, SteamVR, Windows Mixed Reality, Pico, or "
        "Monado on Linux), make it the active OpenXR runtime and start it; or use "
        "--backend desktop: the keyboard and mouse stand in for the headset."
    ),
    Reason.RUNTIME_FAILED: N_(
        "the OpenXR runtime ({runtime}) is installed but failed ({error}). Restart it (and "
        "the headset software that runs it) and try again; or use --backend desktop: the "
        "keyboard and mouse stand in for the headset."
    ),
    Reason.NO_HEADSET: N_(
        "the OpenXR runtime ({runtime}) found no headset ({error}). Connect the headset "
        "and switch it on (a Meta Quest: start Link or Air Link), check that the headset "
        "software sees it, and try again; or use --backend desktop: the keyboard and mouse "
        "stand in for the headset."
    ),
    Reason.NO_GRAPHICS: N_(
        "the OpenXR runtime ({runtime}) cannot take OpenGL images here ({error}). Palier "
        "draws with OpenGL: use a runtime with OpenGL support (SteamVR, Meta Quest Link, "
        "Monado), or use --backend desktop: the keyboard and mouse stand in for the headset."
    ),
    Reason.SESSION_FAILED: N_(
        "the headset session could not start on the OpenXR runtime ({runtime}): {error}. "
        "Restart the headset software and try again; or use --backend desktop: the "
        "keyboard and mouse stand in for the headset."
    ),
}

AUTO_CHOSE_OPENXR = N_("backend auto: a headset was found ({system} on {runtime}), using openxr")
AUTO_CHOSE_DESKTOP = N_("backend auto: no headset to use, using desktop: {reason}")

UNKNOWN_RUNTIME = N_("unknown runtime")


def unavailable(reason: Reason, *, runtime: str = "", error: str = "") -> XrUnavailable:
    """The error for ``reason``; ``runtime`` names the runtime where one answered."""
    exc = localized_error(
        XrUnavailable,
        MESSAGES[reason],
        runtime=runtime or UNKNOWN_RUNTIME,
        error=error,
    )
    exc.reason = reason
    return exc


class XrUnavailable(RuntimeError):
    """No headset session can be had; ``reason`` says which case. A
    RuntimeError like ``backends.BackendError`` (which this pure module
    cannot import: it loads Panda3D), so the command line prints it the same
    way, without a traceback."""

    reason: Reason = Reason.RUNTIME_FAILED
