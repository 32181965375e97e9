"""What the clinician logs during a session beyond SUDS: expectancies
(inhibitory learning), ERP urges and rituals, PTSD hotspots.

Tables live in the session record's SQLite file, created by its migration
scripts (``therapist_console/migrations/0003_clinical_log.sql``); rows carry
the record's ``session_id`` (no foreign key: the record owns its tables) and
the ladder's ``step_key``. Every write is committed before it returns (or joins the
caller's transaction), like the rest of the record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from palier.core.i18n import N_, Message, localized_error
from palier.core.typed_text import TextRefused, clean_text
from palier.protocols._sql import write
from palier.protocols.erp import Ritual, Urge
from palier.protocols.progression import Expectancy
from palier.protocols.ptsd import Hotspot


def expectancy_from_row(row: Mapping[str, object]) -> Expectancy:
    """An ``expectancies`` row (by column name) as the :class:`Expectancy` it stores."""
    occurred, after, t_after = row.get("occurred"), row.get("likelihood_after"), row.get("t_after")
    observed = row.get("observed_outcome")
    return Expectancy(
        str(row["step_key"]),
        str(row["feared_outcome"]),
        int(str(row["likelihood_before"])),
        float(str(row["t_before"])),
        None if observed is None else str(observed),
        None if occurred is None else bool(occurred),
        None if after is None else int(str(after)),
        None if t_after is None else float(str(t_after)),
    )


class ClinicalLogError(ValueError):
    pass


FEARED_OUTCOME = N_("Feared outcome")
OBSERVED_OUTCOME = N_("Observed outcome")
RITUAL = N_("Ritual or safety behaviour")
HOTSPOT_NOTE = N_("Hotspot note")


def _typed(text: str | None, what: Message) -> str | None:
    """Free text as the record keeps it (``palier.core.typed_text.clean_text``:
    normalised, bounded, no control characters), or ClinicalLogError saying why."""
    if text is None:
        return None
    try:
        return clean_text(text, what)
    except TextRefused as exc:
        raise localized_error(ClinicalLogError, exc.message) from None


class ClinicalLog:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._columns: dict[str, set[str]] = {}

    def _has(self, table: str, column: str) -> bool:
        """Whether ``table`` has ``column``: a file opened read-only is not
        migrated, so a column a later schema added may be missing."""
        if table not in self._columns:
            rows = self._conn.execute(f"PRAGMA table_info({table})").fetchall()
            self._columns[table] = {r[1] for r in rows}
        return column in self._columns[table]

    # -- expectancies --------------------------------------------------------------
    def add_expectancy(self, session_id: int, e: Expectancy) -> int:
        feared = _typed(e.feared_outcome, FEARED_OUTCOME)
        observed = _typed(e.observed_outcome, OBSERVED_OUTCOME)

        def do(c: sqlite3.Connection) -> int:
            cur = c.execute(
                "INSERT INTO expectancies (session_id, step_key, feared_outcome,"
                " likelihood_before, t_before, observed_outcome, occurred, likelihood_after,"
                " t_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    e.step_id,
                    feared,
                    e.likelihood_before,
                    e.t_before,
                    observed,
                    None if e.occurred is None else int(e.occurred),
                    e.likelihood_after,
                    e.t_after,
                ),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

        return write(self._conn, do)

    def record_outcome(self, expectancy_id: int, e: Expectancy) -> None:
        """Store the after-step half of an expectancy (once)."""
        if not e.tested:
            raise ClinicalLogError("the expectancy has no outcome yet; use Expectancy.after()")
        observed = _typed(e.observed_outcome, OBSERVED_OUTCOME)

        def do(c: sqlite3.Connection) -> None:
            cur = c.execute(
                "UPDATE expectancies SET observed_outcome = ?, occurred = ?,"
                " likelihood_after = ?, t_after = ? WHERE id = ? AND t_after IS NULL",
                (
                    observed,
                    int(bool(e.occurred)),
                    e.likelihood_after,
                    e.t_after,
                    expectancy_id,
                ),
            )
            if cur.rowcount != 1:
                raise ClinicalLogError(
                    f"expectancy {expectancy_id} does not exist or already has its outcome"
                )

        write(self._conn, do)

    def expectancies(self, session_id: int) -> list[tuple[int, Expectancy]]:
        rows = self._conn.execute(
            "SELECT id, step_key, feared_outcome, likelihood_before, t_before, observed_outcome,"
            " occurred, likelihood_after, t_after FROM expectancies WHERE session_id = ?"
            " ORDER BY t_before, id",
            (session_id,),
        ).fetchall()
        return [
            (
                r[0],
                expectancy_from_row(
                    dict(
                        zip(
                            (
                                "step_key",
                                "feared_outcome",
                                "likelihood_before",
                                "t_before",
                                "observed_outcome",
                                "occurred",
                                "likelihood_after",
                                "t_after",
                            ),
                            r[1:],
                            strict=True,
                        )
                    )
                ),
            )
            for r in rows
        ]

    # -- ERP ---------------------------------------------------------------------------
    def add_urge(self, session_id: int, u: Urge) -> int:
        def do(c: sqlite3.Connection) -> int:
            cur = c.execute(
                "INSERT INTO erp_urges (session_id, t, value, step_key) VALUES (?, ?, ?, ?)",
                (session_id, u.t, u.value, u.step_key),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

        return write(self._conn, do)

    def add_ritual(self, session_id: int, r: Ritual) -> int:
        what = _typed(r.what, RITUAL)

        def do(c: sqlite3.Connection) -> int:
            cur = c.execute(
                "INSERT INTO erp_rituals (session_id, t, what, kind, resisted,"
                " step_key, ritual) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session_id, r.t, what, r.kind, int(r.resisted), r.step_key, r.ritual),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

        return write(self._conn, do)

    def urges(self, session_id: int) -> list[Urge]:
        rows = self._conn.execute(
            "SELECT t, value, step_key FROM erp_urges WHERE session_id = ? ORDER BY t, id",
            (session_id,),
        ).fetchall()
        return [Urge(*r) for r in rows]

    def rituals(self, session_id: int) -> list[Ritual]:
        ritual = "ritual" if self._has("erp_rituals", "ritual") else "NULL"
        rows = self._conn.execute(
            f"SELECT t, what, resisted, kind, step_key, {ritual} FROM erp_rituals"
            " WHERE session_id = ? ORDER BY t, id",
            (session_id,),
        ).fetchall()
        return [
            Ritual(t, what, bool(res), kind, key, which) for t, what, res, kind, key, which in rows
        ]

    # -- PTSD ----------------------------------------------------------------------------
    def add_hotspot(self, session_id: int, h: Hotspot) -> int:
        note = _typed(h.note, HOTSPOT_NOTE)

        def do(c: sqlite3.Connection) -> int:
            cur = c.execute(
                "INSERT INTO hotspots (session_id, t, suds, note, step_key, event_id)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, h.t, h.suds, note, h.step_key, h.event_id),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

        return write(self._conn, do)

    def hotspots(self, session_id: int) -> list[Hotspot]:
        event = "event_id" if self._has("hotspots", "event_id") else "NULL"
        rows = self._conn.execute(
            f"SELECT t, suds, note, step_key, {event} FROM hotspots WHERE session_id = ?"
            " ORDER BY t, id",
            (session_id,),
        ).fetchall()
        return [Hotspot(*r) for r in rows]
