"""Shared fixtures. Qt runs offscreen; Panda3D renders offscreen (EGL)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The user's own data and config folders (session record, clinic protocols,
# keys) stay out of the tests, and the tests out of them; child processes
# inherit these.
_home = tempfile.mkdtemp(prefix="palier-tests-")
os.environ["XDG_DATA_HOME"] = os.path.join(_home, "data")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_home, "config")

# The shared fixtures (offscreen engine, paired keys, engine subprocess, link
# clients) live in one module, which test modules also import their types from.
pytest_plugins = ["tests.fixtures"]
