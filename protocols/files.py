"""Protocol files: reading, checking and the installed library.

A file is parsed (TOML), converted into the model (:mod:`protocols.model`:
types, ranges, required and unknown keys) and checked against the scene
catalogue (:mod:`protocols.validate`); every problem is an :class:`Issue`
naming the file, line and field. A file with any error never reaches a
session. The library is the files shipped with Palier plus the clinic's own
folders (:data:`PROTOCOLS_ENV` and the user data folder).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import stat
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from platformdirs import user_data_dir

from palier.protocols.model import (
    FORMAT_VERSION,
    Issue,
    IssueList,
    Protocol,
    ProtocolError,
    convert,
    locate_keys,
)
from palier.protocols.validate import check_semantics

log = logging.getLogger(__name__)


# -- reading files -------------------------------------------------------------------------------


_TOML_POS_RE = re.compile(r"\(at line (\d+), column (\d+)\)")

MAX_FILE_BYTES = 1 << 20
"""Largest protocol file read: 1 MiB. A protocol is a few KiB of text (the
shipped spiders protocol is under 8 KiB); the bound keeps a wrong path (a
video, ``/dev/zero``) from filling the memory."""

BOM = "\ufeff"
"""The UTF-8 byte order mark some Windows editors write at the start of a
file; TOML does not allow it, so it is dropped before parsing."""


def parse_protocol(source: str, file: str = "<protocol>") -> tuple[Protocol | None, list[Issue]]:
    """Parse and validate one protocol's TOML text. Returns the protocol (None
    if any error) and every issue found, warnings included."""
    source = source.removeprefix(BOM)
    try:
        return _parse(source, file)
    except RecursionError:
        # tomllib, and the model after it, recurse once per nesting level.
        return None, [
            Issue(
                file,
                None,
                "",
                "the file nests brackets or tables too deeply to be read",
                "a protocol file (a few levels of tables and lists)",
                "check that this is the protocol file you meant",
            )
        ]


def _parse(source: str, file: str) -> tuple[Protocol | None, list[Issue]]:
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POS_RE.search(str(exc))
        msg = _TOML_POS_RE.sub("", str(exc)).strip()
        line = int(m.group(1)) if m else None
        col = f" (column {m.group(2)})" if m else ""
        fix = "check quotes, brackets and '=' on that line"
        if "Illegal character '\\n'" in msg or "Unterminated string" in msg:
            fix = 'close the quoted text on that line with "'
        return None, [
            Issue(
                file,
                line,
                "",
                f"TOML syntax error: {msg}{col}",
                "valid TOML (https://toml.io)",
                fix,
            )
        ]
    except ValueError as exc:
        # Valid syntax, a value Python will not convert: an integer over its
        # 4300-digit limit (the advice after the ';' is for programmers).
        return None, [
            Issue(
                file,
                None,
                "",
                f"a value cannot be read: {str(exc).split(';')[0]}",
                "a protocol file (numbers of a few digits)",
                "check that this is the protocol file you meant",
            )
        ]
    issues = IssueList(file, locate_keys(source), data)
    fmt = data.get("format")
    if fmt is not None and fmt != FORMAT_VERSION and isinstance(fmt, int):
        issues.add(
            ("format",),
            f"format {fmt} is not supported by this Palier",
            f"format = {FORMAT_VERSION}",
            "convert the file or update Palier",
        )
        return None, issues.issues
    proto = convert(data, Protocol, (), issues)
    if proto is None:
        return None, issues.issues
    proto = dataclasses.replace(proto, source=file)
    check_semantics(proto, issues.add)
    if issues.has_errors:
        return None, issues.issues
    return proto, issues.issues


class _Unreadable(Exception):
    """Why a path gives no protocol text, and what to do (one :class:`Issue`)."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def _not_regular(mode: int) -> _Unreadable:
    if stat.S_ISDIR(mode):
        return _Unreadable(
            "this is a folder, not a protocol file",
            "name the .toml files in it (FOLDER/*.toml)",
        )
    kind = (
        "a named pipe"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a special file"
    )
    return _Unreadable(
        f"not a regular file ({kind}); a protocol is a .toml text file",
        "give the path of a protocol .toml file",
    )


