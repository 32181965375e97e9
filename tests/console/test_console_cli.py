"""``palier console`` as a user runs it: it opens, and Ctrl-C ends it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from palier.core.lines import LineReader

REPO = Path(__file__).resolve().parents[2]


def test_ctrl_c_ends_the_console_and_keeps_the_record(tmp_path: Path) -> None:
    db = tmp_path / "sessions.sqlite3"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "palier.cli",
            "-v",
            "console",
            "--db",
            str(db),
            "--lang",
            "fr",
            "--keys",
            str(tmp_path / "keys"),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    out = LineReader(proc.stdout)
    seen: list[str] = []
    try:
        assert out.until(lambda ln: "console: window open" in ln, 60, seen), seen
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 130
    assert db.stat().st_mode & 0o077 == 0
