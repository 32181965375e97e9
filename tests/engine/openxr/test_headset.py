"""The whole path against a real OpenXR runtime: instance, session, frames,
both eyes drawn and copied into the runtime's swapchains, the head turning
the view, the mirror from the eye, a clean exit.

Needs a runtime that runs with no headset and no GPU: Monado with its
simulated headset and null compositor. Set ``PALIER_TEST_XR_RUNTIME_JSON``
to its runtime manifest (``openxr_monado-dev.json`` of a build; see
docs/headset.md); without it these tests are skipped. Each run is a child
process, so a crash at exit (the fault of panda3d-openxr's debug callback)
shows as its exit status.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
MANIFEST = os.environ.get("PALIER_TEST_XR_RUNTIME_JSON", "")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not MANIFEST or not Path(MANIFEST).is_file(),
        reason="no OpenXR runtime to test against: set PALIER_TEST_XR_RUNTIME_JSON to a "
        "Monado build's openxr_monado-dev.json (simulated headset, null compositor)",
    ),
]

PIXEL_TOLERANCE = 1.0
"""Measured centre of the marker against where the eye's lens puts it."""


def runtime_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        XR_RUNTIME_JSON=MANIFEST,
        XRT_COMPOSITOR_NULL="1",  # Monado: no window, no display
        XRT_COMPOSITOR_LOG="warn",
        PROBER_LOG="warn",
        PYTHONDONTWRITEBYTECODE="1",
        LANG="C.UTF-8",
    )
    env.update(extra)
    return {k: v for k, v in env.items() if v != ""}


def run(args: list[str], timeout: float = 240, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env=runtime_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


@pytest.fixture(scope="module")
def headset_run() -> dict[str, Any]:
    # SIMULATED_ROTATE: Monado's simulated headset turns left at 0.25 rad/s.
    done = run([str(HERE / "headset_child.py")], SIMULATED_ROTATE="1")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(lines[-1].removeprefix("RESULT "))


def eyes(result: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return result[key]["eyes"]


def test_session_goes_through_its_states_and_exits_cleanly(headset_run: dict[str, Any]) -> None:
    assert headset_run["states"] == [
        "IDLE", "READY", "SYNCHRONIZED", "VISIBLE", "FOCUSED",
        "VISIBLE", "SYNCHRONIZED", "STOPPING", "IDLE", "EXITING",
    ]  # fmt: skip
    assert headset_run["ending"] == "APP_EXIT"
    assert str(headset_run["format"]).startswith("GL_SRGB8")  # sRGB chosen over RGBA16


def test_the_eyes_differ_by_the_expected_parallax(headset_run: dict[str, Any]) -> None:
    left, right = eyes(headset_run, "parallax")
    for eye in (left, right):
        assert eye["measured"][2] > 4, "the marker was not drawn"
        assert eye["measured"][0] == pytest.approx(eye["expected"][0], abs=PIXEL_TOLERANCE)
        assert eye["measured"][1] == pytest.approx(eye["expected"][1], abs=PIXEL_TOLERANCE)
    # A point half a metre ahead: the left eye sees it further right.
    disparity = left["measured"][0] - right["measured"][0]
    expected = left["expected"][0] - right["expected"][0]
    assert disparity == pytest.approx(expected, abs=PIXEL_TOLERANCE)
    assert disparity > 3.0


def test_turning_the_head_turns_the_view(headset_run: dict[str, Any]) -> None:
    before = headset_run["turn_before"]
    after = headset_run["turn_after"]
    turned = (after["head_heading"] - before["head_heading"] + 180) % 360 - 180
    assert turned >= 12.0  # the head turned left
    for b, a in zip(eyes(headset_run, "turn_before"), eyes(headset_run, "turn_after"), strict=True):
        for eye in (b, a):
            assert eye["measured"][2] > 4
            assert eye["measured"][0] == pytest.approx(eye["expected"][0], abs=PIXEL_TOLERANCE)
        # A point fixed in the world moves right in the image as the head turns left.
        assert a["measured"][0] - b["measured"][0] > 10.0


def test_the_mirror_is_the_left_eyes_image(headset_run: dict[str, Any]) -> None:
    mirror = headset_run["mirror"]
    w, h = mirror["size"]
    width, height = eyes(headset_run, "parallax")[0]["size"]
    # The eye's shape, not the window's.
    assert w == 320 and h == round(320 * height / width / 2) * 2
    assert mirror["mean"] == pytest.approx(mirror["left_eye_mean"], abs=25)


def test_the_runtime_reports_its_frame_figures(headset_run: dict[str, Any]) -> None:
    stats = headset_run["stats"]
    assert stats is not None
    assert stats["period_ms"] > 0
    assert stats["late"] >= 0 and stats["dropped"] >= 0


def test_palier_engine_runs_in_the_headset_and_exits_cleanly() -> None:
    done = run(["-m", "palier", "engine", "--backend", "openxr", "--no-link", "--frames", "40"])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "engine: 40 frames run" in done.stdout
    assert "Traceback" not in done.stderr


def test_auto_chooses_the_headset_and_says_so() -> None:
    done = run(["-m", "palier", "engine", "--backend", "auto", "--no-link", "--frames", "10"])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "backend auto: a headset was found (Monado: Simulated HMD" in done.stdout
    assert "using openxr" in done.stdout


def test_a_runtime_that_fails_says_so() -> None:
    # Monado's main compositor without a display fails at xrCreateInstance.
    done = run(
        ["-m", "palier", "engine", "--backend", "openxr", "--no-link", "--frames", "1"],
        XRT_COMPOSITOR_NULL="",
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "the OpenXR runtime" in done.stderr and "is installed but failed" in done.stderr
    assert "--backend desktop" in done.stderr
