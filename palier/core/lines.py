"""Reading a child process's output line by line, with deadlines.

``select`` on a text pipe followed by ``readline`` loses lines: the first
``readline`` may pull several lines into Python's buffer, after which the
descriptor shows nothing ready although lines wait. A thread that blocks in
``readline`` and hands each line to a queue has no such gap, and the reader
waits on the queue with a deadline instead of sleeping.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import IO


class LineReader:
    """Every line a pipe yields, in order, to be taken with a deadline."""

    def __init__(self, stream: IO[str], name: str = "line-reader") -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.eof = False
        self._thread = threading.Thread(target=self._pump, args=(stream,), name=name, daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        try:
            for line in stream:
                self._lines.put(line)
        except (OSError, ValueError):  # the pipe closed under us
            pass
        finally:
            self._lines.put(None)

    def next(self, timeout: float) -> str | None:
        """The next line, or None when none came within ``timeout`` seconds
        or the stream ended (then :attr:`eof` is True)."""
        if self.eof:
            return None
        try:
            line = self._lines.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None
        if line is None:
            self.eof = True
        return line

    def until(
        self, match: Callable[[str], bool], timeout: float, seen: list[str] | None = None
    ) -> str | None:
        """The first line for which ``match`` holds within ``timeout``
        seconds (lines before it go to ``seen``), or None."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            line = self.next(min(left, 0.2))
            if line is None:
                continue
            if seen is not None:
                seen.append(line)
            if match(line):
                return line
        return None