def _read_protocol_bytes(p: Path) -> bytes:
    """The file's bytes: a regular file only (a FIFO would wait for a writer
    for ever, a device never ends), at most :data:`MAX_FILE_BYTES`."""
    try:
        mode = os.stat(p).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(mode)
        # Non-blocking: were the path swapped for a FIFO after the stat, the
        # open returns at once instead of waiting for a writer.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise _Unreadable(
            f"cannot read the file: {exc.strerror or exc}", "check the path and permissions"
        ) from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode)
        too_big = _Unreadable(
            f"the file is larger than {MAX_FILE_BYTES // 1024} KiB; a protocol is a few KiB",
            "check that this is the protocol file you meant",
        )
        if st.st_size > MAX_FILE_BYTES:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:  # the size can change after the fstat
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise too_big
        return b"".join(chunks)
    except OSError as exc:
        raise _Unreadable(
            f"cannot read the file: {exc.strerror or exc}", "check the path and permissions"
        ) from exc
    finally:
        os.close(fd)


def check_file(path: str | Path) -> tuple[Protocol | None, list[Issue]]:
    """Read and validate a protocol file; never raises for bad content, nor
    for a path that is not a readable protocol-sized regular file."""
    p = Path(path)
    try:
        raw = _read_protocol_bytes(p)
    except _Unreadable as why:
        return None, [Issue(str(p), None, "", why.problem, fix=why.fix)]
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Issue(
                str(p),
                line,
                "",
                "the file is not UTF-8 text",
                "UTF-8 encoding",
                "save the file as UTF-8 in your editor",
            )
        ]
    return parse_protocol(source, str(p))


def load_protocol(path: str | Path) -> Protocol:
    """Read a protocol file; raise :class:`ProtocolError` listing every error."""
    proto, issues = check_file(path)
    for issue in issues:
        if issue.severity == "warning":
            log.warning("%s", issue)
    if proto is None:
        raise ProtocolError([i for i in issues if i.severity == "error"] or issues)
    return proto


# -- the library -----------------------------------------------------------------------------


def library_files() -> list[Path]:
    """The protocol files shipped with Palier (``protocols/library/*.toml``)."""
    root = resources.files(__package__) / "library"
    # resolve(): in a checkout palier/protocols is a link to protocols/; name
    # the files where they are edited.
    return sorted(Path(str(p)).resolve() for p in root.iterdir() if p.name.endswith(".toml"))


def library() -> list[Protocol]:
    """Every protocol shipped with Palier, validated. A broken shipped file is a
    bug: raise :class:`ProtocolError` rather than hide a protocol."""
    loaded = _load(library_files())
    if loaded.broken:
        raise ProtocolError(list(loaded.broken))
    return list(loaded.protocols)


PROTOCOLS_ENV = "PALIER_PROTOCOLS"
"""Extra folders of protocol files (``os.pathsep``-separated), e.g. a clinic's own."""


def extra_dirs() -> list[Path]:
    dirs = [Path(d) for d in os.environ.get(PROTOCOLS_ENV, "").split(os.pathsep) if d]
    dirs.append(Path(user_data_dir("palier", appauthor=False)) / "protocols")
    return dirs


@dataclass(frozen=True, slots=True)
class Installed:
    protocols: tuple[Protocol, ...]
    broken: tuple[Issue, ...]
    """Errors of files left out (never offered for a session)."""
    files: tuple[Path, ...]


def installed() -> Installed:
    """The library plus the clinic's folders (:func:`extra_dirs`). Broken or
    duplicate files are left out and reported in ``broken``; the rest are
    usable."""
    files = list(library_files())
    for d in extra_dirs():
        if d.is_dir():
            files += sorted(d.glob("*.toml"))
    return _load(files)


def _load(files: list[Path]) -> Installed:
    """Check every file; the first file with an id wins, a later one with
    the same id is reported as broken."""
    protos: list[Protocol] = []
    broken: list[Issue] = []
    ids: dict[str, str] = {}
    for path in files:
        proto, issues = check_file(path)
        if proto is None:
            broken.extend(i for i in issues if i.severity == "error")
        elif proto.id in ids:
            broken.append(
                Issue(
                    str(path),
                    locate_keys(path.read_text("utf-8").removeprefix(BOM)).get(("id",)),
                    "id",
                    f"protocol id {proto.id!r} is already used by {ids[proto.id]}",
                    "a unique id",
                    "rename this protocol",
                )
            )
        else:
            ids[proto.id] = str(path)
            protos.append(proto)
    return Installed(tuple(protos), tuple(broken), tuple(files))


def protocol_by_id(protocol_id: str, protocols: Sequence[Protocol] | None = None) -> Protocol:
    for p in protocols if protocols is not None else installed().protocols:
        if p.id == protocol_id:
            return p
    raise KeyError(f"no protocol {protocol_id!r} (see `palier protocols list`)")
