"""What the patient sees of the therapist's requests, inside the headset view.

Two head-locked panels hang ~1.4 m ahead of the eyes, a little below the eye
line (where reading is most comfortable and the scene stays in view above):

* a **message** panel (:meth:`PatientUI.show_text`): a short sentence from
  the therapist that fades in, stays for the given time and fades out;
* a **SUDS rating** panel (:meth:`PatientUI.ask_suds`): the 0-100 scale with
  its anchors and a hint saying which controls place the marker and confirm.
  The marker is absent until the patient places it (a starting value would
  anchor the answer): until then the panel says "place the marker, then
  confirm" where the number goes, and a confirm is refused with that request
  in a warm colour. Once placed, the number shows in large print; confirm
  hands ``(request_id, value)`` to :attr:`PatientUI.on_suds`.

Both draw after the scene (and after the fade-to-black card) without depth
test, so nothing in a scene can cover them, and the mirror view shows them as
the patient sees them. Text uses DejaVu Sans when the system has it (it has
every French accent); Panda's built-in font is the fallback.

Cost: nothing per frame while no panel is animating; text geometry is rebuilt
only when the rating changes.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable

import numpy as np
from panda3d.core import (
    DynamicTextFont,
    Filename,
    NodePath,
    SamplerState,
    TextFont,
    TextNode,
    TextProperties,
    TextPropertiesManager,
    TransparencyAttrib,
)

from palier.core import wire
from palier.core.fields import FieldError
from palier.core.i18n import LANGUAGES, N_, language_from_locale_name, lazy_ngettext
from palier.engine.app import Engine, EngineConfig
from palier.engine.shots import aim_head
from palier.protocols.measures import SUDS_MAX, SUDS_MIN, suds_anchor_labels
from palier.scenes.procedural import GeomBuilder

log = logging.getLogger(__name__)

# -- placement (metres, degrees) -------------------------------------------------
PANEL_DISTANCE = 1.4
"""Distance from the eyes: far enough to focus without strain (headset
optics focus at ~1.3-2 m), near enough that the text is large."""
PANEL_DROP_DEG = 7.0
"""Centre of the panels below the eye line; the panels tilt to face the eyes."""

# -- timing (engine seconds) -----------------------------------------------------
FADE_IN_S = 0.3
FADE_OUT_S = 0.45
THANKS_S = 0.9
"""After a rating is sent, the panel says thank you this long, then fades."""
CONFIRM_GUARD_S = 0.5
"""A confirm within this time of the panel appearing is ignored: a click or
trigger press already under way must not count as a refused confirm."""
SUDS_STEP = 5

# -- look: calm, high contrast ---------------------------------------------------
BACKDROP = (0.085, 0.105, 0.135, 0.92)
TEXT = (0.97, 0.97, 0.95, 1.0)
MUTED = (0.74, 0.79, 0.84, 1.0)
TRACK = (0.30, 0.35, 0.42, 1.0)
TICK = (0.62, 0.67, 0.73, 1.0)
ACCENT = (0.42, 0.80, 0.82, 1.0)
REMIND = (0.99, 0.80, 0.45, 1.0)
"""Warm, not alarming: a confirm before the marker was placed."""

BIN = "fixed"
BIN_SORT = 1100
"""Above the scene and above the fader card (fixed 1000): a pending request
stays readable even during a fade."""

SUDS_W, SUDS_H = 1.16, 0.72
TRACK_W = 0.90
TRACK_Z = -0.04
TRACK_T = 0.03  # track thickness
MESSAGE_W = 1.06  # widest message line
HINT_SIZE = 0.036
HINT_W = SUDS_W - 0.12
"""Widest the controls hint may be; a longer translation is drawn smaller."""
ANCHOR_SIZE = 0.034
ANCHOR_EDGE = 0.03
"""Margin between the end anchors' words and the panel's edge."""
ANCHOR_END_W = 0.26
"""Widest line of an end anchor's words (they wrap on two lines, between words)."""
RULE_ABOVE_BOTTOM = 0.098
"""The rule over the controls hint, above the panel's bottom edge (under the
end anchors' second line)."""
INSTRUCTION_SIZE = 0.046
INSTRUCTION_W = SUDS_W - 0.2
NUMBER_MID_Z = 0.10
"""Middle of the large number (and of the instruction shown in its place)."""

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/Library/Fonts",
    os.path.expanduser("~/Library/Fonts"),
    "C:/Windows/Fonts",
)

