"""``palier scenes``: list the catalogue, render any scene to a PNG."""

from __future__ import annotations

import argparse
import json
from typing import Any

from palier.cli.engine import add_scene_arguments, parse_size
from palier.core.i18n import LANGUAGES
from palier.scenes import registry
from palier.scenes.api import INTENSITY_DIRECTIONS, ParamKind, SceneDecl


def register(sub: Any) -> None:
    p = sub.add_parser("scenes", help="list scenes or render one to a picture")
    ssub = p.add_subparsers(dest="scenes_command", metavar="ACTION", required=True)

    lp = ssub.add_parser("list", help="list registered scenes with parameters and events")
    lp.add_argument("--json", action="store_true", help="machine-readable output")
    lp.add_argument("--lang", choices=LANGUAGES, default="en")
    lp.set_defaults(handler=run_list)

    sp = ssub.add_parser(
        "shot",
        help="render one frame of a scene offscreen to a PNG",
        description="Render SCENE offscreen after S simulated seconds and write a PNG.",
    )
    sp.add_argument("scene", metavar="SCENE")
    add_scene_arguments(sp)
    sp.add_argument(
        "--event",
        action="append",
        default=[],
        metavar="NAME",
        help="fire this event at time 0 (repeatable)",
    )
    sp.add_argument("--size", type=parse_size, default=(1280, 720), metavar="WxH")
    sp.add_argument(
        "--seconds",
        type=float,
        default=2.0,
        metavar="S",
        help="simulated seconds before the frame is taken (default 2)",
    )
    sp.add_argument(
        "--gaze",
        choices=("scene", "ahead"),
        default="scene",
        help="look at the scene's subject (default) or straight ahead",
    )
    sp.add_argument(
        "--fov",
        type=float,
        metavar="DEG",
        help="horizontal field of view in degrees (default: the headset's 90); "
        "narrower zooms in on a distant subject",
    )
    sp.add_argument("--out", required=True, metavar="FILE.png")
    sp.set_defaults(handler=run_shot)


def describe(decl: SceneDecl, lang: str) -> str:
    lines = [f"{decl.id}: {decl.name.get(lang)}  [{', '.join(decl.conditions)}]"]
    lines.append(f"    {decl.description.get(lang)}")
    for p in decl.params:
        if p.kind in (ParamKind.FLOAT, ParamKind.INT):
            rng = p.describe_range()
        elif p.kind is ParamKind.CHOICE:
            rng = "|".join(p.choice_values)
        else:
            rng = "true|false"
        more = INTENSITY_DIRECTIONS[p.intensifies].get(lang)
        lines.append(
            f"    param {p.name} ({p.kind.value}) {rng}, default {p.default}"
            f"  - {p.label.get(lang)}; {more}"
        )
    for e in decl.events:
        lines.append(f"    event {e.name}  - {e.label.get(lang)}")
    return "\n".join(lines)


def run_list(args: argparse.Namespace) -> int:
    decls = registry.declarations()
    if args.json:
        print(json.dumps([d.to_dict() for d in decls], ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(describe(d, args.lang) for d in decls))
    return 0


def run_shot(args: argparse.Namespace) -> int:
    # Panda3D only for a shot: `palier --help` stays instant.
    from palier.engine.shots import render_shot

    if not args.out.lower().endswith(".png"):
        raise ValueError(f"--out must name a .png file, got {args.out!r}")
    if not 0 <= args.seconds <= 600:
        raise ValueError(f"--seconds must be between 0 and 600, got {args.seconds}")
    if args.fov is not None and not 5 <= args.fov <= 120:
        raise ValueError(f"--fov must be between 5 and 120 degrees, got {args.fov}")
    decl = registry.declaration(args.scene)
    params = decl.parse_assignments(args.assignments)
    for name in args.event:
        decl.event(name)
    path = render_shot(
        args.scene,
        params,
        args.event,
        args.size,
        args.seconds,
        args.out,
        language=args.lang,
        gaze=args.gaze,
        fov_deg=args.fov,
    )
    print(f"wrote {path}")
    return 0
