"""What the flying scene offers the therapist (pure Python, no Panda3D).

Its labels, and the captain's announcements (pre-rendered by
``python -m tools.speech``, see ``speech``), are translated in this plugin's own catalogue
(``locale/``, domain ``flying``).
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation
from palier.scenes.api import Choice, EventSpec, ParamKind, ParamSpec, SceneDecl

_ = get_translation("flying", Path(__file__).with_name("locale")).lazy_gettext

PHASES = ("gate", "taxi", "cruise", "descent", "landing", "takeoff")
"""Least to most feared, as most fear-of-flying hierarchies grade them
(Rothbaum et al. 2000: sitting at the gate, taxiing, cruising, landing,
take-off); the choice order is the intensity order."""
WEATHERS = ("clear", "cloud", "storm")
SEATS = ("aisle", "window")

ANNOUNCEMENTS = ("welcome", "turbulence", "descent", "delay")
"""One event each (``announce_<name>``); the texts are in ``speech``."""

DECLARATION = SceneDecl(
    id="flying",
    name=_("Flying"),
    description=_(
        "The cabin of a narrow-body airliner seen from a passenger seat, with "
        "other passengers, the overhead bins and the windows. The flight phase "
        "(from boarding at the gate to take-off), turbulence, the weather "
        "outside, the seat and the cabin noise are graded separately."
    ),
    conditions=("aviophobia",),
    params=(
        ParamSpec(
            name="phase",
            kind=ParamKind.CHOICE,
            label=_("Flight phase"),
            default="gate",
            choices=(
                Choice("gate", _("At the gate, boarding")),
                Choice("taxi", _("Taxiing to the runway")),
                Choice("cruise", _("Cruise, above the clouds")),
                Choice("descent", _("Descent")),
                Choice("landing", _("Approach and landing")),
                Choice("takeoff", _("Take-off roll and climb")),
            ),
            intensifies="order",
            help=_(
                "Ordered from least to most feared in most fear-of-flying hierarchies. "
                "Take-off and landing play out once (about a minute and a half) from the "
                "moment they are chosen, then hold the climb or the taxi after landing; "
                "to repeat one, choose another phase, then this one again."
            ),
        ),
        ParamSpec(
            name="turbulence",
            kind=ParamKind.FLOAT,
            label=_("Turbulence"),
            default=0.0,
            minimum=0.0,
            maximum=1.0,
            step=0.05,
            intensifies="higher",
            help=_(
                "0: smooth air; 0.3: light chop; 0.6: moderate; 1: strong turbulence. "
                "The cabin and the view outside shake together; the patient's own head "
                "is never moved."
            ),
        ),
        ParamSpec(
            name="weather",
            kind=ParamKind.CHOICE,
            label=_("Weather"),
            default="clear",
            choices=(
                Choice("clear", _("Clear")),
                Choice("cloud", _("Cloudy")),
                Choice("storm", _("Storm (rain, lightning)")),
            ),
            intensifies="order",
        ),
        ParamSpec(
            name="seat",
            kind=ParamKind.CHOICE,
            label=_("Seat"),
            default="aisle",
            choices=(
                Choice("aisle", _("Aisle seat")),
                Choice("window", _("Window seat, over the wing")),
            ),
            intensifies="order",
            help=_(
                "At the window the ground, the height and the wing are in full view; "
                "most patients find it harder than the aisle."
            ),
        ),
        ParamSpec(
            name="noise",
            kind=ParamKind.FLOAT,
            label=_("Cabin noise"),
            default=0.5,
            minimum=0.0,
            maximum=1.0,
            step=0.05,
            intensifies="higher",
            help=_(
                "Loudness of the engines, the air and the rattles (0: barely audible, "
                "1: as loud as a real cabin at take-off). The announcements keep their level."
            ),
        ),
        ParamSpec(
            name="occupancy",
            kind=ParamKind.FLOAT,
            label=_("Passengers"),
            default=40.0,
            minimum=0.0,
            maximum=100.0,
            unit="%",
            step=5.0,
            intensifies="higher",
            help=_("How full the cabin is; passengers take or leave their seats during the ramp."),
        ),
    ),
    events=(
        EventSpec(
            name="drop",
            label=_("Sudden drop (air pocket)"),
            help=_(
                "The cabin drops a few centimetres and comes back within a second, "
                "with a clatter of the bins: brief and gentle for the balance sense."
            ),
            duration_s=1.5,
        ),
        EventSpec(
            name="chime",
            label=_("Chime and seat-belt sign"),
            help=_("The two-tone cabin chime; the seat-belt signs switch on (or off) and blink."),
            duration_s=3.0,
        ),
        EventSpec(
            name="announce_welcome",
            label=_("Announcement: welcome on board"),
            help=_("The captain welcomes the passengers (in the patient's language)."),
            duration_s=16.5,
        ),
        EventSpec(
            name="announce_turbulence",
            label=_("Announcement: turbulence ahead"),
            help=_(
                "The captain asks everyone to return to their seats and fasten their "
                "seat belts; the seat-belt signs come on."
            ),
            duration_s=13.5,
        ),
        EventSpec(
            name="announce_descent",
            label=_("Announcement: starting the descent"),
            help=_("The captain announces the descent; the seat-belt signs come on."),
            duration_s=13.0,
        ),
        EventSpec(
            name="announce_delay",
            label=_("Announcement: a short delay"),
            help=_("The captain announces a short wait for a departure slot."),
            duration_s=15.0,
        ),
        EventSpec(
            name="thrust",
            label=_("Engine thrust change"),
            help=_(
                "The engines spool up then settle back: a deeper roar, a vibration "
                "through the cabin and a change of speed outside."
            ),
            duration_s=6.0,
        ),
        EventSpec(
            name="gear",
            label=_("Landing gear comes down"),
            help=_("A thump under the floor and a rumble of air while the gear is extended."),
            duration_s=4.0,
        ),
        EventSpec(
            name="lightning",
            label=_("Lightning flash"),
            help=_("A flash of lightning outside lights up the cabin, then a distant rumble."),
            duration_s=2.5,
        ),
    ),
)
