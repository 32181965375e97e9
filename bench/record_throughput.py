"""How fast the session record writes, with its real durability settings.

Prints, in one run on the same disk:

1. Events per second through ``SessionRecord`` (one committed, fsynced
   transaction per clinical row: WAL + synchronous=FULL), for SUDS, events and
   heart-rate samples with RR intervals, next to raw ``sqlite3`` inserts:
   - raw, one commit per row, same settings (WAL + FULL): the cost of our layer;
   - raw, one commit per row, WAL + NORMAL: what FULL costs;
   - raw, all rows in one transaction: the disk-free upper bound.
2. A 90-minute session's worth of data (heart rate at 1 Hz with RR
   intervals, head pose at 30 Hz in batches of 30, SUDS every 5 minutes, a few
   hundred commands with their answers): time to write it all, and time to
   export it as CSV, JSON and PDF.

Usage::

    python bench/record_throughput.py [--dir DIR] [--rows N]

``--dir`` picks the disk (default: the system temp folder); put it on the disk
the console will use, since fsync cost is a property of the disk.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from palier.therapist_console.record import SessionRecord

T0 = 1_790_000_000.0


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def raw_db(path: Path, synchronous: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, session_id INTEGER, t REAL,"
        " kind TEXT, name TEXT, detail TEXT)"
    )
    return conn


def raw_inserts(path: Path, n: int, synchronous: str, per_row_commit: bool) -> float:
    conn = raw_db(path, synchronous)
    sql = "INSERT INTO events (session_id, t, kind, name, detail) VALUES (1, ?, ?, ?, '{}')"

    def run() -> None:
        if per_row_commit:
            for i in range(n):
                conn.execute("BEGIN")
                conn.execute(sql, (T0 + i, "scene_event", f"e{i}"))
                conn.execute("COMMIT")
        else:
            conn.execute("BEGIN")
            for i in range(n):
                conn.execute(sql, (T0 + i, "scene_event", f"e{i}"))
            conn.execute("COMMIT")

    elapsed = timed(run)
    conn.close()
    return n / elapsed


def record_rates(folder: Path, n: int) -> dict[str, float]:
    rates: dict[str, float] = {}
    with SessionRecord(folder / "rates.sqlite3") as rec:
        p = rec.add_patient("Bench", t=T0)
        sid = rec.start_session(p.id, t=T0, language="en").id
        rates["SessionRecord.add_event"] = n / timed(
            lambda: [
                rec.add_event(sid, t=T0 + i, kind="scene_event", name=f"e{i}") for i in range(n)
            ]
        )
        rates["SessionRecord.add_suds"] = n / timed(
            lambda: [
                rec.add_suds(sid, value=i % 101, source="therapist", t=T0 + i) for i in range(n)
            ]
        )
        rates["SessionRecord.add_heart_rate (+2 RR)"] = n / timed(
            lambda: [
                rec.add_heart_rate(sid, t=T0 + i, bpm=70.0, source="bench", rr_ms=(850.0, 860.0))
                for i in range(n)
            ]
        )
        assert rec.integrity_check() == ["ok"]
    return rates


def session_90(folder: Path) -> dict[str, float | int]:
    from palier.therapist_console.export import export_csv, export_json
    from palier.therapist_console.report import write_report
    from palier.therapist_console.sample_session import write_sample_session

    out: dict[str, float | int] = {}
    with SessionRecord(folder / "s90.sqlite3") as rec:
        start = time.perf_counter()
        counts = write_sample_session(
            rec,
            minutes=90,
            head_pose_hz=30,
            head_pose_batch=30,
            suds_every_s=300,
            extra_commands=300,
            steps_reached=5,
        )
        out["write_s"] = time.perf_counter() - start
        out["heart_rate"] = counts.heart_rate
        out["rr_intervals"] = counts.rr_intervals
        out["head_poses"] = counts.head_poses
        out["suds"] = counts.suds
        out["commands"] = counts.commands
        out["clinical_commits"] = counts.clinical_writes
        out["db_mb"] = (folder / "s90.sqlite3").stat().st_size / 1e6 + (
            Path(str(folder / "s90.sqlite3") + "-wal").stat().st_size / 1e6
        )
        sid = counts.session_id
        out["csv_s"] = timed(lambda: export_csv(rec, sid, folder / "csv"))
        out["json_s"] = timed(lambda: export_json(rec, sid, folder / "json"))
        out["json_mb"] = (folder / "json" / f"session-{sid}.json").stat().st_size / 1e6
        out["pdf_s"] = timed(lambda: write_report(rec, sid, folder / "report.pdf"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="folder on the disk to measure")
    parser.add_argument("--rows", type=int, default=2000, help="rows per rate measurement")
    parser.add_argument("--repeat", type=int, default=3, help="repeats (median reported)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="palier-bench-", dir=args.dir))
    try:
        print(
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
        )
        print(f"Disk: {base}\n")
        results: dict[str, list[float]] = {}
        for r in range(args.repeat):
            run_dir = base / f"run{r}"
            run_dir.mkdir()
            for name, rate in record_rates(run_dir, args.rows).items():
                results.setdefault(name, []).append(rate)
            for label, sync, per_row in (
                ("raw sqlite3, commit per row, WAL+FULL", "FULL", True),
                ("raw sqlite3, commit per row, WAL+NORMAL", "NORMAL", True),
                ("raw sqlite3, one transaction (no per-row durability)", "FULL", False),
            ):
                path = run_dir / f"raw-{sync}-{per_row}.sqlite3"
                results.setdefault(label, []).append(raw_inserts(path, args.rows, sync, per_row))
        baseline = statistics.median(results["raw sqlite3, commit per row, WAL+FULL"])
        print(f"Rows per second ({args.rows} rows, median of {args.repeat}):")
        print(f"  {'':58} {'rows/s':>10} {'vs raw WAL+FULL':>16}")
        for name, rates in results.items():
            med = statistics.median(rates)
            print(f"  {name:58} {med:10.0f} {med / baseline:15.2f}x")

        s = session_90(base / "s90")
        wall = 90 * 60
        print(
            "\n90-minute session (HR 1 Hz + RR, head pose 30 Hz batched by 30, "
            "SUDS every 5 min, 300+ commands):"
        )
        print(
            f"  rows: {s['heart_rate']} heart rate, {s['rr_intervals']} RR, "
            f"{s['head_poses']} head poses, {s['suds']} SUDS, {s['commands']} commands; "
            f"{s['clinical_commits']} clinical commits"
        )
        print(
            f"  write all of it:  {s['write_s']:.2f} s "
            f"({100 * float(s['write_s']) / wall:.3f} % of the session's 5400 s)"
        )
        print(f"  database size:    {s['db_mb']:.1f} MB")
        print(f"  export CSV:       {s['csv_s']:.2f} s")
        print(f"  export JSON:      {s['json_s']:.2f} s ({s['json_mb']:.1f} MB)")
        print(f"  PDF report:       {s['pdf_s']:.2f} s")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
