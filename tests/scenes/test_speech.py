"""Spoken lines: every scene's recordings are there, say the current text,
load in Panda3D and stay small; stale recordings are caught."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from panda3d.core import Filename, MovieAudio

from palier.core.i18n import Text
from palier.scenes import registry
from palier.scenes.speech import INDEX, LANGUAGES, SpokenLines, text_checksum
from tools.speech import lines_of

SPEAKING = [(s, lines) for s in registry.scene_ids() if (lines := lines_of(s)) is not None]


@pytest.mark.parametrize(("scene_id", "lines"), SPEAKING, ids=[s for s, _ in SPEAKING])
def test_every_line_is_recorded_from_its_current_text(scene_id: str, lines: SpokenLines) -> None:
    assert lines.names()
    assert not lines.stale(), f"run `python -m tools.speech {scene_id}`"
    total = 0
    for name in lines.names():
        assert lines.text(name, "fr") != lines.text(name, "en"), f"{name}: not translated"
        for lang in LANGUAGES:
            path = lines.recording(name, lang)
            total += path.stat().st_size
            cursor = MovieAudio.get(Filename.fromOsSpecific(str(path))).open()
            assert cursor is not None, f"{path} does not load"
            assert cursor.audioChannels() == 1  # mono: it can be placed in the room
            assert 1.0 < cursor.length() < 30.0
    assert total < 1_000_000, f"{scene_id}: {total} bytes of speech"


def test_a_changed_text_makes_its_recording_stale(tmp_path: Path) -> None:
    lines = SpokenLines(tmp_path, {"hello": Text("Hello.", "Bonjour.")})
    assert sorted(lines.stale()) == ["hello-en.ogg", "hello-fr.ogg"]
    for lang in LANGUAGES:
        lines.recording("hello", lang).write_bytes(b"OggS")
    index = {f"hello-{lang}.ogg": text_checksum(lines.text("hello", lang)) for lang in LANGUAGES}
    (tmp_path / INDEX).write_text(json.dumps(index))
    assert lines.stale() == []
    edited = SpokenLines(tmp_path, {"hello": Text("Hello again.", "Bonjour.")})
    assert edited.stale() == ["hello-en.ogg"]
    assert lines.recording("hello", "de").name == "hello-en.ogg"  # no German voice yet
    with pytest.raises(KeyError, match="no spoken line"):
        lines.recording("bye", "en")
