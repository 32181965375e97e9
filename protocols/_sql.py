"""One helper for the package's SQLite writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def write(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """Run ``fn`` in a SAVEPOINT: atomic alone, nested correctly inside the
    caller's transaction, committed here only when there was none before."""
    outer = conn.in_transaction
    conn.execute("SAVEPOINT protocols_write")
    try:
        result = fn(conn)
    except BaseException:
        conn.execute("ROLLBACK TO protocols_write")
        conn.execute("RELEASE protocols_write")
        raise
    conn.execute("RELEASE protocols_write")
    if not outer and conn.in_transaction:
        conn.commit()
    return result
