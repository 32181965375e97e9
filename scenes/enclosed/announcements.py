"""The intercom's answer: its text (translated in the plugin's catalogue) and
where its pre-rendered recordings live.

The recordings are rendered once, offline, with espeak-ng (voices below, 150
words a minute) and passed through sox as a telephone band (300-3400 Hz,
compressed, a short small-room reverb, 16 kHz mono Ogg Vorbis) so they sound
like a lift intercom, into ``announcements/`` beside this module
(``<name>-<lang>.ogg``); the scene only plays those files, nothing at run time
needs espeak-ng. Same layout and sound chain as the flying scene's
announcements, so one renderer (``tools/announcements.py``) can make both.
Pure Python.
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation

FOLDER = Path(__file__).with_name("announcements")
LANGUAGES = ("en", "fr")
EXTENSION = "ogg"
BAND_HZ = (300.0, 3400.0)
"""The telephone band the intercom's voice is passed through."""
VOICES = {"en": "en-gb+f3", "fr": "fr-fr+f3"}
"""espeak-ng voices: a woman at the assistance service's desk."""

_ = get_translation("enclosed", Path(__file__).with_name("locale")).lazy_gettext

TEXTS = {
    "intercom": _(
        "Hello, this is the assistance service. We have received your call, a "
        "technician is on the way. Stay calm, you are safe."
    ),
}


def recording(name: str, language: str) -> Path:
    """The shipped recording of ``name`` in ``language`` (English when the
    language has none)."""
    lang = language if language in LANGUAGES else "en"
    return FOLDER / f"{name}-{lang}.{EXTENSION}"
