"""``palier engine``: run the headset-side engine."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from palier.core.i18n import LANGUAGES, current_language
from palier.engine import BACKENDS

if TYPE_CHECKING:
    from palier.engine.app import Engine
    from palier.engine.link import EngineLink

OnServe = Callable[["Engine", "EngineLink"], object]
"""Called with the engine and its link once the link serves, before the
ready line: how the demo's and the tests' launchers add their stdin hooks
(``palier.cli.demo_engine``) to an engine built exactly as this command builds it."""


def parse_size(text: str) -> tuple[int, int]:
    w, sep, h = text.lower().partition("x")
    try:
        size = int(w), int(h)
    except ValueError:
        size = (0, 0)
    if not sep or min(size) < 16 or max(size) > 8192:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1280x720")
    return size


def add_scene_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a scene parameter (repeatable); see `palier scenes list`",
    )
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="patient-facing language")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "engine",
        help="run the headset-side engine",
        description="Run the engine that renders exposure scenes for the patient.",
    )
    add_arguments(p)
    p.set_defaults(handler=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``palier engine`` (also those of the launchers that
    build the same engine: ``palier.cli.demo_engine``, the tests' one)."""
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default="desktop",
        help="display backend: desktop (window, keyboard and mouse), openxr (a headset "
        "through its OpenXR runtime), auto (openxr when a headset is found, else desktop), "
        "offscreen (headless)",
    )
    p.add_argument("--scene", default="spiders", help="scene to load (default: spiders)")
    add_scene_arguments(p)
    p.add_argument("--frames", type=int, metavar="N", help="exit cleanly after N frames")
    p.add_argument("--size", type=parse_size, default=(1280, 720), metavar="WxH")
    link = p.add_argument_group("console link")
    link.add_argument(
        "--bind",
        metavar="tcp://HOST:PORT",
        help="serve consoles here (default tcp://127.0.0.1:7770, loopback only; use the "
        "headset PC's LAN address to reach another machine; port 0: any free port). "
        "Telemetry uses PORT+1, or with port 0 another free port; the ready line "
        "prints both.",
    )
    link.add_argument(
        "--keys",
        type=Path,
        metavar="DIR",
        help="keys directory (default: per-user, see `palier keys show`)",
    )
    link.add_argument(
        "--pair",
        action="store_true",
        help="open a pairing window at start: the view shows a one-time code to type in the "
        "console (2 minutes, 3 tries; the desktop window's P key opens another). Creates this "
        "machine's key pair if it has none",
    )
    link.add_argument("--no-link", action="store_true", help="do not serve consoles")
    link.add_argument(
        "--realtime",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="wall-clock time (default: on for desktop, and for offscreen when serving a console)",
    )
    link.add_argument(
        "--fps",
        type=float,
        default=None,
        metavar="HZ",
        help="cap the frame rate (default: 60 offscreen with a link, else none)",
    )
    p.add_argument(
        "--prepare",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="at start, build every scene once unseen so that switching scenes in a session "
        "takes under a second (default: on when serving consoles in a window or headset)",
    )
    # Test-only switch, kept out of --help.
    link.add_argument("--clock-shift-s", type=float, default=0.0, help=argparse.SUPPRESS)


log = logging.getLogger(__name__)


def _link_wanted(args: argparse.Namespace, keys_dir: Path) -> bool:
    """Serve consoles when asked (--bind), or by default when this machine
    has a key pair; without keys and without --bind, run standalone."""
    # Imported by the handler: `palier --help` stays instant.
    from palier.core.keys import OWN_SECRET

    if getattr(args, "no_link", False):
        return False
    if getattr(args, "bind", None) or getattr(args, "pair", False):
        return True
    if args.frames is not None:
        return False  # a scripted run (--frames) serves only when asked to with --bind
    if (keys_dir / OWN_SECRET).exists():
        return True
    print(f"engine: console link off (no key pair in {keys_dir}; `palier keys init` creates one)")
    return False


def run(args: argparse.Namespace, on_serve: OnServe | None = None) -> int:
    # Imported by the handler: the engine loads Panda3D, and `palier --help` stays instant.
    from palier.core.keys import OWN_SECRET, default_keys_dir, init_keys
    from palier.engine.app import Engine, EngineConfig
    from palier.scenes import registry

    if args.frames is not None and args.frames < 1:
        raise ValueError(f"--frames must be at least 1, got {args.frames}")
    decl = registry.declaration(args.scene)
    params = decl.parse_assignments(args.assignments)
    keys_dir = Path(args.keys) if getattr(args, "keys", None) else default_keys_dir()
    if getattr(args, "pair", False) and not (keys_dir / OWN_SECRET).exists():
        init_keys(keys_dir)  # pairing without files starts from nothing
        print(f"engine: created a key pair in {keys_dir}")
    serve = _link_wanted(args, keys_dir)
    realtime = getattr(args, "realtime", None)
    fps = getattr(args, "fps", None)
    if serve and args.backend == "offscreen":
        # Heartbeats and fades are wall-clock things: a served engine runs in real time.
        realtime = True if realtime is None else realtime
        fps = 60.0 if fps is None else fps
    if fps is not None and fps < 0:
        raise ValueError(f"--fps must be positive, got {fps}")
    prepare = args.prepare
    if prepare is None:
        prepare = serve and args.backend != "offscreen"
    backend = None
    if args.backend == "auto":
        from palier.engine.backends import choose_backend

        backend = choose_backend()
        if backend.chosen_because is not None:  # which it chose and why, before it opens
            print(f"engine: {backend.chosen_because.get(current_language())}", flush=True)
    engine = Engine(
        EngineConfig(
            backend=args.backend,
            scene=args.scene,
            params=params,
            size=args.size,
            language=args.lang,
            realtime=realtime,
            fps_cap=fps or 0.0,
            prepare_scenes=prepare,
        ),
        backend,
    )
    if engine.prepared:
        total = sum(engine.prepared.values())
        print(f"engine: {len(engine.prepared)} other scenes prepared in {total:.1f} s", flush=True)
    link = None
    try:
        if serve:
            # zmq only when the engine serves consoles.
            from palier.engine.link import DEFAULT_BIND, EngineLink, LinkConfig

            link = EngineLink(
                engine,
                LinkConfig(
                    keys_dir=keys_dir,
                    bind=args.bind or DEFAULT_BIND,
                    clock_shift_s=args.clock_shift_s,
                ),
            )
            if getattr(args, "pair", False):
                window = link.open_pairing()
                # The code itself is shown only in the engine's view.
                print(f"engine: pairing window open on {window.endpoint}", flush=True)
            if on_serve is not None:
                on_serve(engine, link)
            # One parseable line for scripts and tests that start the engine.
            print(
                f"palier-link ready command={link.command_endpoint} "
                f"telemetry={link.telemetry_endpoint} instance={link.instance}",
                flush=True,
            )
        frames = engine.run(args.frames)
    finally:
        if link is not None:
            link.close()
        engine.close()
    print(f"engine: {frames} frames run, scene {args.scene}")
    return 0
