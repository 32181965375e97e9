"""The engine the link tests start: ``palier engine`` built by the command's own
code (``palier.cli.engine``), with stdin hooks that only tests reach: the demo's
simulated patient (``input KIND [VALUE]``, ``look``), ``stop-auth``, which
stops the engine's ZAP authenticator (the fail-closed test), and ``pair-code``,
which prints the open pairing window's code and socket as ``pair-code CODE
ENDPOINT`` (what the headset view shows, for the pairing test).

Run from the repository root as ``python -m tests.engine_with_hooks`` with
``palier engine``'s options (``tests/fixtures.py`` does).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from palier.cli.demo_engine import PATIENT_HOOKS, Hook, launcher

if TYPE_CHECKING:
    from palier.engine.app import Engine
    from palier.engine.link import EngineLink


def _stop_auth(_engine: Engine, link: EngineLink, words: Sequence[str]) -> bool:
    if words:
        return False
    link.stop_authenticator()
    return True


def _pair_code(_engine: Engine, link: EngineLink, words: Sequence[str]) -> bool:
    window = link.pairing
    if words or window is None:
        return False
    print(f"pair-code {window.code} {window.endpoint}", flush=True)
    return True


HOOKS: dict[str, Hook] = {**PATIENT_HOOKS, "stop-auth": _stop_auth, "pair-code": _pair_code}

main = launcher(
    "python -m tests.engine_with_hooks",
    "`palier engine` with the tests' stdin hooks (simulated patient, stop-auth, pair-code).",
    HOOKS,
)

if __name__ == "__main__":
    sys.exit(main(None))
