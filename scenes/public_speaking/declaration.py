"""What the public speaking scene offers the therapist (pure Python, no Panda3D).

Its labels are translated in this plugin's own catalogue (``locale/``,
domain ``public_speaking``), next to the parameters they describe.
"""

from __future__ import annotations

from pathlib import Path

from palier.core.i18n import get_translation
from palier.scenes.api import Choice, EventSpec, ParamKind, ParamSpec, SceneDecl

_ = get_translation("public_speaking", Path(__file__).with_name("locale")).lazy_gettext

MAX_AUDIENCE = 50
ROOMS = ("meeting_room", "lecture_hall")
ATTENTIONS = ("distracted", "mixed", "attentive")
ATTITUDES = ("warm", "neutral", "cold")
QUESTIONS = ("example", "compare", "again", "evidence", "limits")
"""The audience's questions, in the order the ``question`` event takes them
(texts in ``speech.toml``, recordings in ``speech/``)."""

DECLARATION = SceneDecl(
    id="public_speaking",
    name=_("Public speaking"),
    description=_(
        "The patient stands at a lectern facing an audience, in a meeting room or a "
        "small lecture hall. The number of people, where they look, how they react, "
        "the light on the speaker, a camera filming and a countdown are graded "
        "separately; the audience coughs, takes a call, walks out, applauds, laughs "
        "and asks questions on the therapist's command."
    ),
    conditions=("social_anxiety", "public_speaking_anxiety"),
    params=(
        ParamSpec(
            name="audience",
            kind=ParamKind.INT,
            label=_("Audience size"),
            default=8,
            minimum=0,
            maximum=MAX_AUDIENCE,
            unit="",
            step=1,
            intensifies="higher",
            help=_(
                "Number of people seated in front of the patient. Seats fill from the "
                "front row, middle first: a few people sit close, a full room reaches "
                "the back."
            ),
        ),
        ParamSpec(
            name="room",
            kind=ParamKind.CHOICE,
            label=_("Room"),
            default="meeting_room",
            choices=(
                Choice("meeting_room", _("Meeting room (flat, tables)")),
                Choice("lecture_hall", _("Lecture hall (tiered rows)")),
            ),
            intensifies="order",
            help=_(
                "A meeting room is small and familiar; a lecture hall is larger, its "
                "rows rise so that every face looks down at the speaker."
            ),
        ),
        ParamSpec(
            name="attention",
            kind=ParamKind.CHOICE,
            label=_("Audience attention"),
            default="mixed",
            choices=(
                Choice("distracted", _("Distracted (phones, whispering, looking away)")),
                Choice("mixed", _("Mixed (most listen, some look away)")),
                Choice("attentive", _("Attentive (everyone looks at the speaker)")),
            ),
            intensifies="order",
            help=_(
                "Ordered by what most people with social anxiety fear most: being "
                "looked at by everyone. Some patients find an inattentive audience "
                "harder (it reads as rejection); for them, work the other way along "
                "this scale."
            ),
        ),
        ParamSpec(
            name="attitude",
            kind=ParamKind.CHOICE,
            label=_("Audience attitude"),
            default="neutral",
            choices=(
                Choice("warm", _("Warm (smiles, nods)")),
                Choice("neutral", _("Neutral")),
                Choice("cold", _("Cold (frowns, crossed arms, yawns, checking the time)")),
            ),
            intensifies="order",
        ),
        ParamSpec(
            name="spotlight",
            kind=ParamKind.FLOAT,
            label=_("Spotlight on the speaker"),
            default=0.0,
            minimum=0.0,
            maximum=1.0,
            step=0.05,
            intensifies="higher",
            help=_(
                "0: the room's ordinary light; 1: the room dimmed and a stage light "
                "on the patient, the audience in half-light."
            ),
        ),
        ParamSpec(
            name="camera",
            kind=ParamKind.BOOL,
            label=_("Video camera filming"),
            default=False,
            intensifies="higher",
            help=_("A camera on a tripod in the aisle, its red light on: the talk is recorded."),
        ),
        ParamSpec(
            name="timer",
            kind=ParamKind.BOOL,
            label=_("Countdown visible"),
            default=False,
            intensifies="higher",
            help=_(
                "A countdown the speaker can see, on the lectern and on a clock at the "
                "back; it turns red in the last minute."
            ),
        ),
        ParamSpec(
            name="timer_minutes",
            kind=ParamKind.INT,
            label=_("Countdown length"),
            default=5,
            minimum=1,
            maximum=20,
            unit="min",
            step=1,
            intensifies="lower",
            help=_(
                "Time the countdown starts from when it is shown (less time, more "
                "pressure). At zero it stays at 0:00, flashing."
            ),
        ),
    ),
    events=(
        EventSpec(
            name="cough",
            label=_("Someone coughs"),
            help=_("A person in the audience coughs, a hand to the mouth."),
            duration_s=2.5,
        ),
        EventSpec(
            name="phone_rings",
            label=_("A phone rings"),
            help=_(
                "A ringtone from someone's phone in the audience; they take it out, "
                "look at it and silence it."
            ),
            duration_s=6.0,
        ),
        EventSpec(
            name="walk_out",
            label=_("Someone walks out"),
            help=_(
                "A person in the front row stands up, walks to the door and leaves, "
                "then comes back to their seat."
            ),
            duration_s=20.0,
        ),
        EventSpec(
            name="applause",
            label=_("Applause"),
            help=_("The audience claps."),
            duration_s=5.0,
        ),
        EventSpec(
            name="question",
            label=_("A question from the audience"),
            help=_(
                "Someone raises a hand, then asks a question aloud (in the patient's "
                "language); each firing asks the next of five questions."
            ),
            duration_s=9.0,
        ),
        EventSpec(
            name="laughter",
            label=_("Laughter"),
            help=_(
                "Part of the audience laughs at something the patient did not see; nobody explains."
            ),
            duration_s=4.0,
        ),
    ),
)
