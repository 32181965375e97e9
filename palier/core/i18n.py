"""Translations, the gettext way: English source strings, one catalogue per domain.

Code marks what a user reads with English source strings; translators work on
``locale/LANG/LC_MESSAGES/DOMAIN.po`` files (extracted with Babel, see
docs/translating.md), compiled to ``.mo`` when Palier is installed. A language
is shipped when its ``.mo`` is there: adding one takes one ``.po`` file per
domain and no code change.

Domains: ``palier`` (this folder's ``locale/``: the console, the engine's
patient texts, the protocols' summaries, the command line and the demo) and one
per scene plugin, in the plugin's own folder (:func:`get_translation`, the way
Sphinx gives each extension its catalogue), so a plugin stays one folder.

Two ways to translate, both for a language the caller names (a report may be
written in another language than the console's):

* now: ``_("Session {id} started", lang, id=3)``,
  ``ngettext("{n} step worked", "{n} steps worked", n, lang)`` (the count is
  also the ``{n}`` placeholder), ``pgettext("session status", "open", lang)``;
* later: ``N_("...")``, ``lazy_ngettext(...)``, ``lazy_pgettext(...)`` give a
  :class:`Message`, translated each time it is read (``message.get(lang)``), so
  module-level constants follow a language chosen after import, and a message
  with its parameters can be kept and shown again in any language.

Left out ``lang`` means the process's language (:func:`set_language`; English
until set), for the command line. Texts that come as data in several languages
(a protocol file, a declaration read from the wire) are a :class:`Text`.
Numbers, dates and language names come from Babel's locale data (CLDR).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import locale
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from babel import Locale

SOURCE_LANGUAGE = "en"
"""The language of the source strings (msgids)."""

E = TypeVar("E", bound=BaseException)


class Domain:
    """One message catalogue: a name (the ``.po``/``.mo`` file name) and the
    ``locale`` folder that holds it for each language."""

    def __init__(self, name: str, localedir: Path) -> None:
        self.name = name
        self.localedir = localedir
        self._translations: dict[str, gettext.NullTranslations] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Domain({self.name!r}, {str(self.localedir)!r})"

    def languages(self) -> tuple[str, ...]:
        """English, then each language this domain has a compiled catalogue for."""
        found = sorted(
            p.parent.parent.name for p in self.localedir.glob(f"*/LC_MESSAGES/{self.name}.mo")
        )
        return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))

    def translations(self, lang: str) -> gettext.NullTranslations:
        """The catalogue for ``lang``; the source strings themselves when it has none."""
        with self._lock:
            found = self._translations.get(lang)
            if found is None:
                found = gettext.translation(
                    self.name, str(self.localedir), languages=[lang], fallback=True
                )
                self._translations[lang] = found
            return found

    # -- now ----------------------------------------------------------------------------
    def gettext(self, message: str, lang: str | None = None, /, **params: object) -> str:
        lang = lang or current_language()
        return _format(self.translations(lang).gettext(message), lang, params)

    def ngettext(
        self, singular: str, plural: str, n: int, lang: str | None = None, /, **params: object
    ) -> str:
        lang = lang or current_language()
        text = self.translations(lang).ngettext(singular, plural, n)
        return _format(text, lang, {"n": n, **params})

    def pgettext(
        self, context: str, message: str, lang: str | None = None, /, **params: object
    ) -> str:
        lang = lang or current_language()
        return _format(self.translations(lang).pgettext(context, message), lang, params)

    # -- later --------------------------------------------------------------------------
    def lazy_gettext(self, message: str, /, **params: object) -> Message:
        return Message(self, message, params=tuple(params.items()))

    def lazy_ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> Message:
        return Message(self, singular, plural=plural, n=n, params=tuple(params.items()))

    def lazy_pgettext(self, context: str, message: str, /, **params: object) -> Message:
        return Message(self, message, context=context, params=tuple(params.items()))


def _format(text: str, lang: str, params: Mapping[str, object]) -> str:
    if params:
        text = text.format(**{k: _in(v, lang) for k, v in params.items()})
    return typography(text, lang)


NBSP = "\u00a0"
"""No-break space: French puts one before ; : ! ? and inside « »."""

_FRENCH_SPACES = (
    (" ;", NBSP + ";"),
    (" :", NBSP + ":"),
    (" !", NBSP + "!"),
    (" ?", NBSP + "?"),
    ("« ", "«" + NBSP),
    (" »", NBSP + "»"),
)


def typography(text: str, lang: str) -> str:
    """``text`` with its language's typography: in French, the space before
    ; : ! ? and inside « » made a no-break space, so a line never starts with
    the sign. Only spaces already there change (a time "08:01" or an address
    keeps its colon). Every translated message and every :class:`Text` goes
    through it; call it on French text built any other way before showing it."""
    if lang.partition("_")[0] != "fr":
        return text
    for plain, fixed in _FRENCH_SPACES:
        text = text.replace(plain, fixed)
    return text


def _in(value: object, lang: str) -> object:
    """A parameter as the message shows it: texts in the message's language."""
    return value.get(lang) if isinstance(value, Message | Text) else value


