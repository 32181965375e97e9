"""Session exports: CSV (one file per stream) and JSON (the whole session).

The columns of every CSV file are declared once, in :data:`STREAMS`; the
documentation (``docs/data-export.md``) is generated from the same table by
:func:`columns_markdown` and a test keeps the two identical.

Every file starts with the same two time columns: ``t_s`` (seconds since the
session start, console clock) and ``time_utc`` (ISO 8601 wall time, UTC).
Exported files are created readable by the user only: they hold health data.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from palier.core.files import private_folder, private_text_file
from palier.protocols.clinical_log import expectancy_from_row
from palier.therapist_console.heart_rate import is_simulated
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.summary import summarize

EXPORT_FORMAT = "palier-session"
EXPORT_VERSION = 1


class ExportError(RuntimeError):
    """An export that could not be written (folder, permissions)."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    doc: str
    get: Callable[[Mapping[str, Any]], Any]
    is_json: bool = False
    """CSV holds JSON text; the JSON export holds the decoded value."""


def _col(name: str, doc: str, key: str | None = None) -> Column:
    k = key or name
    return Column(name, doc, lambda r: r.get(k))


def _json_col(name: str, doc: str, key: str | None = None) -> Column:
    k = key or name

    def get(r: Mapping[str, Any]) -> Any:
        value = r.get(k)
        return (
            ""
            if value is None
            else value
            if isinstance(value, str)
            else json.dumps(value, ensure_ascii=False, sort_keys=True)
        )

    return Column(name, doc, get, is_json=True)


def _bool_col(name: str, doc: str, key: str) -> Column:
    return Column(name, doc, lambda r: "" if r.get(key) is None else int(bool(r[key])))


@dataclass(frozen=True, slots=True)
class Stream:
    table: str
    time_key: str
    doc: str
    columns: tuple[Column, ...]
    name: str = ""
    """The file's (and the JSON stream's) name; the table's when empty."""
    kind: str | None = None
    """Only the table's rows of this ``kind`` (a stream drawn from ``events``)."""

    @property
    def file(self) -> str:
        return self.name or self.table


def _detail(key: str) -> Callable[[Mapping[str, Any]], Any]:
    """A value of an events row's JSON ``detail``."""

    def get(r: Mapping[str, Any]) -> Any:
        detail = json.loads(r.get("detail") or "{}")
        return detail.get(key) if isinstance(detail, dict) else None

    return get