TITLE = N_("How anxious do you feel right now? (0-100)")
# TRANSLATORS: shown in the headset where the rating's number goes, until the
# patient has placed the marker on the 0-100 scale.
INSTRUCTION = N_("Place the marker on the scale, then confirm.")
# TRANSLATORS: shown in the headset when the patient confirms before placing the marker.
PLACE_FIRST = N_("First place the marker on the scale.")
# TRANSLATORS: {k}...{e} mark a control's name (drawn bright and bold in the headset);
# keep them around the same words.
HINTS = {
    "keyboard": N_(
        "{k}← →{e} / {k}0–9{e}  place the marker      {k}Enter{e} / {k}click{e}  confirm"
    ),
    "controller": N_("{k}Thumbstick{e}  place the marker      {k}Trigger{e}  confirm"),
}
KEY_MARKS = {"k": "\1key\1", "e": "\2"}
"""Panda3D text properties: ``\1key\1...\2`` draws a control's name in the "key" style."""
THANKS = N_("Thank you")

PAIR_W, PAIR_H = 1.16, 0.66
PAIR_TITLE = N_("Pairing a therapist console")
PAIR_INSTRUCTION = N_("Type this code in the console:")
PAIR_ENGINE_KEY = N_("This engine's key: {fingerprint}")


class PatientUIError(ValueError):
    """A request the patient panels cannot show (empty text, bad duration)."""


def _lang(language: str) -> str:
    return language_from_locale_name(language)


def find_font(bold: bool = False) -> str | None:
    """Path of DejaVu Sans (bold) on this system, or None."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def load_font(bold: bool = False) -> TextFont:
    """DejaVu Sans (bold) as a fresh font object, or Panda's default font.

    A fresh ``DynamicTextFont`` rather than the shared ``FontPool`` entry:
    its settings (pixels per unit, filters) cannot be changed once glyphs
    exist, and another user of the pool may already have drawn with it."""
    path = find_font(bold)
    if path is not None:
        try:
            font = DynamicTextFont(Filename.fromOsSpecific(path))
            if font.isValid():
                font.setPixelsPerUnit(72)
                font.setMinfilter(SamplerState.FT_linear_mipmap_linear)
                font.setMagfilter(SamplerState.FT_linear)
                return font
            log.error("patient UI: cannot read the font %s; using Panda's default font", path)
        except Exception:  # a broken font file must not stop a session
            log.exception("patient UI: cannot load %s; using Panda's default font", path)
    else:
        log.warning(
            "patient UI: DejaVu Sans not found (%s); accented letters may be missing",
            ", ".join(FONT_DIRS),
        )
    return TextNode.getDefaultFont()


GLYPHS = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "ÀÂÄÆÇÉÈÊËÎÏÔŒÙÛÜŸàâäæçéèêëîïôœùûüÿ«»‹›’‘“”…–—·×÷°€ "
)
"""Every character a patient's text may use in the shipped languages."""


def preload_glyphs(font: TextFont) -> None:
    """Render every glyph of :data:`GLYPHS` into the font's texture pages now:
    a glyph first met in a message would otherwise re-upload a page (and its
    mipmaps) on the frame that shows it."""
    node = TextNode("glyph-preload")
    node.setFont(font)
    node.setText(GLYPHS)
    node.generate()


def _retext(node: TextNode, text: str, color: tuple[float, ...] | None = None) -> None:
    """Change a text only if it differs: each change makes new geometry, which
    the next frame must upload."""
    if node.getText() != text:
        node.setText(text)
    if color is not None and tuple(node.getTextColor()) != tuple(color):
        node.setTextColor(*color)


# -- flat shapes ------------------------------------------------------------------
def _rounded_outline(w: float, h: float, r: float, segs: int = 10) -> np.ndarray:
    """Counter-clockwise (x, z) outline of a rounded rectangle centred at 0."""
    r = min(r, w / 2, h / 2)
    cx, cz = w / 2 - r, h / 2 - r
    pts: list[tuple[float, float]] = []
    for k, (sx, sz) in enumerate(((1, 1), (-1, 1), (-1, -1), (1, -1))):
        a0 = k * math.pi / 2
        for i in range(segs + 1):
            a = a0 + (math.pi / 2) * i / segs
            pts.append((sx * cx + r * math.cos(a), sz * cz + r * math.sin(a)))
    return np.asarray(pts)


