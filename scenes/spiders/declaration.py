"""What the spiders scene offers the therapist (pure Python, no Panda3D).

Its labels are translated in this plugin's own catalogue (``locale/``,
domain ``spiders``), next to the parameters they describe.
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation
from palier.scenes.api import Choice, EventSpec, ParamKind, ParamSpec, SceneDecl

_ = get_translation("spiders", Path(__file__).with_name("locale")).lazy_gettext

ACTIVITIES = ("still", "slow_walk", "fast_scuttle")
LOCATIONS = ("floor", "table", "hand")

DECLARATION = SceneDecl(
    id="spiders",
    name=_("Spiders"),
    description=_(
        "House spiders in a quiet room: on the floor, on the table in front of "
        "the patient, or coming toward the patient's hand. Distance, size, "
        "number and movement are graded separately."
    ),
    conditions=("arachnophobia",),
    params=(
        ParamSpec(
            name="distance",
            kind=ParamKind.FLOAT,
            label=_("Distance"),
            default=2.0,
            minimum=0.15,
            maximum=3.0,
            unit="m",
            step=0.05,
            intensifies="lower",
            help=_(
                "From the nearest spider to the patient (floor: the feet; table: the "
                "table edge in front of the patient; hand: the right hand)."
            ),
        ),
        ParamSpec(
            name="size",
            kind=ParamKind.FLOAT,
            label=_("Size (leg span)"),
            default=5.0,
            minimum=2.0,
            maximum=20.0,
            unit="cm",
            step=0.5,
            intensifies="higher",
            help=_("Leg span of each spider; a large house spider spans about 7 cm."),
        ),
        ParamSpec(
            name="count",
            kind=ParamKind.INT,
            label=_("Number of spiders"),
            default=1,
            minimum=1,
            maximum=10,
            step=1,
            intensifies="higher",
            help=_("Extra spiders walk in from further away (or leave) during the ramp."),
        ),
        ParamSpec(
            name="activity",
            kind=ParamKind.CHOICE,
            label=_("Movement"),
            default="still",
            choices=(
                Choice(
                    "still",
                    _("Still (small twitches)"),
                ),
                Choice("slow_walk", _("Slow walk")),
                Choice(
                    "fast_scuttle",
                    _("Fast scuttle (sudden dashes)"),
                ),
            ),
            intensifies="order",
        ),
        ParamSpec(
            name="location",
            kind=ParamKind.CHOICE,
            label=_("Location"),
            default="floor",
            choices=(
                Choice("floor", _("On the floor")),
                Choice(
                    "table",
                    _("On the table in front of the patient"),
                ),
                Choice(
                    "hand",
                    _("Approaching the patient's hand"),
                ),
            ),
            intensifies="order",
            help=_("Spiders walk (and climb a table leg) to the new place during the ramp."),
        ),
    ),
    events=(
        EventSpec(
            name="run_toward",
            label=_("Spider runs toward the patient"),
            help=_(
                "The nearest spider dashes toward the patient, stops close, then walks "
                "back to its place."
            ),
            duration_s=6.0,
        ),
        EventSpec(
            name="drop_from_above",
            label=_("Spider drops from above"),
            help=_(
                "A spider lowers itself on a silk thread in front of the patient's "
                "face, dangles, then climbs back up."
            ),
            duration_s=8.0,
        ),
    ),
)
