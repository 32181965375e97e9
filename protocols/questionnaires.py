"""Questionnaires built in, with their published scoring.

* **SSQ**, Simulator Sickness Questionnaire (Kennedy, Lane, Berbaum &
  Lilienthal 1993, Int J Aviat Psychol 3:203-220): 16 symptoms rated 0-3.
  Nausea, oculomotor and disorientation subscales sum their own items (some
  items count in two), weighted 9.54, 7.58 and 13.92; the total is the sum of
  the three raw sums times 3.74. Given before and after a session. The form's
  two footnotes (vertigo, stomach awareness) go with their items. The
  validated French-Canadian version (Bouchard, Robillard & Renaud 2007,
  "Questionnaire sur les cybermalaises") is scored with two unweighted
  factors, nausea (items 1, 6, 7, 8, 12-16) and oculomotor (2-5, 9-11):
  ``scoring="bouchard"`` offers it; the record says which scoring was used.
  The French item names are Palier's, modelled on that version but not
  checked against it: use the validated form's wording for research.
  Kennedy's "total above 20" is a benchmark for simulators across users, not a
  cut-off for one person, and several symptoms rise with anxiety alone
  (Bouchard et al. 2021, Front Psychiatry 12:739742): the post-session warning
  is on the *change* from the pre-session answers, worded as possible
  cybersickness, and names the items that rose which also rise with anxiety.
* **IPQ**, igroup Presence Questionnaire (Schubert, Friedmann & Regenbrecht
  2001, Presence 10:266-281; items and scoring key from igroup.org): 14 items
  on a 7-point scale shown as -3..+3: G1 (general presence), SP1-SP5 (spatial
  presence), INV1-INV4 (involvement), REAL1-REAL4 (realness). SP2, INV3 and
  REAL1 are reversed (marked "(-)" in the igroup item list). Scored as igroup
  does: each item recoded 0..6 (reversed: 6 minus it), subscale = mean of its
  items, G1 on its own. No validated French IPQ was found: the French wording
  is Palier's translation, and the questionnaire's instructions say so.

Scores go into the session record's ``questionnaires`` table as a flat dict of
numbers, plus ``warning`` ({"en", "fr"}) when a warning applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from palier.core.i18n import LANGUAGES, N_, Localized, Text, colon, lazy_pgettext

PHASES = {
    "pre": lazy_pgettext("questionnaire phase", "before"),
    "post": lazy_pgettext("questionnaire phase", "after"),
}
"""When a questionnaire is given, as its title says it."""


class QuestionnaireError(ValueError):
    """Answers that cannot be scored (says which items and why)."""


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    text: Localized
    anchors: tuple[Localized, Localized] | None = None
    """Labels of the lowest and highest answer when they differ per item (IPQ)."""
    reversed: bool = False
    midpoint: Localized | None = None
    """Label of the middle answer where the published form has one (IPQ INV1, REAL2)."""
    footnote: Localized | None = None
    """The published form's footnote on this item (SSQ vertigo, stomach awareness)."""


@dataclass(frozen=True, slots=True)
class Result:
    questionnaire: str
    phase: str
    answers: Mapping[str, int]
    scores: Mapping[str, float]
    warning: Localized | None = None
    scoring: str = ""
    """Which scoring gave ``scores`` (a key of :data:`SSQ_SCORINGS`; empty: the only one)."""

    def record_scores(self) -> dict[str, Any]:
        """What the session record stores in ``scores`` (JSON)."""
        out: dict[str, Any] = dict(self.scores)
        if self.scoring:
            out["scoring"] = self.scoring
        if self.warning is not None:
            out["warning"] = self.warning.to_dict()
        return out

    def lines(self, lang: str) -> list[str]:
        q = QUESTIONNAIRES[self.questionnaire]
        names = q.score_labels
        parts = ", ".join(f"{names[k].get(lang)} {v:g}" for k, v in self.scores.items())
        phase = PHASES[self.phase]
        out = [f"{q.short.get(lang)} ({phase.get(lang)}){colon(lang)}{parts}"]
        if self.scoring in SSQ_SCORINGS:
            out[0] += f" ({SSQ_SCORINGS[self.scoring].get(lang)})"
        if self.warning is not None:
            out.append("⚠ " + self.warning.get(lang))
        return out


