"""What the contamination scene offers the therapist (pure Python, no Panda3D).

For exposure with response prevention (ERP) in contamination OCD: a public
washroom or a kitchen whose surfaces are graded from clean to visibly soiled,
a surface the patient is asked to touch (gently highlighted), whether the
sink and soap can be used afterwards (the therapist takes them away: that is
the response prevention), flies, and someone else in the room. Every touch of
a declared surface by a hand anchor is reported as a contact (surface and
duration). Labels are translated in this plugin's catalogue (``locale/``,
domain ``contamination``).
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation
from palier.scenes.api import Choice, EventSpec, ParamKind, ParamSpec, SceneDecl, SurfaceSpec

_ = get_translation("contamination", Path(__file__).with_name("locale")).lazy_gettext

PLACES = ("kitchen", "washroom")
TARGETS = ("none", "door_handle", "tap", "bin_lid", "sponge", "toilet_seat")
WASHING = ("available", "no_soap", "out_of_order")
MAX_FLIES = 8
EVENTS = ("cough", "residue_revealed", "tap_drips")
COUGH_KINDS = ("cough", "sneeze")

WASHROOM_SURFACES = (
    "door_handle",
    "tap",
    "soap_dispenser",
    "toilet_seat",
    "flush_button",
    "bin_lid",
    "towel_dispenser",
)
KITCHEN_SURFACES = (
    "fridge_handle",
    "kitchen_tap",
    "sponge",
    "worktop",
    "kitchen_bin_lid",
    "dishes",
)
TARGET_SURFACE: dict[str, dict[str, str]] = {
    "washroom": {
        "door_handle": "door_handle",
        "tap": "tap",
        "bin_lid": "bin_lid",
        "toilet_seat": "toilet_seat",
    },
    "kitchen": {
        "door_handle": "fridge_handle",
        "tap": "kitchen_tap",
        "bin_lid": "kitchen_bin_lid",
        "sponge": "sponge",
    },
}
"""Which declared surface each ``target`` choice highlights in each place
(a target a place does not have highlights nothing there)."""

DECLARATION = SceneDecl(
    id="contamination",
    name=_("Contamination (washroom, kitchen)"),
    description=_(
        "A public washroom or a kitchen for exposure with response prevention. "
        "Surfaces go from clean to visibly soiled; the surface the patient is "
        "asked to touch is gently highlighted; the therapist can take the sink "
        "and soap away; flies and another person can be added. Every touch of a "
        "tap, handle, seat, lid or sponge is recorded with its duration."
    ),
    conditions=("ocd_contamination",),
    params=(
        ParamSpec(
            name="place",
            kind=ParamKind.CHOICE,
            label=_("Place"),
            default="washroom",
            choices=(
                Choice("kitchen", _("Kitchen (shared)")),
                Choice("washroom", _("Public washroom")),
            ),
            intensifies="order",
            help=_(
                "A shared kitchen (sink, sponge, worktop, bin, fridge) or public toilets "
                "(basins, an open cubicle, bin, towel dispenser). The change happens in "
                "a blink. Which is harder depends on the patient's own hierarchy."
            ),
        ),
        ParamSpec(
            name="dirt",
            kind=ParamKind.FLOAT,
            label=_("Soiling"),
            default=0.0,
            minimum=0.0,
            maximum=1.0,
            step=0.05,
            intensifies="higher",
            help=_(
                "0: clean and ordinary. Then marks and water splashes, darker grout, "
                "stains and residue, litter on the floor; at the top the bin overflows "
                "and the surfaces are visibly soiled (never gory)."
            ),
        ),
        ParamSpec(
            name="target",
            kind=ParamKind.CHOICE,
            label=_("Surface to touch"),
            default="none",
            choices=(
                Choice("none", _("None highlighted")),
                Choice("door_handle", _("Door handle (cubicle; fridge in the kitchen)")),
                Choice("tap", _("Tap")),
                Choice("bin_lid", _("Bin lid")),
                Choice("sponge", _("Kitchen sponge (kitchen only)")),
                Choice("toilet_seat", _("Toilet seat (washroom only)")),
            ),
            intensifies="order",
            help=_(
                "The surface the patient is asked to touch glows faintly so they know "
                "which one. Every declared surface is recorded when touched, "
                "highlighted or not."
            ),
        ),
        ParamSpec(
            name="washing",
            kind=ParamKind.CHOICE,
            label=_("Washing afterwards"),
            default="available",
            choices=(
                Choice("available", _("Sink, soap and towels available")),
                Choice("no_soap", _("No soap or towels")),
                Choice("out_of_order", _("Sink out of order (tap covered)")),
            ),
            intensifies="order",
            help=_(
                "Response prevention made visible: the soap dispenser and towels are "
                "taken away, then the tap is covered with an 'out of order' notice."
            ),
        ),
        ParamSpec(
            name="flies",
            kind=ParamKind.INT,
            label=_("Flies"),
            default=0,
            minimum=0,
            maximum=MAX_FLIES,
            step=1,
            intensifies="higher",
            help=_("House flies circling the bin and the sink or toilet, buzzing."),
        ),
        ParamSpec(
            name="person",
            kind=ParamKind.BOOL,
            label=_("Someone else in the room"),
            default=False,
            intensifies="higher",
            help=_(
                "Another adult at the far basin (in the kitchen, at the worktop on the "
                "patient's left). The cough event brings them in if they are not there."
            ),
        ),
    ),
    events=(
        EventSpec(
            name="cough",
            label=_("Someone coughs or sneezes nearby"),
            help=_(
                "The other person coughs or sneezes, without covering it, heard from "
                "where they stand."
            ),
            duration_s=4.0,
            options=(
                ParamSpec(
                    name="kind",
                    kind=ParamKind.CHOICE,
                    label=_("Cough or sneeze"),
                    default="cough",
                    choices=(Choice("cough", _("Cough")), Choice("sneeze", _("Sneeze"))),
                    intensifies="order",
                ),
            ),
        ),
        EventSpec(
            name="residue_revealed",
            label=_("The touched surface turns out to be dirty"),
            help=_(
                "Residue shows on the surface the patient touched last (or the highlighted "
                "one, else the tap) and stays there until the place changes or the "
                "scene is loaded again."
            ),
            duration_s=6.0,
        ),
        EventSpec(
            name="tap_drips",
            label=_("The tap drips"),
            help=_(
                "The tap drips for about twenty seconds; the water stands in the sink and "
                "spreads on the floor below."
            ),
            duration_s=20.0,
        ),
    ),
    surfaces=(
        SurfaceSpec("door_handle", _("Cubicle door handle")),
        SurfaceSpec("tap", _("Washroom tap")),
        SurfaceSpec("soap_dispenser", _("Soap dispenser")),
        SurfaceSpec("toilet_seat", _("Toilet seat")),
        SurfaceSpec("flush_button", _("Toilet flush button")),
        SurfaceSpec("bin_lid", _("Washroom bin lid")),
        SurfaceSpec("towel_dispenser", _("Paper-towel dispenser")),
        SurfaceSpec("fridge_handle", _("Fridge door handle")),
        SurfaceSpec("kitchen_tap", _("Kitchen tap")),
        SurfaceSpec("sponge", _("Kitchen sponge")),
        SurfaceSpec("worktop", _("Kitchen worktop")),
        SurfaceSpec("kitchen_bin_lid", _("Kitchen bin lid")),
        SurfaceSpec("dishes", _("Dishes by the sink")),
    ),
)
