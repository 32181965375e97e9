"""A console in its own process, for tests that suspend it (SIGSTOP).

Prints one JSON line per link status change and per clinical event; reads
commands from stdin: ``ask N`` (SUDS request N), ``quit``.
Usage: python console_proc.py ENDPOINT KEYS_DIR [LOG_FILE [INSTANCE:SEQ]]
(INSTANCE:SEQ: the events this console's recorder already has, as a console
restarted after a crash would pass them.)
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from pathlib import Path

from palier.therapist_console.client import LinkClient


def main() -> int:
    endpoint, keys_dir = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3:  # a log file, for post-mortems of failed tests
        logging.basicConfig(
            filename=sys.argv[3],
            level=logging.INFO,
            format="%(relativeCreated)d %(threadName)s %(name)s: %(message)s",
        )
    lock = threading.Lock()

    def out(**obj: object) -> None:
        with lock:
            print(json.dumps(obj), flush=True)

    resume = None
    if len(sys.argv) > 4:
        instance, seq = sys.argv[4].split(":")
        resume = (instance, int(seq))
    client = LinkClient(
        endpoint, keys_dir=Path(keys_dir), role="control", name="test console", resume_events=resume
    )
    client.on_status = lambda s: out(status=s.state.value, detail=s.detail)
    client.on_event = lambda e: out(
        event=e.seq, kind=e.kind, request=e.request, value=e.value, instance=e.instance
    )
    with client:
        for line in sys.stdin:
            words = line.split()
            if words[:1] == ["ask"]:
                try:
                    client.ask_suds(int(words[1]))
                    out(asked=int(words[1]))
                except Exception as exc:
                    out(error=str(exc))
            elif words[:1] == ["quit"]:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
