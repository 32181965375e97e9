"""Translations: complete catalogues, matching placeholders, lazy messages, locale data.

The catalogues are read as a translator's tool reads them (the ``.po`` files),
the code's messages as ``pybabel extract`` finds them (tools/catalogues.py).
"""

from __future__ import annotations

import importlib.util
import re
import string
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from babel.messages.catalog import Message as PoMessage
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from palier.core import i18n
from palier.core.i18n import (
    LANGUAGES,
    N_,
    Text,
    _,
    colon,
    detect_language,
    error_text,
    fmt_date_time,
    fmt_fixed,
    fmt_number,
    language_name,
    lazy_ngettext,
    localized_error,
    ngettext,
    ordinal,
    own_language_name,
    percent,
    pgettext,
    typography,
)

ROOT = Path(__file__).resolve().parents[1]


def _tools() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogues", ROOT / "tools" / "catalogues.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalogues"] = module
    spec.loader.exec_module(module)
    return module


catalogues = _tools()
DOMAINS = catalogues.domains()
PO_FILES = [(d.name, po) for d in DOMAINS for po in d.po_files()]


def _fields(text: str) -> set[str]:
    """``{name!r:spec}`` placeholders, whole (a translation that drops a format
    spec would show the number differently)."""
    out = set()
    for _lit, name, spec, conv in string.Formatter().parse(text):
        if name is not None:
            out.add(f"{name}!{conv or ''}:{spec or ''}")
    return out


def _forms(message: PoMessage) -> tuple[list[str], list[str]]:
    """(source strings, translations) of a catalogue entry."""
    ids = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
    strings = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
    return ids, [s or "" for s in strings]


def _entries() -> list[tuple[str, PoMessage]]:
    out = []
    for _domain, po in PO_FILES:
        with po.open("rb") as f:
            catalog = read_po(f)
        out += [
            (f"{po.relative_to(ROOT)}: {m.context or ''}|{_forms(m)[0][0]}", m) for m in catalog
        ]
    return [(where, m) for where, m in out if m.id]


def test_french_is_shipped_for_every_domain() -> None:
    assert "fr" in LANGUAGES
    assert {d.name for d in DOMAINS} >= {"palier", "spiders", "safe_place"}
    for domain in DOMAINS:
        langs = {po.parent.parent.name for po in domain.po_files()}
        # A language is added with one .po per domain: none may lack one.
        assert langs == set(LANGUAGES) - {"en"}, (domain.name, langs)


@pytest.mark.parametrize(("where", "message"), _entries(), ids=lambda v: str(v)[:80])
def test_every_message_is_translated_with_the_same_placeholders(
    where: str, message: PoMessage
) -> None:
    ids, strings = _forms(message)
    assert "fuzzy" not in message.flags, f"{where}: marked fuzzy (check it, then remove the flag)"
    assert all(s.strip() for s in strings), f"{where}: not translated"
    if len(ids) == 1:
        assert _fields(strings[0]) == _fields(ids[0]), where
    else:
        # Plural forms: every form shows the same values; the count ({n}) may be
        # left out of a form ("once").
        wanted = _fields(ids[0]) | _fields(ids[1])
        for form in strings:
            assert _fields(form) - {"n!:"} == wanted - {"n!:"}, (where, form)
            assert _fields(form) <= wanted, (where, form)


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_catalogues_are_up_to_date_with_the_code(domain: Any) -> None:
    """Every message the code marks is in the template and in each language's
    catalogue, and nothing else is (tools/catalogues.py extract, then update)."""
    assert list(catalogues.problems(domain)) == []


@pytest.mark.parametrize(("domain", "po"), PO_FILES, ids=lambda v: str(v))
def test_compiled_catalogues_match_their_sources(domain: str, po: Path) -> None:
    """The .mo the running code reads is the .po of this checkout (the install
    compiles them; after editing a .po: `pip install -e .` or
    `python tools/catalogues.py compile`)."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run `pip install -e .` (it compiles the catalogues)"
    with po.open("rb") as f:
        source = {(m.context, *_forms(m)[0]): _forms(m)[1] for m in read_po(f) if m.id}
    with mo.open("rb") as f:
        compiled = {(m.context, *_forms(m)[0]): _forms(m)[1] for m in read_mo(f) if m.id}
    assert compiled == source, f"{mo} is older than {po}: run `pip install -e .`"


def test_no_language_branch_outside_the_translation_layer() -> None:
    branch = re.compile(r"""==\s*['"]fr['"]|['"]fr['"]\s*==""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("palier", "engine", "scenes", "protocols", "therapist_console", "tools")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not path.is_symlink() and path.parent.resolve().is_relative_to(ROOT / folder)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if branch.search(line)
    ]
    assert found == []


def test_no_message_is_marked_only_inside_an_f_string() -> None:
    """Babel's extractor does not read inside f-strings: a message marked
    only there is missing from the catalogues and shows in English on a
    French screen ("expected SUDS" did, in the hierarchy)."""
    call = re.compile(r"""\{\s*(?:_|N_|gettext)\(\s*(['"])(.+?)\1""")
    with (ROOT / "palier" / "core" / "locale" / "palier.pot").open("rb") as f:
        known = {m.id for m in read_po(f) if m.id}
    found = [
        f"{path.relative_to(ROOT)}:{n}: {m.group(2)!r}"
        for folder in ("engine", "protocols", "therapist_console", "palier/cli", "palier/core")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not path.is_symlink() and path.parent.resolve().is_relative_to(ROOT / folder)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for m in call.finditer(line)
        if m.group(2) not in known
    ]
    assert found == []


# -- the translation functions ------------------------------------------------------------


