"""SSQ and IPQ scoring against hand-computed examples."""

from __future__ import annotations

import pytest

from palier.protocols.questionnaires import (
    IPQ,
    IPQ_REVERSED,
    SSQ,
    SSQ_FRENCH_CANADIAN_FACTORS,
    SSQ_SUBSCALES,
    QuestionnaireError,
    score,
    score_ipq,
    score_ssq,
)


def ssq(**rated: int) -> dict[str, int]:
    answers = dict.fromkeys(SSQ.item_ids, 0)
    answers.update(rated)
    return answers


def test_ssq_structure() -> None:
    assert len(SSQ.items) == 16
    assert SSQ.phases == ("pre", "post")
    for item in SSQ.items:
        assert item.text.get("en") and item.text.get("fr")
    # General discomfort, difficulty focusing/concentrating, nausea and blurred
    # vision count in two subscales (Kennedy et al. 1993).
    counts = {n: sum(n in items for items in SSQ_SUBSCALES.values()) for n in range(1, 17)}
    assert sorted(n for n, c in counts.items() if c == 2) == [1, 5, 8, 9, 11]
    assert all(c >= 1 for c in counts.values())


def test_ssq_zero_one_and_max() -> None:
    zero = score_ssq(ssq())
    assert dict(zero.scores) == {"nausea": 0, "oculomotor": 0, "disorientation": 0, "total": 0}
    assert zero.warning is None
    ones = score_ssq([1] * 16)
    # raw sums 7, 7, 7: 7 x 9.54, 7 x 7.58, 7 x 13.92, 21 x 3.74
    assert dict(ones.scores) == {
        "nausea": 66.78,
        "oculomotor": 53.06,
        "disorientation": 97.44,
        "total": 78.54,
    }
    top = score_ssq([3] * 16)
    assert dict(top.scores) == {
        "nausea": 200.34,
        "oculomotor": 159.18,
        "disorientation": 292.32,
        "total": 235.62,
    }


def test_ssq_hand_computed_example() -> None:
    # General discomfort 1, nausea 2, blurred vision 1, dizzy (eyes open) 3.
    # N: items 1 + 8 = 1 + 2 = 3 -> 28.62; O: items 1 + 11 = 2 -> 15.16;
    # D: items 8 + 11 + 12 = 2 + 1 + 3 = 6 -> 83.52; total (3 + 2 + 6) x 3.74 = 41.14.
    r = score_ssq(ssq(general_discomfort=1, nausea=2, blurred_vision=1, dizzy_eyes_open=3))
    assert dict(r.scores) == {
        "nausea": 28.62,
        "oculomotor": 15.16,
        "disorientation": 83.52,
        "total": 41.14,
    }
    assert r.warning is not None
    assert "41.14" in r.warning.get("en") and "Cybermalaise possible" in r.warning.get("fr")
    assert r.record_scores()["warning"] == r.warning.to_dict()
    assert score_ssq(r.answers, threshold=50).warning is None
    assert "before the session" in score_ssq(r.answers, phase="pre").warning.get("en")  # type: ignore[union-attr]


def test_ssq_threshold_is_strictly_above() -> None:
    # fatigue 1 + headache 1 + eyestrain 1 -> O raw 3; total 3 x 3.74 = 11.22
    r = score_ssq(ssq(fatigue=1, headache=1, eyestrain=1))
    assert r.scores["total"] == 11.22
    assert score_ssq(r.answers, threshold=11.22).warning is None
    assert score_ssq(r.answers, threshold=11.21).warning is not None
    lines = score_ssq(r.answers, threshold=5).lines("fr")
    assert lines[0].startswith("SSQ (après)\u00a0: nausée 0, oculomoteur 22.74")
    assert lines[1].startswith("⚠ Cybermalaise possible")


def test_ssq_footnotes_are_the_published_forms() -> None:
    notes = {i.id: i.footnote.get("en") for i in SSQ.items if i.footnote is not None}
    assert set(notes) == {"vertigo", "stomach_awareness"}
    assert "loss of orientation with respect to vertical upright" in notes["vertigo"]
    assert "just short of nausea" in notes["stomach_awareness"]
    for item in SSQ.items:
        if item.footnote is not None:
            assert item.footnote.get("fr") != item.footnote.get("en")


def test_ssq_french_canadian_scoring_two_unweighted_factors() -> None:
    assert SSQ_FRENCH_CANADIAN_FACTORS == {
        "nausea": (1, 6, 7, 8, 12, 13, 14, 15, 16),
        "oculomotor": (2, 3, 4, 5, 9, 10, 11),
    }
    # Every item in exactly one factor.
    both = sorted(n for items in SSQ_FRENCH_CANADIAN_FACTORS.values() for n in items)
    assert both == list(range(1, 17))
    # General discomfort 1 (N), nausea 2 (N), blurred vision 1 (O), dizzy eyes open 3 (N).
    r = score_ssq(
        ssq(general_discomfort=1, nausea=2, blurred_vision=1, dizzy_eyes_open=3),
        scoring="bouchard",
    )
    assert dict(r.scores) == {"nausea": 6, "oculomotor": 1, "total": 7}
    assert r.record_scores()["scoring"] == "bouchard"
    assert "Bouchard" in r.lines("fr")[0] and "non pondérés" in r.lines("fr")[0]
    assert "Kennedy" in score_ssq(r.answers).lines("en")[0]
    with pytest.raises(QuestionnaireError, match="scoring must be one of"):
        score_ssq(r.answers, scoring="weighted")


