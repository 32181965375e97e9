"""``palier demo``: the one command a newcomer runs to see Palier work.

With a display it opens the engine in desktop simulation with the spider
scene. Without one it renders every scene offscreen (least and most intense
settings) and says where the pictures are.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="see Palier work: desktop engine, or offscreen pictures when headless",
    )
    p.add_argument("--headless", action="store_true", help="do not open a window")
    p.add_argument("--out", default="out/demo", metavar="DIR", help="where pictures go")
    p.add_argument("--lang", choices=("en", "fr"), default="en")
    p.set_defaults(handler=run)


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    if not args.headless and has_display():
        from engine.app import Engine, EngineConfig

        engine = Engine(EngineConfig(backend="desktop", scene="spiders", language=args.lang))
        try:
            engine.run()
        finally:
            engine.close()
        return 0
    return render_gallery(Path(args.out), args.lang)


def render_gallery(out: Path, lang: str) -> int:
    from engine.shots import render_shot
    from scenes import registry

    if not args_headless_reason():
        print("Rendering every scene offscreen (--headless).")
    else:
        print(f"No display here ({args_headless_reason()}): rendering every scene offscreen.")
    written = []
    for decl in registry.declarations():
        for level, values in (("least", decl.least_intense()), ("most", decl.most_intense())):
            path = out / f"{decl.id}-{level}.png"
            render_shot(decl.id, values, [], (960, 540), 3.0, path, language=lang)
            written.append(path)
            print(f"  {decl.id:<12} {level:>5} intensity -> {path}")
    print(f"{len(written)} pictures in {out.resolve()}")
    return 0


def args_headless_reason() -> str:
    return "" if has_display() else "DISPLAY is not set"
