"""Pre-render the scenes' spoken lines (a developer tool, not run by Palier).

    python -m tools.speech [SCENE ...]   # render every line of these scenes (default: all)
    python -m tools.speech --check       # exit 1 if a recording is missing or stale

A scene speaks through a module ``palier.scenes.<id>.speech`` whose
``LINES`` is a :class:`palier.scenes.speech.SpokenLines`. Each line is
spoken in each language by espeak-ng (``apt-get install espeak-ng sox``),
passed through sox as the scene's ``chain`` says, and written as 16 kHz mono
Ogg Vorbis into the scene's ``speech/`` folder, with ``index.json`` (the
checksum of each recording's text). Run ``pip install -e .`` after editing a
``.po`` first: the French texts are read from the compiled catalogue.
espeak-ng's output is not covered by its GPL (see assets/LICENSES.md).
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from palier.scenes import registry
from palier.scenes.speech import INDEX, LANGUAGES, Chain, SpokenLines, Voice, text_checksum

VOICES: dict[tuple[str, Voice], str] = {
    ("en", "male"): "en-gb+m3",
    ("en", "female"): "en-gb+f3",
    ("fr", "male"): "fr-fr+m3",
    ("fr", "female"): "fr-fr+f3",
}
WORDS_PER_MINUTE = 150
CHAINS: dict[Chain, list[str]] = {
    # A cabin's loudspeakers: band-limited, compressed, a small metal room.
    "public_address": [
        "sinc", "300-3400",
        "compand", "0.02,0.25", "-60,-60,-30,-14,-10,-8", "-4", "0",
        "reverb", "12", "30", "30",
    ],
    # An intercom or a telephone line: the telephone band, compressed, dry.
    "telephone": [
        "sinc", "300-3400",
        "compand", "0.02,0.25", "-60,-60,-30,-14,-10,-8", "-4", "0",
    ],
    # A person in the room: full band, a little of the room.
    "room": ["highpass", "120", "lowpass", "6000", "reverb", "25", "40", "60"],
}  # fmt: skip


def lines_of(scene_id: str) -> SpokenLines | None:
    """The scene's spoken lines, or None if it says nothing."""
    try:
        module = importlib.import_module(f"palier.scenes.{scene_id}.speech")
    except ModuleNotFoundError as exc:
        if exc.name == f"palier.scenes.{scene_id}.speech":
            return None
        raise
    lines = getattr(module, "LINES", None)
    if not isinstance(lines, SpokenLines):
        raise SystemExit(f"palier.scenes.{scene_id}.speech has no LINES = SpokenLines(...)")
    return lines


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} not found: apt-get install espeak-ng sox")
    return path


def render(lines: SpokenLines, name: str, lang: str) -> Path:
    out = lines.recording(name, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        subprocess.run(
            [_tool("espeak-ng"), "-v", VOICES[lang, lines.voice_of(name)],
             "-s", str(WORDS_PER_MINUTE), "-w", str(raw), lines.text(name, lang)],
            check=True,
        )  # fmt: skip
        subprocess.run(
            [_tool("sox"), str(raw), "-r", "16000", "-c", "1", "-C", "0", str(out),
             "gain", "-8", *CHAINS[lines.chain], "gain", "-n", "-1", "pad", "0.15", "0.4"],
            check=True,
        )  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenes", nargs="*", help="scene ids (default: every registered scene)")
    parser.add_argument("--check", action="store_true", help="render nothing; fail if stale")
    args = parser.parse_args(argv)
    failed = 0
    for scene_id in args.scenes or registry.scene_ids():
        lines = lines_of(scene_id)
        if lines is None:
            continue
        if args.check:
            for stale in lines.stale():
                print(f"{scene_id}: {stale} missing or older than its text")
                failed += 1
            continue
        index = {}
        for name in lines.names():
            for lang in LANGUAGES:
                path = render(lines, name, lang)
                index[path.name] = text_checksum(lines.text(name, lang))
                print(f"{scene_id}: {path.name} {path.stat().st_size / 1024:.0f} KiB")
        (lines.folder / INDEX).write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
