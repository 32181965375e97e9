"""Text a person types into the session record (pseudonyms, notes), and record
text printed on a terminal.

One place for the rules, applied at the record's border
(``therapist_console.record``) so no caller can bypass them; the console shows
the refusal before the therapist loses what they typed.

Pseudonyms name patients, so two that look the same must be the same patient:

- NFKC (compatibility forms fold: full-width ``Ｄｅｍｏ`` is ``Demo``, the Ohm
  sign is Omega), spaces trimmed and each run of spaces made one space;
- refused: empty, longer than :data:`PSEUDONYM_MAX`, a line break, a control
  (Cc) or format character (Cf: zero-width space and joiners, bidi controls,
  BOM), another invisible one (:data:`_INVISIBLE`), an unassigned or
  private-use code point, a lone surrogate, and letters from two writing
  systems (``Dеmo-01`` with a Cyrillic е), except the mixes of UTS #39's
  "highly restrictive" level (Latin with Han and Japanese kana, with Han and
  Bopomofo, with Han and Hangul);
- :func:`pseudonym_key` compares a new pseudonym with the record's (old rows
  included): case-folded, invisible characters dropped, Cyrillic and Greek
  letters that look like Latin ones read as Latin.

Writing system, without a dependency: ``unicodedata`` has no Script property,
so a letter's system is the first word of its Unicode name (``LATIN SMALL
LETTER E``, ``CYRILLIC SMALL LETTER IE``, ``CJK UNIFIED IDEOGRAPH-4E00``), with
a few aliases (:data:`_SCRIPT_ALIASES`). Letters, marks not named
``COMBINING ...`` and non-ASCII digits carry one; ASCII digits, punctuation,
symbols, spaces, combining accents and modifier letters go with any (Unicode's
Common and Inherited).

Notes and other free text (session notes, a patient's notes): line breaks made
``\\n``, NFC (not NFKC: what the clinician wrote stays as written, ``½`` and
``m²`` included), outer whitespace trimmed; refused: longer than
:data:`NOTE_MAX` (never cut short), a lone surrogate, a control character other
than newline and tab. Scripts mix freely in prose.

Positions in messages count characters from 1 in the text as it would be
recorded (after normalisation).

:func:`printable` is the one way the command line prints record text: control,
format and invisible characters show as ``\\x1b`` or ``\\u{200b}`` (a backslash
as ``\\\\``), so a terminal escape in a record is never sent raw.
"""

from __future__ import annotations

import re
import unicodedata

from palier.core.i18n import N_, SOURCE_LANGUAGE, Message

PSEUDONYM_MAX = 64
"""Characters in a pseudonym: a label such as ``P-017`` or ``Élodie-03``,
with room for a clinic's prefix, and short enough for one table column."""

NOTE_MAX = 10_000
"""Characters in one note: several pages of prose, far above any note typed
during a session; a longer one is refused (with the limit), never cut."""

PSEUDONYM = N_("Pseudonym")
NOTE = N_("Note")
PATIENT_NOTES = N_("Patient notes")


class TextRefused(ValueError):
    """The text cannot be recorded; :attr:`message` says what and how to fix
    it (translated when read; ``error_text`` shows it in the reader's language)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.get(SOURCE_LANGUAGE))
        self.message = message
        self.i18n_message = message


_INVISIBLE = frozenset(
    "\u034f"  # COMBINING GRAPHEME JOINER
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers (letters that draw nothing)
    "\u17b4\u17b5"  # Khmer inherent vowels
    "\u180b\u180c\u180d\u180f"  # Mongolian free variation selectors
    "\u2800"  # BRAILLE PATTERN BLANK
    + "".join(map(chr, range(0xFE00, 0xFE10)))  # variation selectors
    + "".join(map(chr, range(0xE0100, 0xE01F0)))  # variation selectors supplement
)
"""Characters that draw nothing but are not format characters (Cf)."""

_SCRIPT_ALIASES = {
    "ARABIC-INDIC": "ARABIC",
    "KATAKANA-HIRAGANA": "KATAKANA",
    "HALFWIDTH": "KATAKANA",
    "IDEOGRAPHIC": "CJK",
    "KANGXI": "CJK",
}
"""Name words that are not a writing system's own (``ARABIC-INDIC DIGIT``)."""