def test_now_in_a_named_language() -> None:
    assert _("Summary", "fr") == "Synthèse"
    assert _("Summary", "en") == "Summary"
    assert _("Session {id} started", "fr", id=12) == "Début de la séance 12"
    assert _("A message no catalogue has", "fr") == "A message no catalogue has"
    assert pgettext("session status", "closed", "fr") == "clôturée"
    assert pgettext("questionnaire phase", "after", "fr") == "après"


def test_plural_forms_follow_each_language() -> None:
    worked = [ngettext("{n} step worked", "{n} steps worked", n, "en") for n in (0, 1, 2)]
    assert worked == ["0 steps worked", "1 step worked", "2 steps worked"]
    worked = [ngettext("{n} step worked", "{n} steps worked", n, "fr") for n in (0, 1, 2)]
    assert worked == ["0 palier travaillé", "1 palier travaillé", "2 paliers travaillés"]


def test_a_lazy_message_is_translated_when_read() -> None:
    message = N_("Session {id} ended")
    bound = message.format(id=3)
    assert message.params == () and bound.get("en") == "Session 3 ended"
    assert bound.get("fr") == "Fin de la séance 3"
    assert bound.to_dict() == {"en": "Session 3 ended", "fr": "Fin de la séance 3"}
    # A message or a text in the parameters is shown in the same language.
    nested = N_(
        "{report} {advice}",
        report=N_("it happened: expectancy confirmed"),
        advice=Text("x", fr="y"),
    )
    assert (nested.get("en"), nested.get("fr")) == (
        "it happened: expectancy confirmed x",
        typography("c'est arrivé : attente confirmée y", "fr"),
    )
    counted = lazy_ngettext("{n} step", "{n} steps", 2)
    assert counted.get("fr") == "2 paliers"
    before = i18n.current_language()
    try:
        i18n.set_language("fr")
        assert str(message.format(id=1)) == "Fin de la séance 1"
    finally:
        i18n.set_language(before)


def test_text_is_data_with_an_english_fallback() -> None:
    t = Text("Spiders", fr="Araignées")
    assert (t.get("en"), t.get("fr"), t.get("de")) == ("Spiders", "Araignées", "Spiders")
    assert Text.from_dict(t.to_dict()) == t == Text(en="Spiders", fr="Araignées")
    more = Text.from_dict({"fr": "Araignées", "en": "Spiders", "de": "Spinnen"})
    assert more.get("de") == "Spinnen" and more.to_dict()["en"] == "Spiders"
    with pytest.raises(KeyError):
        Text.from_dict({"fr": "Araignées"})


def test_a_localized_error_is_shown_in_the_readers_language() -> None:
    exc = localized_error(ValueError, N_("Session {id} is still open: end it first."), "en", id=4)
    assert str(exc) == "Session 4 is still open: end it first."
    assert error_text(exc, "fr") == "La séance 4 est encore ouverte\u00a0: la terminer d'abord."
    assert error_text(ValueError("plain"), "fr") == "plain"


def test_locale_data() -> None:
    assert (colon("en"), colon("fr")) == (": ", "\u00a0: ")
    assert (fmt_number(16.8, "fr"), fmt_number(16.8, "en"), fmt_number(2.0, "fr")) == (
        "16,8",
        "16.8",
        "2",
    )
    assert fmt_number(1234.5, "fr") == "1234,5"  # no group separator
    assert fmt_fixed(3.25, "5.1f", "fr") == "  3,2"
    assert (percent(40).get("en"), percent(40).get("fr")) == ("40%", "40 %")
    assert [ordinal(n, "en") for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "111th",
    ]  # fmt: skip
    assert [ordinal(n, "fr") for n in (1, 2, 21)] == ["1re", "2e", "21e"]
    assert (language_name("en", "fr"), language_name("fr", "en")) == ("anglais", "French")
    assert [own_language_name(lang) for lang in ("en", "fr")] == ["English", "Français"]
    import datetime as dt

    moment = dt.datetime(2025, 3, 3, 14, 5)
    assert fmt_date_time(moment, "fr") == "03/03/2025 à 14:05"  # "le {date}" in a sentence
    assert fmt_date_time(moment, "en") == "3 March 2025, 14:05"
    assert fmt_date_time(dt.datetime(2026, 12, 1, 8, 1), "fr") == "01/12/2026 à 08:01"


def test_french_typography_is_applied_by_the_text_layer() -> None:
    from palier.core.i18n import NBSP, Text, typography

    assert typography("Pic : 80 ; fin ? oui ! « Sirène »", "fr") == (
        f"Pic{NBSP}: 80{NBSP}; fin{NBSP}? oui{NBSP}! «{NBSP}Sirène{NBSP}»"
    )
    # Only spaces already there: a time, an address or English text keep theirs.
    assert typography("08:01 http://x ; y", "en") == "08:01 http://x ; y"
    assert typography("à 08:01, 3:2", "fr") == "à 08:01, 3:2"
    # Every translated message and every protocol text goes through it, so a
    # wrapped line never starts with the sign.
    assert _("Session language", "fr") == "Langue de la séance"
    assert pgettext("separator between two parts of a sentence", "; ", "fr") == f"{NBSP}; "
    text = Text(en="Stay; ask.", fr="Rester ; demander : oui.")
    assert (
        text.get("fr") == f"Rester{NBSP}; demander{NBSP}: oui." and text.get("en") == "Stay; ask."
    )


@pytest.mark.parametrize(
    "env,lang",
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LC_ALL": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_MESSAGES": "fr_BE", "LANG": "C"}, "fr"),
        ({"LANG": "C", "LANGUAGE": "fr:en"}, "fr"),
        ({"LANG": "French_France.1252"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_detect_language(env: dict[str, str], lang: str) -> None:
    assert detect_language(env) == lang
