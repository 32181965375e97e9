"""The session page's clinical logging through its widgets, offscreen (issue
13): event options generated from the declaration and sent with the fire,
ERP urges and rituals in one click, PTSD hotspots stored with the event just
before them; then the record, the summary, the CSV export and the PDF."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QCheckBox

from palier.core import wire
from palier.core.i18n import typography
from palier.therapist_console.app import make_app
from palier.therapist_console.client import LinkState, LinkStatus
from palier.therapist_console.export import export_csv
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.report import write_report
from palier.therapist_console.session import ConsoleModel, Plan, PlanStep
from palier.therapist_console.summary import summarize
from palier.therapist_console.widgets.clinical_log import ErpPanel, HotspotPanel
from palier.therapist_console.widgets.scene_controls import NumberControl, SceneControls
from tests import touch_scene

from .conftest import ManualClock


class _Link:
    """Takes commands and leaves the answers to the test (``answer``)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def submit(self, cls: type[wire.Command], **fields: Any) -> Future[Any]:
        self.sent.append((cls.SUBJECT, fields))
        return Future()


def _plan(kind: str) -> Plan:
    return Plan(
        f"test.{kind}",
        (
            PlanStep(
                "tap", {"en": "Touch the tap", "fr": "Toucher le robinet"}, "touch_test", {}, 30
            ),
            PlanStep(
                "bin", {"en": "Touch the bin", "fr": "Toucher la poubelle"}, "touch_test", {}, 60
            ),
        ),
        kind=kind,
    )


@pytest.fixture
def model(tmp_path: Path, clock: ManualClock) -> Iterator[ConsoleModel]:
    make_app()
    with touch_scene.registered(), SessionRecord(tmp_path / "s.sqlite3") as rec:
        yield ConsoleModel(rec, clock=clock, language="en")


def _started(model: ConsoleModel, kind: str) -> _Link:
    model.patient_plan.create_patient("Erp-1")
    model.patient_plan.set_plan(_plan(kind))
    model.start_session()
    link = _Link()
    model.attach_link(link)  # type: ignore[arg-type]
    model.link.on_status(LinkStatus(LinkState("connected"), "test", 0.0))
    model.commands.go_to_step(0)
    return link


def _fired(model: ConsoleModel, clock: ManualClock) -> None:
    """The engine acknowledges the last command (a fire): a scene event."""
    sid = model.running.require_open().id
    cid = model.record.rows("commands", sid)[-1]["id"]
    model.commands.on_command_result(cid, ok=True, engine_frame=10, engine_t=None)
    clock.advance(1)


def test_event_options_are_generated_and_sent_with_the_fire(
    qtbot: Any, model: ConsoleModel, clock: ManualClock
) -> None:
    w = SceneControls(model.language, model.running, model.link, model.commands)
    qtbot.addWidget(w)
    link = _started(model, "erp")
    distance = w.option_controls[("cough", "distance_m")]
    loud = w.option_controls[("cough", "loud")]
    assert isinstance(distance, NumberControl) and isinstance(loud, QCheckBox)
    assert distance.spin.value() == pytest.approx(2.0) and distance.spin.suffix() == " m"
    distance.set_value(4.5)
    loud.click()
    assert link.sent[-1][0] == "cmd.load_scene"  # options are kept, not sent
    w.event_buttons["cough"].click()
    subject, fields = link.sent[-1]
    assert subject == "cmd.fire" and fields == {
        "event": "cough",
        "options": {"distance_m": 4.5, "loud": True},
    }
    _fired(model, clock)
    sid = model.running.require_open().id
    (event,) = [e for e in model.record.rows("events", sid) if e["kind"] == "scene_event"]
    assert '"distance_m": 4.5' in event["detail"]
    line = next(e for e in model.timeline.entries if e.name == "scene_event")
    decl = model.link.scene_declaration
    assert line.text("en", decl) == "scene event: Someone coughs (Distance 4.5 m, Loud on)"
    assert line.text("fr", decl) == typography(
        "événement de scène : Quelqu'un tousse (Distance 4,5 m, Fort activé)", "fr"
    )
    model.language.set("fr")  # rebuilt in French, the options kept
    distance = w.option_controls[("cough", "distance_m")]
    assert isinstance(distance, NumberControl) and distance.spin.value() == pytest.approx(4.5)


