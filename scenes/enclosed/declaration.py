"""What the enclosed-spaces scene offers the therapist (pure Python, no Panda3D).

Two places graded separately: a small windowless room, then a lift (the lift
moves, can stop between floors, and its doors are not the patient's to open).
Within each, the walls and ceiling close in continuously with ``space``; the
door, the light, the people standing close and the ventilation are graded on
their own. Labels are translated in this plugin's catalogue (``locale/``,
domain ``enclosed``).
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation
from palier.scenes.api import Choice, EventSpec, ParamKind, ParamSpec, SceneDecl

_ = get_translation("enclosed", Path(__file__).with_name("locale")).lazy_gettext

PLACES = ("small_room", "lift")
DOORS = ("open", "closed")
LIGHTS = ("steady", "dim", "flickering")
MAX_PEOPLE = 5
EVENTS = ("stops_between_floors", "lights_out", "alarm", "doors_open_onto_wall")

DECLARATION = SceneDecl(
    id="enclosed",
    name=_("Enclosed spaces"),
    description=_(
        "A small windowless room or a lift, whose walls and ceiling close in "
        "from a roomy space to one where they can be touched. Door, light, "
        "people standing close and ventilation are graded separately; the "
        "lift can travel, stop between floors and open onto the shaft wall."
    ),
    conditions=("claustrophobia",),
    params=(
        ParamSpec(
            name="place",
            kind=ParamKind.CHOICE,
            label=_("Place"),
            default="small_room",
            choices=(
                Choice("small_room", _("Small windowless room")),
                Choice("lift", _("Lift")),
            ),
            intensifies="order",
            help=_(
                "The room comes first: its door is an ordinary door. In the lift the "
                "patient cannot leave between floors. The change happens in a blink."
            ),
        ),
        ParamSpec(
            name="space",
            kind=ParamKind.FLOAT,
            label=_("Closeness of the walls"),
            default=0.0,
            minimum=0.0,
            maximum=1.0,
            step=0.05,
            intensifies="higher",
            help=_(
                "0: a large panoramic glass lift (2.1 x 2.4 m, 2.5 m high) or a "
                "normal-size room (3.2 x 3.4 m); 1: a cramped old lift (1.1 x 1.3 m, "
                "2.2 m high, worn steel panels) or a room whose walls can be touched "
                "(1.3 x 1.4 m). The walls and ceiling move in smoothly during the ramp."
            ),
        ),
        ParamSpec(
            name="door",
            kind=ParamKind.CHOICE,
            label=_("Door"),
            default="open",
            choices=(Choice("open", _("Open")), Choice("closed", _("Closed"))),
            intensifies="order",
            help=_(
                "The lift's two leaves slide; the room's door swings. A travelling "
                "lift keeps its doors closed and opens them when it stops at a floor."
            ),
        ),
        ParamSpec(
            name="lights",
            kind=ParamKind.CHOICE,
            label=_("Lighting"),
            default="steady",
            choices=(
                Choice("steady", _("Steady")),
                Choice("dim", _("Dim")),
                Choice("flickering", _("Flickering (failing tube)")),
            ),
            intensifies="order",
            help=_(
                "Steady: an ordinary ceiling light; dim: about a third of it; "
                "flickering: a failing tube that stutters and drops out, with its buzz."
            ),
        ),
        ParamSpec(
            name="people",
            kind=ParamKind.INT,
            label=_("Other people inside"),
            default=0,
            minimum=0,
            maximum=MAX_PEOPLE,
            step=1,
            intensifies="higher",
            help=_(
                "Strangers standing close, facing the door as people do in a lift; "
                "the smaller the space, the closer they stand. They breathe, glance at "
                "the patient, look at the floor display or at a phone."
            ),
        ),
        ParamSpec(
            name="ventilation",
            kind=ParamKind.FLOAT,
            label=_("Ventilation"),
            default=1.0,
            minimum=0.0,
            maximum=1.0,
            step=0.05,
            intensifies="lower",
            help=_(
                "1: the fan runs with a steady, audible draught; 0: the fan has "
                "stopped, the air is still and silent (the most intense: it feeds the "
                "fear of running out of air)."
            ),
        ),
        ParamSpec(
            name="moving",
            kind=ParamKind.BOOL,
            label=_("Lift travelling"),
            default=False,
            intensifies="higher",
            help=_(
                "The lift goes up and down between floors: the display counts, the "
                "motor hums, the shaft slides past. No effect in the room."
            ),
        ),
    ),
    events=(
        EventSpec(
            name="stops_between_floors",
            label=_("Lift stops between floors"),
            help=_(
                "A jolt, the lights dip, the display shows no floor and the motor "
                "falls silent for half a minute, then the lift goes on. In the room: "
                "a power dip, the lights and the fan stop for a moment."
            ),
            duration_s=30.0,
        ),
        EventSpec(
            name="lights_out",
            label=_("Lights go out"),
            help=_("A few seconds of darkness; only the small emergency light stays on."),
            duration_s=6.0,
        ),
        EventSpec(
            name="alarm",
            label=_("Alarm button pressed"),
            help=_(
                "The alarm button lights, the bell rings, then the intercom answers: "
                "the assistance service says a technician is on the way."
            ),
            duration_s=16.0,
        ),
        EventSpec(
            name="doors_open_onto_wall",
            label=_("Doors open onto a wall"),
            help=_(
                "Between floors, the lift's doors open onto the bare concrete of the "
                "shaft, then close again. In the room: the door opens onto a "
                "bricked-up doorway."
            ),
            duration_s=12.0,
        ),
    ),
)
assert tuple(e.name for e in DECLARATION.events) == EVENTS
