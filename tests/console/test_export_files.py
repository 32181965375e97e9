"""Exports as files on disk: 0600, atomic, never through a symbolic link,
folders 0700, and CSV cells a spreadsheet cannot run as formulas."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest

from palier.therapist_console.export import csv_cell, export_csv, export_json
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.report import write_report
from palier.therapist_console.sample_session import write_sample_session


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("files") / "s.sqlite3"
    with SessionRecord(path) as rec:
        sid = write_sample_session(rec, minutes=2, head_pose_hz=1, seed=5, close=False).session_id
        t = rec.last_recorded_t(sid) + 1.0
        for i, text in enumerate(['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "ok"]):
            rec.add_note(sid, text=text, t=t + i)
        rec.end_session(sid, t=t + 10.0)
    return path, sid


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _write_all(rec: SessionRecord, sid: int, out: Path) -> list[Path]:
    return [
        *export_csv(rec, sid, out),
        export_json(rec, sid, out),
        write_report(rec, sid, out / "report.pdf"),
    ]


def test_rewritten_exports_are_0600_whatever_the_old_file_was(
    sample: tuple[Path, int], tmp_path: Path
) -> None:
    path, sid = sample
    with SessionRecord(path, readonly=True) as rec:
        first = _write_all(rec, sid, tmp_path)
        for f in first:
            os.chmod(f, 0o644)
        again = _write_all(rec, sid, tmp_path)
    assert again == first
    assert {f: _mode(f) for f in again} == {f: 0o600 for f in again}
    # Nothing half-written is left beside them.
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".part")]


def test_a_symbolic_link_at_the_export_path_is_replaced_not_followed(
    sample: tuple[Path, int], tmp_path: Path
) -> None:
    path, sid = sample
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    (out / f"session-{sid}").mkdir(parents=True)
    planted = [
        out / f"session-{sid}" / "notes.csv",
        out / f"session-{sid}.json",
        out / "report.pdf",
    ]
    for link in planted:
        link.symlink_to(victim)
    with SessionRecord(path, readonly=True) as rec:
        _write_all(rec, sid, out)
    assert victim.read_text() == "precious"
    for link in planted:
        assert not link.is_symlink() and link.stat().st_size > 0 and _mode(link) == 0o600


def test_created_folders_are_0700(sample: tuple[Path, int], tmp_path: Path) -> None:
    path, sid = sample
    out = tmp_path / "a" / "b"
    old = os.umask(0o022)
    try:
        with SessionRecord(path, readonly=True) as rec:
            export_csv(rec, sid, out)
            write_report(rec, sid, tmp_path / "pdf" / "deep" / "report.pdf")
    finally:
        os.umask(old)
    for folder in (
        tmp_path / "a",
        out,
        out / f"session-{sid}",
        tmp_path / "pdf",
        tmp_path / "pdf" / "deep",
    ):
        assert _mode(folder) == 0o700, folder


def test_csv_cells_that_a_spreadsheet_would_run_are_made_text(
    sample: tuple[Path, int], tmp_path: Path
) -> None:
    path, sid = sample
    with SessionRecord(path, readonly=True) as rec:
        export_csv(rec, sid, tmp_path)
    with (tmp_path / f"session-{sid}" / "notes.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [r["text"] for r in rows]
    assert texts[-5:] == ['\'=HYPERLINK("http://x","y")', "'+1+1", "'-2+3", "'@SUM(A1)", "ok"]
    # Notes are stripped when recorded; other text cells may start with these.
    assert [csv_cell(v) for v in ("\tx", "\rx", "x=1", -2.5, 3)] == [
        "'\tx",
        "'\rx",
        "x=1",
        "-2.5",
        3,
    ]
    # Numbers stay numbers: the time column of every stream may be negative
    # or not, but it is never quoted.
    with (tmp_path / f"session-{sid}" / "suds.csv").open(newline="") as f:
        first = next(iter(csv.DictReader(f)))
    assert not next(iter(first.values())).startswith("'")
