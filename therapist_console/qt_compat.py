"""Work around a PySide6 6.12 reference-count bug on Python 3.11.

PySide6/shiboken6 6.12.0 (the abi3 wheel) returns ``None`` from every
C++ method returning ``void`` without taking a reference, as if ``None`` were
immortal (it is from Python 3.12 on, PEP 683). On Python 3.11 each such call
(``QPainter.save()``, ``setPen()``, ``QObject.setObjectName()``, ...) drops
one reference to ``None``; after a few thousand calls the interpreter aborts
with "Fatal Python error: none_dealloc: deallocating None". Check with::

    python -c "import sys; from PySide6.QtCore import QObject; o = QObject(); \
b = sys.getrefcount(None); [o.setObjectName('x') for _ in range(1000)]; \
print(b - sys.getrefcount(None))"      # 1000 on an affected setup, 0 otherwise

:func:`pin_none` gives ``None`` (and ``True`` and ``False``, which some
bool-returning calls drop the same way) a reference count no program can
exhaust (2**40 extra references), which is what Python 3.12 does by design.
They are static objects that are never freed, so extra references cannot
leak anything. Call it before using Qt (``therapist_console.report`` and the app do).
"""

from __future__ import annotations

import ctypes
import platform
import sys

_PINNED = False
_EXTRA_REFS = 1 << 40


def pin_none() -> bool:
    """Make ``None``, ``True`` and ``False`` effectively immortal on CPython < 3.12.
    Idempotent; True if it acted."""
    global _PINNED
    if _PINNED or sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    # ob_refcnt is the first field of every PyObject in release builds.
    # True and False too: some bool-returning calls (QImage.save, QImage.fromData
    # on bad data) drop a reference to False the same way, and a long console
    # session or the headless demo then aborts at exit with "bool_dealloc".
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _EXTRA_REFS
    _PINNED = True
    return True
