"""``palier engine``: run the headset-side engine."""

from __future__ import annotations

import argparse
from typing import Any

from engine.backends import BACKENDS


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
    p.add_argument("--lang", choices=("en", "fr"), default="en", help="patient-facing language")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "engine",
        help="run the headset-side engine",
        description="Run the engine that renders exposure scenes for the patient.",
    )
    p.add_argument("--backend", choices=BACKENDS, default="desktop", help="display backend")
    p.add_argument("--scene", default="spiders", help="scene to load (default: spiders)")
    add_scene_arguments(p)
    p.add_argument("--frames", type=int, metavar="N", help="exit cleanly after N frames")
    p.add_argument("--size", type=parse_size, default=(1280, 720), metavar="WxH")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from engine.app import Engine, EngineConfig
    from scenes import registry

    if args.frames is not None and args.frames < 1:
        raise ValueError(f"--frames must be at least 1, got {args.frames}")
    decl = registry.declaration(args.scene)
    params = decl.parse_assignments(args.assignments)
    engine = Engine(
        EngineConfig(
            backend=args.backend,
            scene=args.scene,
            params=params,
            size=args.size,
            language=args.lang,
        )
    )
    try:
        frames = engine.run(args.frames)
    finally:
        engine.close()
    print(f"engine: {frames} frames run, scene {args.scene}")
    return 0
