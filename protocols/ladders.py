"""A patient's own fear ladder: a copy of a protocol's hierarchy, then edited.

A :class:`Ladder` is immutable; each edit returns a new one. Saving stores a
new, immutable version (:class:`LadderStore`), so a session that references a
version id always shows the ladder it used, whatever is edited afterwards.
Every edit is checked against the scene catalogue with the same rules as a
protocol file (:func:`protocols.validate.check_steps`).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from palier.protocols._sql import write
from palier.protocols.model import (
    EventPlan,
    Issue,
    Protocol,
    ProtocolError,
    Step,
    _fmt_path,
    step_from_data,
    to_data,
)
from palier.protocols.validate import check_steps, scene_declaration
from palier.scenes.api import ParamValue, Text


class LadderError(ProtocolError):
    """An edit that would make the ladder invalid, or a stored ladder problem."""


class LadderNotFoundError(LadderError):
    def __init__(self, what: str) -> None:
        super().__init__([Issue("<ladder>", None, "", what)])


class LadderConflictError(LadderError):
    """The ladder was saved elsewhere since this copy was loaded."""

    def __init__(self, what: str) -> None:
        super().__init__(
            [
                Issue(
                    "<ladder>",
                    None,
                    "",
                    what,
                    fix="reload the latest version and apply the edit again",
                )
            ]
        )


def _issues_for(steps: Sequence[Step], where: str) -> list[Issue]:
    issues: list[Issue] = []
    names = [{"id": s.id} for s in steps]

    def add(
        path: tuple[str | int, ...],
        problem: str,
        expected: str = "",
        fix: str = "",
        severity: str = "error",
    ) -> None:
        issues.append(
            Issue(
                where,
                None,
                _fmt_path(path, names),
                problem,
                expected,
                fix,
                "warning" if severity == "warning" else "error",
            )
        )

    check_steps(steps, add)
    return issues


@dataclass(frozen=True, slots=True)
class Ladder:
    """A patient's hierarchy (saved or not)."""

    patient_id: int
    protocol_id: str | None
    """The protocol it was copied from (None for a ladder built from scratch)."""
    title: Text
    steps: tuple[Step, ...]
    ladder_id: int | None = None
    """Stored ladder identity (None until first saved)."""
    version_id: int | None = None
    """The stored version this content is exactly (None once edited or unsaved)."""
    version: int | None = None
    """1, 2, ... within the ladder."""
    based_on_version_id: int | None = None
    """The stored version this content was edited from."""
    saved_at: float | None = None
    note: str = ""

    @classmethod
    def from_protocol(cls, protocol: Protocol, patient_id: int) -> Ladder:
        return cls(
            patient_id=patient_id,
            protocol_id=protocol.id,
            title=protocol.title,
            steps=protocol.steps,
        )

    # -- reading ----------------------------------------------------------------
    def index(self, step_id: str) -> int:
        for i, s in enumerate(self.steps):
            if s.id == step_id:
                return i
        raise LadderError(
            [
                Issue(
                    "<ladder>",
                    None,
                    "",
                    f"the ladder has no step {step_id!r}",
                    "one of " + ", ".join(s.id for s in self.steps),
                )
            ]
        )

    def step(self, step_id: str) -> Step:
        return self.steps[self.index(step_id)]

    @property
    def saved(self) -> bool:
        return self.version_id is not None

    def check(self) -> list[Issue]:
        """Problems that would stop this ladder from running (and warnings)."""
        issues = _issues_for(self.steps, self._where())
        if not self.steps:
            issues.append(
                Issue(
                    self._where(),
                    None,
                    "steps",
                    "the ladder has no step",
                    "at least one step",
                    "add a step or copy a protocol again",
                )
            )
        return issues

    def ensure_runnable(self) -> None:
        """Raise :class:`LadderError` if any step is invalid (e.g. a scene's
        range changed since the version was saved)."""
        errors = [i for i in self.check() if i.severity == "error"]
        if errors:
            raise LadderError(errors)

    def plan_json(self) -> dict[str, Any]:
        """The hierarchy for a session, in the console's ``Plan.from_json`` shape;
        presets are resolved against scene defaults so each step is complete."""
        self.ensure_runnable()
        steps = []
        for s in self.steps:
            decl, _ = scene_declaration(s.scene)
            assert decl is not None  # ensure_runnable checked it
            steps.append(
                {
                    "key": s.id,
                    "label": s.text.to_dict(),
                    "scene": s.scene,
                    "params": s.resolved_preset(decl.defaults()),
                    "expected_suds": s.expected_suds,
                    "min_duration_min": s.min_duration_min,
                    "events": [to_data(e) for e in s.events],
                }
            )
        return {
            "protocol_id": self.protocol_id,
            "ladder_version_id": self.version_id,
            "title": self.title.to_dict(),
            "steps": steps,
        }

    def _where(self) -> str:
        return f"ladder {self.ladder_id}" if self.ladder_id is not None else "ladder"

    # -- editing (each returns a new, checked ladder) ----------------------------------
    def _with_steps(self, steps: Sequence[Step], **changes: Any) -> Ladder:
        errors = [i for i in _issues_for(steps, self._where()) if i.severity == "error"]
        if errors:
            raise LadderError(errors)
        if not steps:
            raise LadderError(
                [
                    Issue(
                        self._where(),
                        None,
                        "steps",
                        "a ladder needs at least one step",
                        fix="keep at least one step",
                    )
                ]
            )
        return dataclasses.replace(
            self,
            steps=tuple(steps),
            version_id=None,
            version=None,
            saved_at=None,
            note="",
            based_on_version_id=self.version_id
            if self.version_id is not None
            else self.based_on_version_id,
            **changes,
        )

    def move(self, step_id: str, to_index: int) -> Ladder:
        """Move a step to position ``to_index`` (0-based) in the order."""
        if not 0 <= to_index < len(self.steps):
            raise LadderError(
                [
                    Issue(
                        self._where(),
                        None,
                        "",
                        f"position {to_index + 1} is outside the ladder",
                        f"1 to {len(self.steps)}",
                    )
                ]
            )
        steps = list(self.steps)
        step = steps.pop(self.index(step_id))
        steps.insert(to_index, step)
        return self._with_steps(steps)

    def reorder(self, step_ids: Sequence[str]) -> Ladder:
        """Put the steps in this order (every step exactly once)."""
        if sorted(step_ids) != sorted(s.id for s in self.steps):
            raise LadderError(
                [
                    Issue(
                        self._where(),
                        None,
                        "",
                        "a new order must name every step exactly once",
                        ", ".join(s.id for s in self.steps),
                    )
                ]
            )
        return self._with_steps([self.step(i) for i in step_ids])

    def edit(
        self,
        step_id: str,
        *,
        text: Text | None = None,
        preset: Mapping[str, ParamValue] | None = None,
        set_params: Mapping[str, ParamValue] | None = None,
        expected_suds: int | None = None,
        min_duration_min: float | None = None,
        events: Sequence[EventPlan] | None = None,
        note: Text | None = None,
    ) -> Ladder:
        """Change one step. ``preset`` replaces the preset; ``set_params`` changes
        only the named parameters. Values go through the same checks as files."""
        i = self.index(step_id)
        old = self.steps[i]
        data = to_data(old)
        if text is not None:
            data["text"] = text.to_dict()
        if preset is not None:
            data["preset"] = dict(preset)
        if set_params:
            data["preset"] = {**data.get("preset", {}), **set_params}
        if expected_suds is not None:
            data["expected_suds"] = expected_suds
        if min_duration_min is not None:
            data["min_duration_min"] = min_duration_min
        if events is not None:
            data["events"] = [to_data(e) for e in events]
        if note is not None:
            data["note"] = note.to_dict()
        try:
            new = step_from_data(data, self._where(), i)
        except LadderError:
            raise
        except ProtocolError as exc:
            raise LadderError(exc.issues) from None
        steps = list(self.steps)
        steps[i] = new
        return self._with_steps(steps)

    def add(self, step: Step, index: int | None = None) -> Ladder:
        """Insert a step (at the end by default)."""
        steps = list(self.steps)
        steps.insert(len(steps) if index is None else index, step)
        return self._with_steps(steps)

    def remove(self, step_id: str) -> Ladder:
        steps = list(self.steps)
        steps.pop(self.index(step_id))
        return self._with_steps(steps)

    def retitle(self, title: Text) -> Ladder:
        return self._with_steps(self.steps, title=title)