@dataclass(frozen=True, slots=True)
class Message:
    """A marked message, translated when read: ``get(lang)`` (or ``str()``, in
    the process's language). Parameters given when it was made (or with
    :meth:`format`) fill its placeholders; a parameter that is itself a
    :class:`Message` or :class:`Text` is shown in the same language."""

    domain: Domain
    msgid: str
    plural: str | None = None
    n: int | None = None
    context: str | None = None
    params: tuple[tuple[str, object], ...] = ()

    def get(self, lang: str) -> str:
        params = dict(self.params)
        if self.plural is not None:
            assert self.n is not None
            return self.domain.ngettext(self.msgid, self.plural, self.n, lang, **params)
        if self.context is not None:
            return self.domain.pgettext(self.context, self.msgid, lang, **params)
        return self.domain.gettext(self.msgid, lang, **params)

    def format(self, **params: object) -> Message:
        """The same message with (more) placeholders filled, still untranslated."""
        merged = {**dict(self.params), **params}
        return Message(
            self.domain, self.msgid, self.plural, self.n, self.context, tuple(merged.items())
        )

    def to_dict(self) -> dict[str, str]:
        """``{"en": ..., "fr": ...}``: the message in every language Palier ships
        (the wire and the record keep texts in this shape)."""
        return {lang: self.get(lang) for lang in LANGUAGES}

    def __str__(self) -> str:
        return self.get(current_language())


@dataclass(frozen=True, slots=True, init=False)
class Text:
    """A text as its author wrote it, one string per language: a protocol file's
    ``title.en`` and ``title.fr``, a scene declaration read from the wire. It is
    data, not a code message: a language it lacks reads as English."""

    texts: tuple[tuple[str, str], ...]

    def __init__(self, en: str, fr: str | None = None, **more: str) -> None:
        others = dict(more)
        if fr is not None:
            others["fr"] = fr
        texts = ((SOURCE_LANGUAGE, en), *sorted(others.items()))
        object.__setattr__(self, "texts", texts)

    def get(self, lang: str) -> str:
        by_lang = dict(self.texts)
        own = by_lang.get(lang)
        return typography(own, lang) if own else by_lang[SOURCE_LANGUAGE]

    def to_dict(self) -> dict[str, str]:
        return dict(self.texts)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Text:
        """From ``{"en": ..., "fr": ...}`` (English required, any other language kept)."""
        texts = {str(k): str(v) for k, v in data.items()}
        return cls(texts.pop(SOURCE_LANGUAGE), **texts)

    def __repr__(self) -> str:
        return "Text(" + ", ".join(f"{k}={v!r}" for k, v in self.texts) + ")"


Localized = Message | Text
"""Anything a user reads in their language: ``.get(lang)`` and ``.to_dict()``."""


def get_translation(domain: str, localedir: Path) -> Domain:
    """The domain of a package that ships its own catalogue (a scene plugin):
    ``DOMAIN = get_translation("spiders", Path(__file__).with_name("locale"))``,
    then ``_ = DOMAIN.lazy_gettext`` for its module-level declarations."""
    with _domains_lock:
        found = _domains.get((domain, localedir))
        if found is None:
            found = _domains[(domain, localedir)] = Domain(domain, localedir)
        return found


_domains: dict[tuple[str, Path], Domain] = {}
_domains_lock = threading.Lock()

PALIER = get_translation("palier", Path(__file__).with_name("locale"))
"""Palier's own messages."""

_ = PALIER.gettext
ngettext = PALIER.ngettext
pgettext = PALIER.pgettext
N_ = PALIER.lazy_gettext
lazy_ngettext = PALIER.lazy_ngettext
lazy_pgettext = PALIER.lazy_pgettext

LANGUAGES: tuple[str, ...] = PALIER.languages()
"""The languages Palier ships (English first): those with a compiled catalogue."""

_current = SOURCE_LANGUAGE


def set_language(lang: str) -> None:
    """The process's language, for messages translated without a named one (the
    command line's). Code that knows its reader's language passes it instead."""
    global _current
    _current = lang


def current_language() -> str:
    return _current


# -- errors ----------------------------------------------------------------------------------


def localized_error(
    cls: type[E], message: Message, lang: str = SOURCE_LANGUAGE, /, **params: object
) -> E:
    """An exception of ``cls`` whose text is ``message`` (in ``lang`` for
    ``str(exc)``). The message travels on the exception, so a widget shows it in
    the console's language of the moment (:func:`error_text`)."""
    bound = message.format(**params)
    exc = cls(bound.get(lang))
    exc.i18n_message = bound  # type: ignore[attr-defined]
    return exc


def error_text(exc: BaseException, lang: str) -> str:
    """An exception's text for the reader: in ``lang`` when it carries a message
    (:func:`localized_error`), else its own text."""
    message = getattr(exc, "i18n_message", None)
    if isinstance(message, Message):
        try:
            return message.get(lang)
        except (KeyError, IndexError, ValueError):
            pass
    return str(exc)


# -- locale data: separators, numbers, dates, names --------------------------------------------