def add_rounded(
    builder: GeomBuilder,
    w: float,
    h: float,
    r: float,
    color: tuple[float, float, float, float],
    *,
    feather: float = 0.0,
    center: tuple[float, float] = (0.0, 0.0),
    segs: int = 10,
) -> None:
    """A filled rounded rectangle in the XZ plane facing -Y, with an optional
    soft edge ``feather`` metres wide fading to transparent."""
    outline = _rounded_outline(w, h, r, segs)
    n = len(outline)
    cx, cz = center
    rings = [outline]
    if feather > 0:
        # Grow the outline outward along its (rounded) normals.
        rings.append(_rounded_outline(w + 2 * feather, h + 2 * feather, r + feather, segs))
    pts = [np.array([[cx, 0.0, cz]])]
    cols = [np.array([color])]
    for i, ring in enumerate(rings):
        pts.append(np.column_stack([ring[:, 0] + cx, np.zeros(n), ring[:, 1] + cz]))
        c = np.array(color) if i == 0 else np.array([*color[:3], 0.0])
        cols.append(np.tile(c, (n, 1)))
    points = np.vstack(pts)
    colors = np.vstack(cols)
    idx = np.arange(n)
    nxt = (idx + 1) % n
    tris = [np.column_stack([np.zeros(n, dtype=int), 1 + idx, 1 + nxt])]
    if feather > 0:
        a, b = 1 + idx, 1 + nxt
        c, d = 1 + n + idx, 1 + n + nxt
        tris += [np.column_stack([a, c, d]), np.column_stack([a, d, b])]
    normals = np.tile([0.0, -1.0, 0.0], (len(points), 1))
    uvs = np.zeros((len(points), 2))
    builder.add_mesh(points, normals, uvs, np.vstack(tris), colors)


def shape_node(
    parent: NodePath, name: str, sort: int, build: Callable[[GeomBuilder], None]
) -> NodePath:
    b = GeomBuilder()
    build(b)
    np_ = parent.attachNewNode(b.node(name))
    np_.setBin(BIN, sort)
    return np_


def balance_wrap(tn: TextNode, widest: float) -> None:
    """Narrow the word wrap as far as it goes without adding a line, so a
    two-line message splits evenly instead of leaving one word alone."""
    tn.setWordwrap(widest)
    rows = tn.getNumRows()
    if rows <= 1:
        return
    lo, hi = widest / rows, widest
    for _ in range(10):
        mid = (lo + hi) / 2
        tn.setWordwrap(mid)
        if tn.getNumRows() > rows:
            lo = mid
        else:
            hi = mid
    tn.setWordwrap(hi)


class _Fade:
    """Alpha of one panel root, advanced by the engine clock."""

    def __init__(self, node: NodePath) -> None:
        self.node = node
        self.alpha = 0.0
        self.rate = 0.0
        node.setAlphaScale(0.0)
        node.hide()

    @property
    def visible(self) -> bool:
        return self.alpha > 0.0 or self.rate > 0.0

    def fade_in(self, seconds: float = FADE_IN_S) -> None:
        self.rate = 1.0 / seconds
        self.node.show()

    def fade_out(self, seconds: float = FADE_OUT_S) -> None:
        if self.alpha <= 0.0:
            self.rate = 0.0
            self.node.hide()
        else:
            self.rate = -1.0 / seconds

    def update(self, dt: float) -> None:
        if self.rate == 0.0:
            return
        self.alpha = min(1.0, max(0.0, self.alpha + self.rate * dt))
        # Ease so the panel arrives and leaves softly.
        eased = self.alpha * self.alpha * (3.0 - 2.0 * self.alpha)
        self.node.setAlphaScale(eased)
        if self.rate > 0 and self.alpha >= 1.0:
            self.rate = 0.0
        elif self.rate < 0 and self.alpha <= 0.0:
            self.rate = 0.0
            self.node.hide()


