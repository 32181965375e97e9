"""``palier sessions``: list recorded sessions and export them (CSV, JSON, PDF).

Opens the session record read-only, so it can run while a console is
recording (WAL readers never block the writer). Registration imports nothing
heavy; Qt is loaded only for ``--format pdf``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from palier.cli import CliError
from palier.core.fields import INT64_MAX
from palier.core.i18n import LANGUAGES, _, ngettext
from palier.core.typed_text import printable


def session_id(text: str) -> int:
    """A session id as the record stores it: SQLite's rowid, 1..2^63-1 (a
    larger number could not even be looked up: SQLite integers are 64-bit)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= INT64_MAX:
        raise argparse.ArgumentTypeError(
            _(
                "{value} is not a session id: a whole number from 1 to {max} "
                "(`palier sessions list` shows them)",
                value=text,
                max=INT64_MAX,
            )
        )
    return value


def register(sub: Any) -> None:
    p = sub.add_parser("sessions", help="list recorded sessions, export them (CSV, JSON, PDF)")
    ssub = p.add_subparsers(dest="sessions_command", metavar="ACTION", required=True)

    ls = ssub.add_parser("list", help="list sessions in the session record")
    ls.add_argument("--db", metavar="PATH", help="session record file (default: per-user data dir)")
    ls.add_argument("--patient", metavar="PSEUDONYM", help="only this patient's sessions")
    ls.set_defaults(handler=run_list)

    ex = ssub.add_parser("export", help="export one session")
    ex.add_argument(
        "id", type=session_id, metavar="ID", help="session id (see `palier sessions list`)"
    )
    ex.add_argument(
        "--format",
        required=True,
        choices=("csv", "json", "pdf"),
        help="csv: one file per stream; json: whole session; pdf: session report",
    )
    ex.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    ex.add_argument("--db", metavar="PATH", help="session record file (default: per-user data dir)")
    ex.add_argument(
        "--lang", choices=LANGUAGES, help="report language (default: the session's language)"
    )
    ex.add_argument(
        "--no-head-pose",
        action="store_true",
        help="json: leave out the 30 Hz head-pose stream (smaller file)",
    )
    ex.set_defaults(handler=run_export)


def _open(args: argparse.Namespace) -> Any:
    # Imported by the handler: `palier --help` stays instant (tests/test_cli.py).
    from palier.therapist_console.record import SessionRecord, default_record_path

    path = Path(args.db) if args.db else default_record_path()
    return SessionRecord(path, readonly=True)


def _when(t: float) -> str:
    return dt.datetime.fromtimestamp(t).astimezone().strftime("%Y-%m-%d %H:%M")


def _dur(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def run_list(args: argparse.Namespace) -> int:
    with _open(args) as record:
        patient_id = None
        if args.patient:
            patient = record.find_patient(args.patient)
            if patient is None:
                raise CliError(
                    _(
                        "no patient with the pseudonym {pseudonym!r} in {path}",
                        pseudonym=args.patient,
                        path=record.path,
                    )
                )
            patient_id = patient.id
        sessions = record.sessions(patient_id)
        if not sessions:
            print(_("No sessions in {path}.", path=record.path))
            return 0
        live = record.writer_active()
        rows = [("ID", "PATIENT", "STARTED", "DURATION", "STATUS", "PROTOCOL", "STEPS", "SUDS")]
        for s in sessions:
            steps = record.steps(s.id)
            end = s.ended_at if s.ended_at is not None else record.last_recorded_t(s.id)
            # 'open' with no console holding the record: the console stopped.
            status = "interrupted" if s.status == "open" and not live else s.status
            rows.append(
                (
                    str(s.id),
                    # Record text is printed through printable(): a terminal
                    # escape typed into a pseudonym shows as \x1b, never runs.
                    printable(s.pseudonym),
                    _when(s.started_at),
                    _dur(end - s.started_at),
                    status,
                    printable(s.protocol_id or "-"),
                    str(len({st.step_key for st in steps})),
                    str(len(record.suds(s.id))),
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        interrupted = [int(r[0]) for r in rows[1:] if r[4] == "interrupted"]
        if interrupted:
            print(
                "\n"
                + _(
                    "Interrupted (console stopped during the session): {ids}. Open the "
                    "console to resume or close them.",
                    ids=interrupted,
                ),
                file=sys.stderr,
            )
    return 0


def run_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    with _open(args) as record:
        record.session(args.id)  # clear error for an unknown id
        if args.format == "csv":
            # Each format loads only what it needs.
            from palier.therapist_console.export import export_csv

            paths = export_csv(record, args.id, out)
            print(
                ngettext(
                    "{n} CSV file in {folder}",
                    "{n} CSV files in {folder}",
                    len(paths),
                    folder=paths[0].parent,
                )
            )
        elif args.format == "json":
            from palier.therapist_console.export import export_json

            print(export_json(record, args.id, out, include_head_pose=not args.no_head_pose))
        else:
            # Qt (the PDF writer), for --format pdf only.
            from palier.therapist_console.report import write_report

            path = out / f"session-{args.id}-report.pdf"
            print(write_report(record, args.id, path, lang=args.lang))
    return 0