def colon(lang: str) -> str:
    """What goes between a label and its value: ': ' in English, ' : ' in French."""
    # TRANSLATORS: French puts a space before the colon (" : ").
    return pgettext("separator between a label and its value", ": ", lang)


# TRANSLATORS: a percentage; French puts a space before the sign ("40 %").
_PERCENT = lazy_pgettext("a percentage", "{n}%")


def percent(value: float) -> Message:
    """A percentage for a message's placeholder, shown in the message's
    language: '40%', '40 %'. (A literal "{n}% in" in a message would read to
    translation tools as a printf placeholder.)"""
    return _PERCENT.format(n=value)


def semicolon(lang: str) -> str:
    """'; ' in English, ' ; ' in French."""
    # TRANSLATORS: French puts a space before the semicolon (" ; ").
    return pgettext("separator between two parts of a sentence", "; ", lang)


@functools.cache
def _locale(lang: str) -> Locale:
    # Babel is imported on first use: `palier --help` and the wire stay light.
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


@functools.cache
def decimal_symbol(lang: str) -> str:
    """The decimal separator of ``lang`` (CLDR): '.' in English, ',' in French."""
    from babel.numbers import get_decimal_symbol

    return str(get_decimal_symbol(_locale(lang)))


def fmt_fixed(value: float, spec: str, lang: str) -> str:
    """``format(value, spec)`` (a fixed layout such as ``"5.1f"``) with the
    language's decimal separator."""
    return format(value, spec).replace(".", decimal_symbol(lang))


def fmt_number(value: float, lang: str, decimals: int = 2) -> str:
    """A number for a therapist to read: at most ``decimals`` decimals, no
    trailing zeros, the language's decimal separator (``1,5`` in French), no
    group separator."""
    if isinstance(value, bool | int):
        return str(value)
    text = f"{float(value):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", decimal_symbol(lang))


def fmt_date_time(moment: dt.datetime, lang: str) -> str:
    """'3 March 2025, 14:05' / '03/03/2025 à 14:05' (a sentence says "le {date}"):
    the pattern is the language's (a message), the names and digits CLDR's."""
    from babel.dates import format_datetime

    # TRANSLATORS: a CLDR date pattern (d day, MM month, MMMM its name, y year,
    # HH:mm time; text in 'quotes'). French: "dd/MM/y 'à' HH:mm" (01/12/2026 à 08:01).
    pattern = pgettext("date and time pattern (CLDR)", "d MMMM y, HH:mm", lang)
    return str(format_datetime(moment, pattern, locale=_locale(lang)))


# TRANSLATORS: the rank of a session ("3rd session of this patient"; feminine in
# French: 1re séance, 2e séance), one message per CLDR ordinal category of the
# language (English: one 1st 21st, two 2nd, few 3rd, other 4th 11th); a
# category the language does not have is never shown.
_ORDINALS = {
    "zero": lazy_pgettext("ordinal of a session, category zero", "{n}th"),
    "one": lazy_pgettext("ordinal of a session, category one", "{n}st"),
    "two": lazy_pgettext("ordinal of a session, category two", "{n}nd"),
    "few": lazy_pgettext("ordinal of a session, category few", "{n}rd"),
    "many": lazy_pgettext("ordinal of a session, category many", "{n}th"),
    "other": lazy_pgettext("ordinal of a session, category other", "{n}th"),
}


def ordinal(n: int, lang: str) -> str:
    """A session's rank: 1st, 2nd, 3rd, 11th, 21st; in French 1re, 2e."""
    category = _locale(lang).ordinal_form(n)
    return _ORDINALS.get(category, _ORDINALS["other"]).format(n=n).get(lang)


def language_name(code: str, lang: str) -> str:
    """The name of language ``code`` in ``lang`` (CLDR): 'French', 'anglais'."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(code).get_display_name(_locale(lang)))
    except (UnknownLocaleError, ValueError):
        return code


def own_language_name(code: str) -> str:
    """A language named in itself, capitalised for a menu: 'English', 'Français'."""
    name = language_name(code, code)
    return name[:1].upper() + name[1:]


# -- which language ---------------------------------------------------------------------------


def language_from_locale_name(name: str | None) -> str:
    """The shipped language a locale name asks for (``fr``, ``fr_FR.UTF-8``,
    ``fr-CA``, ``French_France``), else English."""
    if not name:
        return SOURCE_LANGUAGE
    code = name.strip().replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()
    if code in LANGUAGES:
        return code
    for lang in LANGUAGES:  # Windows names languages in English: French_France
        if (_locale(lang).english_name or "").lower() == code:
            return lang
    return SOURCE_LANGUAGE


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """The language from the system locale, among those shipped.

    Follows the POSIX precedence (LC_ALL, LC_MESSAGES, LANG, then LANGUAGE's
    first entry), then the C library's locale (Windows, macOS). English when
    nothing asks for a shipped language.
    """
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return language_from_locale_name(value)
    language = env.get("LANGUAGE")
    if language:
        return language_from_locale_name(language.split(":")[0])
    if environ is not None:
        return SOURCE_LANGUAGE
    try:
        name = locale.getlocale()[0]
    except ValueError:
        name = None
    return language_from_locale_name(name)
