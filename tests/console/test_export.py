"""CSV and JSON exports of a recorded session."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

import pytest

from palier.therapist_console.export import (
    STREAMS,
    TIME_COLUMNS,
    columns_markdown,
    export_csv,
    export_json,
)
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.sample_session import write_sample_session

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("exp") / "s.sqlite3"
    with SessionRecord(path) as rec:
        counts = write_sample_session(rec, minutes=8, head_pose_hz=10, seed=3)
    return path, counts.session_id


def test_csv_one_file_per_stream_with_documented_columns(
    sample: tuple[Path, int], tmp_path: Path
) -> None:
    path, sid = sample
    with SessionRecord(path, readonly=True) as rec:
        files = export_csv(rec, sid, tmp_path)
        n_hr = len(rec.rows("heart_rate", sid))
        suds = [r.value for r in rec.suds(sid)]
        t0 = rec.session(sid).started_at
        first_suds_t = rec.suds(sid)[0].t
    names = {f.name for f in files}
    assert names == {f"{s.file}.csv" for s in STREAMS} | {"session.csv"}
    for stream in STREAMS:
        with (tmp_path / f"session-{sid}" / f"{stream.file}.csv").open(newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == [n for n, _ in TIME_COLUMNS] + [c.name for c in stream.columns]
        assert all(len(r) == len(rows[0]) for r in rows)
        if stream.table == "heart_rate":
            assert len(rows) - 1 == n_hr
        if stream.table == "suds":
            assert [int(r[2]) for r in rows[1:]] == suds
            assert float(rows[1][0]) == pytest.approx(first_suds_t - t0, abs=1e-3)
            assert rows[1][1].endswith("Z") and "T" in rows[1][1]
        assert (
            stat.S_IMODE((tmp_path / f"session-{sid}" / f"{stream.file}.csv").stat().st_mode)
            == 0o600
        )
    for written in files:
        assert len(written.read_text(encoding="utf-8").splitlines()) >= 1


def test_json_whole_session(sample: tuple[Path, int], tmp_path: Path) -> None:
    path, sid = sample
    with SessionRecord(path, readonly=True) as rec:
        out = export_json(rec, sid, tmp_path)
        out_small = export_json(rec, sid, tmp_path / "small", include_head_pose=False)
        n_head = len(rec.rows("head_pose", sid))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "palier-session" and doc["version"] == 1
    assert doc["session"]["pseudonym"] == "Sample-07"
    assert set(doc["streams"]) == {s.file for s in STREAMS}
    assert len(doc["streams"]["head_pose"]) == n_head > 0
    assert isinstance(doc["streams"]["steps"][0]["params"], dict)
    assert isinstance(doc["streams"]["steps"][0]["label"], dict)
    assert doc["summary"]["steps_reached"] == len({s["step_key"] for s in doc["streams"]["steps"]})
    assert doc["plan"]["steps"][0]["key"] == doc["streams"]["steps"][0]["step_key"]
    assert "head_pose" not in json.loads(out_small.read_text(encoding="utf-8"))["streams"]


def test_docs_list_every_column() -> None:
    doc = (ROOT / "docs" / "data-export.md").read_text(encoding="utf-8")
    assert columns_markdown().strip() in doc, (
        "docs/data-export.md is out of date: paste therapist_console.export.columns_markdown()"
    )