def test_ssq_warning_is_on_the_change_from_before_and_names_anxiety_items() -> None:
    six_slight = ssq(
        fatigue=1, headache=1, eyestrain=1, sweating=1, general_discomfort=1, burping=1
    )
    # Six "slight" answers give a total above 20 on their own ...
    assert score_ssq(six_slight).scores["total"] > 20
    # ... but the same answers before and after raise no warning.
    assert score_ssq(six_slight, before=six_slight).warning is None
    # A rise above the threshold does, worded as possible cybersickness, and
    # names the risen items that also rise with anxiety (Bouchard et al. 2021).
    after = {**six_slight, "sweating": 3, "nausea": 2, "vertigo": 2, "blurred_vision": 2}
    r = score_ssq(after, before=six_slight)
    assert r.warning is not None
    en, fr = r.warning.get("en"), r.warning.get("fr")
    assert en.startswith("Possible cybersickness: the SSQ total rose by")
    assert "Sweating, Nausea, Vertigo" in en and "anxiety" in en
    assert "General discomfort" not in en  # it did not rise
    assert "Blurred vision" not in en  # it rose, but is not an anxiety item
    assert "anxiété" in fr and "Transpiration" in fr
    # A rise of only non-anxiety items names none.
    eyes = score_ssq(ssq(blurred_vision=3, eyestrain=3, headache=3, fatigue=3), before=ssq())
    assert eyes.warning is not None and "anxiety" not in eyes.warning.get("en")
    # Before the session: the patient arrives unwell (an absolute total).
    assert score_ssq(after, phase="pre").warning is not None


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"fatigue": 1}, "no answer for general_discomfort"),
        ({**ssq(), "fatigue": 4}, "fatigue must be a whole number from 0 to 3"),
        ({**ssq(), "fatigue": True}, "fatigue must be"),
        ({**ssq(), "fatigue": 1.5}, "fatigue must be"),
        ({**ssq(), "yawning": 1}, "unknown item(s) yawning"),
        ([0] * 15, "16 answers expected"),
    ],
)
def test_ssq_bad_answers(answers: object, message: str) -> None:
    with pytest.raises(QuestionnaireError, match=None) as exc:
        score_ssq(answers)  # type: ignore[arg-type]
    assert message in str(exc.value)


def test_ipq_structure() -> None:
    assert IPQ.item_ids == [
        "G1",
        "SP1",
        "SP2",
        "SP3",
        "SP4",
        "SP5",
        "INV1",
        "INV2",
        "INV3",
        "INV4",
        "REAL1",
        "REAL2",
        "REAL3",
        "REAL4",
    ]
    assert set(IPQ_REVERSED) == {"SP2", "INV3", "REAL1"}
    assert {i.id for i in IPQ.items if i.reversed} == set(IPQ_REVERSED)
    for item in IPQ.items:
        assert item.text.get("en") and item.text.get("fr") and item.anchors is not None
    assert (IPQ.scale_min, IPQ.scale_max) == (-3, 3)


def test_ipq_published_wording_midpoints_and_french_note() -> None:
    items = {i.id: i for i in IPQ.items}
    assert items["INV1"].text.get("en") == (
        "How aware were you of the real world surrounding while navigating in the "
        "virtual world? (i.e. sounds, room temperature, other people, etc.)?"
    )
    mids = {k: i.midpoint.get("en") for k, i in items.items() if i.midpoint is not None}
    assert mids == {"INV1": "moderately aware", "REAL2": "moderately consistent"}
    assert all(i.midpoint.get("fr") != i.midpoint.get("en") for i in IPQ.items if i.midpoint)
    assert IPQ.note is not None and "traduction" in IPQ.note.get("fr")


def test_ipq_midpoint_and_top() -> None:
    mid = score_ipq([0] * 14)
    assert dict(mid.scores) == {
        "general": 3.0,
        "spatial_presence": 3.0,
        "involvement": 3.0,
        "realness": 3.0,
    }
    top = score_ipq([3] * 14)
    # Reversed items answered +3 code 0: SP (6+0+6+6+6)/5, INV (6+6+0+6)/4, REAL (0+6+6+6)/4.
    assert dict(top.scores) == {
        "general": 6.0,
        "spatial_presence": 4.8,
        "involvement": 4.5,
        "realness": 4.5,
    }


def test_ipq_hand_computed_example() -> None:
    answers = {
        "G1": 2,
        "SP1": 1,
        "SP2": -2,
        "SP3": 0,
        "SP4": 3,
        "SP5": 2,
        "INV1": -1,
        "INV2": 0,
        "INV3": 1,
        "INV4": 2,
        "REAL1": -3,
        "REAL2": 1,
        "REAL3": -1,
        "REAL4": -2,
    }
    # Coded 0..6: G1 5; SP 4, 5 (rev), 3, 6, 5 -> 4.6; INV 2, 3, 2 (rev), 5 -> 3.0;
    # REAL 6 (rev), 4, 2, 1 -> 3.25.
    r = score("ipq", answers, phase="post")
    assert dict(r.scores) == {
        "general": 5.0,
        "spatial_presence": 4.6,
        "involvement": 3.0,
        "realness": 3.25,
    }
    assert r.warning is None and "warning" not in r.record_scores()
    assert r.lines("en") == [
        "IPQ (after): general presence 5, spatial presence 4.6, involvement 3, realness 3.25"
    ]
    with pytest.raises(QuestionnaireError, match="SP4 must be a whole number from -3 to 3"):
        score_ipq({**answers, "SP4": 4})
    with pytest.raises(QuestionnaireError, match="no questionnaire 'pq'"):
        score("pq", answers, phase="post")
