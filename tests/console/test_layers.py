"""The model layer stays free of Qt and Panda3D (napari's rule, checked)."""

from __future__ import annotations

import subprocess
import sys

QT_FREE = (
    "palier.therapist_console.session",
    "palier.therapist_console.session.base",
    "palier.therapist_console.session.plan",
    "palier.therapist_console.session.timeline",
    "palier.therapist_console.session.patient_plan",
    "palier.therapist_console.session.running",
    "palier.therapist_console.session.link",
    "palier.therapist_console.session.progression",
    "palier.therapist_console.session.ratings",
    "palier.therapist_console.session.commands",
    "palier.therapist_console.session.clinical",
    "palier.therapist_console.session.sensors",
    "palier.therapist_console.session.console",
    "palier.therapist_console.record",
    "palier.therapist_console.summary",
    "palier.therapist_console.export",
    "palier.therapist_console.heart_rate",
    "palier.therapist_console.heart_rate.measurement",
    "palier.therapist_console.heart_rate.hrv",
    "palier.therapist_console.heart_rate.alarm",
    "palier.therapist_console.heart_rate.ble",
    "palier.therapist_console.heart_rate.lsl",
    "palier.therapist_console.heart_rate.choice",
    "palier.therapist_console.research",
    "palier.cli.hr",
    "palier.core.i18n",
    "palier.therapist_console.sample_session",
    "palier.cli.sessions",
    "palier.therapist_console.client",
)


def test_model_layer_imports_no_qt_and_no_panda3d() -> None:
    code = (
        "import sys\n" + "".join(f"import {m}\n" for m in QT_FREE) + "import argparse\n"
        "palier.cli.sessions.register(argparse.ArgumentParser().add_subparsers())\n"
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'panda3d', 'direct', 'pyqtgraph'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"Qt or Panda3D imported by the model layer: {out}"
