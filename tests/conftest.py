"""Shared fixtures. Qt runs offscreen; Panda3D renders offscreen (EGL)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
