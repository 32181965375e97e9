"""``palier protocols``: check protocol files, list the installed ones, and
generate the format reference from the model."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from palier.core.i18n import LANGUAGES, _, ngettext

# The repository's copy, wherever the command runs from (a checkout only).
DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "protocol-format.md"


def register(sub: Any) -> None:
    p = sub.add_parser("protocols", help="check and list exposure protocols")
    psub = p.add_subparsers(dest="protocols_command", metavar="ACTION", required=True)

    cp = psub.add_parser(
        "check",
        help="validate protocol files (exit 1 on any error)",
        description="Validate protocol files against the model and the scene "
        "catalogue. With no FILE, check every installed protocol.",
    )
    cp.add_argument("files", nargs="*", metavar="FILE")
    cp.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    cp.set_defaults(handler=run_check)

    lp = psub.add_parser("list", help="list installed protocols")
    lp.add_argument("--lang", choices=LANGUAGES, default="en")
    lp.add_argument("--json", action="store_true", help="machine-readable output")
    lp.add_argument("--steps", action="store_true", help="show each protocol's hierarchy")
    lp.set_defaults(handler=run_list)

    dp = psub.add_parser("doc", help="print the protocol format reference (from the model)")
    dp.add_argument(
        "--write", action="store_true", help="write it to docs/protocol-format.md in this checkout"
    )
    dp.add_argument("--schema", action="store_true", help="print the JSON Schema instead")
    dp.set_defaults(handler=run_doc)


def run_check(args: argparse.Namespace) -> int:
    # Imported by the handlers: `palier --help` stays instant.
    from palier.protocols.files import check_file, installed

    files = [Path(f) for f in args.files] or list(installed().files)
    failed = 0
    for path in files:
        proto, issues = check_file(path)
        for issue in issues:
            if issue.severity == "error" or not args.quiet:
                print(issue, file=sys.stderr if issue.severity == "error" else sys.stdout)
        if proto is None:
            failed += 1
        elif not args.quiet:
            print(
                ngettext(
                    "{path}: ok ({id}, {n} step)",
                    "{path}: ok ({id}, {n} steps)",
                    len(proto.steps),
                    path=path,
                    id=proto.id,
                )
            )
    if failed:
        print(
            _(
                "{failed} of {total} file(s) have errors; they cannot be used in a session.",
                failed=failed,
                total=len(files),
            ),
            file=sys.stderr,
        )
        return 1
    return 0


def run_list(args: argparse.Namespace) -> int:
    # See run_check.
    from palier.protocols.files import installed
    from palier.protocols.model import to_data
    from palier.protocols.validate import exposure_scene_ids

    inst = installed()
    if args.json:
        print(
            json.dumps(
                {
                    "protocols": [{**to_data(p), "source": p.source} for p in inst.protocols],
                    "broken": [str(i) for i in inst.broken],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    lang = args.lang
    for p in inst.protocols:
        scenes = ", ".join(p.scenes)
        print(
            f"{p.id}: {p.title.get(lang)}  [{p.condition}; {p.kind}; {scenes}; "
            f"{len(p.steps)} steps]"
        )
        if args.steps:
            for i, s in enumerate(p.steps, 1):
                print(f"    {i:2d}. ({s.expected_suds:3d}) {s.text.get(lang)}")
    covered = {s for p in inst.protocols for s in p.scenes}
    waiting = [s for s in exposure_scene_ids() if s not in covered]
    if waiting:
        print("exposure scenes without a protocol: " + ", ".join(waiting))
    for issue in inst.broken:
        print(f"not usable: {issue}", file=sys.stderr)
    return 0


def run_doc(args: argparse.Namespace) -> int:
    # See run_check.
    from palier.protocols.reference import format_doc, json_schema

    if args.schema:
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return 0
    text = format_doc()
    if args.write:
        DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
        DOC_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {DOC_PATH}")
    else:
        print(text)
    return 0
