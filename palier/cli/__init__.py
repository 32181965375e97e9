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
    "palier.cli.hr",
)


class CliError(Exception):
    """A user mistake on the command line: printed without a traceback."""


USER_ERRORS: tuple[type[Exception], ...] = (CliError, ValueError, RuntimeError, OSError)
"""What a user's input or machine can cause: our typed errors (SceneError,
EngineError, RecordError, ...) derive from these. Their message says what is
wrong and how to fix it."""
BUGS: tuple[type[Exception], ...] = (RecursionError, NotImplementedError)
"""RuntimeErrors that are never the user's doing."""

EXIT_ERROR = 2
"""A mistake in the command or its files (argparse uses 2 too)."""
EXIT_BUG = 70
"""An error Palier did not expect: a bug (EX_SOFTWARE in sysexits.h)."""
EXIT_INTERRUPTED = 130


def command_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A parser with the options every Palier command takes (``-v``)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--version", action="version", version=f"palier {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output; tracebacks on errors"
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = command_parser("palier", "Palier: VR exposure-therapy session controller.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    set_language(detect_language())
    return run_command(build_parser(), argv)


def run_command(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen handler (``args.handler``; the
    message names ``args.command``), as ``palier`` does: logging by ``-v``,
    and every error ends with a translated message and an exit code
    (:data:`EXIT_ERROR`: what the user gave is wrong, the message says what
    and how to fix it; :data:`EXIT_BUG`: a bug, said so in one line). ``-v``
    re-raises it, so the traceback is there for support."""
    args = parser.parse_args(argv)
    levels = {0: logging.WARNING, 1: logging.INFO}
    logging.basicConfig(
        level=levels.get(args.verbose, logging.DEBUG),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    command = getattr(args, "command", parser.prog)
    lang = current_language()
    try:
        result = args.handler(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        if isinstance(exc, USER_ERRORS) and not isinstance(exc, BUGS):
            code = EXIT_ERROR
            line = _(
                "palier {command}: error: {error}", command=command, error=error_text(exc, lang)
            )
        else:
            code = EXIT_BUG
            line = _(
                "palier {command}: unexpected error ({kind}: {error}). This is a bug in "
                "Palier: please report it to its maintainers (Palier's README says how), "
                "with the output of the same command run as `palier -v {command} ...`.",
                command=command,
                kind=type(exc).__name__,
                error=" ".join(error_text(exc, lang).split()),  # one line
            )
        print(line, file=sys.stderr)
        if args.verbose:
            raise
        return code
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