def test_erp_logging_in_one_click_reaches_the_record_summary_and_exports(
    qtbot: Any, model: ConsoleModel, clock: ManualClock, tmp_path: Path
) -> None:
    erp = ErpPanel(model.language, model.patient_plan, model.running, model.clinical)
    hot = HotspotPanel(
        model.language, model.patient_plan, model.running, model.clinical, model.ratings
    )
    qtbot.addWidget(erp)
    qtbot.addWidget(hot)
    _started(model, "erp")
    assert not erp.isHidden() and hot.isHidden()
    erp.urge_buttons[70].click()
    clock.advance(30)
    erp.ritual_buttons[("washing", True)].click()
    clock.advance(30)
    erp.urge_buttons[40].click()
    model.commands.go_to_step(1)
    clock.advance(30)
    erp.ritual_buttons[("avoidance", False)].click()
    erp.ritual_buttons[("reassurance", True)].click()
    erp.urge_buttons[20].click()
    sid = model.running.require_open().id
    rituals = model.record.rows("erp_rituals", sid)
    assert [(r["ritual"], r["kind"], r["resisted"]) for r in rituals] == [
        ("washing", "ritual", 1),
        ("avoidance", "safety_behaviour", 0),
        ("reassurance", "ritual", 1),
    ]
    assert [r["value"] for r in model.record.rows("erp_urges", sid)] == [70, 40, 20]
    lines = [e.text("fr") for e in model.timeline.entries if e.name in ("ritual", "urge")]
    assert typography("Résistance au rituel : lavage ou nettoyage", "fr") in lines
    assert typography("Rituel accompli : évitement", "fr") in lines
    assert erp.status.text() == "Urge 20 recorded."
    rebuilt = ConsoleModel(model.record, clock=clock)
    rebuilt.timeline.load(model.record, model.record.session(sid), model.record.steps(sid))
    again = [e.text("fr") for e in rebuilt.timeline.entries if e.name in ("ritual", "urge")]
    assert sorted(again) == sorted(lines)  # lines at one instant may come in another order

    summ = summarize(model.record, sid)
    assert summ.erp is not None
    assert [v for _, v in summ.erp.curve] == [70, 40, 20]
    assert [(s.step_key, s.urges, s.resisted, s.performed) for s in summ.erp.steps] == [
        ("tap", (70, 40), 1, 0),
        ("bin", (20,), 1, 1),
    ]
    text = "\n".join(summ.erp.lines("en"))
    assert "washing or cleaning: 1 resisted, 0 done" in text
    assert "Step 2 — Touch the bin: urge 20 (peak 20); 1 resisted, 1 done" in summ.erp_step_lines(
        "en"
    )
    files = export_csv(model.record, sid, tmp_path / "out")
    with next(f for f in files if f.name == "erp_rituals.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["ritual"] for r in rows] == ["washing", "avoidance", "reassurance"]


def test_a_hotspot_is_stored_with_the_event_just_before_it(
    qtbot: Any, model: ConsoleModel, clock: ManualClock, tmp_path: Path
) -> None:
    hot = HotspotPanel(
        model.language, model.patient_plan, model.running, model.clinical, model.ratings
    )
    qtbot.addWidget(hot)
    _started(model, "trauma_cues")
    assert not hot.isHidden()
    model.commands.fire("cough", {"distance_m": 1.0, "loud": True})
    _fired(model, clock)
    clock.advance(3)
    model.ratings.enter(75)
    assert hot.suds.value() == 75  # the last rating, ready to go with the hotspot
    qtbot.keyClicks(hot.note, "the screech")
    hot.mark_button.click()  # one click
    assert hot.note.text() == "" and hot.status.text() == "Hotspot marked."
    sid = model.running.require_open().id
    (row,) = model.record.rows("hotspots", sid)
    (cough,) = [e for e in model.record.rows("events", sid) if e["kind"] == "scene_event"]
    assert (row["suds"], row["note"], row["event_id"]) == (75, "the screech", cough["id"])
    line = next(e for e in model.timeline.entries if e.name == "hotspot")
    decl = model.link.scene_declaration
    assert line.text("en", decl) == (
        "hotspot, SUDS 75: the screech — last event before: Someone coughs, 4 s earlier"
    )
    assert typography("dernier événement avant : Quelqu'un tousse", "fr") in line.text("fr", decl)

    # A resumed session's timeline, rebuilt from the record, says the same.
    rebuilt = ConsoleModel(model.record, clock=clock)
    rebuilt.timeline.load(model.record, model.record.session(sid), model.record.steps(sid))
    again = next(e for e in rebuilt.timeline.entries if e.name == "hotspot")
    assert again.text("en", decl) == line.text("en", decl)

    summ = summarize(model.record, sid)
    (aligned,) = summ.hotspots
    assert aligned.cue is not None and aligned.cue.id == cough["id"]
    assert "4 s after 'Someone coughs'" in aligned.line("en", summ.session.started_at)
    files = export_csv(model.record, sid, tmp_path / "out")
    with next(f for f in files if f.name == "hotspots.csv").open(newline="") as f:
        (exported,) = list(csv.DictReader(f))
    assert (exported["event_kind"], exported["event_name"]) == ("scene_event", "cough")
    assert float(exported["event_before_s"]) == pytest.approx(4.0)

    pdfium = pytest.importorskip("pypdfium2")
    model.end_session()
    for lang, heading, cue in (
        ("en", "Hotspots", "after 'Someone coughs'"),
        ("fr", "Points chauds", "après « Quelqu'un tousse »"),
    ):
        pdf = write_report(model.record, sid, tmp_path / f"report-{lang}.pdf", lang=lang)
        doc = pdfium.PdfDocument(str(pdf))
        text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        text = " ".join(text.split())
        assert heading in text and cue in text and "the screech" in text
