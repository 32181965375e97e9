"""The ``palier`` command: one entry point, one subcommand per job.

Each subcommand lives next to the code it drives and registers itself through
a ``register(subparsers)`` function. Registration modules import nothing heavy
(no Panda3D, no Qt) so ``palier --help`` is instant and works anywhere; the
real work is imported inside each handler.

Messages a clinician reads (errors, ``palier sessions``, ``palier protocols
check``) are translated into the system locale's language; argparse's help
stays English (docs/translating.md).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from palier import __version__
from palier.core.i18n import _, current_language, detect_language, error_text, set_language

# Order is the order shown in --help.
COMMAND_MODULES = (
    "palier.cli.demo",
    "palier.cli.engine",
    "palier.cli.keys",
    "palier.cli.link",
    "palier.cli.scenes",
    "palier.cli.protocols",
    "palier.cli.console",
    "palier.cli.sessions",
)


class CliError(Exception):
    """A user mistake on the command line: printed without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="palier",
        description="Palier: VR exposure-therapy session controller.",
    )
    parser.add_argument("--version", action="version", version=f"palier {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    set_language(detect_language())
    parser = build_parser()
    args = parser.parse_args(argv)
    levels = {0: logging.WARNING, 1: logging.INFO}
    logging.basicConfig(
        level=levels.get(args.verbose, logging.DEBUG),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        result = args.handler(args)
    except KeyboardInterrupt:
        return 130
    except (CliError, ValueError, RuntimeError, OSError) as exc:
        # Typed errors from our modules (SceneError, EngineError, ...) derive
        # from these; print the message, which says what and how to fix.
        print(
            _(
                "palier {command}: error: {error}",
                command=args.command,
                error=error_text(exc, current_language()),
            ),
            file=sys.stderr,
        )
        if args.verbose:
            raise
        return 2
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
