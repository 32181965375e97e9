"""What the safe place offers the therapist (pure Python, no Panda3D).

The safe place is where the engine goes when a session is paused; the pause
builds it with ``{"breathing_guide": True}``, so that name is fixed. It is
calm by design, and its parameters have no intensity direction
(``intensifies="none"``): the breathing pace, the time of day, the breeze and
the sound are the patient's preferences, not a dose of anything aversive.

Its labels are translated in this plugin's own catalogue (``locale/``,
domain ``safe_place``), next to the parameters they describe.
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation, percent
from palier.scenes.api import Choice, EventSpec, ParamKind, ParamSpec, SceneDecl

_ = get_translation("safe_place", Path(__file__).with_name("locale")).lazy_gettext

LIGHTS = ("sunset", "afternoon", "morning")
"""Times of day, from the softest, dimmest light to the brightest."""

INHALE_FRACTION = 0.4
"""Share of each breath spent breathing in (4 s in, 6 s out at 6 a minute)."""

CHIME_S = 6.0

DECLARATION = SceneDecl(
    id="safe_place",
    name=_("Safe place"),
    description=_(
        "A quiet meadow in warm low sunlight: grass and wild flowers moving in "
        "a light breeze, trees and hills in the distance, soft wind and "
        "birdsong. An optional glowing orb in front of the patient paces slow "
        "breathing (grows while breathing in, shrinks while breathing out). "
        "Shown whenever the session is paused."
    ),
    conditions=("relaxation",),
    params=(
        ParamSpec(
            name="breathing_guide",
            kind=ParamKind.BOOL,
            label=_("Breathing guide"),
            default=True,
            intensifies="none",
            help=_(
                "A soft glowing orb in front of the patient: breathe in while it "
                "grows, out while it shrinks."
            ),
        ),
        ParamSpec(
            name="breaths_per_minute",
            kind=ParamKind.FLOAT,
            label=_("Breathing pace"),
            default=6.0,
            minimum=4.0,
            maximum=10.0,
            unit="/min",
            step=0.5,
            intensifies="none",
            help=_(
                "Breaths per minute paced by the guide; each breath is {inhale} in, "
                "{exhale} out (6 a minute: 4 s in, 6 s out).",
                inhale=percent(round(100 * INHALE_FRACTION)),
                exhale=percent(round(100 * (1 - INHALE_FRACTION))),
            ),
        ),
        ParamSpec(
            name="light",
            kind=ParamKind.CHOICE,
            label=_("Time of day"),
            default="afternoon",
            choices=(
                Choice("sunset", _("Sunset")),
                Choice("afternoon", _("Late afternoon")),
                Choice("morning", _("Morning")),
            ),
            intensifies="none",
            help=_("From the dimmest, warmest light (sunset) to the brightest (morning)."),
        ),
        ParamSpec(
            name="wind",
            kind=ParamKind.FLOAT,
            label=_("Breeze"),
            default=0.35,
            minimum=0.0,
            maximum=1.0,
            step=0.05,
            intensifies="none",
            help=_(
                "0: still air; 1: a steady breeze (grass sways more, clouds drift "
                "faster, the wind is louder)."
            ),
        ),
        ParamSpec(
            name="volume",
            kind=ParamKind.FLOAT,
            label=_("Sound volume"),
            default=0.6,
            minimum=0.0,
            maximum=1.0,
            step=0.05,
            intensifies="none",
            help=_("Wind and birdsong (0: silent)."),
        ),
    ),
    events=(
        EventSpec(
            name="chime",
            label=_("Soft chime"),
            help=_(
                "A soft bell and a warm glow spreading from the guide: marks the end "
                "of a relaxation exercise."
            ),
            duration_s=CHIME_S,
        ),
    ),
)