# -- storage -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LadderVersion:
    id: int
    ladder_id: int
    version: int
    parent_id: int | None
    created_at: float
    note: str


class LadderStore:
    """Ladders and their versions, in the session record's SQLite file.

    The tables (``ladders``, ``ladder_versions``, immutable by trigger) are the
    record's: its migration scripts create them
    (``therapist_console/migrations/0002_fear_ladders.sql``); this class only
    reads and writes rows.

    Writes run in a SAVEPOINT: atomic on their own, and nested correctly when
    the caller already holds a transaction. Steps are stored as JSON (the same
    keys as protocol files)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def _write(self, fn: Any) -> Any:
        return write(self._conn, fn)

    def create(self, ladder: Ladder, *, t: float, note: str = "") -> Ladder:
        """Store a new ladder (version 1) and return it with its ids."""
        if ladder.ladder_id is not None:
            raise LadderError(
                [
                    Issue(
                        f"ladder {ladder.ladder_id}",
                        None,
                        "",
                        "this ladder is already stored",
                        fix="use save() for a new version",
                    )
                ]
            )
        ladder.ensure_runnable()

        def do(c: sqlite3.Connection) -> Ladder:
            cur = c.execute(
                "INSERT INTO ladders (patient_id, protocol_id, created_at) VALUES (?, ?, ?)",
                (ladder.patient_id, ladder.protocol_id, t),
            )
            assert cur.lastrowid is not None
            return self._insert_version(
                c, dataclasses.replace(ladder, ladder_id=cur.lastrowid), 1, None, t, note
            )

        result: Ladder = self._write(do)
        return result

    def save(self, ladder: Ladder, *, t: float, note: str = "") -> Ladder:
        """Store the edited ladder as a new version. Returns the latest version
        unchanged if nothing differs from it. Raises
        :class:`LadderConflictError` if another version was saved since this
        ladder's base version."""
        if ladder.ladder_id is None:
            return self.create(ladder, t=t, note=note)
        ladder.ensure_runnable()
        ladder_id = ladder.ladder_id

        def do(c: sqlite3.Connection) -> Ladder:
            latest = self.latest(ladder_id)
            base = ladder.version_id or ladder.based_on_version_id
            if base != latest.version_id:
                raise LadderConflictError(
                    f"ladder {ladder_id} was saved as version {latest.version} since this "
                    "copy was loaded"
                )
            if (latest.steps, latest.title) == (ladder.steps, ladder.title):
                return latest
            assert latest.version is not None
            return self._insert_version(c, ladder, latest.version + 1, latest.version_id, t, note)

        result: Ladder = self._write(do)
        return result

    def _insert_version(
        self,
        c: sqlite3.Connection,
        ladder: Ladder,
        version: int,
        parent_id: int | None,
        t: float,
        note: str,
    ) -> Ladder:
        cur = c.execute(
            "INSERT INTO ladder_versions (ladder_id, version, parent_id, created_at, note,"
            " title, steps) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                ladder.ladder_id,
                version,
                parent_id,
                t,
                note,
                json.dumps(ladder.title.to_dict(), ensure_ascii=False),
                json.dumps(to_data(list(ladder.steps)), ensure_ascii=False),
            ),
        )
        return dataclasses.replace(
            ladder,
            version_id=cur.lastrowid,
            version=version,
            based_on_version_id=parent_id,
            saved_at=t,
            note=note,
        )

    def version(self, version_id: int) -> Ladder:
        """The ladder exactly as stored in this version (what a session used)."""
        row = self._conn.execute(
            "SELECT v.id, v.ladder_id, v.version, v.parent_id, v.created_at, v.note, v.title,"
            " v.steps, l.patient_id, l.protocol_id FROM ladder_versions v"
            " JOIN ladders l ON l.id = v.ladder_id WHERE v.id = ?",
            (version_id,),
        ).fetchone()
        if row is None:
            raise LadderNotFoundError(f"no ladder version {version_id}")
        vid, lid, version, parent, created, note, title, steps, patient, protocol = row
        where = f"ladder {lid} version {version}"
        return Ladder(
            patient_id=patient,
            protocol_id=protocol,
            title=Text.from_dict(json.loads(title)),
            steps=tuple(step_from_data(s, where, i) for i, s in enumerate(json.loads(steps))),
            ladder_id=lid,
            version_id=vid,
            version=version,
            based_on_version_id=parent,
            saved_at=created,
            note=note,
        )

    def latest(self, ladder_id: int) -> Ladder:
        row = self._conn.execute(
            "SELECT id FROM ladder_versions WHERE ladder_id = ? ORDER BY version DESC LIMIT 1",
            (ladder_id,),
        ).fetchone()
        if row is None:
            raise LadderNotFoundError(f"no ladder {ladder_id}")
        return self.version(int(row[0]))

    def history(self, ladder_id: int) -> list[LadderVersion]:
        rows = self._conn.execute(
            "SELECT id, ladder_id, version, parent_id, created_at, note FROM ladder_versions"
            " WHERE ladder_id = ? ORDER BY version",
            (ladder_id,),
        ).fetchall()
        if not rows:
            raise LadderNotFoundError(f"no ladder {ladder_id}")
        return [LadderVersion(*r) for r in rows]

    def for_patient(self, patient_id: int, *, include_archived: bool = False) -> list[Ladder]:
        """The latest version of each of the patient's ladders, oldest first."""
        rows = self._conn.execute(
            "SELECT id FROM ladders WHERE patient_id = ?"
            + ("" if include_archived else " AND archived = 0")
            + " ORDER BY id",
            (patient_id,),
        ).fetchall()
        return [self.latest(int(r[0])) for r in rows]

    def archive(self, ladder_id: int, archived: bool = True) -> None:
        """Hide a ladder from the patient's list (its versions stay)."""

        def do(c: sqlite3.Connection) -> None:
            cur = c.execute(
                "UPDATE ladders SET archived = ? WHERE id = ?", (1 if archived else 0, ladder_id)
            )
            if cur.rowcount == 0:
                raise LadderNotFoundError(f"no ladder {ladder_id}")

        self._write(do)