class PatientUI:
    """Head-locked message and SUDS panels; see the module docstring."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.on_suds: Callable[[int, int], None] | None = None
        self.suds_pending: int | None = None
        self.value: int | None = None
        """The rating the marker shows; None until the patient places it."""
        self.reminding = False
        """A confirm came before the marker was placed: the panel says so."""
        self._armed_at = 0.0
        self._thanks_left = 0.0
        self._text_left = 0.0
        self._lang = ""
        self._closed = False

        self.font = load_font()
        self.font_bold = load_font(bold=True)
        key = TextProperties()
        key.setFont(self.font_bold)
        key.setTextColor(*TEXT)
        TextPropertiesManager.getGlobalPtr().setProperties("key", key)

        drop = math.radians(PANEL_DROP_DEG)
        self.root = engine.head.attachNewNode("patient-ui")
        self.root.setPos(0.0, PANEL_DISTANCE * math.cos(drop), -PANEL_DISTANCE * math.sin(drop))
        self.root.setP(-PANEL_DROP_DEG)  # top edge tilts away: the face looks at the eyes
        # Overrides with a high priority so no scene-wide state (a lighting
        # shader, fog, a light) reaches the panels.
        self.root.setDepthTest(False, 1000)
        self.root.setDepthWrite(False, 1000)
        self.root.setLightOff(1000)
        self.root.setShaderOff(1000)
        self.root.setFogOff(1000)
        self.root.setMaterialOff(1000)
        self.root.setTwoSided(True)
        self.root.setTransparency(TransparencyAttrib.MAlpha, 1000)
        self.root.setBin(BIN, BIN_SORT)

        self._build_suds()
        self._build_text()
        self._build_pairing()
        engine.frame_observers.append(self._on_frame)
        engine.backend.patient_input.append(self._on_input)
        for font in (self.font, self.font_bold):
            preload_glyphs(font)
        self._fill_suds(None)
        # The panels are hidden until asked for: draw them once now, unseen,
        # so the first rating panel is not also the first draw of its
        # textures and shapes.
        engine.warm_up()

    # -- building -----------------------------------------------------------------
    def _text(
        self,
        parent: NodePath,
        name: str,
        *,
        size: float,
        color: tuple[float, ...],
        bold: bool = False,
        align: int = TextNode.ACenter,
        wrap_m: float = 0.0,
        sort: int = BIN_SORT + 20,
    ) -> tuple[TextNode, NodePath]:
        tn = TextNode(name)
        tn.setFont(self.font_bold if bold else self.font)
        tn.setAlign(align)
        tn.setTextColor(*color)
        if wrap_m:
            tn.setWordwrap(wrap_m / size)
        np_ = parent.attachNewNode(tn)
        np_.setScale(size)
        np_.setBin(BIN, sort)
        return tn, np_

    def _build_suds(self) -> None:
        self.suds_root = self.root.attachNewNode("suds-panel")
        self._suds_fade = _Fade(self.suds_root)
        r = self.suds_root
        shape_node(
            r,
            "suds-backdrop",
            BIN_SORT + 1,
            lambda b: add_rounded(b, SUDS_W, SUDS_H, 0.06, BACKDROP, feather=0.025),
        )
        half = TRACK_W / 2
        shape_node(
            r,
            "suds-track",
            BIN_SORT + 2,
            lambda b: add_rounded(
                b, TRACK_W + TRACK_T, TRACK_T, TRACK_T / 2, TRACK, center=(0.0, TRACK_Z)
            ),
        )
        # Rounded left cap of the filled part (the knob covers its right end).
        self._fill_cap = shape_node(
            r,
            "suds-fill-cap",
            BIN_SORT + 4,
            lambda b: add_rounded(
                b, TRACK_T, TRACK_T, TRACK_T / 2, ACCENT, center=(-half, TRACK_Z), segs=6
            ),
        )

        def ticks(b: GeomBuilder) -> None:
            for v in range(SUDS_MIN, SUDS_MAX + 1, 5):
                major = v % 25 == 0
                length = 0.036 if major else (0.022 if v % 10 == 0 else 0.012)
                width = 0.006 if major else 0.0035
                x = -half + TRACK_W * v / SUDS_MAX
                add_rounded(
                    b,
                    width,
                    length,
                    width / 2,
                    TICK,
                    center=(x, TRACK_Z - 0.03 - length / 2),
                    segs=2,
                )

        shape_node(r, "suds-ticks", BIN_SORT + 3, ticks)
        # Filled part of the track: a unit-wide bar scaled to the value.
        self._fill = shape_node(
            r,
            "suds-fill",
            BIN_SORT + 4,
            lambda b: add_rounded(b, 1.0, TRACK_T, 0.0, ACCENT, center=(0.5, 0.0), segs=1),
        )
        self._fill.setPos(-half, 0.0, TRACK_Z)
        self._knob = r.attachNewNode("suds-knob")
        shape_node(
            self._knob,
            "knob-ring",
            BIN_SORT + 5,
            lambda b: add_rounded(b, 0.074, 0.074, 0.037, TEXT, feather=0.01, segs=8),
        )
        shape_node(
            self._knob,
            "knob-core",
            BIN_SORT + 6,
            lambda b: add_rounded(b, 0.054, 0.054, 0.027, ACCENT, segs=8),
        )
        self._title, self._title_np = self._text(
            r, "suds-title", size=0.052, color=TEXT, wrap_m=SUDS_W - 0.14
        )
        self._number, self._number_np = self._text(
            r, "suds-number", size=0.13, color=TEXT, bold=True
        )
        self._number_np.setPos(0.0, 0.0, NUMBER_MID_Z - 0.045)
        self._instruction, self._instruction_np = self._text(
            r, "suds-instruction", size=INSTRUCTION_SIZE, color=MUTED
        )
        self._numbers: list[NodePath] = []
        self._anchors: list[tuple[TextNode, NodePath]] = []
        for v, _label in suds_anchor_labels("en"):
            x = -half + TRACK_W * v / SUDS_MAX
            tn, np_ = self._text(r, f"suds-n{v}", size=0.038, color=TEXT)
            tn.setText(str(v))
            np_.setPos(x, 0.0, TRACK_Z - 0.12)
            self._numbers.append(np_)
            # The ends' words (Wolpe's: "completely calm", "worst imaginable")
            # are long: aligned to the panel's edges and wrapped on two lines,
            # so they neither leave the panel nor run into their neighbours.
            if v in (SUDS_MIN, SUDS_MAX):
                align = TextNode.ALeft if v == SUDS_MIN else TextNode.ARight
                x = (SUDS_W / 2 - ANCHOR_EDGE) * (-1.0 if v == SUDS_MIN else 1.0)
                anchor = self._text(
                    r,
                    f"suds-a{v}",
                    size=ANCHOR_SIZE,
                    color=MUTED,
                    align=align,
                    wrap_m=ANCHOR_END_W,
                )
            else:
                anchor = self._text(r, f"suds-a{v}", size=ANCHOR_SIZE, color=MUTED)
            self._anchors.append(anchor)
            anchor[1].setPos(x, 0.0, TRACK_Z - 0.168)
        shape_node(
            r,
            "suds-rule",
            BIN_SORT + 2,
            lambda b: add_rounded(
                b,
                SUDS_W - 0.16,
                0.003,
                0.0,
                (*TRACK[:3], 0.8),
                center=(0.0, -SUDS_H / 2 + RULE_ABOVE_BOTTOM),
                segs=1,
            ),
        )
        self._hint, self._hint_np = self._text(r, "suds-hint", size=HINT_SIZE, color=MUTED)
        self._hint_np.setPos(0.0, 0.0, -SUDS_H / 2 + 0.055)
        self._set_value(None, force=True)

    def _build_text(self) -> None:
        self.text_root = self.root.attachNewNode("text-panel")
        self._text_fade = _Fade(self.text_root)
        self._msg, self._msg_np = self._text(
            self.text_root, "message", size=0.056, color=TEXT, wrap_m=MESSAGE_W
        )
        self._msg_backdrop: NodePath | None = None
        self._msg_h = 0.15

    def _build_pairing(self) -> None:
        """The pairing panel (engine.pairing), made now so that opening a
        pairing window creates nothing on a frame: it only changes texts."""
        self.pair_root = self.root.attachNewNode("pairing-panel")
        self._pair_fade = _Fade(self.pair_root)
        r = self.pair_root
        shape_node(
            r,
            "pairing-backdrop",
            BIN_SORT + 1,
            lambda b: add_rounded(b, PAIR_W, PAIR_H, 0.06, BACKDROP, feather=0.025),
        )
        self._pair_title, t = self._text(r, "pairing-title", size=0.05, color=TEXT, bold=True)
        t.setZ(0.22)
        self._pair_instruction, t = self._text(r, "pairing-instruction", size=0.042, color=MUTED)
        t.setZ(0.13)
        self._pair_code, t = self._text(r, "pairing-code", size=0.15, color=ACCENT, bold=True)
        t.setZ(-0.04)
        self._pair_key, t = self._text(r, "pairing-key", size=0.036, color=MUTED)
        t.setZ(-0.15)
        self._pair_status, t = self._text(
            r, "pairing-status", size=0.036, color=TEXT, wrap_m=PAIR_W - 0.12
        )
        t.setZ(-0.23)
        self._pair_left = 0.0

    def _apply_language(self) -> None:
        lang = _lang(self.engine.language)
        if lang == self._lang:
            return
        self._lang = lang
        for (tn, _np), (_v, label) in zip(self._anchors, suds_anchor_labels(lang), strict=True):
            tn.setText(label)
        kind = "controller" if self.engine.backend.name == "openxr" else "keyboard"
        self._hint_text = HINTS[kind].format(**KEY_MARKS).get(lang)

    def _set_title(self, prompt: str | None) -> None:
        _retext(self._title, prompt.strip() if prompt and prompt.strip() else TITLE.get(self._lang))
        balance_wrap(self._title, (SUDS_W - 0.14) / 0.052)
        # The first line's baseline is fixed: a second line grows downward
        # into the space kept free above the number.
        self._title_np.setPos(0.0, 0.0, SUDS_H / 2 - 0.095)

    def _set_instruction(self) -> None:
        """The words where the number goes while no marker is placed: the
        instruction, or after a refused confirm the reminder, brighter."""
        text = (PLACE_FIRST if self.reminding else INSTRUCTION).get(self._lang)
        _retext(self._instruction, text, REMIND if self.reminding else MUTED)
        balance_wrap(self._instruction, INSTRUCTION_W / INSTRUCTION_SIZE)
        # Centre the block (one line or two) on the number's place.
        self._instruction_np.setZ(0.0)
        b = self._instruction_np.getTightBounds(self.suds_root)
        mid = (b[0].z + b[1].z) / 2 if b is not None else 0.0
        self._instruction_np.setZ(NUMBER_MID_Z - mid)

    def _set_value(self, value: int | None, *, force: bool = False) -> None:
        if value is not None:
            value = max(SUDS_MIN, min(SUDS_MAX, int(value)))
        if value == self.value and not force:
            return
        self.value = value
        placed = value is not None
        for node in (self._fill, self._fill_cap, self._knob, self._number_np):
            if placed:
                node.show()
            else:
                node.hide()
        if placed:
            self._instruction_np.hide()
            self.reminding = False
        else:
            self._instruction_np.show()
        if value is None:
            return
        frac = value / SUDS_MAX
        self._fill.setSx(max(frac * TRACK_W, 1e-4))
        self._knob.setPos(-TRACK_W / 2 + frac * TRACK_W, 0.0, TRACK_Z)
        _retext(self._number, str(value))

    # -- public API -----------------------------------------------------------------
    def show_text(self, text: str, seconds: float) -> None:
        """Show a short message for ``seconds`` (fades included), replacing
        any message on screen."""
        try:
            wire.PATIENT_TEXT.check(text)  # the rule cmd.show_text is checked with
        except FieldError as err:
            raise PatientUIError(f"show_text: {err.problem}; give the words to show") from None
        if not (isinstance(seconds, int | float) and math.isfinite(seconds) and seconds > 0):
            raise PatientUIError(f"show_text: seconds must be a positive number, got {seconds!r}")
        self._msg.setText(text.strip())
        balance_wrap(self._msg, MESSAGE_W / 0.056)
        self._msg_np.setZ(0.0)
        b = self._msg_np.getTightBounds(self.text_root)
        pad_x, pad_z = 0.06, 0.05
        if b is not None:
            lo, hi = b
            w = max(hi.x - lo.x, 0.3) + 2 * pad_x
            h = (hi.z - lo.z) + 2 * pad_z
            mid_z = (hi.z + lo.z) / 2
        else:
            w, h, mid_z = 0.5, 0.15, 0.0
        if self._msg_backdrop is not None:
            self._msg_backdrop.removeNode()
        self._msg_backdrop = shape_node(
            self.text_root,
            "message-backdrop",
            BIN_SORT + 1,
            lambda bld: add_rounded(
                bld, w, h, min(0.05, h / 2), BACKDROP, feather=0.02, center=(0.0, mid_z)
            ),
        )
        # Centre the text block on the panel's origin.
        self._msg_np.setZ(-mid_z)
        self._msg_backdrop.setZ(-mid_z)
        self._msg_h = h
        self._place_message()
        self._text_left = float(seconds)
        self._text_fade.fade_in()

    def _fill_suds(self, prompt: str | None) -> None:
        """Put the panel's words in place, with no marker (it may still be hidden)."""
        self._apply_language()
        self._set_title(prompt)
        self.reminding = False
        self._set_instruction()
        self._show_hint(self._hint_text, MUTED, HINT_SIZE)
        self._set_value(None, force=True)

    def _show_hint(self, text: str, color: tuple[float, ...], size: float) -> None:
        """The bottom line, drawn smaller if a translation is wider than the panel."""
        _retext(self._hint, text, color)
        width = self._hint.getWidth() * size
        self._hint_np.setScale(size * min(1.0, HINT_W / width) if width > 0 else size)

    def ask_suds(self, request_id: int, prompt: str | None = None) -> None:
        """Show the rating panel for ``request_id`` (replacing any pending one)."""
        self._fill_suds(prompt)
        self.suds_pending = int(request_id)
        self._thanks_left = 0.0
        self._armed_at = self.engine.clock.t + CONFIRM_GUARD_S
        self._suds_fade.fade_in()
        self._place_message()

    def cancel_suds(self) -> None:
        """Withdraw the rating panel without an answer (no-op if none)."""
        if self.suds_pending is None:
            return
        self.suds_pending = None
        self._thanks_left = 0.0
        self._suds_fade.fade_out()

    def show_pairing(self, code: str, fingerprint: str) -> None:
        """Show the pairing panel: the one-time code (``123 456``) and this
        engine's key fingerprint, for the therapist to type and compare."""
        lang = _lang(self.engine.language)
        _retext(self._pair_title, PAIR_TITLE.get(lang))
        _retext(self._pair_instruction, PAIR_INSTRUCTION.get(lang))
        _retext(self._pair_code, code, ACCENT)
        _retext(self._pair_key, PAIR_ENGINE_KEY.format(fingerprint=fingerprint).get(lang))
        _retext(self._pair_status, "")
        self._pair_left = 0.0
        self._pair_fade.fade_in()

    def pairing_countdown(self, seconds: float, attempts: int) -> None:
        """The bottom line while the window is open (text changes once a second)."""
        lang = _lang(self.engine.language)
        # TRANSLATORS: the pairing window's countdown in the headset; {seconds} is a
        # whole number, {n} the codes the therapist may still type.
        text = lazy_ngettext(
            "Open for {seconds} s more, {n} try left",
            "Open for {seconds} s more, {n} tries left",
            attempts,
            seconds=max(0, math.ceil(seconds)),
        )
        _retext(self._pair_status, text.get(lang), TEXT)

    def end_pairing(self, status: str, seconds: float) -> None:
        """The window closed: say how (``status``, already in the patient's
        language), hide the code, fade out after ``seconds``."""
        _retext(self._pair_code, "- - -", MUTED)
        _retext(self._pair_status, status, REMIND)
        self._pair_left = max(seconds, FADE_OUT_S)

    @property
    def pairing_visible(self) -> bool:
        return self._pair_fade.visible

    @property
    def pairing_texts(self) -> tuple[str, str, str]:
        """(code, key line, status line) as shown, for tests."""
        return (
            self._pair_code.getText(),
            self._pair_key.getText(),
            self._pair_status.getText(),
        )

    def close(self) -> None:
        """Remove the panels and stop listening (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self.suds_pending = None
        if self._on_frame in self.engine.frame_observers:
            self.engine.frame_observers.remove(self._on_frame)
        if self._on_input in self.engine.backend.patient_input:
            self.engine.backend.patient_input.remove(self._on_input)
        self.root.removeNode()

    # -- state queries (tests, telemetry) -------------------------------------------
    @property
    def suds_visible(self) -> bool:
        return self._suds_fade.visible

    @property
    def text_visible(self) -> bool:
        return self._text_fade.visible

    # -- input and frame -------------------------------------------------------------
    def _place_message(self) -> None:
        """A message sits above the rating panel while that is on screen
        (asking, thanking or fading), else where the rating panel would be.
        It does not move when the rating panel leaves: text that jumps while
        being read is harder to read."""
        if self._suds_fade.visible:
            self.text_root.setZ(SUDS_H / 2 + 0.04 + self._msg_h / 2)
        else:
            self.text_root.setZ(0.0)

    def _on_input(self, kind: str, value: float) -> None:
        if kind == "stop":
            return  # the engine's (Engine.patient_stop): the panel stays as it is
        if self.suds_pending is None:
            return
        if not math.isfinite(value):
            log.warning("patient UI: ignoring %s input with value %r", kind, value)
            return
        if kind == "adjust":
            if value == 0:
                return
            step = SUDS_STEP
            if self.value is None:
                # The first step brings the marker in at the end it moves
                # away from: no value in the middle for the answer to lean on.
                target = SUDS_MIN if value > 0 else SUDS_MAX
            elif value > 0:
                # Move to the next multiple of the step in that direction, so
                # a point-set 47 goes to 50 or 45, not 52 or 42.
                target = (self.value // step + 1) * step
            else:
                target = ((self.value - 1) // step) * step
            self._set_value(target)
        elif kind == "point":
            self._set_value(round(min(1.0, max(0.0, value)) * SUDS_MAX))
        elif kind == "confirm":
            if self.engine.clock.t < self._armed_at:
                log.debug(
                    "patient UI: confirm ignored (panel appeared %.2f s ago)",
                    self.engine.clock.t - self._armed_at + CONFIRM_GUARD_S,
                )
                return
            if self.value is None:
                log.info("patient UI: confirm refused, no marker placed yet")
                if not self.reminding:
                    self.reminding = True
                    self._set_instruction()
                return
            rid, answer = self.suds_pending, self.value
            self.suds_pending = None
            self._show_hint(THANKS.get(self._lang), ACCENT, 0.048)
            self._thanks_left = THANKS_S
            if self.on_suds is not None:
                try:
                    self.on_suds(rid, answer)
                except Exception:
                    log.exception("patient UI: the SUDS handler failed for request %s", rid)
        else:
            log.debug("patient UI: unknown input kind %r", kind)

    def _on_frame(self, engine: Engine) -> None:
        dt = engine.clock.dt
        if self._thanks_left > 0.0:
            self._thanks_left -= dt
            if self._thanks_left <= 0.0 and self.suds_pending is None:
                self._suds_fade.fade_out()
        if self._text_left > 0.0:
            self._text_left -= dt
            if self._text_left <= FADE_OUT_S:
                self._text_left = 0.0
                self._text_fade.fade_out()
        if self._pair_left > 0.0:
            self._pair_left -= dt
            if self._pair_left <= FADE_OUT_S:
                self._pair_left = 0.0
                self._pair_fade.fade_out()
        self._suds_fade.update(dt)
        self._text_fade.update(dt)
        self._pair_fade.update(dt)


def render_example(
    path: str,
    language: str = "en",
    size: tuple[int, int] = (1280, 720),
    value: int | None = None,
    message: str | None = None,
    *,
    fov_deg: float | None = None,
    remind: bool = False,
) -> None:
    """Picture of the rating panel over the spiders scene (README, docs):
    ``python -m palier.engine.patient_ui docs/img/suds-panel-en.png --language en``.
    ``value`` None: the panel as it first appears, no marker; ``remind``: after
    a confirm before the marker was placed. ``fov_deg`` 45 at 960 pixels wide
    is about a headset's pixel density at the centre of its view."""
    config = EngineConfig(
        backend="offscreen",
        scene="spiders",
        size=size,
        language=language,
        params={"location": "table", "distance": 0.9, "size": 7.0},
    )
    if fov_deg is not None:
        config.fov_deg = fov_deg
    engine = Engine(config)
    try:
        engine.simulate(1.0)
        scene = engine.scene
        aim_head(engine, scene.focus_point() if scene is not None else None)
        # Look to the left of the spider so it shows beside the panel: midway
        # between the panel's edge and the view's (at most 15 degrees beyond).
        panel_half = math.degrees(math.atan(SUDS_W / 2 / PANEL_DISTANCE))
        view_half = config.fov_deg / 2
        turn = (panel_half + min(view_half, panel_half + 15.0)) / 2
        engine.head.setHpr(engine.head.getH() + turn, engine.head.getP() + 2.0, 0.0)
        ui = PatientUI(engine)
        ui.ask_suds(1)
        if message:
            ui.show_text(message, 10.0)
        engine.simulate(CONFIRM_GUARD_S + 0.2)
        if value is not None:
            engine.backend.emit("point", value / SUDS_MAX)
        elif remind:
            engine.backend.emit("confirm", 1.0)
        engine.render_frame()
        engine.save_png(path)
        ui.close()
    finally:
        engine.close()


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Render the SUDS rating panel to a PNG.")
    ap.add_argument("path")
    ap.add_argument("--language", default="en", choices=LANGUAGES)
    ap.add_argument(
        "--value", type=int, default=None, help="place the marker here (default: not placed)"
    )
    ap.add_argument(
        "--remind", action="store_true", help="show the panel after a confirm with no marker"
    )
    ap.add_argument("--message", default=None, help="also show this message above the panel")
    ap.add_argument("--size", default="1280x720", help="WIDTHxHEIGHT")
    ap.add_argument("--fov", type=float, default=None, help="horizontal field of view, degrees")
    args = ap.parse_args()
    w, _, h = args.size.partition("x")
    render_example(
        args.path,
        args.language,
        (int(w), int(h)),
        args.value,
        args.message,
        fov_deg=args.fov,
        remind=args.remind,
    )