@dataclass(frozen=True, slots=True)
class Questionnaire:
    id: str
    name: Localized
    short: Localized
    instructions: Localized
    items: tuple[Item, ...]
    scale_min: int
    scale_max: int
    scale_labels: tuple[Localized, ...] = ()
    """One label per answer value (SSQ); empty when items carry anchors (IPQ)."""
    note: Localized | None = None
    """Shown with the instructions (the IPQ's French is a translation)."""
    phases: tuple[str, ...] = ("post",)
    reference: str = ""
    score_labels: Mapping[str, Localized] = field(default_factory=dict)

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
SSQ_FRENCH_CANADIAN_FACTORS: dict[str, tuple[int, ...]] = {
    # Bouchard, Robillard & Renaud (2007): two factors, raw sums, no weights.
    "nausea": (1, 6, 7, 8, 12, 13, 14, 15, 16),
    "oculomotor": (2, 3, 4, 5, 9, 10, 11),
}
SSQ_SCORINGS = {
    "kennedy": N_("Kennedy et al. 1993 scoring, weighted"),
    "bouchard": N_("French-Canadian scoring, two unweighted factors (Bouchard et al. 2007)"),
}
"""The SSQ scorings offered, as a report names them."""

DEFAULT_SSQ_THRESHOLD = 20.0
"""Rise of the SSQ total (Kennedy scoring) from the pre-session answers above
which the console says cybersickness is possible. A convention, not a
diagnostic cut-off: Kennedy's group rated *simulators* with a mean total
above 20 across users as "bad" (Stanney, Kennedy & Drexler 1997), which says
nothing of one person; six "slight" answers already give 22.4. Configurable.
For the French-Canadian scoring the same threshold applies to the rise of
the raw sum of the 16 items."""

SSQ_ANXIETY_ITEMS = (
    "general_discomfort",
    "difficulty_concentrating",
    "sweating",
    "nausea",
    "vertigo",
)
"""Items that rise with anxiety alone, without cybersickness (Bouchard et al.
2021, Front Psychiatry 12:739742): a rise after an exposure may be anxiety."""

_SSQ_ITEMS = (
    ("general_discomfort", N_("General discomfort")),
    ("fatigue", N_("Fatigue")),
    ("headache", N_("Headache")),
    ("eyestrain", N_("Eye strain")),
    ("difficulty_focusing", N_("Difficulty focusing")),
    ("salivation", N_("Increased salivation")),
    ("sweating", N_("Sweating")),
    ("nausea", N_("Nausea")),
    ("difficulty_concentrating", N_("Difficulty concentrating")),
    ("fullness_of_head", N_("Fullness of head")),
    ("blurred_vision", N_("Blurred vision")),
    ("dizzy_eyes_open", N_("Dizziness with eyes open")),
    ("dizzy_eyes_closed", N_("Dizziness with eyes closed")),
    ("vertigo", N_("Vertigo")),
    ("stomach_awareness", N_("Stomach awareness")),
    ("burping", N_("Burping")),
)
_SSQ_FOOTNOTES = {
    # The two footnotes of the published form (Kennedy et al. 1993).
    "vertigo": N_(
        "Vertigo is experienced as loss of orientation with respect to vertical upright."
    ),
    "stomach_awareness": N_(
        "Stomach awareness is usually used to indicate a feeling of discomfort which is "
        "just short of nausea."
    ),
}

SSQ = Questionnaire(
    id="ssq",
    name=N_("Simulator Sickness Questionnaire"),
    short=N_("SSQ"),
    instructions=N_("Rate how much each symptom affects you right now."),
    items=tuple(Item(i, text, footnote=_SSQ_FOOTNOTES.get(i)) for i, text in _SSQ_ITEMS),
    scale_min=0,
    scale_max=3,
    scale_labels=(
        lazy_pgettext("SSQ answer", "None"),
        lazy_pgettext("SSQ answer", "Slight"),
        lazy_pgettext("SSQ answer", "Moderate"),
        lazy_pgettext("SSQ answer", "Severe"),
    ),
    phases=("pre", "post"),
    reference="Kennedy RS, Lane NE, Berbaum KS, Lilienthal MG (1993). Simulator Sickness "
    "Questionnaire: an enhanced method for quantifying simulator sickness. Int J "
    "Aviat Psychol 3(3):203-220.",
    score_labels={
        "nausea": N_("nausea"),
        "oculomotor": N_("oculomotor"),
        "disorientation": N_("disorientation"),
        "total": N_("total"),
    },
)


