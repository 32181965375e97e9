"""What the heights scene offers the therapist (pure Python, no Panda3D).

Its labels are translated in this plugin's own catalogue (``locale/``,
domain ``heights``), next to the parameters they describe.
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation
from palier.scenes.api import Choice, EventSpec, ParamKind, ParamSpec, SceneDecl

_ = get_translation("heights", Path(__file__).with_name("locale")).lazy_gettext

STOREY_M = 3.0
"""Height of one storey (floor to floor), metres."""
MAX_FLOOR = 40
POSITIONS = (
    "inside_closed_window",
    "inside_open_window",
    "balcony_solid",
    "balcony_low_railing",
    "balcony_glass",
    "plank",
)
TIMES = ("day", "dusk", "night")
MAX_WIND_MS = 15.0

DECLARATION = SceneDecl(
    id="heights",
    name=_("Heights"),
    description=_(
        "A modern residential tower in a city, seen from where the patient stands: "
        "inside by the window, on the balcony, or at the start of a plank out over "
        "the edge. The floor, the railing, the wind and the time of day are graded "
        "separately; the street, its cars and its passers-by are below, to scale."
    ),
    conditions=("acrophobia",),
    params=(
        ParamSpec(
            name="floor",
            kind=ParamKind.INT,
            label=_("Floor"),
            default=0,
            minimum=0,
            maximum=MAX_FLOOR,
            unit="",
            step=1,
            intensifies="higher",
            help=_(
                "Storey the patient stands on, about 3 m each: 0 is a ground-floor "
                "terrace just above the pavement, 40 about 120 m above the street. "
                "A change rides smoothly up or down, as in a glass lift."
            ),
        ),
        ParamSpec(
            name="position",
            kind=ParamKind.CHOICE,
            label=_("Where the patient stands"),
            default="inside_closed_window",
            choices=(
                Choice("inside_closed_window", _("Inside, by a closed window")),
                Choice("inside_open_window", _("Inside, by the open window")),
                Choice("balcony_solid", _("On the balcony, solid parapet")),
                Choice("balcony_low_railing", _("On the balcony, low open railing")),
                Choice("balcony_glass", _("On the balcony, clear glass railing")),
                Choice("plank", _("At the start of a plank over the edge")),
            ),
            intensifies="order",
            help=_(
                "In order of threat. A change glides the view to the new place and "
                "cross-fades the railing; the software never moves the patient onto "
                "the plank (in a headset the patient may walk onto it)."
            ),
        ),
        ParamSpec(
            name="wind",
            kind=ParamKind.FLOAT,
            label=_("Wind"),
            default=1.0,
            minimum=0.0,
            maximum=MAX_WIND_MS,
            unit="m/s",
            step=0.5,
            intensifies="higher",
            help=_(
                "Wind speed at the balcony: its sound (louder higher up), the plants "
                "and the flags move with it. The patient's own view is never swayed."
            ),
        ),
        ParamSpec(
            name="time_of_day",
            kind=ParamKind.CHOICE,
            label=_("Time of day"),
            default="day",
            choices=(
                Choice("day", _("Bright day")),
                Choice("dusk", _("Dusk")),
                Choice("night", _("Night (city lights)")),
            ),
            intensifies="order",
            help=_("The light cross-fades over the change."),
        ),
    ),
    events=(
        EventSpec(
            name="gust",
            label=_("Gust of wind"),
            help=_("A strong gust swells the wind's sound and bends the plants and flags."),
            duration_s=6.0,
        ),
        EventSpec(
            name="object_falls",
            label=_("A flower box falls to the street"),
            help=_(
                "The flower box hooked on the railing tips over and falls all the way "
                "to the pavement, where it breaks; a new one is in place afterwards."
            ),
            duration_s=9.0,
        ),
        EventSpec(
            name="railing_creaks",
            label=_("The railing creaks"),
            help=_("A creak from the railing, which gives a small visible shudder."),
            duration_s=3.0,
        ),
        EventSpec(
            name="glass_panel",
            label=_("Glass floor panel"),
            help=_(
                "The balcony floor panel in front of the patient's feet turns to clear "
                "glass, so the street is seen through it, then back to decking."
            ),
            duration_s=15.0,
        ),
    ),
)
