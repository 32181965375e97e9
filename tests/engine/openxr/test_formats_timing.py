"""Swapchain format negotiation and the runtime's frame figures."""

from __future__ import annotations

import pytest

from palier.engine.openxr.formats import (
    GL_RGBA8,
    GL_RGBA16F,
    GL_SRGB8,
    GL_SRGB8_ALPHA8,
    FormatError,
    choose_format,
)
from palier.engine.openxr.timing import FrameTiming

GL_RGBA16 = 0x805B
GL_DEPTH_COMPONENT32F = 0x8CAC

MS = 1_000_000


def test_srgb_first_even_when_the_runtime_prefers_another() -> None:
    # Monado's list, in its order of preference.
    offered = [GL_RGBA16, GL_RGBA16F, GL_SRGB8_ALPHA8, GL_RGBA8, GL_DEPTH_COMPONENT32F]
    chosen = choose_format(offered)
    assert chosen.gl_format == GL_SRGB8_ALPHA8 and chosen.srgb
    assert chosen.name == "GL_SRGB8_ALPHA8"


def test_the_runtimes_order_within_srgb_formats() -> None:
    assert choose_format([GL_SRGB8, GL_SRGB8_ALPHA8]).gl_format == GL_SRGB8


def test_linear_when_no_srgb_is_offered() -> None:
    chosen = choose_format([GL_DEPTH_COMPONENT32F, GL_RGBA8, GL_RGBA16F])
    assert chosen.gl_format == GL_RGBA8 and not chosen.srgb


def test_nothing_usable_is_a_clear_error_naming_what_was_offered() -> None:
    with pytest.raises(FormatError, match="offered: 0x805B, 0x8CAC"):
        choose_format([GL_RGBA16, GL_DEPTH_COMPONENT32F])
    with pytest.raises(FormatError, match="offered: none"):
        choose_format([])


def test_drops_from_gaps_between_predicted_display_times() -> None:
    timing = FrameTiming()
    t = 1_000 * MS
    for _ in range(10):  # on time, 90 Hz
        timing.on_wait(t, 11 * MS)
        t += 11 * MS
    assert timing.frames_dropped == 0
    assert timing.predicted_display_period_ms == pytest.approx(11.0)
    t += 2 * 11 * MS  # two refreshes went by without a frame
    timing.on_wait(t, 11 * MS)
    assert timing.frames_dropped == 2
    timing.on_discarded()
    assert timing.frames_dropped == 3
    assert timing.frames == 11


def test_a_pause_of_the_frame_loop_is_no_drop() -> None:
    timing = FrameTiming()
    timing.on_wait(100 * MS, 10 * MS)
    timing.reset_gap()  # session stopped, then begun again
    timing.on_wait(5_000 * MS, 10 * MS)
    assert timing.frames_dropped == 0


def test_late_frames_are_those_submitted_after_their_display_time() -> None:
    timing = FrameTiming()
    timing.on_end(100 * MS, 95 * MS)
    timing.on_end(110 * MS, 112 * MS)
    timing.on_end(120 * MS, None)  # the runtime cannot say what time it is
    assert timing.frames_late == 1
