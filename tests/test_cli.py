"""The ``palier`` command, run as a user would (subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

PALIER = [sys.executable, "-m", "palier.cli"]


def run(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PALIER, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=None if env is None else {**os.environ, **env},
    )


def test_help_for_every_subcommand() -> None:
    top = run("--help")
    assert top.returncode == 0 and "engine" in top.stdout and "scenes" in top.stdout
    for args in (["engine"], ["scenes"], ["scenes", "list"], ["scenes", "shot"], ["demo"]):
        out = run(*args, "--help")
        assert out.returncode == 0, out.stderr
        assert "usage: palier" in out.stdout


def test_scenes_list_json_has_full_declarations() -> None:
    out = run("scenes", "list", "--json")
    assert out.returncode == 0, out.stderr
    catalogue = json.loads(out.stdout)
    ids = [s["id"] for s in catalogue]
    assert "spiders" in ids and "safe_place" in ids
    spiders = catalogue[ids.index("spiders")]
    distance = next(p for p in spiders["params"] if p["name"] == "distance")
    assert distance["unit"] == "m" and distance["intensifies"] == "lower"
    assert {"minimum", "maximum", "default", "label"} <= set(distance)
    assert spiders["events"]


def test_scenes_list_text_in_french() -> None:
    out = run("scenes", "list", "--lang", "fr")
    assert out.returncode == 0 and "param distance" in out.stdout


def test_engine_offscreen_runs_n_frames_and_exits() -> None:
    out = run(
        "engine",
        "--backend",
        "offscreen",
        "--scene",
        "spiders",
        "--frames",
        "5",
        "--size",
        "160x90",
        "--set",
        "distance=0.5",
    )
    assert out.returncode == 0, out.stderr
    assert "5 frames run" in out.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--set", "distance=far"], "'far' is not a number"),
        (["--set", "distance=9"], "out of range"),
        (["--set", "legs=8"], "no parameter 'legs'"),
        (["--set", "distance"], "is not NAME=VALUE"),
        (["--scene", "zombies"], "no scene 'zombies'"),
    ],
)
def test_engine_bad_input_is_a_clear_error(args: list[str], needle: str) -> None:
    out = run("engine", "--backend", "offscreen", "--frames", "1", *args)
    assert out.returncode == 2
    assert needle in out.stderr
    assert "Traceback" not in out.stderr


def test_openxr_backend_message(tmp_path: Path) -> None:
    # No OpenXR runtime (its manifest points nowhere): a clear message, no traceback.
    missing = {"XR_RUNTIME_JSON": str(tmp_path / "none.json"), "LANG": "C.UTF-8"}
    out = run("engine", "--backend", "openxr", "--frames", "1", env=missing)
    assert out.returncode == 2 and "no OpenXR runtime is installed" in out.stderr
    assert "--backend desktop" in out.stderr and "Traceback" not in out.stderr


def test_scenes_shot_writes_the_picture(tmp_path: Path) -> None:
    target = tmp_path / "spider.png"
    out = run(
        "scenes",
        "shot",
        "spiders",
        "--set",
        "distance=0.5",
        "--event",
        "run_toward",
        "--size",
        "320x180",
        "--seconds",
        "1",
        "--out",
        str(target),
    )
    assert out.returncode == 0, out.stderr
    from panda3d.core import PNMImage

    img = PNMImage()
    assert img.read(str(target))
    assert (img.getXSize(), img.getYSize()) == (320, 180)
    pixels = np.array([[img.getGray(x, y) for x in range(0, 320, 8)] for y in range(0, 180, 8)])
    assert pixels.std() > 0.02, "the shot must show something"
    for args, needle in (
        (["--event", "explode"], "no event 'explode'"),
        (["--set", "distance=9"], "distance"),
        (["--set", "count=many"], "count"),
        (["--fov", "200"], "--fov must be between 5 and 120"),
    ):
        bad = run("scenes", "shot", "spiders", *args, "--out", str(tmp_path / "x.png"))
        assert bad.returncode == 2 and needle in bad.stderr, (args, bad.stderr)
        assert "Traceback" not in bad.stderr
    assert not (tmp_path / "x.png").exists()


def test_building_the_command_line_imports_no_renderer_and_no_gui() -> None:
    code = (
        "import sys, palier.cli as c; c.build_parser(); "
        "print(sorted(m for m in ('panda3d', 'PySide6', 'zmq') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", "palier --help must stay instant and work anywhere"
