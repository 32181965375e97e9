"""The headless demo's engine: ``palier engine`` plus a simulated patient on stdin.

Private to ``palier demo --headless``, which starts it as a child process
(``python -m palier.cli.demo_engine`` with ``palier engine``'s options) and
plays the patient through it. It is not a ``palier`` subcommand, and
``palier engine`` itself reads nothing from stdin. One action a line:

``input KIND [VALUE]``  patient input as the backend would emit it
                        (``input point 0.55``, ``input confirm``, ``input stop``)
``look``                the patient turns the head to the scene's subject

Each line applied is confirmed on stdout (``hooks: ok LINE``); another line
is reported on stderr and ignored. The tests' engine launcher
(``tests/engine_with_hooks.py``) adds its own hooks to these.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

from palier.cli import command_parser, run_command
from palier.cli import engine as engine_command
from palier.core.i18n import detect_language, set_language

if TYPE_CHECKING:
    from palier.engine.app import Engine
    from palier.engine.link import EngineLink

Hook = Callable[["Engine", "EngineLink", Sequence[str]], bool]
"""Applies one line (its words after the first); False: the words are wrong."""


def _input(engine: Engine, _link: EngineLink, words: Sequence[str]) -> bool:
    if not 1 <= len(words) <= 2:
        return False
    kind = words[0]
    try:
        value = float(words[1]) if len(words) > 1 else 1.0
    except ValueError:
        return False
    engine.submit(lambda e: e.backend.emit(kind, value))
    return True


def _look(engine: Engine, _link: EngineLink, words: Sequence[str]) -> bool:
    # Imported here: the engine's modules load Panda3D.
    from palier.engine.shots import aim_head

    if words:
        return False
    engine.submit(lambda e: aim_head(e, e.scene.focus_point() if e.scene is not None else None))
    return True


PATIENT_HOOKS: dict[str, Hook] = {"input": _input, "look": _look}
"""The simulated patient's actions, by a line's first word."""


def start_hooks(
    engine: Engine, link: EngineLink, hooks: Mapping[str, Hook] = PATIENT_HOOKS
) -> threading.Thread:
    """Read lines from stdin on a daemon thread (blocked in a read, it never
    holds up the exit) and apply each with its hook."""

    def apply(line: str) -> None:
        first, *words = line.split()
        hook = hooks.get(first)
        if hook is None or not hook(engine, link, words):
            print(f"hooks: unknown line {line!r}", file=sys.stderr, flush=True)
            return
        print(f"hooks: ok {line}", flush=True)

    def loop() -> None:
        for line in sys.stdin:
            if line.strip():
                apply(line.strip())

    thread = threading.Thread(target=loop, name="palier-stdin-hooks", daemon=True)
    thread.start()
    return thread


def launcher(
    prog: str, description: str, hooks: Mapping[str, Hook]
) -> Callable[[Sequence[str] | None], int]:
    """A ``main(argv)`` running ``palier engine`` with ``hooks`` on stdin (the
    engine built by the command's own code, errors reported as ``palier`` does)."""

    def main(argv: Sequence[str] | None = None) -> int:
        set_language(detect_language())
        parser = command_parser(prog, description)
        engine_command.add_arguments(parser)

        def run(args: argparse.Namespace) -> int:
            return engine_command.run(args, on_serve=partial(start_hooks, hooks=hooks))

        parser.set_defaults(handler=run, command="engine")
        return run_command(parser, argv)

    return main


main = launcher(
    "python -m palier.cli.demo_engine",
    "The headless demo's engine: `palier engine` with a simulated patient on stdin.",
    PATIENT_HOOKS,
)

if __name__ == "__main__":
    sys.exit(main(None))
