"""What the audience says aloud: the questions, translated in this plugin's
catalogue and pre-rendered by ``python -m tools.speech public_speaking``
into ``speech/`` (a person in the room: full band, a little reverb; the
speakers alternate between a woman's and a man's voice). Pure Python."""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation
from palier.scenes.public_speaking.declaration import QUESTIONS
from palier.scenes.speech import SpokenLines

_ = get_translation("public_speaking", Path(__file__).with_name("locale")).lazy_gettext

LINES = SpokenLines(
    folder=Path(__file__).with_name("speech"),
    texts={
        "example": _("Sorry, could you give us a concrete example?"),
        "compare": _("How does this compare with what you said at the start?"),
        "again": _("I'm not sure I follow. Could you explain that again?"),
        "evidence": _("What makes you so sure about that? Where does it come from?"),
        "limits": _("Isn't that a bit simplistic? What are the limits of this approach?"),
    },
    chain="room",
    voices={
        "example": "female",
        "compare": "male",
        "again": "female",
        "evidence": "male",
        "limits": "female",
    },
)
assert tuple(LINES.texts) == QUESTIONS