def score_ssq(
    answers: Mapping[str, object] | Sequence[object],
    *,
    phase: str = "post",
    threshold: float = DEFAULT_SSQ_THRESHOLD,
    scoring: str = "kennedy",
    before: Mapping[str, object] | Sequence[object] | None = None,
) -> Result:
    """SSQ scores by ``scoring`` ("kennedy": Kennedy et al. 1993, weighted;
    "bouchard": the French-Canadian two unweighted factors).

    After the session, a warning of possible cybersickness when the total rose
    by more than ``threshold`` from ``before`` (the pre-session answers; none:
    counted from no symptoms), naming the risen items that also rise with
    anxiety. Before the session, a warning when the total is already above
    ``threshold`` (the patient arrives unwell)."""
    if phase not in ("pre", "post"):
        raise QuestionnaireError(f"phase must be 'pre' or 'post', got {phase!r}")
    if scoring not in SSQ_SCORINGS:
        raise QuestionnaireError(
            f"SSQ scoring must be one of {', '.join(SSQ_SCORINGS)}, got {scoring!r}"
        )
    a = SSQ.validate(answers)
    scores = _ssq_scores(a, scoring)
    warning: Localized | None = None
    if phase == "post":
        base = SSQ.validate(before) if before is not None else dict.fromkeys(SSQ.item_ids, 0)
        rise = round(scores["total"] - _ssq_scores(base, scoring)["total"], 2)
        if rise > threshold:
            warning = _ssq_rise_warning(a, base, rise, threshold, compared=before is not None)
    elif scores["total"] > threshold:
        warning = N_(
            "SSQ total {total:g} before the session is above {threshold:g}: "
            "the patient already has symptoms; consider a shorter session.",
            total=scores["total"],
            threshold=threshold,
        )
    return Result("ssq", phase, a, scores, warning, scoring)


def _ssq_scores(a: Mapping[str, int], scoring: str) -> dict[str, float]:
    values = [a[i] for i in SSQ.item_ids]
    if scoring == "bouchard":
        out: dict[str, float] = {
            name: float(sum(values[n - 1] for n in items))
            for name, items in SSQ_FRENCH_CANADIAN_FACTORS.items()
        }
        out["total"] = float(sum(values))
        return out
    raw = {name: sum(values[n - 1] for n in items) for name, items in SSQ_SUBSCALES.items()}
    out = {name: round(raw[name] * w, 2) for name, w in SSQ_WEIGHTS.items()}
    out["total"] = round(sum(raw.values()) * SSQ_TOTAL_WEIGHT, 2)
    return out


def _ssq_rise_warning(
    after: Mapping[str, int],
    before: Mapping[str, int],
    rise: float,
    threshold: float,
    *,
    compared: bool,
) -> Localized:
    names = dict(_SSQ_ITEMS)
    risen = [i for i in SSQ_ANXIETY_ITEMS if after[i] > before[i]]
    anxious = _joined(", ", [names[i] for i in risen]) if risen else None
    if compared:
        head = N_(
            "Possible cybersickness: the SSQ total rose by {rise:g} since before the "
            "session (above {threshold:g}).",
            rise=rise,
            threshold=threshold,
        )
    else:
        head = N_(
            "Possible cybersickness: SSQ total {rise:g} after the session (above "
            "{threshold:g}; no SSQ before the session to compare with).",
            rise=rise,
            threshold=threshold,
        )
    parts: list[Localized] = [head]
    if anxious is not None:
        parts.append(
            N_(
                "Of the symptoms that rose, these also rise with anxiety alone: {items}; "
                "ask the patient before calling it cybersickness.",
                items=anxious,
            )
        )
    parts.append(N_("Check on the patient before they leave; adapt the next session if needed."))
    return _joined(" ", parts)


def _joined(sep: str, parts: Sequence[Localized]) -> Text:
    """Several messages as one text, in every language Palier ships."""
    return Text.from_dict({lang: sep.join(p.get(lang) for p in parts) for lang in LANGUAGES})


# -- IPQ ---------------------------------------------------------------------------------------

