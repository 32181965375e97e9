"""A French console shows French only: no English words inside a French screen
(a cause given by an English exception, an untranslated label)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QWidget

from palier.therapist_console.app import MainWindow, make_app
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel

ENGLISH_ONLY = frozenset(
    {
        *("the", "and", "of", "is", "are", "with", "which", "this", "that", "here"),
        *("copy", "run", "trusted", "key", "keys", "no", "not", "step", "steps"),
        *("session", "sessions", "engine", "found", "choose", "first", "then"),
    }
)
"""Common English words that are not French words (a French screen has none)."""

_QUOTED = re.compile(r"`[^`]*`|--[\w-]+|\S*/\S*|\w+\.key\b")
"""Commands, options, paths and key file names: the same in every language."""


def english_words(text: str) -> set[str]:
    words = re.findall(r"[A-Za-z]+", _QUOTED.sub(" ", text))
    return {w for w in words if w.lower() in ENGLISH_ONLY}


def shown_texts(root: QWidget) -> list[str]:
    """Every text a widget under ``root`` shows or offers (labels, buttons,
    boxes' titles, combo entries)."""
    out: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append(w.text())
        elif isinstance(w, QGroupBox):
            out.append(w.title())
        elif isinstance(w, QComboBox):
            out.extend(w.itemText(i) for i in range(w.count()))
        if w.toolTip():
            out.append(w.toolTip())
    return [re.sub(r"<[^>]+>", " ", t) for t in out if t]


def test_the_detector_finds_the_mix_the_issue_reports() -> None:
    mixed = "Aucune clé de moteur de confiance : no engine key trusted in /home/x/keys/engines"
    assert english_words(mixed) == {"no", "engine", "key", "trusted"}
    assert not english_words("Appairer d'abord (`palier keys init`, puis `palier keys allow`).")


@pytest.fixture
def french_model(tmp_path: Path) -> Iterator[ConsoleModel]:
    make_app()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        yield ConsoleModel(rec, language="fr")


def test_a_fresh_french_console_shows_no_english(
    qtbot: Any, french_model: ConsoleModel, tmp_path: Path
) -> None:
    # A fresh console: no engine key trusted yet (the reported case).
    win = MainWindow(french_model, keys_dir=tmp_path / "keys", ask_questions=False)
    qtbot.addWidget(win)
    fingerprint = win.setup.fingerprint.text()
    assert fingerprint.startswith("Aucune clé de confiance du moteur")
    assert "engines" in fingerprint  # the folder is named, in a French sentence
    offenders = {t: english_words(t) for t in shown_texts(win) if english_words(t)}
    assert offenders == {}
    # Language changed back and forth: still French only.
    french_model.language.set("en")
    assert english_words(win.setup.fingerprint.text())
    french_model.language.set("fr")
    offenders = {t: english_words(t) for t in shown_texts(win) if english_words(t)}
    assert offenders == {}


SMALLEST_WINDOW = (1280, 720)
"""The smallest console window Palier supports (a 1280x720 laptop screen)."""


def clipped_hierarchy_rows(win: MainWindow) -> list[str]:
    """Rows of the hierarchy whose wrapped text is taller than the box Qt
    draws it in (the box less the style sheet's 6 px padding a side)."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

    lst = win.session_page.hierarchy.list
    out = []
    for i in range(lst.count()):
        item = lst.item(i)
        opt = QStyleOptionViewItem()
        lst.initViewItemOption(opt)
        delegate = lst.itemDelegate()
        assert isinstance(delegate, QStyledItemDelegate)
        delegate.initStyleOption(opt, lst.indexFromItem(item))
        opt.rect = lst.visualItemRect(item)
        box = lst.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, lst)
        need = (
            QFontMetrics(opt.font)
            .boundingRect(
                QRect(0, 0, box.width() - 12, 100000), int(Qt.TextFlag.TextWordWrap), item.text()
            )
            .height()
        )
        if need > box.height():
            out.append(item.text())
    return out


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_hierarchy_shows_every_step_whole_at_the_smallest_window(
    qtbot: Any, tmp_path: Path, lang: str
) -> None:
    from palier.protocols.files import protocol_by_id
    from palier.therapist_console.session import Plan

    make_app()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        model = ConsoleModel(rec, language=lang)
        win = MainWindow(model, keys_dir=tmp_path / "keys", ask_questions=False)
        qtbot.addWidget(win)
        win.resize(*SMALLEST_WINDOW)
        win.show()
        model.patient_plan.create_patient("P-1")
        model.patient_plan.set_plan(Plan.from_protocol(protocol_by_id("spiders-graded")))
        model.start_session()
        win.pages.setCurrentWidget(win.session_page)
        for current in (0, 3, 9):  # the current step is bold: wider
            model.commands.go_to_step(current)
            qtbot.wait(10)
            assert clipped_hierarchy_rows(win) == []
        model.end_session()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_step_marks_on_the_chart_do_not_overlap(qtbot: Any, tmp_path: Path, lang: str) -> None:
    from palier.protocols.files import protocol_by_id
    from palier.therapist_console.session import Plan

    make_app()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        model = ConsoleModel(rec, language=lang)
        win = MainWindow(model, keys_dir=tmp_path / "keys", ask_questions=False)
        qtbot.addWidget(win)
        win.resize(*SMALLEST_WINDOW)
        win.show()
        model.patient_plan.create_patient("P-1")
        model.patient_plan.set_plan(Plan.from_protocol(protocol_by_id("spiders-graded")))
        model.start_session()
        win.pages.setCurrentWidget(win.session_page)
        for step in range(5):  # steps moments apart: their marks fall on one spot
            model.commands.go_to_step(step)
        qtbot.wait(20)
        chart = win.session_page.chart
        labels = [m.label.sceneBoundingRect() for m in chart.marks]
        assert len(labels) >= 5
        for a in range(len(labels)):
            for b in range(a + 1, len(labels)):
                assert not labels[a].intersects(labels[b]), f"marks {a + 1} and {b + 1} overlap"
        model.end_session()
