"""The session record: one SQLite file that never loses what was shown as recorded.

Durability contract: every clinical write method (patients, sessions, steps,
commands, events, SUDS, heart rate, notes, link events, questionnaires,
suggestions) runs in its own transaction and has committed, with the WAL
fsynced, before it returns. "Shown as recorded" in the console means "the call
returned"; a console killed at any later instant loses none of it
(``tests/console/test_durability.py`` kills a writer with SIGKILL to check).
Head-pose samples (30 Hz, not clinical) are written in batches.

Settings and why:

- WAL journal: readers (an export, ``palier sessions list``) never block the
  writer, and a commit is one sequential append.
- ``synchronous=FULL``: in WAL mode ``NORMAL`` is already safe against a
  crash of the process, but a power cut or OS crash may roll back the last
  commits. These are clinical data a therapist saw recorded, so each commit
  fsyncs the WAL. ``bench/record_throughput.py`` measures what that costs.
- ``foreign_keys=ON``: a SUDS row cannot point to a session that is not there.
- One writer connection per file, guarded by an exclusive lock file
  (``<db>.lock``) so two consoles cannot both believe they own the open
  sessions; a read-only open takes no lock.
- Files (database, -wal, -shm, lock) are created 0600 and the default folder
  0700: the record holds health data.
- Schema versioned with ``PRAGMA user_version``: one frozen SQL script per
  version in ``therapist_console/migrations/`` (the one owner of every table
  in the file, the protocols package's included), each applied in its own
  transaction.

Times: ``t`` columns are console wall-clock seconds since the Unix epoch (UTC);
``engine_t`` columns are the engine's own clock as it reported it (the model
converts with the link's clock-offset estimate into ``t``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import sqlite3
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from palier.core.i18n import LANGUAGES, N_, localized_error
from palier.core.typed_text import (
    NOTE,
    PATIENT_NOTES,
    TextRefused,
    clean_pseudonym,
    clean_text,
    printable,
    pseudonym_key,
)
from palier.protocols.measures import validate_suds
from palier.therapist_console.migrations import (
    SCHEMA_VERSION,
    Migration,
    NewerSchemaError,
    migrate,
)

log = logging.getLogger(__name__)

RECORD_FILENAME = "sessions.sqlite3"

SudsSource = Literal["therapist", "headset"]
SUDS_SOURCES: tuple[str, ...] = ("therapist", "headset")
SessionStatus = Literal["open", "closed", "interrupted"]
LINK_KINDS: tuple[str, ...] = ("up", "lost", "reconnected")
EVENT_KINDS: tuple[str, ...] = (
    "scene_event",  # a scene event fired (spider drops, dog barks, ...)
    "patient_stop",  # the patient asked to stop (headset button, gesture)
    "pause",  # safe place
    "resume",
    "failsafe",  # engine-side safety (tracking lost, watchdog, ...)
    "recenter",  # the patient's view was turned to face the scene
    "contact",  # a hand touched a surface the scene declares (name: the surface)
    "session",  # session-level markers (resumed after interruption, ...)
    "engine",  # other engine-reported clinical state changes
    "heart_rate_alarm",  # the heart-rate alarm went off or cleared (the console's)
)


class RecordError(RuntimeError):
    """Base of errors about the session record (file, lock, schema)."""


class RecordFileError(RecordError):
    """The path does not hold a session record Palier can open: missing (for
    reading), a folder, not a regular file, unreadable, not an SQLite
    database, or another program's database. The message names the file and
    what to do."""


class RecordLockedError(RecordError):
    """Another console holds the record's write lock."""


class RecordSchemaError(RecordError):
    """The file's schema is newer than this program, or cannot be migrated."""


class RecordValueError(ValueError):
    """A value refused before anything was written (what, where, how to fix)."""


class NotFoundError(RecordValueError, LookupError):
    """A patient, session or row id that is not in the record."""


class DuplicatePseudonymError(RecordValueError):
    pass


class SessionNotOpenError(RecordValueError):
    """A write to a session that is closed (or interrupted and not resumed)."""