STREAMS: tuple[Stream, ...] = (
    Stream(
        "steps",
        "started_at",
        "One row per visit to a hierarchy step.",
        (
            _col("step_index", "position of the step in the hierarchy, from 0"),
            _col("step_key", "the step's id in the patient's ladder"),
            _json_col("label", 'the step\'s label, JSON `{"en": ..., "fr": ...}` or text'),
            _col("scene", "scene id loaded for the step"),
            _json_col("params", "scene parameter values at the end of the step (JSON object)"),
            _col("expected_suds", "SUDS the ladder expected for the step (0-100, may be empty)"),
            Column(
                "end_s",
                "seconds since session start when the step ended (empty: not ended)",
                lambda r: r.get("end_s"),
            ),
            Column("duration_s", "time spent at the step, seconds", lambda r: r.get("duration_s")),
        ),
    ),
    Stream(
        "suds",
        "t",
        "SUDS ratings (Subjective Units of Distress, 0-100).",
        (
            _col("value", "the rating, whole number 0-100"),
            _col(
                "source",
                "`therapist` (said aloud, typed by the therapist) or `headset` "
                "(the patient answered on the in-headset panel)",
            ),
            _col("step_index", "step the rating belongs to (empty: before the first step)"),
            _col("engine_t", "engine clock when the patient answered (headset only), seconds"),
        ),
    ),
    Stream(
        "heart_rate",
        "t",
        "Heart-rate samples (about 1 per second). `t_s` is the console's clock when "
        "the sample arrived. Rows whose `source` is `simulated` are invented by "
        "Palier's simulation, not measured (`simulated` says so on every row).",
        (
            _col("bpm", "heart rate, beats per minute"),
            _col(
                "source",
                "the heart-rate source's name: `simulated` (invented, for demos and "
                "tests) or the sensor's",
            ),
            Column(
                "simulated",
                "1: invented by the simulation, not a measurement; 0: from a sensor",
                lambda r: int(r.get("source") == "simulated"),
            ),
            _col(
                "t_source",
                "the source's own clock for the sample, seconds (the simulation's "
                "time; empty for a source without a clock of its own)",
            ),
            _bool_col("contact", "sensor skin contact: 1 yes, 0 no, empty not reported", "contact"),
            _col(
                "rmssd_ms",
                "RMSSD over the last 60 s of clean beats after this sample, ms "
                "(empty: fewer than 10 successive pairs)",
            ),
        ),
    ),
    Stream(
        "rr_intervals",
        "t",
        "Beat-to-beat (RR) intervals, raw, in the order received (oldest first); "
        "`t_s` is the time of the heart-rate sample that carried them.",
        (
            _col("ms", "RR interval, milliseconds (as received: never corrected)"),
            _col(
                "artifact",
                "empty: accepted; `range`: outside 300-2000 ms; `ectopic`: more than 20 % "
                "from the median of the last 5 accepted intervals. RMSSD leaves them out",
            ),
        ),
    ),
    Stream(
        "sensor_states",
        "t",
        "The heart-rate source's connection: a stretch that is not `connected` is a "
        "gap in the heart rate.",
        (
            _col("source", "the source (as in `heart_rate.csv`)"),
            _col(
                "state",
                "`connected`, `connecting`, `reconnecting` (dropped, trying again), "
                "`failed` (gave up: why in `detail`) or `stopped`",
            ),
            _col("detail", "the sensor's name, or what went wrong"),
        ),
    ),
    Stream(
        "events",
        "t",
        "Clinical events: scene events fired, patient stop, pause "
        "(safe place) and resume, failsafe, view recentred, session markers.",
        (
            _col(
                "kind",
                "`scene_event`, `patient_stop`, `pause`, `resume`, `failsafe`, "
                "`recenter`, `contact` (also in `contacts.csv`), `session`, `engine` or "
                "`heart_rate_alarm` (`raised` or `cleared`; detail: bpm, ceiling, seconds "
                "above it)",
            ),
            _col("name", "event name (scene event, pause reason, marker)"),
            _json_col("detail", "more about the event (JSON object)"),
            _col("step_index", "step in progress (empty: none)"),
            _col("engine_frame", "engine frame when it happened"),
            _col("engine_t", "engine clock when it happened, seconds"),
        ),
    ),
    Stream(
        "events",
        "t",
        "Contacts: the patient's hand touched a surface the scene declares (an ERP "
        "scene's tap, door handle, ...), reported by the engine when the hand left it; "
        "`t_s` is when it left.",
        (
            _col("surface", "the surface's name in the scene's declaration", "name"),
            Column("scene", "the scene (its id)", _detail("scene")),
            Column("hand", "`left` or `right`", _detail("hand")),
            Column("duration_s", "how long the hand stayed on it, seconds", _detail("duration_s")),
            Column(
                "start_s",
                "seconds since session start when the hand reached it",
                lambda r: r.get("start_s"),
            ),
            _col("step_index", "step in progress (empty: none)"),
            _col("engine_t", "engine clock when the hand left it, seconds"),
        ),
        name="contacts",
        kind="contact",
    ),
    Stream(
        "commands",
        "t",
        "Every command the console sent to the engine.",
        (
            _col("kind", "`load_scene`, `set_params`, `fire`, `pause`, `resume`, `ask_suds`"),
            _json_col("args", "the command's arguments (JSON object)"),
            _col(
                "status", "`ack` (took effect), `error` (refused or not sent), `sent` (no answer)"
            ),
            _col("error", "the engine's or the link's error message"),
            Column(
                "result_s",
                "seconds since session start when the answer came",
                lambda r: r.get("result_s"),
            ),
            _col("engine_frame", "engine frame at which it took effect"),
            _col("engine_t", "engine clock at which it took effect, seconds"),
            _col("step_index", "step in progress"),
        ),
    ),
    Stream(
        "notes",
        "t",
        "The therapist's timestamped notes.",
        (
            _col("text", "the note"),
            _col("step_index", "step in progress"),
        ),
    ),
    Stream(
        "link_events",
        "t",
        "Link to the engine: up, lost, reconnected.",
        (
            _col("kind", "`up`, `lost` or `reconnected`"),
            _col("detail", "why (timeout, engine restarted, ...)"),
        ),
    ),
    Stream(
        "questionnaires",
        "t",
        "Questionnaires answered before or after the session.",
        (
            _col("name", "questionnaire id (from the protocols package)"),
            _col("phase", "`pre` or `post`"),
            _json_col("answers", "answers, JSON"),
            _json_col("scores", "scores, JSON"),
        ),
    ),
    Stream(
        "suggestions",
        "t",
        "Suggestions the console showed; the therapist decides.",
        (
            _col("kind", "rule that made the suggestion"),
            _col("text", "what was shown"),
            _bool_col("taken", "1 taken, 0 declined, empty not answered", "taken"),
            Column(
                "decided_s",
                "seconds since session start when the therapist answered",
                lambda r: r.get("decided_s"),
            ),
            _col("step_index", "step in progress"),
        ),
    ),
    Stream(
        "erp_urges",
        "t",
        "ERP protocols: the urge to ritualise, as rated during the session.",
        (
            _col("value", "urge, whole number 0-100"),
            _col("step_key", "step in progress (ladder step id)"),
        ),
    ),
    Stream(
        "erp_rituals",
        "t",
        "ERP protocols: rituals and safety behaviours, done or resisted.",
        (
            _col(
                "what",
                "the behaviour, as the therapist wrote it (logged in one click: the "
                "`ritual` kind's id)",
            ),
            _col("kind", "`ritual` or `safety_behaviour`"),
            _col(
                "ritual",
                "`washing`, `checking`, `mental_ritual`, `reassurance` (seeking) or "
                "`avoidance`; empty: not given",
            ),
            _bool_col("resisted", "1 resisted, 0 done", "resisted"),
            _col("step_key", "step in progress (ladder step id)"),
        ),
    ),
    Stream(
        "hotspots",
        "t",
        "Trauma-cue protocols: hotspots (moments of peak distress) the therapist marked.",
        (
            _col("suds", "SUDS at the hotspot, if given"),
            _col("note", "the therapist's words"),
            _col("step_key", "step in progress (ladder step id)"),
            Column(
                "event_kind",
                "the event recorded just before the hotspot, stored with it: "
                "`scene_event` or `contact` (empty: none). It came before; the record "
                "does not say it brought the distress on",
                lambda r: r.get("event_kind"),
            ),
            Column(
                "event_name",
                "that event's name (the scene event, or the surface touched)",
                lambda r: r.get("event_name"),
            ),
            Column(
                "event_before_s",
                "how long before the hotspot that event was, seconds",
                lambda r: r.get("event_before_s"),
            ),
        ),
    ),
    Stream(
        "expectancies",
        "t_before",
        "Inhibitory learning: the feared outcome and its "
        "likelihood before a step, what happened and the likelihood after; `t_s` is when "
        "the expectancy was stated.",
        (
            _col("step_key", "the step tested (ladder step id)"),
            _col("feared_outcome", "what the patient feared would happen"),
            _col("likelihood_before", "how likely it felt before, 0-100 %"),
            _col("observed_outcome", "what happened (empty: not tested yet)"),
            _bool_col("occurred", "1 the feared outcome happened, 0 it did not", "occurred"),
            _col("likelihood_after", "how likely it feels after, 0-100 %"),
            Column(
                "result",
                "violated (the feared outcome did not happen), confirmed (it did), empty: "
                "not tested yet",
                lambda r: r.get("result"),
            ),
            Column(
                "violation",
                "size of the expectancy violation: the likelihood before when the feared "
                "outcome did not happen (empty when confirmed or not tested)",
                lambda r: r.get("violation"),
            ),
            Column(
                "belief_change",
                "likelihood before minus after, in points (positive: the belief weakened)",
                lambda r: r.get("belief_change"),
            ),
            Column(
                "after_s",
                "seconds since session start when the outcome was recorded",
                lambda r: r.get("after_s"),
            ),
        ),
    ),
    Stream(
        "head_pose",
        "t",
        "The patient's head (about 30 per second).",
        (
            _col("x", "metres, right"),
            _col("y", "metres, forward"),
            _col("z", "metres, up (floor origin)"),
            _col("h", "heading, degrees"),
            _col("p", "pitch, degrees"),
            _col("r", "roll, degrees"),
        ),
    ),
)

