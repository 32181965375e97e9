"""Spoken lines a scene plays: a captain's announcement, a lift's intercom,
a question from the audience. Pure Python (no Panda3D).

A scene that speaks declares its lines once, in a module of its package::

    _ = get_translation("flying", Path(__file__).with_name("locale")).lazy_gettext
    LINES = SpokenLines(
        folder=Path(__file__).with_name("speech"),
        texts={"welcome": _("Ladies and gentlemen, ...")},
        voice="male",
        chain="public_address",
    )

The texts are translated in the scene's own catalogue, like every other
text of the scene (one way to translate). ``python -m tools.speech``
renders each text in each language with espeak-ng and sox into
``speech/<name>-<lang>.ogg`` beside the module, plus ``speech/index.json``,
the checksum of the text each recording says; the scene only plays the
files, so nothing on the headset PC synthesises speech, and a test fails
when a text changed but its recording was not made again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from palier.core.i18n import Localized

LANGUAGES = ("en", "fr")
"""Languages every spoken line is recorded in (a line in another language
plays the English recording)."""
EXTENSION = "ogg"
INDEX = "index.json"

Chain = Literal["public_address", "telephone", "room"]
"""How the voice reaches the patient: a cabin's loudspeakers (band-limited,
compressed), a telephone or intercom (300-3400 Hz), or a person in the room
(full band, a little room reverb)."""
Voice = Literal["male", "female"]


def text_checksum(text: str) -> str:
    """What ``index.json`` keeps of the text a recording says: the words,
    not their typography (a no-break space before "?" is said like a space,
    so setting it does not make a recording stale)."""
    spoken = text.replace("\u00a0", " ").replace("\u202f", " ")
    return hashlib.sha256(spoken.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class SpokenLines:
    """A scene's spoken lines: texts, their recordings and how they sound."""

    folder: Path
    texts: Mapping[str, Localized]
    voice: Voice = "male"
    chain: Chain = "room"
    voices: Mapping[str, Voice] | None = None
    """Per-line voices (several speakers in a room), else ``voice`` for all."""

    def names(self) -> list[str]:
        return list(self.texts)

    def text(self, name: str, language: str) -> str:
        return self.texts[name].get(language if language in LANGUAGES else "en")

    def voice_of(self, name: str) -> Voice:
        return (self.voices or {}).get(name, self.voice)

    def recording(self, name: str, language: str) -> Path:
        """The shipped recording of line ``name`` in ``language`` (English
        when Palier has no recording in that language)."""
        if name not in self.texts:
            raise KeyError(f"no spoken line {name!r}; lines: {', '.join(self.texts)}")
        lang = language if language in LANGUAGES else "en"
        return self.folder / f"{name}-{lang}.{EXTENSION}"

    def index(self) -> dict[str, str]:
        """Recording file name -> checksum of the text it was made from."""
        try:
            data = json.loads((self.folder / INDEX).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def stale(self) -> list[str]:
        """Recordings missing, or made from a text that has changed since."""
        index = self.index()
        out = []
        for name in self.texts:
            for lang in LANGUAGES:
                path = self.recording(name, lang)
                if not path.is_file() or index.get(path.name) != text_checksum(
                    self.text(name, lang)
                ):
                    out.append(path.name)
        return out
