"""The console's summary page shows what the PDF report shows: fall from
peak and time to a 50 % fall per step, explained, in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from palier.therapist_console.app import make_app
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel, Plan, PlanStep
from palier.therapist_console.widgets.summary_page import SummaryPage

from .conftest import ManualClock

PLAN = Plan(
    None,
    (
        PlanStep("a", {"en": "Far", "fr": "Loin"}, "spiders", {}, 20),
        PlanStep("b", {"en": "Near", "fr": "Près"}, "spiders", {}, 50),
        PlanStep("c", {"en": "Hand", "fr": "Main"}, "spiders", {}, 80),
    ),
)


@pytest.fixture
def model(tmp_path: Path) -> Iterator[ConsoleModel]:
    make_app()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        yield ConsoleModel(rec, language="en", clock=ManualClock())


def _headers(page: SummaryPage) -> list[str]:
    return [
        page.steps.horizontalHeaderItem(c).text()  # type: ignore[union-attr]
        for c in range(page.steps.columnCount())
    ]


def _row(page: SummaryPage, r: int) -> list[str]:
    return [
        page.steps.item(r, c).text()  # type: ignore[union-attr]
        for c in range(page.steps.columnCount())
    ]


def test_fall_from_peak_and_time_to_half(qtbot: Any, model: ConsoleModel) -> None:
    clock = model.clock
    assert isinstance(clock, ManualClock)
    page = SummaryPage(model.language, model.running)
    qtbot.addWidget(page)
    model.patient_plan.create_patient("Gamma-2")
    model.patient_plan.set_plan(PLAN)
    model.start_session()
    model.commands.go_to_step(0)
    for dt, v in ((60, 30), (60, 40), (60, 25), (60, 15)):  # peak 40 at 2:00, 15 at 4:00
        clock.advance(dt)
        model.ratings.enter(v)
    clock.advance(60)
    model.commands.go_to_step(2)
    for dt, v in ((30, 70), (90, 60)):  # never halves
        clock.advance(dt)
        model.ratings.enter(v)
    model.end_session()

    headers = _headers(page)
    assert headers == ["Step", "Duration", "Expected", "Peak", "End", "Fall", "To half", "Ratings"]
    assert _row(page, 0)[5:7] == ["25 (62%)", "2:00"]
    assert _row(page, 1)[5:7] == ["10 (14%)", "—"]
    half_tip = page.steps.horizontalHeaderItem(6).toolTip()  # type: ignore[union-attr]
    assert "half" in half_tip and "peak" in half_tip
    assert "To half" in page.legend.text() and "Fall" in page.legend.text()
    facts = page.facts.text()
    assert "highest step 3 of 3; 2 steps worked" in facts
    assert "1st session of this patient (ref. #" in facts

    model.language.set("fr")
    assert _headers(page)[5:7] == ["Baisse", "délai de réduction de moitié"]
    assert "moitié" in page.steps.horizontalHeaderItem(6).toolTip()  # type: ignore[union-attr]
    assert "délai de réduction de moitié" in page.legend.text()
    assert (
        "palier le plus élevé atteint\u00a0: 3/3\u00a0; 2 paliers travaillés" in page.facts.text()
    )