TIME_COLUMNS = (
    ("t_s", "seconds since the session start (console clock), 3 decimals"),
    ("time_utc", "wall-clock time, ISO 8601 UTC with milliseconds"),
)


def iso_utc(t: float) -> str:
    stamp = dt.datetime.fromtimestamp(round(t, 3), dt.UTC)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _prepared_rows(
    record: SessionRecord, stream: Stream, session_id: int, t0: float
) -> list[dict[str, Any]]:
    rows = record.rows(stream.table, session_id)
    if stream.kind is not None:
        rows = [r for r in rows if r.get("kind") == stream.kind]
    steps = {s.id: s for s in record.steps(session_id)}
    events = (
        {e["id"]: e for e in record.rows("events", session_id)}
        if stream.table == "hotspots"
        else {}
    )
    out = []
    for r in rows:
        d = dict(r)
        t = d[stream.time_key]
        d["_t_s"] = round(t - t0, 3)
        d["_time_utc"] = iso_utc(t)
        if d.get("step_id") in steps:
            d["step_index"] = steps[d["step_id"]].step_index
        if stream.table == "steps":
            end = d.get("ended_at")
            d["end_s"] = None if end is None else round(end - t0, 3)
            d["duration_s"] = None if end is None else round(end - d["started_at"], 3)
        if d.get("result_t") is not None:
            d["result_s"] = round(d["result_t"] - t0, 3)
        if d.get("t_after") is not None:
            d["after_s"] = round(d["t_after"] - t0, 3)
        if d.get("decided_at") is not None:
            d["decided_s"] = round(d["decided_at"] - t0, 3)
        before = events.get(d.get("event_id"))
        if before is not None:
            d["event_kind"], d["event_name"] = before["kind"], before["name"]
            d["event_before_s"] = round(t - before["t"], 3)
        if stream.kind == "contact":
            start = _detail("t_start")(d)
            d["start_s"] = None if start is None else round(float(start) - t0, 3)
        if stream.table == "expectancies":
            # Worded by the protocols package: violated or confirmed, its size, the change.
            test = expectancy_from_row(d)
            d.update(result=test.result, violation=test.violation, belief_change=test.belief_change)
        out.append(d)
    return out