_NO_SCRIPT_WORDS = frozenset({"", "COMBINING", "MODIFIER"})

_COMPATIBLE_MIXES = (
    frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "CJK", "BOPOMOFO"}),
    frozenset({"LATIN", "CJK", "HANGUL"}),
)
"""Writing systems used together in one name (UTS #39, 5.2 highly restrictive)."""

_SCRIPT_NAMES: dict[str, Message] = {
    # TRANSLATORS: writing-system names, shown as "mixes two writing systems
    # (Latin and Cyrillic): “е” at position 2 is Cyrillic"; French: latin, cyrillique.
    "LATIN": N_("Latin"),
    "CYRILLIC": N_("Cyrillic"),
    "GREEK": N_("Greek"),
    "ARMENIAN": N_("Armenian"),
    "GEORGIAN": N_("Georgian"),
    "HEBREW": N_("Hebrew"),
    "ARABIC": N_("Arabic"),
    "DEVANAGARI": N_("Devanagari"),
    "THAI": N_("Thai"),
    "CJK": N_("Han (Chinese characters)"),
    "HIRAGANA": N_("Hiragana"),
    "KATAKANA": N_("Katakana"),
    "HANGUL": N_("Hangul"),
}

_LOOKALIKES = str.maketrans(
    # Cyrillic and Greek letters drawn like Latin ones (a subset of Unicode's
    # confusables.txt), for comparing pseudonyms only.
    "АВЕКМНОРСТХЅІЈаеорсухѕіјԁһԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοιρνυ",
    "ABEKMHOPCTXSIJaeopcyxsijdhqwABEZHIKMNOPTYXoipvu",
)

