"""``palier demo --headless``: the scripted session end to end (a real
offscreen engine in a subprocess, the real console window offscreen, the
encrypted link, the session record, the PDF report, screenshots)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from palier.core.i18n import typography
from palier.therapist_console.record import SessionRecord

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_headless_demo_writes_the_record_report_and_screenshots(tmp_path: Path, lang: str) -> None:
    out = tmp_path / "demo"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "palier.cli",
            "demo",
            "--headless",
            "--out",
            str(out),
            "--lang",
            lang,
            "--step-seconds",
            "0.6",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=280,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = proc.stdout
    record_path = out / "demo-sessions.sqlite3"
    assert str(record_path.resolve()) in text
    pdf = out / "session-1-report.pdf"
    assert str(pdf.resolve()) in text and pdf.read_bytes().startswith(b"%PDF")
    import pypdfium2

    assert len(pypdfium2.PdfDocument(str(pdf))) >= 1
    doc = json.loads((out / "session-1.json").read_text())
    assert doc  # the JSON export parses
    # Progress lines in the demo's language.
    if lang == "fr":
        pause = typography("pause : le patient est dans le lieu sûr", "fr")
        assert "séance 1 commencée" in text and pause in text
        assert "session 1 started" not in text
    else:
        assert "session 1 started" in text and "pause: the patient is in the safe place" in text
    for shot in ("en", "fr"):
        png = out / f"console-{shot}.png"
        assert png.stat().st_size > 50_000, f"{png} looks empty"
    # Everything the demo writes is the user's alone, like the record.
    for path in [
        *out.glob("*.png"),
        *out.glob("*.pdf"),
        *out.glob("*.json"),
        out / "engine.log",
        record_path,
    ]:
        assert path.stat().st_mode & 0o777 == 0o600, f"{path} is {path.stat().st_mode:o}"
    with SessionRecord(record_path, readonly=True) as rec:
        [info] = [s for s in rec.sessions() if s.id == 1]
        assert info.status == "closed"
        suds = rec.suds(1)
        assert {s.source for s in suds} == {"therapist", "headset"}
        assert [s.value for s in suds if s.source == "headset"] == [55]
        kinds = [e["kind"] for e in rec.rows("events", 1)]
        assert "scene_event" in kinds and "pause" in kinds and "resume" in kinds
        assert len(rec.steps(1)) == 3
        assert rec.rows("notes", 1)
        assert rec.rows("heart_rate", 1)  # the simulated source was recorded
        cmds = rec.rows("commands", 1)
        assert cmds and all(c["status"] == "ack" for c in cmds)


def test_a_missing_xcb_library_is_named_with_the_command_that_installs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ctypes.util

    from palier.cli import demo

    monkeypatch.setattr(demo.sys, "platform", "linux")
    monkeypatch.setattr(
        ctypes.util, "find_library", lambda name: None if name.startswith("xcb-") else "lib.so"
    )
    qt_says = "xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb platform plugin."
    for lang in ("en", "fr"):
        text = demo.window_problem_text(qt_says, lang)
        assert "libxcb-cursor, libxcb-icccm, libxcb-keysyms" in text
        assert demo.XCB_INSTALL in text
        assert "libxkbcommon-x11" not in text.split(demo.XCB_INSTALL)[0]  # found: not named
    # The README says the same next to the demo command.
    readme = (REPO / "README.md").read_text("utf-8")
    demo_line = readme.index(".venv/bin/palier demo\n")
    assert demo.XCB_PACKAGES in readme[demo_line : demo_line + 400]
