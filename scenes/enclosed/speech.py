"""What the lift's intercom says when the alarm button is pressed (pure Python).

Declared once as :class:`palier.scenes.speech.SpokenLines`: the text is
translated in the scene's catalogue; ``python -m tools.speech enclosed``
renders it with espeak-ng (a woman's voice) through the telephone chain
(300-3400 Hz, compressed, dry: an intercom) into ``speech/`` beside this
module. The scene only plays the files.
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation
from palier.scenes.speech import SpokenLines

_ = get_translation("enclosed", Path(__file__).with_name("locale")).lazy_gettext

INTERCOM = "intercom"

LINES = SpokenLines(
    folder=Path(__file__).with_name("speech"),
    texts={
        INTERCOM: _(
            "Hello, this is the assistance service. We have received your call, a "
            "technician is on the way. Stay calm, you are safe."
        ),
    },
    voice="female",
    chain="telephone",
)