_SPACES = re.compile("[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
"""Runs of space separators (Zs): one space in a pseudonym."""
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
_LINE_BREAK_CHARS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

_MSG_BROKEN = N_(
    "{what}: a broken character (unpaired surrogate U+{code}) at position {position}. "
    "Delete it and type the text again."
)
_MSG_TOO_LONG = N_(
    "{what}: {length} characters; the limit is {limit}. Shorten it (nothing was recorded)."
)
_MSG_EMPTY_PSEUDONYM = N_("A patient needs a pseudonym (any non-empty label; never a real name).")
_MSG_LINE_BREAK = N_("{what}: a line break at position {position}. A pseudonym is one line.")
_MSG_CONTROL = N_(
    "{what}: a control character ({character}) at position {position} cannot be recorded. "
    "Delete it and type the text again."
)
_MSG_INVISIBLE = N_(
    "{what}: an invisible character ({character}) at position {position}. Two pseudonyms "
    "that look the same must be one patient: delete it and type the pseudonym again."
)
_MSG_NO_GLYPH = N_(
    "{what}: a character no standard font shows ({character}) at position {position}. "
    "Delete it and type the pseudonym again."
)
_MSG_MIXED = N_(
    "{what}: mixes two writing systems ({first} and {second}): “{char}” ({character}) at "
    "position {position} is {second}. Letters that look alike in two alphabets would make "
    "two patients look the same: type the pseudonym in one alphabet."
)


def _describe(ch: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: a character named, never shown raw."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def _refuse(message: Message, what: Message, **params: object) -> TextRefused:
    return TextRefused(message.format(what=what, **params))


def _check_encodable(text: str, what: Message) -> None:
    """A lone surrogate (from a broken paste or a bad file) cannot be stored as
    UTF-8: say so, rather than fail inside SQLite with UnicodeEncodeError."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _refuse(
            _MSG_BROKEN, what, code=f"{ord(text[exc.start]):04X}", position=exc.start + 1
        ) from None


def _check_length(text: str, limit: int, what: Message) -> None:
    if len(text) > limit:
        raise _refuse(_MSG_TOO_LONG, what, length=len(text), limit=limit)


def script(ch: str) -> str | None:
    """The writing system of a character (``"LATIN"``, ``"CYRILLIC"``, ``"CJK"``,
    ...), from the first word of its Unicode name; None for a character that
    goes with any (digits 0-9, punctuation, symbols, spaces, combining marks)."""
    category = unicodedata.category(ch)
    if not (category[0] in "LM" or (category == "Nd" and not "0" <= ch <= "9")):
        return None
    words = unicodedata.name(ch, "").split(" ")
    word = words[1] if words[0] == "EXTENDED" and len(words) > 1 else words[0]
    if word in _NO_SCRIPT_WORDS:
        return None
    if word == "OLD" and len(words) > 1:  # OLD ITALIC, OLD PERSIAN, ...
        word = f"OLD {words[1]}"
    return _SCRIPT_ALIASES.get(word, word)


def script_name(system: str) -> Message | str:
    """A writing system for a message: translated for the common ones."""
    return _SCRIPT_NAMES.get(system, system.title())


def _check_one_script(text: str, what: Message) -> None:
    seen: set[str] = set()
    first: str | None = None
    for i, ch in enumerate(text):
        system = script(ch)
        if system is None or system in seen:
            continue
        seen.add(system)
        if first is None:
            first = system
            continue
        if any(seen <= mix for mix in _COMPATIBLE_MIXES):
            continue
        raise _refuse(
            _MSG_MIXED,
            what,
            first=script_name(first),
            second=script_name(system),
            char=ch,
            character=_describe(ch),
            position=i + 1,
        )


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or ch in _INVISIBLE


def clean_pseudonym(value: object, what: Message = PSEUDONYM) -> str:
    """The pseudonym as it is recorded (NFKC, trimmed, single spaces), or
    :class:`TextRefused` saying what is wrong and how to fix it."""
    if not isinstance(value, str):
        raise TextRefused(_MSG_EMPTY_PSEUDONYM)
    _check_encodable(value, what)
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    if not text:
        raise TextRefused(_MSG_EMPTY_PSEUDONYM)
    _check_length(text, PSEUDONYM_MAX, what)
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if ch in _LINE_BREAK_CHARS:
            raise _refuse(_MSG_LINE_BREAK, what, position=i + 1)
        if category == "Cc":
            raise _refuse(_MSG_CONTROL, what, character=_describe(ch), position=i + 1)
        if _invisible(ch):
            raise _refuse(_MSG_INVISIBLE, what, character=_describe(ch), position=i + 1)
        if category in ("Cn", "Co"):
            raise _refuse(_MSG_NO_GLYPH, what, character=_describe(ch), position=i + 1)
    _check_one_script(text, what)
    return text


def pseudonym_key(pseudonym: str) -> str:
    """What two pseudonyms are compared by: equal keys are one patient. Case
    folded (``demo-01`` is ``Demo-01``, ``ÉLODIE`` is ``élodie``), invisible
    characters dropped and Cyrillic or Greek look-alikes read as Latin, so an
    old row stored before these rules (``Demo\\u200b-01``, ``Dеmo-01``) still
    clashes with the pseudonym it imitates."""
    text = unicodedata.normalize("NFKC", pseudonym)
    text = "".join(ch for ch in text if not (_invisible(ch) or unicodedata.category(ch) == "Cs"))
    text = _SPACES.sub(" ", text).strip()
    return unicodedata.normalize("NFKC", text.translate(_LOOKALIKES).casefold())


def clean_text(value: object, what: Message = NOTE, *, limit: int = NOTE_MAX) -> str:
    """Free text as it is recorded (line breaks ``\\n``, NFC, trimmed; empty
    allowed: the caller decides whether it may be), or :class:`TextRefused`."""
    if not isinstance(value, str):
        raise TypeError(f"{what.get(SOURCE_LANGUAGE)} must be text, got {type(value).__name__}")
    _check_encodable(value, what)
    text = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", value)).strip()
    _check_length(text, limit, what)
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cc" and ch not in "\n\t":
            raise _refuse(_MSG_CONTROL, what, character=_describe(ch), position=i + 1)
    return text


_C_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: controls as ``\\x1b``, format,
    invisible, separator (other than the space), private-use, unassigned and
    surrogate characters as ``\\u{200b}``, a backslash doubled; the rest as is."""
    if text.isprintable() and "\\" not in text and not _INVISIBLE.intersection(text):
        return text
    out = []
    for ch in text:
        if ch in _C_ESCAPES:
            out.append(_C_ESCAPES[ch])
        elif unicodedata.category(ch) == "Cc":
            out.append(f"\\x{ord(ch):02x}")
        elif not ch.isprintable() or ch in _INVISIBLE:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return "".join(out)