IPQ_SUBSCALES: dict[str, tuple[str, ...]] = {
    "general": ("G1",),
    "spatial_presence": ("SP1", "SP2", "SP3", "SP4", "SP5"),
    "involvement": ("INV1", "INV2", "INV3", "INV4"),
    "realness": ("REAL1", "REAL2", "REAL3", "REAL4"),
}
IPQ_REVERSED = ("SP2", "INV3", "REAL1")

_FULLY = (
    N_("fully disagree"),
    N_("fully agree"),
)

IPQ = Questionnaire(
    id="ipq",
    name=N_("igroup Presence Questionnaire"),
    short=N_("IPQ"),
    instructions=N_(
        "Think of the virtual environment you have just left. For each "
        "statement, choose the point between the two ends that fits your "
        "experience best."
    ),
    note=N_(
        "No validated French version of the IPQ was found: the French text is "
        "Palier's own translation."
    ),
    items=(
        Item(
            "G1",
            N_('In the computer-generated world I had a sense of "being there".'),
            (N_("not at all"), N_("very much")),
        ),
        Item(
            "SP1",
            N_("Somehow I felt that the virtual world surrounded me."),
            _FULLY,
        ),
        Item(
            "SP2",
            N_("I felt like I was just perceiving pictures."),
            _FULLY,
            reversed=True,
        ),
        Item(
            "SP3",
            N_("I did not feel present in the virtual space."),
            (
                N_("did not feel"),
                N_("felt present"),
            ),
        ),
        Item(
            "SP4",
            N_(
                "I had a sense of acting in the virtual space, rather than operating "
                "something from outside."
            ),
            _FULLY,
        ),
        Item(
            "SP5",
            N_("I felt present in the virtual space."),
            _FULLY,
        ),
        Item(
            "INV1",
            N_(
                "How aware were you of the real world surrounding while navigating in "
                "the virtual world? (i.e. sounds, room temperature, other people, etc.)?"
            ),
            (
                N_("extremely aware"),
                N_("not aware at all"),
            ),
            midpoint=N_("moderately aware"),
        ),
        Item(
            "INV2",
            N_("I was not aware of my real environment."),
            _FULLY,
        ),
        Item(
            "INV3",
            N_("I still paid attention to the real environment."),
            _FULLY,
            reversed=True,
        ),
        Item(
            "INV4",
            N_("I was completely captivated by the virtual world."),
            _FULLY,
        ),
        Item(
            "REAL1",
            N_("How real did the virtual world seem to you?"),
            (
                N_("completely real"),
                N_("not real at all"),
            ),
            reversed=True,
        ),
        Item(
            "REAL2",
            N_(
                "How much did your experience in the virtual environment seem "
                "consistent with your real-world experience?"
            ),
            (N_("not consistent"), N_("very consistent")),
            midpoint=N_("moderately consistent"),
        ),
        Item(
            "REAL3",
            N_("How real did the virtual world seem to you?"),
            (
                N_("about as real as an imagined world"),
                N_("indistinguishable from the real world"),
            ),
        ),
        Item(
            "REAL4",
            N_("The virtual world seemed more realistic than the real world."),
            _FULLY,
        ),
    ),
    scale_min=-3,
    scale_max=3,
    phases=("post",),
    reference="Schubert T, Friedmann F, Regenbrecht H (2001). The experience of presence: factor "
    "analytic insights. Presence 10(3):266-281. Items and scoring key: igroup.org.",
    score_labels={
        "general": N_("general presence"),
        "spatial_presence": N_("spatial presence"),
        "involvement": N_("involvement"),
        "realness": N_("realness"),
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
    scoring: str = "",
    before: Mapping[str, object] | Sequence[object] | None = None,
) -> Result:
    """Score by questionnaire id (``"ssq"`` or ``"ipq"``); ``scoring`` and
    ``before`` (the pre-session answers) are the SSQ's."""
    if name == "ssq":
        return score_ssq(
            answers,
            phase=phase,
            threshold=ssq_threshold,
            scoring=scoring or "kennedy",
            before=before,
        )
    if name == "ipq":
        return score_ipq(answers, phase=phase)
    raise QuestionnaireError(f"no questionnaire {name!r}; built in: {', '.join(QUESTIONNAIRES)}")
