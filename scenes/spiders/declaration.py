"""What the spiders scene offers the therapist (pure Python, no Panda3D)."""

from __future__ import annotations

from palier.scenes.api import Choice, EventSpec, ParamKind, ParamSpec, SceneDecl, Text

ACTIVITIES = ("still", "slow_walk", "fast_scuttle")
LOCATIONS = ("floor", "table", "hand")

DECLARATION = SceneDecl(
    id="spiders",
    name=Text(en="Spiders", fr="Araignées"),
    description=Text(
        en="House spiders in a quiet room: on the floor, on the table in front of the "
        "patient, or coming toward the patient's hand. Distance, size, number and "
        "movement are graded separately.",
        fr="Araignées domestiques dans une pièce calme : au sol, sur la table devant le "
        "patient ou s'approchant de sa main. Distance, taille, nombre et mouvement se "
        "règlent séparément.",
    ),
    conditions=("arachnophobia",),
    params=(
        ParamSpec(
            name="distance",
            kind=ParamKind.FLOAT,
            label=Text(en="Distance", fr="Distance"),
            default=2.0,
            minimum=0.15,
            maximum=3.0,
            unit="m",
            step=0.05,
            intensifies="lower",
            help=Text(
                en="From the nearest spider to the patient (floor: the feet; table: the "
                "table edge in front of the patient; hand: the right hand).",
                fr="De l'araignée la plus proche au patient (sol : les pieds ; table : le "
                "bord de la table devant le patient ; main : la main droite).",
            ),
        ),
        ParamSpec(
            name="size",
            kind=ParamKind.FLOAT,
            label=Text(en="Size (leg span)", fr="Taille (envergure des pattes)"),
            default=5.0,
            minimum=2.0,
            maximum=20.0,
            unit="cm",
            step=0.5,
            intensifies="higher",
            help=Text(
                en="Leg span of each spider; a large house spider spans about 7 cm.",
                fr="Envergure des pattes ; une grande tégénaire mesure environ 7 cm.",
            ),
        ),
        ParamSpec(
            name="count",
            kind=ParamKind.INT,
            label=Text(en="Number of spiders", fr="Nombre d'araignées"),
            default=1,
            minimum=1,
            maximum=10,
            step=1,
            intensifies="higher",
            help=Text(
                en="Extra spiders walk in from further away (or leave) during the ramp.",
                fr="Les araignées en plus arrivent de plus loin (ou repartent) pendant la "
                "transition.",
            ),
        ),
        ParamSpec(
            name="activity",
            kind=ParamKind.CHOICE,
            label=Text(en="Movement", fr="Mouvement"),
            default="still",
            choices=(
                Choice(
                    "still",
                    Text(en="Still (small twitches)", fr="Immobile (petits tressaillements)"),
                ),
                Choice("slow_walk", Text(en="Slow walk", fr="Marche lente")),
                Choice(
                    "fast_scuttle",
                    Text(en="Fast scuttle (sudden dashes)", fr="Course rapide (départs soudains)"),
                ),
            ),
            intensifies="order",
        ),
        ParamSpec(
            name="location",
            kind=ParamKind.CHOICE,
            label=Text(en="Location", fr="Emplacement"),
            default="floor",
            choices=(
                Choice("floor", Text(en="On the floor", fr="Au sol")),
                Choice(
                    "table",
                    Text(
                        en="On the table in front of the patient",
                        fr="Sur la table devant le patient",
                    ),
                ),
                Choice(
                    "hand",
                    Text(
                        en="Approaching the patient's hand", fr="S'approchant de la main du patient"
                    ),
                ),
            ),
            intensifies="order",
            help=Text(
                en="Spiders walk (and climb a table leg) to the new place during the ramp.",
                fr="Les araignées marchent (et grimpent au pied de la table) jusqu'au "
                "nouvel emplacement pendant la transition.",
            ),
        ),
    ),
    events=(
        EventSpec(
            name="run_toward",
            label=Text(
                en="Spider runs toward the patient", fr="Une araignée court vers le patient"
            ),
            help=Text(
                en="The nearest spider dashes toward the patient, stops close, then walks "
                "back to its place.",
                fr="L'araignée la plus proche fonce vers le patient, s'arrête tout près, "
                "puis retourne lentement à sa place.",
            ),
            duration_s=6.0,
        ),
        EventSpec(
            name="drop_from_above",
            label=Text(en="Spider drops from above", fr="Une araignée descend d'en haut"),
            help=Text(
                en="A spider lowers itself on a silk thread in front of the patient's face, "
                "dangles, then climbs back up.",
                fr="Une araignée descend au bout de son fil devant le visage du patient, "
                "se balance, puis remonte.",
            ),
            duration_s=8.0,
        ),
    ),
)