def default_record_path() -> Path:
    """``sessions.sqlite3`` in the user's data directory for Palier."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("palier", appauthor=False)) / RECORD_FILENAME


# -- schema ------------------------------------------------------------------

# The schema lives in therapist_console/migrations/ (one frozen SQL script per
# version, every table of the file, the protocols package's included).
OLDEST_READABLE = 2
"""The oldest schema a read-only open accepts (it cannot migrate). Schema 3
only added the clinical-log tables, which readers look for first
(:meth:`SessionRecord.has_table`), so a file at 2 reads as before."""

PROTOCOL_TABLES: tuple[str, ...] = ("expectancies", "erp_urges", "erp_rituals", "hotspots")
"""Per-session tables the protocols package writes (``protocols.clinical_log``),
created by migration 3."""

STREAM_TABLES: tuple[str, ...] = (
    "steps",
    "commands",
    "events",
    "suds",
    "heart_rate",
    "rr_intervals",
    "sensor_states",
    "head_pose",
    "notes",
    "link_events",
    "questionnaires",
    "suggestions",
)
"""Tables holding per-session rows (each has ``session_id``), in export order."""

LATER_STREAM_TABLES: frozenset[str] = frozenset({"sensor_states"})
"""Stream tables a later schema added (4): a file read-only at an older one
has none, and reads as having no rows there."""

SENSOR_STATES: tuple[str, ...] = ("stopped", "connecting", "connected", "reconnecting", "failed")
RR_ARTIFACTS: tuple[str, ...] = ("range", "ectopic")


# -- row types -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Patient:
    id: int
    pseudonym: str
    notes: str
    created_at: float


@dataclass(frozen=True, slots=True)
class SessionInfo:
    id: int
    patient_id: int
    pseudonym: str
    protocol_id: str | None
    ladder_version_id: int | None
    plan: Any
    language: str
    started_at: float
    ended_at: float | None
    status: str
    meta: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StepRow:
    id: int
    session_id: int
    step_index: int
    step_key: str
    label: Any
    scene: str
    params: dict[str, Any]
    expected_suds: int | None
    started_at: float
    ended_at: float | None


@dataclass(frozen=True, slots=True)
class SudsRow:
    id: int
    session_id: int
    step_id: int | None
    t: float
    engine_t: float | None
    value: int
    source: str
    engine_instance: str | None = None
    engine_seq: int | None = None


# -- helpers -------------------------------------------------------------------


def _to_json(value: Any, what: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise RecordValueError(
            f"{what} must be JSON data (numbers, text, lists, dicts; no NaN): {exc}"
        ) from None


def _from_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _check_time(t: float, what: str) -> float:
    if isinstance(t, bool) or not isinstance(t, int | float) or not math.isfinite(t):
        raise RecordValueError(f"{what}: time must be a finite number of seconds, got {t!r}")
    return float(t)


def _optional_time(t: float | None, what: str) -> float | None:
    return None if t is None else _check_time(t, what)


def _typed(check: Callable[..., str], *args: Any) -> str:
    """Typed text through its rule (``palier.core.typed_text``), a refusal
    raised as this module's ``RecordValueError`` with the same message."""
    try:
        return check(*args)
    except TextRefused as exc:
        raise localized_error(RecordValueError, exc.message) from None


def _duplicate(pseudonym: str, existing: str) -> DuplicatePseudonymError:
    if pseudonym == existing:
        return localized_error(
            DuplicatePseudonymError,
            N_(
                "A patient with the pseudonym {pseudonym} already exists: choose them "
                "from the list or pick another pseudonym."
            ),
            pseudonym=pseudonym,
        )
    return localized_error(
        DuplicatePseudonymError,
        N_(
            "A patient with the pseudonym {existing} already exists and {pseudonym} reads "
            "the same (letter case and look-alike letters aside): choose them from the list "
            "or pick a pseudonym that reads differently."
        ),
        pseudonym=pseudonym,
        existing=printable(existing),
    )


def _check_record_file(path: Path, *, write: bool) -> None:
    """Refuse, naming the file and what to do, a path that cannot hold a
    record: missing (for reading: writing creates it), a folder, not a
    regular file (a FIFO or a device would block or never end), unreadable."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if write:
            return
        raise localized_error(
            RecordFileError,
            N_("no session record at {path}; pass --db with the record file"),
            path=path,
        ) from None
    except OSError as exc:
        raise localized_error(
            RecordFileError,
            N_(
                "cannot reach {path} (a folder on the way is missing, is not a folder, or "
                "is closed to this user); check the path given with --db"
            ),
            path=path,
        ) from exc
    if stat.S_ISDIR(mode):
        raise localized_error(
            RecordFileError,
            N_(
                "{path} is a folder, not a session record; pass --db with the record "
                "file itself (Palier names it {name})"
            ),
            path=path,
            name=RECORD_FILENAME,
        )
    if not stat.S_ISREG(mode):
        raise localized_error(
            RecordFileError,
            N_(
                "{path} is not a regular file, so it is not a session record; pass --db "
                "with the record file"
            ),
            path=path,
        )
    if not os.access(path, os.R_OK | (os.W_OK if write else 0)):
        raise localized_error(
            RecordFileError,
            N_(
                "cannot open {path}: permission denied (a record is readable only by the "
                "user who made it: run Palier as that user)"
            ),
            path=path,
        )


def _not_a_record(path: Path) -> RecordFileError:
    return localized_error(
        RecordFileError,
        N_(
            "{path} is not a Palier session record (another kind of file, or a damaged "
            "one); pass --db with the record file ({name} in Palier's data folder)"
        ),
        path=path,
        name=RECORD_FILENAME,
    )


def _create_private_file(path: Path) -> None:
    """Create ``path`` 0600 if absent; tighten it if group/others can read it."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    _tighten(path)


def _tighten(path: Path) -> None:
    if sys.platform == "win32" or not path.exists():
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s was readable by others (mode %o); setting it to 0600", path, mode)
        os.chmod(path, 0o600)


