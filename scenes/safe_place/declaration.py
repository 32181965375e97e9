"""What the safe place offers the therapist (pure Python, no Panda3D).

The safe place is where the engine goes when a session is paused; the pause
builds it with ``{"breathing_guide": True}``, so that name is fixed. It is
calm by design: "more intense" here means more stimulation (a brighter,
cooler light, more wind, louder sound, a faster breathing pace, a guide to
follow), never anything aversive.
"""

from __future__ import annotations

from palier.scenes.api import Choice, EventSpec, ParamKind, ParamSpec, SceneDecl, Text

LIGHTS = ("sunset", "afternoon", "morning")
"""Times of day, from the softest, dimmest light to the brightest."""

INHALE_FRACTION = 0.4
"""Share of each breath spent breathing in (4 s in, 6 s out at 6 a minute)."""

CHIME_S = 6.0

DECLARATION = SceneDecl(
    id="safe_place",
    name=Text(en="Safe place", fr="Lieu sûr"),
    description=Text(
        en="A quiet meadow in warm low sunlight: grass and wild flowers moving in a light "
        "breeze, trees and hills in the distance, soft wind and birdsong. An optional "
        "glowing orb in front of the patient paces slow breathing (grows while breathing "
        "in, shrinks while breathing out). Shown whenever the session is paused.",
        fr="Une prairie paisible sous une lumière chaude et basse : herbes et fleurs des "
        "champs bougeant dans une brise légère, arbres et collines au loin, vent doux et "
        "chants d'oiseaux. Une sphère lumineuse optionnelle devant le patient rythme une "
        "respiration lente (elle grossit à l'inspiration, diminue à l'expiration). "
        "Affichée chaque fois que la séance est en pause.",
    ),
    conditions=("relaxation",),
    params=(
        ParamSpec(
            name="breathing_guide",
            kind=ParamKind.BOOL,
            label=Text(en="Breathing guide", fr="Guide respiratoire"),
            default=True,
            intensifies="higher",
            help=Text(
                en="A soft glowing orb in front of the patient: breathe in while it grows, "
                "out while it shrinks.",
                fr="Une sphère lumineuse douce devant le patient : inspirer quand elle "
                "grossit, expirer quand elle diminue.",
            ),
        ),
        ParamSpec(
            name="breaths_per_minute",
            kind=ParamKind.FLOAT,
            label=Text(en="Breathing pace", fr="Rythme respiratoire"),
            default=6.0,
            minimum=4.0,
            maximum=10.0,
            unit="/min",
            step=0.5,
            intensifies="higher",
            help=Text(
                en="Breaths per minute paced by the guide; each breath is 40 % in, 60 % "
                "out (6 a minute: 4 s in, 6 s out).",
                fr="Respirations par minute rythmées par le guide ; chaque respiration est "
                "à 40 % inspiration, 60 % expiration (6 par minute : 4 s, puis 6 s).",
            ),
        ),
        ParamSpec(
            name="light",
            kind=ParamKind.CHOICE,
            label=Text(en="Time of day", fr="Moment de la journée"),
            default="afternoon",
            choices=(
                Choice("sunset", Text(en="Sunset", fr="Coucher du soleil")),
                Choice("afternoon", Text(en="Late afternoon", fr="Fin d'après-midi")),
                Choice("morning", Text(en="Morning", fr="Matin")),
            ),
            intensifies="order",
            help=Text(
                en="From the dimmest, warmest light (sunset) to the brightest (morning).",
                fr="De la lumière la plus douce et chaude (coucher du soleil) à la plus "
                "vive (matin).",
            ),
        ),
        ParamSpec(
            name="wind",
            kind=ParamKind.FLOAT,
            label=Text(en="Breeze", fr="Brise"),
            default=0.35,
            minimum=0.0,
            maximum=1.0,
            step=0.05,
            intensifies="higher",
            help=Text(
                en="0: still air; 1: a steady breeze (grass sways more, clouds drift "
                "faster, the wind is louder).",
                fr="0 : air immobile ; 1 : brise soutenue (l'herbe ondule davantage, les "
                "nuages passent plus vite, le vent s'entend plus).",
            ),
        ),
        ParamSpec(
            name="volume",
            kind=ParamKind.FLOAT,
            label=Text(en="Sound volume", fr="Volume sonore"),
            default=0.6,
            minimum=0.0,
            maximum=1.0,
            step=0.05,
            intensifies="higher",
            help=Text(
                en="Wind and birdsong (0: silent).", fr="Vent et chants d'oiseaux (0 : silence)."
            ),
        ),
    ),
    events=(
        EventSpec(
            name="chime",
            label=Text(en="Soft chime", fr="Carillon doux"),
            help=Text(
                en="A soft bell and a warm glow spreading from the guide: marks the end "
                "of a relaxation exercise.",
                fr="Une cloche douce et une lueur chaude qui s'étend depuis le guide : "
                "marque la fin d'un exercice de relaxation.",
            ),
            duration_s=CHIME_S,
        ),
    ),
)
