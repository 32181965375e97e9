"""Writing health data to disk: private (0600 files, 0700 folders), atomic,
never through a symbolic link.

A file is written to a temporary file in the destination's folder (created
0600 by ``mkstemp``, exclusively, whatever the umask), flushed to disk, then
renamed over the destination. The rename replaces the directory entry itself:
a symbolic link planted at the destination is replaced, its target is never
opened, and a reader never sees half a file. An existing file's mode does not
carry over (the new file is a new inode).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

FOLDER_MODE = 0o700


def private_folder(path: Path) -> Path:
    """Create ``path`` and any missing parents 0700; existing folders keep
    their mode (they are the user's). Raises OSError as ``mkdir`` does."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=FOLDER_MODE)
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is masked by the umask
    return path


@contextlib.contextmanager
def private_temp_path(path: Path) -> Iterator[Path]:
    """A temporary path next to ``path`` (an empty 0600 file) for a writer
    that needs a file name (Qt's PDF writer); renamed over ``path`` when the
    block ends without error, removed otherwise."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def private_text_file(path: Path) -> Iterator[IO[str]]:
    """Open ``path`` for writing UTF-8 text (no newline translation: CSV
    writes its own), privately and atomically as the module says."""
    with private_temp_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        yield f
