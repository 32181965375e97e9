"""palier.core.lines: no line is lost when several arrive in one chunk."""

from __future__ import annotations

import subprocess
import sys

from palier.core.lines import LineReader


def test_lines_written_together_are_all_read_then_eof() -> None:
    code = "import sys; sys.stdout.write('one\\ntwo\\nready three\\n'); sys.stdout.flush()"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    reader = LineReader(proc.stdout)
    seen: list[str] = []
    assert reader.until(lambda ln: ln.startswith("ready"), 30, seen) == "ready three\n"
    assert seen == ["one\n", "two\n", "ready three\n"]
    assert reader.until(lambda ln: True, 30) is None and reader.eof
    proc.wait(timeout=30)


def test_no_line_within_the_deadline() -> None:
    code = "import sys, time; sys.stdout.write('x\\n'); sys.stdout.flush(); sys.stdin.read()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdin is not None
    reader = LineReader(proc.stdout)
    assert reader.next(30) == "x\n"
    assert reader.next(0.05) is None and not reader.eof
    proc.stdin.close()
    proc.wait(timeout=30)
