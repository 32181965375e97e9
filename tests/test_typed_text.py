"""palier.core.typed_text: the rules for typed text, and printing record text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palier.core.typed_text import (
    TextRefused,
    clean_pseudonym,
    clean_text,
    printable,
    pseudonym_key,
    script,
)


@pytest.mark.parametrize(
    "ch,system",
    [
        ("e", "LATIN"),
        ("\u0435", "CYRILLIC"),
        ("Ω", "GREEK"),
        ("山", "CJK"),
        ("ー", "KATAKANA"),  # KATAKANA-HIRAGANA PROLONGED SOUND MARK
        ("٣", "ARABIC"),  # ARABIC-INDIC DIGIT THREE
        ("۳", "ARABIC"),  # EXTENDED ARABIC-INDIC DIGIT THREE
        ("7", None),
        ("-", None),
        (" ", None),
        ("\u0301", None),  # COMBINING ACUTE ACCENT
        ("ʼ", None),  # MODIFIER LETTER APOSTROPHE
    ],
)
def test_a_characters_writing_system_comes_from_its_name(ch: str, system: str | None) -> None:
    assert script(ch) == system


def test_printable_shows_what_a_terminal_would_run_or_hide() -> None:
    assert printable("Élodie-03 Иван") == "Élodie-03 Иван"
    assert printable("\x1b[31mred\x07") == "\\x1b[31mred\\x07"
    assert printable("a\u200bb\u202ec\ufeff") == "a\\u{200b}b\\u{202e}c\\u{feff}"
    assert printable("tab\tline\n\\") == "tab\\tline\\n\\\\"
    assert printable("\u3164\u00a0\ud800") == "\\u{3164}\\u{a0}\\u{d800}"


@given(st.text())
def test_printable_output_has_nothing_a_terminal_interprets(text: str) -> None:
    shown = printable(text)
    assert all(ch == " " or unicodedata.category(ch)[0] not in "CZ" for ch in shown), ascii(shown)


@given(st.text(max_size=80))
def test_an_accepted_pseudonym_is_accepted_again_unchanged(text: str) -> None:
    try:
        cleaned = clean_pseudonym(text)
    except TextRefused:
        return
    assert clean_pseudonym(cleaned) == cleaned
    assert pseudonym_key(cleaned) == pseudonym_key(text)


def test_free_text_is_not_folded_like_a_pseudonym() -> None:
    assert clean_text("ﬁle ½ m²") == "ﬁle ½ m²"  # NFC keeps what was written
    assert clean_pseudonym("ﬁle-½") == "file-1⁄2"  # NFKC folds compatibility forms
    assert clean_text("") == ""  # whether empty is allowed is the caller's choice
