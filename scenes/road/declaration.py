"""What the road-traffic scene offers the therapist (pure Python, no Panda3D).

A town street with a zebra crossing, seen from the pavement at the kerb or
from a car's front passenger seat, for trauma-focused exposure after a road
accident. The ambient street is graded (viewpoint, traffic, speed, vehicles,
time of day, rain, sound level, how close to the kerb); the cues a clinician
matches to the patient's memory are one-shot events, each with the options
that matter (which side, how far). Nothing is shown of a crash: it is heard.
Labels are translated in this plugin's catalogue (``locale/``, domain ``road``).
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation
from palier.scenes.api import Choice, EventSpec, ParamKind, ParamSpec, SceneDecl

_ = get_translation("road", Path(__file__).with_name("locale")).lazy_gettext

VIEWPOINTS = ("pavement", "passenger")
MIXES = ("cars", "cars_vans", "all")
TIMES = ("day", "dusk", "night")
SIDES = ("left", "right")
EVENTS = (
    "horn",
    "brakes",
    "near_miss",
    "crash_sound",
    "siren",
    "emergency_lights",
    "door_slam",
)


def _side(default: str = "left") -> ParamSpec:
    return ParamSpec(
        name="side",
        kind=ParamKind.CHOICE,
        label=_("Side"),
        default=default,
        choices=(Choice("left", _("Left")), Choice("right", _("Right"))),
        intensifies="order",
        help=_("Which side of the patient the cue comes from."),
    )


def _distance(default: float, minimum: float, maximum: float) -> ParamSpec:
    return ParamSpec(
        name="distance",
        kind=ParamKind.FLOAT,
        label=_("Distance"),
        default=default,
        minimum=minimum,
        maximum=maximum,
        unit="m",
        step=1.0,
        intensifies="lower",
        help=_("How far from the patient the cue happens."),
    )


DECLARATION = SceneDecl(
    id="road",
    name=_("Road traffic"),
    description=_(
        "A town street with a zebra crossing and traffic lights, seen from the "
        "pavement or from a car's front passenger seat, for exposure to road "
        "traffic cues after an accident. Traffic, speed, vehicles, time of day, "
        "rain and sound are graded separately; the therapist fires horns, "
        "braking, a near miss at the crossing, the sound of a crash nearby (never "
        "shown), a siren, flashing lights and a door slam, each from the side "
        "and at the distance that match the patient's memory."
    ),
    conditions=("ptsd",),
    params=(
        ParamSpec(
            name="viewpoint",
            kind=ParamKind.CHOICE,
            label=_("Viewpoint"),
            default="pavement",
            choices=(
                Choice("pavement", _("On the pavement at the crossing")),
                Choice("passenger", _("In a car, front passenger seat")),
            ),
            intensifies="order",
            help=_(
                "On the pavement the patient stands by the zebra crossing facing the "
                "road; in the car the street comes toward them through the windscreen. "
                "The change happens in a blink."
            ),
        ),
        ParamSpec(
            name="traffic",
            kind=ParamKind.FLOAT,
            label=_("Traffic"),
            default=6.0,
            minimum=2.0,
            maximum=40.0,
            unit="vehicles/min",
            step=1.0,
            intensifies="higher",
            help=_("Vehicles passing each minute, both directions together."),
        ),
        ParamSpec(
            name="speed",
            kind=ParamKind.FLOAT,
            label=_("Speed"),
            default=30.0,
            minimum=20.0,
            maximum=70.0,
            unit="km/h",
            step=5.0,
            intensifies="higher",
            help=_("Speed of the traffic (in the car, also the car's own speed)."),
        ),
        ParamSpec(
            name="vehicles",
            kind=ParamKind.CHOICE,
            label=_("Vehicles"),
            default="cars",
            choices=(
                Choice("cars", _("Cars only")),
                Choice("cars_vans", _("Cars and vans")),
                Choice("all", _("Cars, vans, lorries and motorbikes")),
            ),
            intensifies="order",
        ),
        ParamSpec(
            name="time_of_day",
            kind=ParamKind.CHOICE,
            label=_("Time of day"),
            default="day",
            choices=(
                Choice("day", _("Day")),
                Choice("dusk", _("Dusk")),
                Choice("night", _("Night (headlights)")),
            ),
            intensifies="order",
            help=_("The light fades over the ramp; street lamps and headlights come on."),
        ),
        ParamSpec(
            name="rain",
            kind=ParamKind.FLOAT,
            label=_("Rain"),
            default=0.0,
            minimum=0.0,
            maximum=1.0,
            step=0.1,
            intensifies="higher",
            help=_(
                "From a dry road (0) through a wet, shining road to heavy rain (1), "
                "with the sound of rain and tyres on water."
            ),
        ),
        ParamSpec(
            name="sound_level",
            kind=ParamKind.FLOAT,
            label=_("Sound level"),
            default=0.5,
            minimum=0.1,
            maximum=1.0,
            step=0.1,
            intensifies="higher",
            help=_("Loudness of the traffic and of the events (1: a busy street close by)."),
        ),
        ParamSpec(
            name="kerb_distance",
            kind=ParamKind.FLOAT,
            label=_("Distance from the kerb"),
            default=3.0,
            minimum=0.3,
            maximum=4.0,
            unit="m",
            step=0.1,
            intensifies="lower",
            help=_(
                "On the pavement: how far back from the kerb the patient stands "
                "(4 m: against the shop fronts). No effect in the car."
            ),
        ),
    ),
    events=(
        EventSpec(
            name="horn",
            label=_("Horn"),
            help=_(
                "A car coming level with the patient sounds its horn and flashes its headlights."
            ),
            duration_s=3.0,
            options=(_side("left"),),
        ),
        EventSpec(
            name="brakes",
            label=_("Screeching brakes"),
            help=_(
                "A car brakes hard with screeching tyres, stops, then drives on. In the "
                "car: on the right, the car ahead brakes and the patient's car brakes "
                "too; on the left, an oncoming car brakes."
            ),
            duration_s=6.0,
            options=(_side("left"), _distance(25.0, 5.0, 80.0)),
        ),
        EventSpec(
            name="near_miss",
            label=_("Near miss at the crossing"),
            help=_(
                "A car comes too fast, brakes hard with screeching tyres and stops "
                "a short way before the crossing (in the car: a car pulls out from "
                "the side and the patient's car stops short of it). Nothing touches "
                "the patient."
            ),
            duration_s=8.0,
            options=(_side("left"),),
        ),
        EventSpec(
            name="crash_sound",
            label=_("Sound of a crash nearby"),
            help=_(
                "The sound of a collision out of sight (brakes, impact, breaking "
                "glass); people on the street turn toward it and the traffic slows. "
                "Nothing is shown."
            ),
            duration_s=8.0,
            options=(_side("right"), _distance(60.0, 15.0, 150.0)),
        ),
        EventSpec(
            name="siren",
            label=_("Siren approaching"),
            help=_(
                "An ambulance with its siren and flashing blue lights comes from the "
                "chosen side, passes and drives away; the traffic gives way. In the car: "
                "left, oncoming; right, from behind, overtaking."
            ),
            duration_s=16.0,
            options=(_side("left"),),
        ),
        EventSpec(
            name="emergency_lights",
            label=_("Flashing emergency lights"),
            help=_(
                "A police car pulls in and stops across the road (in the car: ahead, on "
                "the chosen side), flashes its blue lights without a siren, then drives off."
            ),
            duration_s=20.0,
            options=(_side("right"),),
        ),
        EventSpec(
            name="door_slam",
            label=_("Car door slam"),
            help=_("The door of a car parked nearby is opened, then slammed shut."),
            duration_s=3.0,
            options=(_side("right"),),
        ),
    ),
)