class _FileLock:
    """An exclusive advisory lock on ``path`` held while the record is open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise RecordLockedError(
                f"the session record {self.path.with_suffix('')} is in use by another "
                "Palier console; close it first (or pass --db to use another file)"
            ) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None


class _Locked:
    """Forwards method calls to ``target`` while holding ``lock``."""

    def __init__(self, target: Any, lock: Any) -> None:
        self._target = target
        self._lock_ = lock

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock_:
                return attr(*args, **kwargs)

        return call


# -- the record ----------------------------------------------------------------


class SessionRecord:
    """One SQLite session record, one writer connection.

    Thread-safe: every call takes an internal lock, so the link client's
    thread and the GUI thread may both write. Use as a context manager or
    call :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, readonly: bool = False):
        self.path = Path(path) if path is not None else default_record_path()
        self.readonly = readonly
        self._lock = threading.RLock()
        self._file_lock: _FileLock | None = None
        _check_record_file(self.path, write=not readonly)
        if readonly:
            uri = self.path.resolve().as_uri() + "?mode=ro"
            with self._not_a_record_unless_sqlite():
                self._conn = sqlite3.connect(
                    uri, uri=True, isolation_level=None, check_same_thread=False
                )
                self._conn.execute("PRAGMA query_only = ON")
                version = self.schema_version
            if version == 0:
                self._conn.close()
                raise _not_a_record(self.path)
            if not OLDEST_READABLE <= version <= SCHEMA_VERSION:
                self._conn.close()
                raise localized_error(
                    RecordSchemaError,
                    N_(
                        "{path} has schema version {version}, this Palier reads {known}; "
                        "open it once with the console to migrate it"
                    )
                    if version < OLDEST_READABLE
                    else N_(
                        "{path} was written by a newer Palier (schema {version}); upgrade "
                        "Palier to read it"
                    ),
                    path=self.path,
                    version=version,
                    known=SCHEMA_VERSION,
                )
            return
        self._prepare_files()
        self._file_lock = _FileLock(Path(str(self.path) + ".lock"))
        self._file_lock.acquire()
        try:
            with self._not_a_record_unless_sqlite():
                self._conn = sqlite3.connect(
                    self.path, isolation_level=None, check_same_thread=False, timeout=10.0
                )
                self._refuse_a_foreign_database()  # before _configure writes to it
                self._configure()
            self._migrate()
            for suffix in ("-wal", "-shm"):
                _tighten(Path(str(self.path) + suffix))
            self._interrupted_at_open = self._mark_open_sessions_interrupted()
        except BaseException:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._file_lock.release()
            raise

    # -- opening -------------------------------------------------------------
    @contextlib.contextmanager
    def _not_a_record_unless_sqlite(self) -> Iterator[None]:
        """SQLite's "file is not a database" (and the like) while opening: the
        path holds something else, say so in the user's words."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            log.info("session record %s: SQLite refused it: %s", self.path, exc)
            with contextlib.suppress(Exception):
                self._conn.close()
            raise _not_a_record(self.path) from exc

    def _refuse_a_foreign_database(self) -> None:
        """Schema 0 is a new, empty file; schema 0 with tables is another
        program's database, which migrating would fill with Palier's tables."""
        if (
            self.schema_version == 0
            and self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1"
            ).fetchone()
        ):
            raise _not_a_record(self.path)

    def _prepare_files(self) -> None:
        folder = self.path.parent
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
            if sys.platform != "win32":
                os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
        elif self.path == default_record_path() and sys.platform != "win32":
            os.chmod(folder, 0o700)
        # Created by us, 0600, before SQLite opens it: SQLite then gives the
        # -wal and -shm files the database file's permissions.
        _create_private_file(self.path)

    def _configure(self) -> None:
        c = self._conn
        mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RecordError(
                f"{self.path}: SQLite refused WAL mode (got {mode!r}); "
                "the record must live on a local disk, not a network share"
            )
        c.execute("PRAGMA synchronous = FULL")
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA busy_timeout = 10000")

    def _migrate(self) -> None:
        def announce(migration: Migration) -> None:
            log.info(
                "session record %s: migrating to %d (%s)",
                self.path,
                migration.version,
                migration.description,
            )

        with self._lock:
            try:
                migrate(self._conn, announce)
            except NewerSchemaError as exc:
                raise localized_error(
                    RecordSchemaError,
                    N_(
                        "{path} was written by a newer Palier (schema {version}, this one "
                        "knows {known}); upgrade Palier to open it"
                    ),
                    path=self.path,
                    version=exc.found,
                    known=exc.known,
                ) from None

    def _mark_open_sessions_interrupted(self) -> list[int]:
        # We hold the file lock, so no other console is writing: a session
        # still 'open' belongs to a console that stopped without closing it.
        with self._tx():
            ids = [
                r[0]
                for r in self._conn.execute(
                    "SELECT id FROM sessions WHERE status = 'open' ORDER BY id"
                )
            ]
            self._conn.execute("UPDATE sessions SET status = 'interrupted' WHERE status = 'open'")
        if ids:
            log.warning("session record %s: sessions %s were interrupted", self.path, ids)
        return ids

    def writer_active(self) -> bool:
        """True while a console holds this record's write lock (its open
        sessions are live); False means an 'open' session was interrupted."""
        if self._file_lock is not None:
            return True
        lock = _FileLock(Path(str(self.path) + ".lock"))
        try:
            lock.acquire()
        except (RecordLockedError, OSError):
            return True
        lock.release()
        return False

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None  # type: ignore[assignment]
            if self._file_lock is not None:
                self._file_lock.release()
                self._file_lock = None

    def __enter__(self) -> SessionRecord:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The writer connection, for modules that read and write their own
        tables in this file (``protocols.ladders.LadderStore``; the tables
        come from the record's migrations). Do not hold it across
        threads without going through this record."""
        return self._conn

    def clinical_log(self) -> Any:
        """Expectancies, ERP urges and rituals, PTSD hotspots
        (``protocols.clinical_log.ClinicalLog``) on the writer connection,
        every call holding the record's lock."""
        from palier.protocols.clinical_log import ClinicalLog

        if self.readonly:
            return ClinicalLog(self._conn)  # reads only: query_only refuses writes
        return _Locked(ClinicalLog(self._conn), self._lock)

    def ladder_store(self) -> Any:
        """The patients' ladders (``protocols.ladders.LadderStore``) on this
        file's writer connection, every call holding the record's lock so a
        ladder edit never interleaves with a clinical write from another
        thread."""
        from palier.protocols.ladders import LadderStore

        if self.readonly:
            raise RecordError(f"{self.path} is open read-only; ladders cannot be edited")
        return _Locked(LadderStore(self._conn), self._lock)

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed (WAL fsynced) before it exits."""
        if self.readonly:
            raise RecordError(f"{self.path} is open read-only")
        with self._lock:
            if self._conn is None:
                raise RecordError("the session record is closed")
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            if self._conn is None:
                raise RecordError("the session record is closed")
            cur = self._conn.cursor()
            cur.row_factory = sqlite3.Row
            return cur.execute(sql, params).fetchall()

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` rows: ``['ok']`` for a sound file."""
        return [r[0] for r in self._query("PRAGMA integrity_check")]

    # -- patients ------------------------------------------------------------
    def add_patient(self, pseudonym: str, notes: str = "", *, t: float) -> Patient:
        """A new patient. The pseudonym and notes go through
        ``palier.core.typed_text`` (normalised; look-alikes, invisible
        characters and over-long text refused); a pseudonym that reads like an
        existing one (case, look-alike letters, invisible characters aside:
        ``pseudonym_key``) is that patient, refused as a duplicate."""
        name = _typed(clean_pseudonym, pseudonym)
        notes = _typed(clean_text, notes or "", PATIENT_NOTES)
        key = pseudonym_key(name)
        try:
            with self._tx() as c:
                for (existing,) in c.execute("SELECT pseudonym FROM patients"):
                    if pseudonym_key(existing) == key:
                        raise _duplicate(name, existing)
                cur = c.execute(
                    "INSERT INTO patients (pseudonym, notes, created_at) VALUES (?, ?, ?)",
                    (name, notes, _check_time(t, "patient")),
                )
        except sqlite3.IntegrityError:
            raise _duplicate(name, name) from None
        return self.patient(int(cur.lastrowid or 0))

    def patient(self, patient_id: int) -> Patient:
        rows = self._query("SELECT * FROM patients WHERE id = ?", (patient_id,))
        if not rows:
            raise NotFoundError(f"no patient with id {patient_id} in {self.path}")
        return Patient(**dict(rows[0]))

    def find_patient(self, pseudonym: str) -> Patient | None:
        """The patient with this pseudonym, or the one it reads as (``pseudonym_key``)."""
        rows = self._query("SELECT * FROM patients WHERE pseudonym = ?", (pseudonym.strip(),))
        if rows:
            return Patient(**dict(rows[0]))
        key = pseudonym_key(pseudonym)
        found = [p for p in self.patients() if pseudonym_key(p.pseudonym) == key]
        return found[0] if len(found) == 1 else None

    def patients(self) -> list[Patient]:
        return [
            Patient(**dict(r))
            for r in self._query("SELECT * FROM patients ORDER BY pseudonym COLLATE NOCASE")
        ]

    # -- sessions ------------------------------------------------------------
    def start_session(
        self,
        patient_id: int,
        *,
        t: float,
        language: str,
        protocol_id: str | None = None,
        ladder_version_id: int | None = None,
        plan: Any = None,
        meta: Mapping[str, Any] | None = None,
    ) -> SessionInfo:
        if language not in LANGUAGES:
            raise RecordValueError(
                f"session language must be one of {', '.join(LANGUAGES)}, got {language!r}"
            )
        self.patient(patient_id)
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO sessions (patient_id, protocol_id, ladder_version_id, plan,"
                " language, started_at, meta) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    patient_id,
                    protocol_id,
                    ladder_version_id,
                    None if plan is None else _to_json(plan, "session plan"),
                    language,
                    _check_time(t, "session start"),
                    _to_json(dict(meta or {}), "meta"),
                ),
            )
        return self.session(int(cur.lastrowid or 0))

    def adopt_ladder_version(
        self, session_id: int, *, ladder_version_id: int, plan: Any, t: float
    ) -> None:
        """A hierarchy version saved during the open session ``session_id``:
        the session runs it from ``t`` on (its plan follows it; the versions
        it ran stay listed by :meth:`session_ladder_versions`)."""
        with self._tx() as c:
            row = c.execute(
                "SELECT ladder_version_id, started_at FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            known = c.execute(
                "SELECT count(*) FROM session_ladder_versions WHERE session_id = ?", (session_id,)
            ).fetchone()[0]
            if row is not None and row[0] is not None and not known:
                # The version it started on, before sessions.ladder_version_id moves on.
                c.execute(
                    "INSERT INTO session_ladder_versions (session_id, ladder_version_id, t)"
                    " VALUES (?, ?, ?)",
                    (session_id, row[0], row[1]),
                )
            cur = c.execute(
                "UPDATE sessions SET ladder_version_id = ?, plan = ?"
                " WHERE id = ? AND status = 'open'",
                (ladder_version_id, _to_json(plan, "session plan"), session_id),
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no open session {session_id} in {self.path}")
            # OR IGNORE: the version it already runs is not listed twice.
            c.execute(
                "INSERT OR IGNORE INTO session_ladder_versions (session_id, ladder_version_id, t)"
                " VALUES (?, ?, ?)",
                (session_id, ladder_version_id, _check_time(t, "hierarchy version")),
            )

    def session_ladder_versions(self, session_id: int) -> list[tuple[int, float]]:
        """The hierarchy versions the session ran, in order, each with the time
        it started: the one it started on, then each adopted during it."""
        info = self.session(session_id)
        ran = [
            (int(r[0]), float(r[1]))
            for r in self._query(
                "SELECT ladder_version_id, t FROM session_ladder_versions WHERE session_id = ?"
                " ORDER BY t, id",
                (session_id,),
            )
        ]
        if ran or info.ladder_version_id is None:
            return ran
        return [(info.ladder_version_id, info.started_at)]

    def session(self, session_id: int) -> SessionInfo:
        rows = self._query(
            "SELECT s.*, p.pseudonym FROM sessions s JOIN patients p ON p.id = s.patient_id"
            " WHERE s.id = ?",
            (session_id,),
        )
        if not rows:
            raise NotFoundError(
                f"no session {session_id} in {self.path}; `palier sessions list` shows them"
            )
        return self._session_info(rows[0])

    @staticmethod
    def _session_info(row: sqlite3.Row) -> SessionInfo:
        d = dict(row)
        d["plan"] = _from_json(d["plan"])
        d["meta"] = _from_json(d["meta"]) or {}
        return SessionInfo(**d)

    def sessions(self, patient_id: int | None = None) -> list[SessionInfo]:
        sql = "SELECT s.*, p.pseudonym FROM sessions s JOIN patients p ON p.id = s.patient_id"
        params: tuple[Any, ...] = ()
        if patient_id is not None:
            sql += " WHERE s.patient_id = ?"
            params = (patient_id,)
        return [
            self._session_info(r) for r in self._query(sql + " ORDER BY s.started_at, s.id", params)
        ]

    def interrupted_sessions(self) -> list[SessionInfo]:
        """Sessions a console left open when it stopped: offer resume or close."""
        return [s for s in self.sessions() if s.status == "interrupted"]

    def _require_open(self, c: sqlite3.Connection, session_id: int) -> None:
        row = c.execute("SELECT status FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no session {session_id} in {self.path}")
        if row[0] != "open":
            raise SessionNotOpenError(
                f"session {session_id} is {row[0]}; resume it before recording into it"
            )

    def end_session(self, session_id: int, *, t: float) -> SessionInfo:
        t = _check_time(t, "session end")
        with self._tx() as c:
            self._require_open(c, session_id)
            c.execute(
                "UPDATE steps SET ended_at = ? WHERE session_id = ? AND ended_at IS NULL",
                (t, session_id),
            )
            c.execute(
                "UPDATE sessions SET status = 'closed', ended_at = ? WHERE id = ?", (t, session_id)
            )
        return self.session(session_id)

    def resume_session(self, session_id: int, *, t: float) -> SessionInfo:
        """Reopen an interrupted session; the gap stays visible as an event."""
        t = _check_time(t, "session resume")
        with self._tx() as c:
            row = c.execute("SELECT status FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no session {session_id} in {self.path}")
            if row[0] != "interrupted":
                raise SessionNotOpenError(
                    f"session {session_id} is {row[0]}; only an interrupted session resumes"
                )
            c.execute("UPDATE sessions SET status = 'open' WHERE id = ?", (session_id,))
            c.execute(
                "INSERT INTO events (session_id, t, kind, name, detail) VALUES (?, ?, ?, ?, ?)",
                (
                    session_id,
                    t,
                    "session",
                    "resumed_after_interruption",
                    _to_json({"last_recorded_t": self._last_t(c, session_id)}, "detail"),
                ),
            )
        return self.session(session_id)

    def close_interrupted(self, session_id: int) -> SessionInfo:
        """Close an interrupted session at the time of its last recorded row."""
        with self._tx() as c:
            row = c.execute("SELECT status FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no session {session_id} in {self.path}")
            if row[0] != "interrupted":
                raise SessionNotOpenError(f"session {session_id} is {row[0]}, not interrupted")
            end = self._last_t(c, session_id)
            c.execute(
                "UPDATE steps SET ended_at = ? WHERE session_id = ? AND ended_at IS NULL",
                (end, session_id),
            )
            c.execute(
                "UPDATE sessions SET status = 'closed', ended_at = ? WHERE id = ?",
                (end, session_id),
            )
        return self.session(session_id)

    def _last_t(self, c: sqlite3.Connection, session_id: int) -> float:
        present = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        parts = [
            f"SELECT max(t) AS v FROM {tbl} WHERE session_id = ?"
            for tbl in STREAM_TABLES
            if tbl != "steps" and tbl in present
        ]
        parts.append("SELECT max(started_at) AS v FROM steps WHERE session_id = ?")
        parts.append("SELECT started_at AS v FROM sessions WHERE id = ?")
        sql = "SELECT max(v) FROM (" + " UNION ALL ".join(parts) + ")"
        return float(c.execute(sql, [session_id] * len(parts)).fetchone()[0])

    def last_recorded_t(self, session_id: int) -> float:
        with self._lock:
            return self._last_t(self._conn, session_id)

    # -- steps ---------------------------------------------------------------
    def start_step(
        self,
        session_id: int,
        *,
        t: float,
        step_index: int,
        step_key: str,
        scene: str,
        params: Mapping[str, Any],
        label: Any = None,
        expected_suds: int | None = None,
    ) -> StepRow:
        """Begin a step (ending the one in progress at the same instant)."""
        t = _check_time(t, "step start")
        if expected_suds is not None:
            expected_suds = validate_suds(expected_suds)
        with self._tx() as c:
            self._require_open(c, session_id)
            c.execute(
                "UPDATE steps SET ended_at = ? WHERE session_id = ? AND ended_at IS NULL",
                (t, session_id),
            )
            cur = c.execute(
                "INSERT INTO steps (session_id, step_index, step_key, label, scene, params,"
                " expected_suds, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    int(step_index),
                    str(step_key),
                    None if label is None else _to_json(label, "step label"),
                    str(scene),
                    _to_json(dict(params), "step parameters"),
                    expected_suds,
                    t,
                ),
            )
        return self.steps(session_id, step_id=int(cur.lastrowid or 0))[0]

    def update_step_params(self, step_id: int, params: Mapping[str, Any]) -> None:
        """Parameters changed during the step (the commands table keeps each change)."""
        with self._tx() as c:
            c.execute(
                "UPDATE steps SET params = ? WHERE id = ?",
                (_to_json(dict(params), "step parameters"), step_id),
            )

    def steps(self, session_id: int, *, step_id: int | None = None) -> list[StepRow]:
        sql = "SELECT * FROM steps WHERE session_id = ?"
        params: list[Any] = [session_id]
        if step_id is not None:
            sql += " AND id = ?"
            params.append(step_id)
        out = []
        for r in self._query(sql + " ORDER BY started_at, id", params):
            d = dict(r)
            d["label"] = _from_json(d["label"])
            d["params"] = _from_json(d["params"])
            out.append(StepRow(**d))
        return out

    # -- commands and events ---------------------------------------------------
    def add_command(
        self,
        session_id: int,
        *,
        t: float,
        kind: str,
        args: Mapping[str, Any],
        step_id: int | None = None,
        seq: int | None = None,
    ) -> int:
        """Record a command as sent (before it goes on the wire)."""
        with self._tx() as c:
            self._require_open(c, session_id)
            cur = c.execute(
                "INSERT INTO commands (session_id, step_id, t, kind, args, seq)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    step_id,
                    _check_time(t, "command"),
                    str(kind),
                    _to_json(dict(args), f"command {kind!r} arguments"),
                    seq,
                ),
            )
        return int(cur.lastrowid or 0)

    def command_result(
        self,
        command_id: int,
        *,
        ok: bool,
        t: float,
        error: str | None = None,
        engine_frame: int | None = None,
        engine_t: float | None = None,
        seq: int | None = None,
    ) -> None:
        """The engine's answer to a command: acknowledged, or the error it gave."""
        with self._tx() as c:
            n = c.execute(
                "UPDATE commands SET status = ?, error = ?, result_t = ?, engine_frame = ?,"
                " engine_t = ?, seq = coalesce(?, seq) WHERE id = ?",
                (
                    "ack" if ok else "error",
                    error,
                    _check_time(t, "command result"),
                    engine_frame,
                    _optional_time(engine_t, "engine time"),
                    seq,
                    command_id,
                ),
            ).rowcount
            if n != 1:
                raise NotFoundError(f"no command {command_id} in {self.path}")

    def add_event(
        self,
        session_id: int,
        *,
        t: float,
        kind: str,
        name: str | None = None,
        detail: Mapping[str, Any] | None = None,
        step_id: int | None = None,
        engine_t: float | None = None,
        engine_frame: int | None = None,
        engine_id: tuple[str, int] | None = None,
    ) -> int:
        """Record an event. ``engine_id`` (instance, seq) makes the write
        idempotent: the engine re-sends a clinical event until the console
        acknowledges it, and a second copy returns the first row's id."""
        if kind not in EVENT_KINDS:
            raise RecordValueError(f"event kind must be one of {EVENT_KINDS}, got {kind!r}")
        instance, seq = engine_id if engine_id is not None else (None, None)
        with self._tx() as c:
            if engine_id is not None:
                row = c.execute(
                    "SELECT id FROM events WHERE engine_instance = ? AND engine_seq = ?",
                    (instance, seq),
                ).fetchone()
                if row is not None:
                    return int(row[0])
            self._require_open(c, session_id)
            cur = c.execute(
                "INSERT INTO events (session_id, step_id, t, kind, name, detail, engine_frame,"
                " engine_t, engine_instance, engine_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    step_id,
                    _check_time(t, "event"),
                    kind,
                    name,
                    _to_json(dict(detail or {}), "event detail"),
                    engine_frame,
                    _optional_time(engine_t, "engine time"),
                    instance,
                    seq,
                ),
            )
        return int(cur.lastrowid or 0)

    def last_engine_event(self) -> tuple[str, int] | None:
        """(engine instance, highest event seq) most recently recorded: give it
        to ``LinkClient(resume_events=...)`` after a restart so the engine
        does not deliver again what is already here."""
        rows = self._query(
            "SELECT engine_instance, engine_seq, t FROM events WHERE engine_seq IS NOT NULL"
            " UNION ALL SELECT engine_instance, engine_seq, t FROM suds"
            " WHERE engine_seq IS NOT NULL ORDER BY t DESC LIMIT 1"
        )
        if not rows:
            return None
        instance = rows[0][0]
        top = self._query(
            "SELECT max(s) FROM (SELECT max(engine_seq) AS s FROM events WHERE engine_instance = ?"
            " UNION ALL SELECT max(engine_seq) FROM suds WHERE engine_instance = ?)",
            (instance, instance),
        )
        return str(instance), int(top[0][0])

    # -- SUDS ----------------------------------------------------------------
    def add_suds(
        self,
        session_id: int,
        *,
        value: object,
        source: str,
        t: float,
        engine_t: float | None = None,
        step_id: int | None = None,
        engine_id: tuple[str, int] | None = None,
    ) -> int:
        """Record a SUDS rating (validated by ``protocols.measures.validate_suds``).
        ``engine_id`` as in :meth:`add_event` (a headset rating is an engine event)."""
        rating = validate_suds(value)
        if source not in SUDS_SOURCES:
            raise RecordValueError(f"SUDS source must be one of {SUDS_SOURCES}, got {source!r}")
        instance, seq = engine_id if engine_id is not None else (None, None)
        with self._tx() as c:
            if engine_id is not None:
                row = c.execute(
                    "SELECT id FROM suds WHERE engine_instance = ? AND engine_seq = ?",
                    (instance, seq),
                ).fetchone()
                if row is not None:
                    return int(row[0])
            self._require_open(c, session_id)
            cur = c.execute(
                "INSERT INTO suds (session_id, step_id, t, engine_t, value, source,"
                " engine_instance, engine_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    step_id,
                    _check_time(t, "SUDS"),
                    _optional_time(engine_t, "engine time"),
                    rating,
                    source,
                    instance,
                    seq,
                ),
            )
        return int(cur.lastrowid or 0)

    def suds(self, session_id: int) -> list[SudsRow]:
        return [
            SudsRow(**dict(r))
            for r in self._query(
                "SELECT * FROM suds WHERE session_id = ? ORDER BY t, id", (session_id,)
            )
        ]

    # -- physiology ------------------------------------------------------------
    def add_heart_rate(
        self,
        session_id: int,
        *,
        t: float,
        bpm: float,
        source: str,
        rr_ms: Sequence[float] = (),
        rr_artifacts: Sequence[str | None] = (),
        t_source: float | None = None,
        contact: bool | None = None,
        rmssd_ms: float | None = None,
    ) -> int:
        """One heart-rate sample and the RR intervals that came with it
        (``rr_artifacts``: per interval, None or the rule that rejected it)."""
        t = _check_time(t, "heart rate")
        if (
            isinstance(bpm, bool)
            or not isinstance(bpm, int | float)
            or not (math.isfinite(bpm) and 0 < bpm < 400)
        ):
            raise RecordValueError(f"heart rate must be a number of bpm in (0, 400), got {bpm!r}")
        rr = [float(x) for x in rr_ms]
        if any(not (math.isfinite(x) and 0 < x < 5000) for x in rr):
            raise RecordValueError(f"RR intervals must be milliseconds in (0, 5000), got {rr}")
        artifacts = list(rr_artifacts) or [None] * len(rr)
        if len(artifacts) != len(rr) or any(
            a is not None and a not in RR_ARTIFACTS for a in artifacts
        ):
            raise RecordValueError(
                f"RR artifacts must be one per interval, None or one of {RR_ARTIFACTS}"
            )
        if rmssd_ms is not None and not (math.isfinite(rmssd_ms) and rmssd_ms >= 0):
            raise RecordValueError(f"RMSSD must be a number of ms >= 0, got {rmssd_ms!r}")
        with self._tx() as c:
            self._require_open(c, session_id)
            cur = c.execute(
                "INSERT INTO heart_rate (session_id, t, bpm, source, t_source, contact, rmssd_ms)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    t,
                    float(bpm),
                    str(source),
                    None if t_source is None else float(t_source),
                    None if contact is None else int(bool(contact)),
                    None if rmssd_ms is None else float(rmssd_ms),
                ),
            )
            # RR intervals timestamped at the sample (a sensor reports them in
            # a batch with the heart rate); the export keeps their order.
            c.executemany(
                "INSERT INTO rr_intervals (session_id, t, ms, artifact) VALUES (?, ?, ?, ?)",
                [(session_id, t, x, a) for x, a in zip(rr, artifacts, strict=True)],
            )
        return int(cur.lastrowid or 0)

    def add_sensor_state(
        self, session_id: int, *, t: float, source: str, state: str, detail: str = ""
    ) -> int:
        """The heart-rate source's connection changed (a gap starts or ends)."""
        if state not in SENSOR_STATES:
            raise RecordValueError(f"sensor state must be one of {SENSOR_STATES}, got {state!r}")
        with self._tx() as c:
            self._require_open(c, session_id)
            cur = c.execute(
                "INSERT INTO sensor_states (session_id, t, source, state, detail)"
                " VALUES (?, ?, ?, ?, ?)",
                (session_id, _check_time(t, "sensor state"), str(source), state, str(detail)),
            )
        return int(cur.lastrowid or 0)

    def heart_rate_alarm(self, patient_id: int) -> dict[str, Any] | None:
        """The patient's heart-rate alarm settings, or None (never set)."""
        if not self.has_table("patient_heart_rate"):
            return None
        rows = self._query(
            "SELECT age_years, fraction, ceiling_bpm, sustain_s, enabled"
            " FROM patient_heart_rate WHERE patient_id = ?",
            (patient_id,),
        )
        if not rows:
            return None
        d = dict(rows[0])
        d["enabled"] = bool(d["enabled"])
        return d

    def set_heart_rate_alarm(
        self,
        patient_id: int,
        *,
        age_years: float | None,
        fraction: float,
        ceiling_bpm: float,
        sustain_s: float,
        enabled: bool,
        t: float,
    ) -> None:
        try:
            with self._tx() as c:
                c.execute(
                    "INSERT INTO patient_heart_rate (patient_id, age_years, fraction, ceiling_bpm,"
                    " sustain_s, enabled, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(patient_id) DO UPDATE SET age_years = excluded.age_years,"
                    " fraction = excluded.fraction, ceiling_bpm = excluded.ceiling_bpm,"
                    " sustain_s = excluded.sustain_s, enabled = excluded.enabled,"
                    " updated_at = excluded.updated_at",
                    (
                        patient_id,
                        age_years,
                        float(fraction),
                        float(ceiling_bpm),
                        float(sustain_s),
                        int(bool(enabled)),
                        _check_time(t, "heart-rate alarm"),
                    ),
                )
        except sqlite3.IntegrityError as exc:
            raise RecordValueError(f"heart-rate alarm settings out of range: {exc}") from None

    def add_head_poses(self, session_id: int, rows: Iterable[Sequence[float]]) -> int:
        """A batch of head poses ``(t, x, y, z, h, p, r)`` in one transaction."""
        batch = [(session_id, *map(float, r)) for r in rows]
        if any(len(r) != 8 for r in batch):
            raise RecordValueError("a head pose is (t, x, y, z, h, p, r)")
        if not batch:
            return 0
        with self._tx() as c:
            c.executemany(
                "INSERT INTO head_pose (session_id, t, x, y, z, h, p, r)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
        return len(batch)

    # -- notes, link, questionnaires, suggestions --------------------------------
    def add_note(self, session_id: int, *, text: str, t: float, step_id: int | None = None) -> int:
        """A timestamped note (``palier.core.typed_text.clean_text``: normalised,
        at most ``NOTE_MAX`` characters, no control character but newline and tab)."""
        if not isinstance(text, str) or not text.strip():
            raise RecordValueError("a note cannot be empty")
        text = _typed(clean_text, text, NOTE)
        with self._tx() as c:
            self._require_open(c, session_id)
            cur = c.execute(
                "INSERT INTO notes (session_id, step_id, t, text) VALUES (?, ?, ?, ?)",
                (session_id, step_id, _check_time(t, "note"), text),
            )
        return int(cur.lastrowid or 0)

    def add_link_event(
        self, session_id: int | None, *, kind: str, t: float, detail: str = ""
    ) -> int:
        if kind not in LINK_KINDS:
            raise RecordValueError(f"link event kind must be one of {LINK_KINDS}, got {kind!r}")
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO link_events (session_id, t, kind, detail) VALUES (?, ?, ?, ?)",
                (session_id, _check_time(t, "link event"), kind, detail),
            )
        return int(cur.lastrowid or 0)

    def add_questionnaire(
        self,
        session_id: int,
        *,
        name: str,
        phase: str,
        answers: Any,
        scores: Any,
        t: float,
    ) -> int:
        if phase not in ("pre", "post"):
            raise RecordValueError(f"questionnaire phase must be 'pre' or 'post', got {phase!r}")
        with self._tx() as c:
            self._require_open(c, session_id)
            cur = c.execute(
                "INSERT INTO questionnaires (session_id, t, name, phase, answers, scores)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    _check_time(t, "questionnaire"),
                    str(name),
                    phase,
                    _to_json(answers, f"{name} answers"),
                    _to_json(scores, f"{name} scores"),
                ),
            )
        return int(cur.lastrowid or 0)

    def add_suggestion(
        self,
        session_id: int,
        *,
        kind: str,
        text: str,
        t: float,
        step_id: int | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> int:
        with self._tx() as c:
            self._require_open(c, session_id)
            cur = c.execute(
                "INSERT INTO suggestions (session_id, step_id, t, kind, text, detail)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    step_id,
                    _check_time(t, "suggestion"),
                    kind,
                    text,
                    _to_json(dict(detail or {}), "suggestion detail"),
                ),
            )
        return int(cur.lastrowid or 0)

    def decide_suggestion(self, suggestion_id: int, *, taken: bool, t: float) -> None:
        with self._tx() as c:
            if (
                c.execute(
                    "UPDATE suggestions SET taken = ?, decided_at = ? WHERE id = ?",
                    (1 if taken else 0, _check_time(t, "suggestion decision"), suggestion_id),
                ).rowcount
                != 1
            ):
                raise NotFoundError(f"no suggestion {suggestion_id}")

    # -- generic reads (exports) ---------------------------------------------------
    def has_table(self, name: str) -> bool:
        return bool(
            self._query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        )

    def rows(self, table: str, session_id: int) -> list[dict[str, Any]]:
        """Every row of one per-session table, in time order (JSON columns as text)."""
        if table not in STREAM_TABLES and table not in PROTOCOL_TABLES:
            raise RecordValueError(f"unknown stream table {table!r}; one of {STREAM_TABLES}")
        if (table in PROTOCOL_TABLES or table in LATER_STREAM_TABLES) and not self.has_table(table):
            return []  # a file read-only that predates the table
        order = {"steps": "started_at, id", "expectancies": "t_before, id"}.get(table, "t, id")
        return [
            dict(r)
            for r in self._query(
                f"SELECT * FROM {table} WHERE session_id = ? ORDER BY {order}", (session_id,)
            )
        ]
