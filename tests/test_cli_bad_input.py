"""Bad input on the command line and in files, run as a user would (subprocess):
every case ends with a clear one-line message naming the file or value, a
non-zero exit code and no traceback; ``palier -v`` keeps the traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from palier.protocols.files import MAX_FILE_BYTES, library_files

PALIER = [sys.executable, "-m", "palier.cli"]
ENGLISH = {**os.environ, "LC_ALL": "en_US.UTF-8", "LANGUAGE": ""}
FRENCH = {**os.environ, "LC_ALL": "fr_FR.UTF-8", "LANGUAGE": ""}
DEADLINE_S = 60.0
"""Longest a case may take: a command that hangs (a FIFO) fails the test
instead of blocking the suite."""


def run(*args: str, env: dict[str, str] = ENGLISH) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PALIER, *args], capture_output=True, text=True, timeout=DEADLINE_S, env=env
    )


def refused(out: subprocess.CompletedProcess[str], *needles: str, code: int = 2) -> str:
    """The command failed cleanly: exit ``code``, no traceback, one message
    line holding every needle. Returns that line."""
    text = out.stdout + out.stderr
    assert out.returncode == code, (out.returncode, text)
    assert "Traceback" not in text, text
    lines = [ln for ln in out.stderr.splitlines() if all(n in ln for n in needles)]
    assert lines, f"no line of stderr holds {needles}: {out.stderr!r}"
    return lines[0]


@pytest.fixture
def record(tmp_path: Path) -> Path:
    from palier.therapist_console.record import SessionRecord
    from palier.therapist_console.sample_session import write_sample_session

    path = tmp_path / "s.sqlite3"
    with SessionRecord(path) as rec:
        write_sample_session(rec, minutes=1, seed=3)
    return path


# -- session ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("session_id", ["9223372036854775808", "-9223372036854775809", "0", "x"])
def test_a_session_id_out_of_sqlite_range_is_refused(
    record: Path, tmp_path: Path, session_id: str
) -> None:
    out = run(
        "sessions",
        "export",
        session_id,
        "--format",
        "json",
        "--out",
        str(tmp_path / "x"),
        "--db",
        str(record),
    )
    refused(out, session_id, "not a session id")
    assert not (tmp_path / "x").exists()


# -- the session record ----------------------------------------------------------------------


def test_a_file_that_is_not_a_record(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(os.urandom(4096))
    for args in (["list"], ["export", "1", "--format", "csv", "--out", str(tmp_path / "o")]):
        out = run("sessions", *args, "--db", str(garbage))
        refused(out, str(garbage), "not a Palier session record")


def test_an_sqlite_file_of_another_program(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    line = refused(run("sessions", "list", "--db", str(other)), str(other))
    assert "not a Palier session record" in line and "migrate" not in line


def test_a_folder_given_as_the_record(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    refused(run("sessions", "list", "--db", str(folder)), str(folder), "is a folder")


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root reads any file; no chmod on Windows"
)
def test_an_unreadable_record(record: Path) -> None:
    record.chmod(0)
    try:
        refused(run("sessions", "list", "--db", str(record)), str(record), "permission")
    finally:
        record.chmod(0o600)


def test_the_message_is_french_in_a_french_locale(tmp_path: Path) -> None:
    folder = tmp_path / "enregistrements"
    folder.mkdir()
    line = refused(run("sessions", "list", "--db", str(folder), env=FRENCH), str(folder))
    assert "erreur" in line and "est un répertoire" in line, line
    assert not {"error", "folder", "record"} & set(line.split()), line


def test_verbose_keeps_the_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    out = run("-v", "sessions", "list", "--db", str(folder))
    assert out.returncode != 0 and "Traceback" in out.stderr and "RecordFileError" in out.stderr


# -- protocol files ------------------------------------------------------------------------------


def test_dev_zero_is_not_read(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    refused(run("protocols", "check", "/dev/zero"), "/dev/zero", "not a regular file", code=1)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "protocol.toml"
    os.mkfifo(fifo)
    refused(run("protocols", "check", str(fifo)), str(fifo), "not a regular file", code=1)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    refused(run("protocols", "check", str(tmp_path)), str(tmp_path), "is a folder", code=1)


def test_a_huge_file_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    refused(run("protocols", "check", str(big)), str(big), "larger than", code=1)


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 5000 + "]" * 5000 + "\n",
        "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n",
        "a = " + "9" * 5000 + "\n",
    ],
    ids=["nested arrays", "nested tables", "long number"],
)
def test_a_file_that_breaks_the_toml_reader_names_itself_and_the_next_file_is_checked(
    tmp_path: Path, text: str
) -> None:
    bad = tmp_path / "deep.toml"
    bad.write_text(text, encoding="utf-8")
    good = library_files()[0]
    out = run("protocols", "check", str(bad), str(good))
    refused(out, str(bad), code=1)
    assert f"{good}: ok" in out.stdout, out.stdout + out.stderr


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    good = library_files()[0]
    bom = tmp_path / "windows.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + good.read_bytes())
    out = run("protocols", "check", str(bom))
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{bom}: ok" in out.stdout


# -- the engine command, and what nobody expected -----------------------------------------------


def test_the_engine_command_has_no_test_hooks() -> None:
    out = run("engine", "--backend", "offscreen", "--frames", "1", "--test-hooks")
    refused(out, "--test-hooks")


def test_an_unexpected_error_is_one_line_saying_it_is_a_bug(tmp_path: Path) -> None:
    # A handler that fails the way no one planned for (a bug): one line, a
    # distinct exit code, where to report it; -v gives the traceback.
    code = (
        "import sys, palier.cli as cli, palier.cli.sessions as s\n"
        "def broken(args): return {}['missing']\n"
        "s.run_list = broken\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    args = [sys.executable, "-c", code]
    out = subprocess.run(
        [*args, "sessions", "list"],
        capture_output=True,
        text=True,
        timeout=DEADLINE_S,
        env=ENGLISH,
    )
    line = refused(out, "KeyError", "bug", "-v", code=70)
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "palier sessions" in line
    verbose = subprocess.run(
        [*args, "-v", "sessions", "list"],
        capture_output=True,
        text=True,
        timeout=DEADLINE_S,
        env=ENGLISH,
    )
    assert verbose.returncode != 0 and "Traceback" in verbose.stderr
