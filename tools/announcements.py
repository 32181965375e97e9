"""Render the flying scene's captain's announcements (a developer tool).

    python tools/announcements.py          # every announcement, every language
    python tools/announcements.py --check  # exit 1 if a recording is missing

Reads the texts from the scene package (``palier.scenes.flying.announcements``,
translated in the scene's catalogue: run ``pip install -e .`` after editing
the ``.po`` so the French texts are compiled), speaks each with espeak-ng
(``apt-get install espeak-ng sox``) and passes it through sox: a cabin PA's
telephone band (300-3400 Hz), some compression, a short small-room reverb,
16 kHz mono Ogg Vorbis. The files are shipped in
``scenes/flying/announcements/``; the scene only plays them, nothing at run
time needs espeak-ng. espeak-ng's output is not covered by its GPL (see
assets/LICENSES.md).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

from palier.scenes.flying.announcements import LANGUAGES, TEXTS, recording

VOICES = {"en": "en-gb+m3", "fr": "fr-fr+m3"}
SPEED_WPM = {"en": 150, "fr": 150}
SOX_EFFECTS = [
    "gain", "-8",
    "sinc", "300-3400",
    "compand", "0.02,0.25", "-60,-60,-30,-14,-10,-8", "-4", "0",
    "reverb", "12", "30", "30",
    "gain", "-n", "-1",
    "pad", "0.15", "0.4",
]  # fmt: skip


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise SystemExit(f"{tool} not found: apt-get install espeak-ng sox")
    return path


def render(name: str, lang: str, out: Path) -> float:
    """Speak announcement ``name`` in ``lang`` into ``out``; return its length (s)."""
    text = TEXTS[name].get(lang)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "speech.wav"
        subprocess.run(
            [_need("espeak-ng"), "-v", VOICES[lang], "-s", str(SPEED_WPM[lang]), "-p", "38",
             "-w", str(raw), text],
            check=True,
        )  # fmt: skip
        band = Path(tmp) / "band.wav"
        subprocess.run(
            [_need("sox"), str(raw), "-r", "16000", "-c", "1", str(band), *SOX_EFFECTS],
            check=True,
        )
        with wave.open(str(band), "rb") as w:
            seconds = w.getnframes() / w.getframerate()
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([_need("sox"), str(band), "-C", "0", str(out)], check=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check every file is there")
    args = parser.parse_args(argv)
    missing = 0
    total = 0
    for name in TEXTS:
        for lang in LANGUAGES:
            path = recording(name, lang)
            if args.check:
                if not path.is_file():
                    print(f"missing: {path}")
                    missing += 1
                continue
            seconds = render(name, lang, path)
            size = path.stat().st_size
            total += size
            print(f"{path.name}: {seconds:.1f} s, {size / 1024:.0f} KiB")
    if not args.check:
        print(f"total {total / 1024:.0f} KiB")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
