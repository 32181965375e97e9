"""Every console string exists in English and French with the same placeholders."""

from __future__ import annotations

import string

import pytest

from palier.therapist_console.i18n import CATALOGUE, UnknownStringError, detect_language, tr


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_both_languages(key: str) -> None:
    en, fr = CATALOGUE[key]
    assert en.strip() and fr.strip(), key
    assert _fields(en) == _fields(fr), key


def test_tr() -> None:
    assert tr("summary.title", "fr") == "Synthèse"
    assert tr("summary.title", "en") == "Summary"
    assert "12" in tr("timeline.session.started", "en", id=12)
    with pytest.raises(UnknownStringError):
        tr("no.such.key")


@pytest.mark.parametrize(
    "env,lang",
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LC_ALL": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_MESSAGES": "fr_BE", "LANG": "C"}, "fr"),
        ({"LANG": "C", "LANGUAGE": "fr:en"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_detect_language(env: dict[str, str], lang: str) -> None:
    assert detect_language(env) == lang
