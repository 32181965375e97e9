"""Why a headset cannot be used, in the reader's language; and what the
command line says and does when no OpenXR runtime is installed (a real
subprocess with the real loader, pointed at a runtime manifest that does
not exist)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from palier.core.i18n import error_text
from palier.engine.openxr.errors import MESSAGES, Reason, XrUnavailable, unavailable

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("reason", list(Reason))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_reason_says_what_to_do_and_offers_the_desktop(reason: Reason, lang: str) -> None:
    exc = unavailable(reason, runtime="Monado 21.0.0", error="XR_ERROR_X")
    assert isinstance(exc, XrUnavailable) and isinstance(exc, RuntimeError)
    assert exc.reason == reason
    text = error_text(exc, lang)
    assert "--backend desktop" in text
    assert "{" not in text  # every placeholder filled
    if "{runtime}" in MESSAGES[reason].msgid:
        assert "Monado 21.0.0" in text
    if lang == "fr":
        assert text != error_text(exc, "en")  # translated, not the English fallback


def test_the_reasons_read_differently() -> None:
    texts = {error_text(unavailable(r, runtime="R", error="E"), "en") for r in Reason}
    assert len(texts) == len(Reason)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        XR_RUNTIME_JSON=str(REPO / "no-such-runtime.json"),
        LANG="C.UTF-8",
        LC_ALL="",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("XR_LOADER_DEBUG", None)
    env.update(extra)
    return env


def _palier(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "palier", "engine", "--no-link", "--frames", "1", *args],
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


def test_openxr_without_a_runtime_exits_with_a_clear_message() -> None:
    done = _palier("--backend", "openxr")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "no OpenXR runtime is installed" in done.stderr
    assert "--backend desktop" in done.stderr
    # Our message only: the loader's own lines are quiet unless XR_LOADER_DEBUG asks.
    assert "OpenXR-Loader" not in done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr


def test_the_message_in_french() -> None:
    done = _palier("--backend", "openxr", LANG="fr_FR.UTF-8")
    assert done.returncode == 2
    assert "aucun runtime OpenXR n'est installé" in done.stderr
    assert "--backend desktop" in done.stderr


def test_auto_without_a_runtime_says_it_chose_the_desktop() -> None:
    # No display either: the desktop backend then refuses with its own message.
    done = _palier("--backend", "auto")
    assert "backend auto: no headset to use, using desktop" in done.stdout + done.stderr
    assert "no OpenXR runtime is installed" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.returncode == 2
    assert "no display found" in done.stderr
