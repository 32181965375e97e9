"""Expectancy tests (inhibitory learning) through the model, the session page's
panel, the exports and the PDF: each test is violated or confirmed, never a
"violation" of 100 minus the prediction."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from palier.therapist_console.app import make_app
from palier.therapist_console.export import export_csv, export_json
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.report import write_report
from palier.therapist_console.session import ConsoleModel, Plan, PlanStep
from palier.therapist_console.widgets.expectancy import ExpectancyPanel

from .conftest import ManualClock

PLAN = Plan(
    protocol_id=None,
    steps=(
        PlanStep("table", {"en": "On the table", "fr": "Sur la table"}, "spiders", {}, 40),
        PlanStep("hand", {"en": "At the hand", "fr": "À la main"}, "spiders", {}, 70),
    ),
)


def two_tests(record: SessionRecord, clock: ManualClock) -> tuple[ConsoleModel, int]:
    """Step 1: "it will jump at me", 80 %, did not happen, 30 % after (violated).
    Step 2: "my hand will shake", 60 %, happened, 70 % after (confirmed)."""
    model = ConsoleModel(record, clock=clock)
    model.patient_plan.create_patient("Echo-5")
    model.patient_plan.set_plan(PLAN)
    info = model.start_session()
    kinds: list[str] = []
    model.progression.events.suggestion.connect(lambda s: kinds.append(s.kind))
    model.commands.go_to_step(0)
    first = model.progression.record_expectancy("it will jump at me", 80)
    clock.advance(300)
    model.progression.record_expectancy_outcome(
        first, observed_outcome="it stayed on the table", occurred=False, likelihood_after=30
    )
    clock.advance(30)
    model.commands.go_to_step(1)
    second = model.progression.record_expectancy("my hand will shake", 60)
    clock.advance(240)
    model.progression.record_expectancy_outcome(
        second, observed_outcome="it shook, and I kept it there", occurred=True, likelihood_after=70
    )
    assert kinds == ["inhibitory.vary", "inhibitory.review"]
    model.end_session()
    return model, info.id


def test_model_summary_and_exports_show_each_test(
    record: SessionRecord, clock: ManualClock, tmp_path: Path
) -> None:
    model, sid = two_tests(record, clock)
    summary = model.running.summary()
    violated, confirmed = summary.expectancies
    assert (violated.result, violated.violation, violated.belief_change) == ("violated", 80, 50)
    assert (confirmed.result, confirmed.violation, confirmed.belief_change) == (
        "confirmed",
        None,
        -10,
    )
    assert "Expectancy violated" in violated.line("en") and "belief down 50 points" in (
        violated.line("en")
    )
    assert "Attente confirmée" in confirmed.line("fr")
    assert "croyance en hausse de 10 points" in confirmed.line("fr")
    assert summary.to_dict()["expectancies"][1]["result"] == "confirmed"

    export_csv(record, sid, tmp_path)
    with (tmp_path / f"session-{sid}" / "expectancies.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["result"], r["violation"], r["belief_change"]) for r in rows] == [
        ("violated", "80", "50"),
        ("confirmed", "", "-10"),
    ]
    path = export_json(record, sid, tmp_path)
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    exported = data["streams"]["expectancies"]
    assert [e["result"] for e in exported] == ["violated", "confirmed"]
    assert [e["violation"] for e in exported] == [80, None]


@pytest.mark.parametrize(
    "lang,violated,confirmed",
    [
        ("en", "Expectancy violated", "Expectancy confirmed"),
        ("fr", "Attente infirmée", "Attente confirmée"),
    ],
)
def test_the_pdf_lists_each_test(
    record: SessionRecord,
    clock: ManualClock,
    tmp_path: Path,
    lang: str,
    violated: str,
    confirmed: str,
) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    _model, sid = two_tests(record, clock)
    pdf = write_report(record, sid, tmp_path / "r.pdf", lang=lang)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = " ".join(
            " ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc))
        )
    finally:
        doc.close()
    assert violated in text and confirmed in text
    assert "it will jump at me" in text and "my hand will shake" in text


def test_the_panel_records_before_and_after(
    qtbot: Any, record: SessionRecord, clock: ManualClock
) -> None:
    make_app()
    model = ConsoleModel(record, clock=clock)
    panel = ExpectancyPanel(model.language, model.running, model.progression)
    qtbot.addWidget(panel)
    model.patient_plan.create_patient("Echo-6")
    model.patient_plan.set_plan(PLAN)
    model.start_session()
    assert not panel.record_before.isEnabled()  # no step yet
    model.commands.go_to_step(0)
    assert panel.record_before.isEnabled() and panel.after.isHidden()

    panel.fear.setText("it will run up my arm")
    panel.record_before.click()  # no belief given: refused, said why
    assert "0 to 100" in panel.error.text() and not model.progression.expectancies
    panel.belief_before.setText("85")
    panel.record_before.click()
    assert panel.error.text() == "" and panel.before.isHidden() and not panel.after.isHidden()
    assert "it will run up my arm" in panel.pending.text()

    clock.advance(200)
    panel.observed.setText("it stayed on the table")
    panel.belief_after.setText("40")
    panel.record_after.click()  # happened or not: not said yet
    assert "happened" in panel.error.text()
    panel.not_happened.click()
    panel.record_after.click()
    [test] = model.progression.expectancies.values()
    assert (test.result, test.likelihood_after) == ("violated", 40)
    assert "Expectancy violated" in panel.tests.text() and panel.after.isHidden()
    assert model.progression.current is not None
    assert model.progression.current.kind == "inhibitory.vary"
    model.language.set("fr")
    assert panel.record_before.text() == "Enregistrer avant le palier"
    assert "Attente infirmée" in panel.tests.text()
