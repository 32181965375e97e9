"""`palier sessions list` and `palier sessions export` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from palier.cli import main
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.sample_session import write_sample_session


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "s.sqlite3"
    with SessionRecord(path) as rec:
        write_sample_session(rec, minutes=4, seed=2)
        write_sample_session(rec, minutes=3, pseudonym="Other-2", close=False)
    return path


def test_list(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sessions", "list", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "PATIENT", "STARTED"]
    assert "Sample-07" in lines[1] and "closed" in lines[1]
    assert "Other-2" in lines[2] and "interrupted" in lines[2]
    assert "Interrupted" in err
    assert main(["sessions", "list", "--db", str(db), "--patient", "Other-2"]) == 0
    assert "Sample-07" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "fmt,name", [("csv", "session-1"), ("json", "session-1.json"), ("pdf", "session-1-report.pdf")]
)
def test_export(db: Path, tmp_path: Path, fmt: str, name: str) -> None:
    out = tmp_path / "out"
    assert (
        main(["sessions", "export", "1", "--format", fmt, "--out", str(out), "--db", str(db)]) == 0
    )
    assert (out / name).exists()
    if fmt == "json":
        assert json.loads((out / name).read_text())["session"]["session_id"] == 1


def test_errors_are_clear(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["sessions", "export", "42", "--format", "csv", "--out", str(tmp_path), "--db", str(db)]
        )
        == 2
    )
    assert "no session 42" in capsys.readouterr().err
    assert main(["sessions", "list", "--db", str(tmp_path / "none.sqlite3")]) == 2
    assert "no session record" in capsys.readouterr().err
