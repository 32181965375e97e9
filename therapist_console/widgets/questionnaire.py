"""A questionnaire (SSQ, IPQ from ``protocols.questionnaires``) as a dialog:
one row of radio buttons per item, scored by the protocols module."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from palier.core.i18n import SOURCE_LANGUAGE, _, colon
from palier.protocols.questionnaires import (
    PHASES,
    QUESTIONNAIRES,
    SSQ_SCORINGS,
    QuestionnaireError,
    Result,
    score,
)


class QuestionnaireDialog(QDialog):
    def __init__(self, name: str, phase: str, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.q = QUESTIONNAIRES[name]
        self.phase = phase
        self.lang = lang
        self.outcome: Result | None = None
        self.setWindowTitle(f"{self.q.name.get(lang)} ({PHASES[phase].get(lang)})")
        lay = QVBoxLayout(self)
        intro_text = self.q.instructions.get(lang)
        if self.q.note is not None and lang != SOURCE_LANGUAGE:
            intro_text += " " + self.q.note.get(lang)
        intro = QLabel(intro_text)
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.scoring: QComboBox | None = None
        if self.q.id == "ssq" and lang != SOURCE_LANGUAGE:
            # The French form has its own validated scoring (two unweighted factors).
            self.scoring = QComboBox()
            for key, scoring_name in SSQ_SCORINGS.items():
                self.scoring.addItem(scoring_name.get(lang), key)
            row = QHBoxLayout()
            row.addWidget(QLabel(_("Scoring", lang) + colon(lang).rstrip()))
            row.addWidget(self.scoring, 1)
            lay.addLayout(row)
        body = QWidget()
        grid = QGridLayout(body)
        values = list(range(self.q.scale_min, self.q.scale_max + 1))
        for c, v in enumerate(values):
            head = self.q.scale_labels[c].get(lang) if self.q.scale_labels else str(v)
            grid.addWidget(QLabel(f"<b>{head}</b>"), 0, c + 1)
        self.groups: dict[str, QButtonGroup] = {}
        footnotes: list[str] = []
        for r, item in enumerate(self.q.items, start=1):
            text = item.text.get(lang)
            if item.anchors:
                mid = f" … {item.midpoint.get(lang)}" if item.midpoint is not None else ""
                text += f"  ({item.anchors[0].get(lang)}{mid} … {item.anchors[1].get(lang)})"
            if item.footnote is not None:
                text += "*" * (len(footnotes) + 1)
                footnotes.append(item.footnote.get(lang))
            label = QLabel(text)
            label.setWordWrap(True)
            grid.addWidget(label, r, 0)
            group = QButtonGroup(self)
            for c, v in enumerate(values):
                b = QRadioButton()
                group.addButton(b, v - self.q.scale_min)
                grid.addWidget(b, r, c + 1)
            self.groups[item.id] = group
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        lay.addWidget(scroll, 1)
        if footnotes:
            notes = QLabel("\n".join("*" * (n + 1) + " " + t for n, t in enumerate(footnotes)))
            notes.setObjectName("muted")
            notes.setWordWrap(True)
            lay.addWidget(notes)
        self.error = QLabel()
        self.error.setStyleSheet("color: #a6504a;")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept_answers)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(720, 640)

    def answer(self, item_id: str, value: int) -> None:
        """Tick an answer (what a click does; tests use it)."""
        self.groups[item_id].button(value - self.q.scale_min).setChecked(True)

    def answers(self) -> dict[str, int]:
        out = {}
        for item_id, g in self.groups.items():
            if g.checkedId() >= 0:
                out[item_id] = g.checkedId() + self.q.scale_min
        return out

    def accept_answers(self) -> None:
        try:
            scoring = str(self.scoring.currentData()) if self.scoring is not None else ""
            self.outcome = score(self.q.id, self.answers(), phase=self.phase, scoring=scoring)
        except QuestionnaireError as exc:
            self.error.setText(
                _("Please answer every item ({detail}).", self.lang, detail=str(exc))
            )
            return
        self.accept()
