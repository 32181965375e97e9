"""The swapchain format, chosen from what the runtime offers.

Panda3D draws each eye into an 8-bit RGBA texture whose bytes are already
sRGB-encoded (the scenes are authored for a desktop window, which shows
bytes as sRGB). The eye image reaches the swapchain by a framebuffer blit
with ``GL_FRAMEBUFFER_SRGB`` off, which copies the bytes unchanged, so:

* an **sRGB** swapchain format (``GL_SRGB8_ALPHA8``, ``GL_SRGB8``) is right:
  the compositor decodes the bytes as sRGB, as the desktop does;
* a **linear** 8-bit format (``GL_RGBA8``...) still works, but the compositor
  then takes the encoded bytes as linear light and the image looks paler; it
  is used only when the runtime offers no sRGB format, with a warning.

Within each group the runtime's own order (its preference) is kept. A runtime
that offers neither is refused with a clear error (``FormatError``), never
asked for a format it did not list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

GL_SRGB8_ALPHA8 = 0x8C43
GL_SRGB8 = 0x8C41
GL_RGBA8 = 0x8058
GL_RGB8 = 0x8051
GL_RGB10_A2 = 0x8059
GL_RGBA16F = 0x881A
GL_RGB16F = 0x881B

SRGB_FORMATS = (GL_SRGB8_ALPHA8, GL_SRGB8)
LINEAR_FORMATS = (GL_RGBA8, GL_RGB8, GL_RGB10_A2, GL_RGBA16F, GL_RGB16F)

NAMES = {
    GL_SRGB8_ALPHA8: "GL_SRGB8_ALPHA8",
    GL_SRGB8: "GL_SRGB8",
    GL_RGBA8: "GL_RGBA8",
    GL_RGB8: "GL_RGB8",
    GL_RGB10_A2: "GL_RGB10_A2",
    GL_RGBA16F: "GL_RGBA16F",
    GL_RGB16F: "GL_RGB16F",
}


class FormatError(RuntimeError):
    """The runtime offers no colour format the eye images can be copied into."""


@dataclass(frozen=True, slots=True)
class SwapchainFormat:
    gl_format: int
    srgb: bool

    @property
    def name(self) -> str:
        return format_name(self.gl_format)


def format_name(gl_format: int) -> str:
    return NAMES.get(gl_format, f"0x{gl_format:04X}")


def choose_format(offered: Iterable[int]) -> SwapchainFormat:
    """sRGB first, then linear colour formats; the runtime's order within each."""
    offered = [int(f) for f in offered]
    for group, srgb in ((SRGB_FORMATS, True), (LINEAR_FORMATS, False)):
        for fmt in offered:
            if fmt in group:
                return SwapchainFormat(fmt, srgb)
    listed = ", ".join(format_name(f) for f in offered) or "none"
    raise FormatError(
        f"the OpenXR runtime offers no colour swapchain format Palier can draw into "
        f"(offered: {listed}; usable: "
        + ", ".join(format_name(f) for f in (*SRGB_FORMATS, *LINEAR_FORMATS))
        + ")"
    )