def _out_dir(out: Path) -> Path:
    try:
        private_folder(out)
    except OSError as exc:
        raise ExportError(f"cannot create the export folder {out}: {exc}") from None
    return out


def export_csv(record: SessionRecord, session_id: int, out: str | os.PathLike[str]) -> list[Path]:
    """Write ``session-<id>/<stream>.csv`` for every stream under ``out``."""
    session = record.session(session_id)
    folder = _out_dir(Path(out) / f"session-{session_id}")
    written = []
    for stream in STREAMS:
        path = folder / f"{stream.file}.csv"
        with private_text_file(path) as f:
            w = csv.writer(f)
            w.writerow([name for name, _ in TIME_COLUMNS] + [c.name for c in stream.columns])
            for r in _prepared_rows(record, stream, session_id, session.started_at):
                w.writerow(
                    [r["_t_s"], r["_time_utc"]] + [csv_cell(c.get(r)) for c in stream.columns]
                )
        written.append(path)
    path = folder / "session.csv"
    with private_text_file(path) as f:
        w = csv.writer(f)
        w.writerow(["field", "value"])
        for key, value in _session_fields(record, session_id).items():
            w.writerow([key, csv_cell(value)])
    written.append(path)
    return written


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (OWASP,
"CSV injection"): a note ``=HYPERLINK(...)`` would run when the file is opened."""


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6))
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # A leading apostrophe makes it text in every spreadsheet; numbers
        # (negative ones too) are not strings here and stay numbers.
        return "'" + value
    return value


def _session_fields(record: SessionRecord, session_id: int) -> dict[str, Any]:
    s = record.session(session_id)
    hr_rows = record.rows("heart_rate", session_id)
    summ = summarize(record, session_id)
    return {
        "session_id": s.id,
        "pseudonym": s.pseudonym,
        "protocol_id": s.protocol_id,
        "ladder_version_id": s.ladder_version_id,
        "language": s.language,
        "status": s.status,
        "started_utc": iso_utc(s.started_at),
        "ended_utc": None if s.ended_at is None else iso_utc(s.ended_at),
        "duration_s": None if s.ended_at is None else round(s.ended_at - s.started_at, 3),
        "meta": s.meta,
        "heart_rate_sources": sorted({r["source"] for r in hr_rows}),
        "heart_rate_simulated": any(is_simulated(r["source"]) for r in hr_rows),
        # Each cause of a stay in the safe place on its own (the events stream
        # has every one with its time).
        "safe_place_periods": summ.pauses,
        "patient_stops": summ.patient_stops,
        "therapist_pauses": summ.therapist_pauses,
        "failsafe_pauses": summ.failsafe_pauses,
    }


def session_document(
    record: SessionRecord, session_id: int, *, include_head_pose: bool = True
) -> dict[str, Any]:
    """The whole session as one JSON-ready dict."""
    session = record.session(session_id)
    streams: dict[str, list[dict[str, Any]]] = {}
    for stream in STREAMS:
        if stream.file == "head_pose" and not include_head_pose:
            continue
        rows = []
        for r in _prepared_rows(record, stream, session_id, session.started_at):
            item: dict[str, Any] = {"t_s": r["_t_s"], "time_utc": r["_time_utc"]}
            for c in stream.columns:
                value = c.get(r)
                if c.is_json and isinstance(value, str) and value:
                    value = json.loads(value)
                item[c.name] = value
            rows.append(item)
        streams[stream.file] = rows
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "session": _session_fields(record, session_id),
        "plan": session.plan,
        "summary": summarize(record, session_id).to_dict(),
        "streams": streams,
    }


def export_json(
    record: SessionRecord,
    session_id: int,
    out: str | os.PathLike[str],
    *,
    include_head_pose: bool = True,
) -> Path:
    doc = session_document(record, session_id, include_head_pose=include_head_pose)
    path = _out_dir(Path(out)) / f"session-{session_id}.json"
    with private_text_file(path) as f:
        json.dump(doc, f, ensure_ascii=False, indent=1, allow_nan=False)
        f.write("\n")
    return path


def columns_markdown() -> str:
    """The CSV column reference, as it appears in docs/data-export.md."""
    lines: list[str] = []
    for stream in STREAMS:
        lines.append(f"### `{stream.file}.csv`\n")
        lines.append(stream.doc + "\n")
        lines.append("| column | meaning |")
        lines.append("|---|---|")
        for name, doc in TIME_COLUMNS:
            lines.append(f"| `{name}` | {doc} |")
        for c in stream.columns:
            lines.append(f"| `{c.name}` | {c.doc} |")
        lines.append("")
    return "\n".join(lines)
