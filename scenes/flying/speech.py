"""The captain's announcements: their texts (translated in the plugin's
catalogue), spoken through the cabin's loudspeakers.

``python -m tools.speech flying`` renders each text in each language with
espeak-ng into ``speech/`` beside this module (``<name>-<lang>.ogg`` and
``index.json``); the scene only plays those files. Pure Python.
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation
from palier.scenes.flying.declaration import ANNOUNCEMENTS
from palier.scenes.speech import SpokenLines

_ = get_translation("flying", Path(__file__).with_name("locale")).lazy_gettext

LINES = SpokenLines(
    folder=Path(__file__).with_name("speech"),
    texts={
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
    },
    voice="male",
    chain="public_address",
)
assert tuple(LINES.names()) == ANNOUNCEMENTS
