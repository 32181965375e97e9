"""Questionnaires built in, with their published scoring.

* **SSQ**, Simulator Sickness Questionnaire (Kennedy, Lane, Berbaum &
  Lilienthal 1993, Int J Aviat Psychol 3:203-220): 16 symptoms rated 0-3.
  Nausea, oculomotor and disorientation subscales sum their own items (some
  items count in two), weighted 9.54, 7.58 and 13.92; the total is the sum of
  the three raw sums times 3.74. Given before and after a session. A post-
  session total above a configurable threshold raises a cybersickness
  warning. The French item names are Palier's, modelled on the French-Canadian
  version by Bouchard, Robillard & Renaud (2007, "Questionnaire sur les
  cybermalaises") but not checked against it: use the validated form's wording
  for research.
* **IPQ**, igroup Presence Questionnaire (Schubert, Friedmann & Regenbrecht
  2001, Presence 10:266-281; items and scoring key from igroup.org): 14 items
  on a 7-point scale shown as -3..+3: G1 (general presence), SP1-SP5 (spatial
  presence), INV1-INV4 (involvement), REAL1-REAL4 (realness). SP2, INV3 and
  REAL1 are reversed (marked "(-)" in the igroup item list). Scored as igroup
  does: each item recoded 0..6 (reversed: 6 minus it), subscale = mean of its
  items, G1 on its own. The French wording is Palier's translation, not a
  validated French version.

Scores go into the session record's ``questionnaires`` table as a flat dict of
numbers, plus ``warning`` ({"en", "fr"}) when a warning applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from palier.scenes.api import Text


class QuestionnaireError(ValueError):
    """Answers that cannot be scored (says which items and why)."""


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    text: Text
    anchors: tuple[Text, Text] | None = None
    """Labels of the lowest and highest answer when they differ per item (IPQ)."""
    reversed: bool = False


@dataclass(frozen=True, slots=True)
class Result:
    questionnaire: str
    phase: str
    answers: Mapping[str, int]
    scores: Mapping[str, float]
    warning: Text | None = None

    def record_scores(self) -> dict[str, Any]:
        """What the session record stores in ``scores`` (JSON)."""
        out: dict[str, Any] = dict(self.scores)
        if self.warning is not None:
            out["warning"] = self.warning.to_dict()
        return out

    def lines(self, lang: str) -> list[str]:
        q = QUESTIONNAIRES[self.questionnaire]
        names = q.score_labels
        parts = ", ".join(f"{names[k].get(lang)} {v:g}" for k, v in self.scores.items())
        phase = {"pre": Text("before", "avant"), "post": Text("after", "après")}[self.phase]
        out = [
            f"{q.short.get(lang)} ({phase.get(lang)}) : {parts}"
            if lang == "fr"
            else f"{q.short.get(lang)} ({phase.get(lang)}): {parts}"
        ]
        if self.warning is not None:
            out.append("⚠ " + self.warning.get(lang))
        return out


@dataclass(frozen=True, slots=True)
class Questionnaire:
    id: str
    name: Text
    short: Text
    instructions: Text
    items: tuple[Item, ...]
    scale_min: int
    scale_max: int
    scale_labels: tuple[Text, ...] = ()
    """One label per answer value (SSQ); empty when items carry anchors (IPQ)."""
    phases: tuple[str, ...] = ("post",)
    reference: str = ""
    score_labels: Mapping[str, Text] = field(default_factory=dict)

    @property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]

    def validate(self, answers: Mapping[str, object] | Sequence[object]) -> dict[str, int]:
        """Answers keyed by item id (or a list in item order), as ints in range."""
        if not isinstance(answers, Mapping):
            if len(answers) != len(self.items):
                raise QuestionnaireError(
                    f"{self.id}: {len(self.items)} answers expected in item "
                    f"order, got {len(answers)}"
                )
            answers = dict(zip(self.item_ids, answers, strict=True))
        unknown = sorted(set(answers) - set(self.item_ids))
        missing = [i for i in self.item_ids if i not in answers]
        problems = []
        if unknown:
            problems.append("unknown item(s) " + ", ".join(unknown))
        if missing:
            problems.append("no answer for " + ", ".join(missing))
        out: dict[str, int] = {}
        for item_id in self.item_ids:
            if item_id not in answers:
                continue
            v = answers[item_id]
            if (
                isinstance(v, bool)
                or not isinstance(v, int)
                or not (self.scale_min <= v <= self.scale_max)
            ):
                problems.append(
                    f"{item_id} must be a whole number from {self.scale_min} to "
                    f"{self.scale_max}, got {v!r}"
                )
            else:
                out[item_id] = v
        if problems:
            raise QuestionnaireError(f"{self.id}: " + "; ".join(problems))
        return out


# -- SSQ ------------------------------------------------------------------------------------

SSQ_WEIGHTS = {"nausea": 9.54, "oculomotor": 7.58, "disorientation": 13.92}
SSQ_TOTAL_WEIGHT = 3.74
SSQ_SUBSCALES: dict[str, tuple[int, ...]] = {
    # 1-based item numbers (Kennedy et al. 1993, table 1)
    "nausea": (1, 6, 7, 8, 9, 15, 16),
    "oculomotor": (1, 2, 3, 4, 5, 9, 11),
    "disorientation": (5, 8, 10, 11, 12, 13, 14),
}
DEFAULT_SSQ_THRESHOLD = 20.0
"""Post-session SSQ total above which the console warns of cybersickness.
A convention, not a diagnostic cut-off: Kennedy's group rated simulators with
a mean total above 20 as "bad" (Stanney, Kennedy & Drexler 1997). Configurable."""

_SSQ_ITEMS = (
    ("general_discomfort", "General discomfort", "Inconfort général"),
    ("fatigue", "Fatigue", "Fatigue"),
    ("headache", "Headache", "Mal de tête"),
    ("eyestrain", "Eye strain", "Fatigue des yeux"),
    ("difficulty_focusing", "Difficulty focusing", "Difficulté à faire la mise au point"),
    ("salivation", "Increased salivation", "Augmentation de la salivation"),
    ("sweating", "Sweating", "Transpiration"),
    ("nausea", "Nausea", "Nausée"),
    ("difficulty_concentrating", "Difficulty concentrating", "Difficulté à se concentrer"),
    ("fullness_of_head", "Fullness of head", "Impression de lourdeur dans la tête"),
    ("blurred_vision", "Blurred vision", "Vision embrouillée"),
    ("dizzy_eyes_open", "Dizziness with eyes open", "Étourdissements les yeux ouverts"),
    ("dizzy_eyes_closed", "Dizziness with eyes closed", "Étourdissements les yeux fermés"),
    ("vertigo", "Vertigo", "Vertiges"),
    ("stomach_awareness", "Stomach awareness", "Conscience de l'estomac"),
    ("burping", "Burping", "Rots"),
)

SSQ = Questionnaire(
    id="ssq",
    name=Text(en="Simulator Sickness Questionnaire", fr="Questionnaire sur les cybermalaises"),
    short=Text(en="SSQ", fr="SSQ"),
    instructions=Text(
        en="Rate how much each symptom affects you right now.",
        fr="Indiquez à quel point chaque symptôme vous affecte en ce moment.",
    ),
    items=tuple(Item(i, Text(en=en, fr=fr)) for i, en, fr in _SSQ_ITEMS),
    scale_min=0,
    scale_max=3,
    scale_labels=(
        Text("None", "Pas du tout"),
        Text("Slight", "Un peu"),
        Text("Moderate", "Modérément"),
        Text("Severe", "Sévèrement"),
    ),
    phases=("pre", "post"),
    reference="Kennedy RS, Lane NE, Berbaum KS, Lilienthal MG (1993). Simulator Sickness "
    "Questionnaire: an enhanced method for quantifying simulator sickness. Int J "
    "Aviat Psychol 3(3):203-220.",
    score_labels={
        "nausea": Text("nausea", "nausée"),
        "oculomotor": Text("oculomotor", "oculomoteur"),
        "disorientation": Text("disorientation", "désorientation"),
        "total": Text("total", "total"),
    },
)


def score_ssq(
    answers: Mapping[str, object] | Sequence[object],
    *,
    phase: str = "post",
    threshold: float = DEFAULT_SSQ_THRESHOLD,
) -> Result:
    """Kennedy et al. (1993) scores; a warning when the total exceeds
    ``threshold`` after the session (or before it: the patient arrives unwell)."""
    if phase not in ("pre", "post"):
        raise QuestionnaireError(f"phase must be 'pre' or 'post', got {phase!r}")
    a = SSQ.validate(answers)
    values = [a[i] for i in SSQ.item_ids]
    raw = {name: sum(values[n - 1] for n in items) for name, items in SSQ_SUBSCALES.items()}
    scores = {name: round(raw[name] * w, 2) for name, w in SSQ_WEIGHTS.items()}
    scores["total"] = round(sum(raw.values()) * SSQ_TOTAL_WEIGHT, 2)
    warning = None
    if scores["total"] > threshold:
        if phase == "post":
            warning = Text(
                en=f"Cybersickness: SSQ total {scores['total']:g} after the session is above "
                f"{threshold:g}. Check on the patient before they leave; shorten or adapt "
                "the next session.",
                fr=f"Cybermalaise : total SSQ de {scores['total']:g} après la séance, au-dessus "
                f"de {threshold:g}. Vérifier l'état du patient avant son départ ; raccourcir "
                "ou adapter la prochaine séance.",
            )
        else:
            warning = Text(
                en=f"SSQ total {scores['total']:g} before the session is above {threshold:g}: "
                "the patient already has symptoms; consider a shorter session.",
                fr=f"Total SSQ de {scores['total']:g} avant la séance, au-dessus de "
                f"{threshold:g} : le patient a déjà des symptômes ; envisager une séance "
                "plus courte.",
            )
    return Result("ssq", phase, a, scores, warning)


# -- IPQ ---------------------------------------------------------------------------------------

IPQ_SUBSCALES: dict[str, tuple[str, ...]] = {
    "general": ("G1",),
    "spatial_presence": ("SP1", "SP2", "SP3", "SP4", "SP5"),
    "involvement": ("INV1", "INV2", "INV3", "INV4"),
    "realness": ("REAL1", "REAL2", "REAL3", "REAL4"),
}
IPQ_REVERSED = ("SP2", "INV3", "REAL1")

_FULLY = (
    Text("fully disagree", "pas du tout d'accord"),
    Text("fully agree", "tout à fait d'accord"),
)

IPQ = Questionnaire(
    id="ipq",
    name=Text(en="igroup Presence Questionnaire", fr="Questionnaire de présence igroup"),
    short=Text(en="IPQ", fr="IPQ"),
    instructions=Text(
        en="Think of the virtual environment you have just left. For each statement, choose "
        "the point between the two ends that fits your experience best.",
        fr="Pensez à l'environnement virtuel que vous venez de quitter. Pour chaque énoncé, "
        "choisissez le point entre les deux extrêmes qui correspond le mieux à votre "
        "expérience.",
    ),
    items=(
        Item(
            "G1",
            Text(
                en='In the computer-generated world I had a sense of "being there".',
                fr="Dans le monde généré par ordinateur, j'avais le sentiment d'« y être ».",
            ),
            (Text("not at all", "pas du tout"), Text("very much", "tout à fait")),
        ),
        Item(
            "SP1",
            Text(
                en="Somehow I felt that the virtual world surrounded me.",
                fr="D'une certaine façon, je sentais que le monde virtuel m'entourait.",
            ),
            _FULLY,
        ),
        Item(
            "SP2",
            Text(
                en="I felt like I was just perceiving pictures.",
                fr="J'avais l'impression de simplement regarder des images.",
            ),
            _FULLY,
            reversed=True,
        ),
        Item(
            "SP3",
            Text(
                en="I did not feel present in the virtual space.",
                fr="Je ne me sentais pas présent dans l'espace virtuel.",
            ),
            (
                Text("did not feel", "ne me sentais pas présent"),
                Text("felt present", "me sentais présent"),
            ),
        ),
        Item(
            "SP4",
            Text(
                en="I had a sense of acting in the virtual space, rather than "
                "operating something from outside.",
                fr="J'avais le sentiment d'agir dans l'espace virtuel plutôt que de "
                "manipuler quelque chose de l'extérieur.",
            ),
            _FULLY,
        ),
        Item(
            "SP5",
            Text(
                en="I felt present in the virtual space.",
                fr="Je me sentais présent dans l'espace virtuel.",
            ),
            _FULLY,
        ),
        Item(
            "INV1",
            Text(
                en="How aware were you of the real world surrounding while navigating "
                "in the virtual world (sounds, room temperature, other people)?",
                fr="Dans quelle mesure étiez-vous conscient du monde réel autour de "
                "vous pendant que vous étiez dans le monde virtuel (bruits, "
                "température de la pièce, autres personnes) ?",
            ),
            (
                Text("extremely aware", "extrêmement conscient"),
                Text("not aware at all", "pas du tout conscient"),
            ),
        ),
        Item(
            "INV2",
            Text(
                en="I was not aware of my real environment.",
                fr="Je n'étais pas conscient de mon environnement réel.",
            ),
            _FULLY,
        ),
        Item(
            "INV3",
            Text(
                en="I still paid attention to the real environment.",
                fr="Je prêtais encore attention à l'environnement réel.",
            ),
            _FULLY,
            reversed=True,
        ),
        Item(
            "INV4",
            Text(
                en="I was completely captivated by the virtual world.",
                fr="J'étais complètement captivé par le monde virtuel.",
            ),
            _FULLY,
        ),
        Item(
            "REAL1",
            Text(
                en="How real did the virtual world seem to you?",
                fr="À quel point le monde virtuel vous a-t-il semblé réel ?",
            ),
            (
                Text("completely real", "complètement réel"),
                Text("not real at all", "pas réel du tout"),
            ),
            reversed=True,
        ),
        Item(
            "REAL2",
            Text(
                en="How much did your experience in the virtual environment seem "
                "consistent with your real-world experience?",
                fr="Dans quelle mesure votre expérience dans l'environnement virtuel "
                "vous a-t-elle semblé cohérente avec votre expérience du monde "
                "réel ?",
            ),
            (Text("not consistent", "pas cohérente"), Text("very consistent", "très cohérente")),
        ),
        Item(
            "REAL3",
            Text(
                en="How real did the virtual world seem to you?",
                fr="À quel point le monde virtuel vous a-t-il semblé réel ?",
            ),
            (
                Text(
                    "about as real as an imagined world",
                    "à peu près aussi réel qu'un monde imaginé",
                ),
                Text(
                    "indistinguishable from the real world", "impossible à distinguer du monde réel"
                ),
            ),
        ),
        Item(
            "REAL4",
            Text(
                en="The virtual world seemed more realistic than the real world.",
                fr="Le monde virtuel semblait plus réaliste que le monde réel.",
            ),
            _FULLY,
        ),
    ),
    scale_min=-3,
    scale_max=3,
    phases=("post",),
    reference="Schubert T, Friedmann F, Regenbrecht H (2001). The experience of presence: factor "
    "analytic insights. Presence 10(3):266-281. Items and scoring key: igroup.org.",
    score_labels={
        "general": Text("general presence", "présence générale"),
        "spatial_presence": Text("spatial presence", "présence spatiale"),
        "involvement": Text("involvement", "implication"),
        "realness": Text("realness", "réalisme"),
    },
)


def score_ipq(answers: Mapping[str, object] | Sequence[object], *, phase: str = "post") -> Result:
    """Subscale means on igroup's 0..6 coding (answers given as -3..+3)."""
    a = IPQ.validate(answers)
    coded = {k: (3 - v) if k in IPQ_REVERSED else (v + 3) for k, v in a.items()}
    scores = {
        name: round(sum(coded[i] for i in items) / len(items), 2)
        for name, items in IPQ_SUBSCALES.items()
    }
    return Result("ipq", phase, a, scores)


QUESTIONNAIRES: dict[str, Questionnaire] = {"ssq": SSQ, "ipq": IPQ}


def score(
    name: str,
    answers: Mapping[str, object] | Sequence[object],
    *,
    phase: str,
    ssq_threshold: float = DEFAULT_SSQ_THRESHOLD,
) -> Result:
    """Score by questionnaire id (``"ssq"`` or ``"ipq"``)."""
    if name == "ssq":
        return score_ssq(answers, phase=phase, threshold=ssq_threshold)
    if name == "ipq":
        return score_ipq(answers, phase=phase)
    raise QuestionnaireError(f"no questionnaire {name!r}; built in: {', '.join(QUESTIONNAIRES)}")
