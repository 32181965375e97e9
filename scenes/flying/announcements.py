"""The captain's announcements: their texts (translated in the plugin's
catalogue) and where their pre-rendered recordings live.

``tools/announcements.py`` renders each text in each language with
espeak-ng, through a cabin PA's band-pass, into ``announcements/`` beside
this module (``<name>-<lang>.ogg``); the scene only plays those files.
Pure Python: the developer tool reads the texts without Panda3D.
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation
from palier.scenes.flying.declaration import ANNOUNCEMENTS

FOLDER = Path(__file__).with_name("announcements")
LANGUAGES = ("en", "fr")
EXTENSION = "ogg"

_ = get_translation("flying", Path(__file__).with_name("locale")).lazy_gettext

TEXTS = {
    "welcome": _(
        "Ladies and gentlemen, good morning, this is your captain speaking. Welcome "
        "on board. Our flight time today is one hour and ten minutes, and we expect "
        "a smooth flight. Please sit back and relax."
    ),
    "turbulence": _(
        "Ladies and gentlemen, this is your captain. We are expecting some turbulence "
        "ahead. Please return to your seats and fasten your seat belts. Thank you."
    ),
    "descent": _(
        "Ladies and gentlemen, we have started our descent. We will be landing in "
        "about twenty minutes. Please return to your seats and fasten your seat belts."
    ),
    "delay": _(
        "Ladies and gentlemen, this is your captain. We are waiting for our departure "
        "slot from air traffic control. We should be on our way in about ten minutes. "
        "Thank you for your patience."
    ),
}
assert tuple(TEXTS) == ANNOUNCEMENTS


def recording(name: str, language: str) -> Path:
    """The shipped recording of announcement ``name`` in ``language``
    (English when the language has none)."""
    lang = language if language in LANGUAGES else "en"
    return FOLDER / f"{name}-{lang}.{EXTENSION}"
