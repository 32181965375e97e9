"""After the session: the summary (``therapist_console.summary``) and exports
(CSV, JSON, PDF report) written where the therapist chooses."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from palier.core.i18n import N_, _, ngettext
from palier.therapist_console.export import export_csv, export_json
from palier.therapist_console.report import write_report
from palier.therapist_console.session import Language, RunningSession
from palier.therapist_console.widgets.common import fmt_clock, panel

COLUMNS = {
    "step": N_("Step"),
    "time": N_("Duration"),
    "expected": N_("Expected"),
    "peak": N_("Peak"),
    "end": N_("End"),
    "fall": N_("Fall"),
    "half": N_("To half"),
    "ratings": N_("Ratings"),
}
"""The steps table's columns and their headings."""
"""The step table's columns (``summary.col.*`` keys), as in the PDF report."""


class SummaryPage(QWidget):
    def __init__(
        self, language: Language, running: RunningSession, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.running = running
        self.title = QLabel()
        frame, lay = panel(self.title)
        outer = QVBoxLayout(self)
        outer.addWidget(frame)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        lay.addWidget(self.facts)
        self.steps = QTableWidget(0, len(COLUMNS))
        self.steps.verticalHeader().hide()
        self.steps.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.steps, 1)
        self.legend = QLabel()
        """What the fall and time-to-half columns mean (also their header tooltips)."""
        self.legend.setWordWrap(True)
        self.legend.setObjectName("muted")
        lay.addWidget(self.legend)
        row = QHBoxLayout()
        self.csv = QPushButton()
        self.json = QPushButton()
        self.pdf = QPushButton()
        self.new = QPushButton()
        self.new.setObjectName("primary")
        for b, kind in ((self.csv, "csv"), (self.json, "json"), (self.pdf, "pdf")):
            b.setMinimumHeight(40)
            b.clicked.connect(lambda _c=False, k=kind: self._ask_and_export(k))
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.new)
        lay.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("muted")
        lay.addWidget(self.status)
        self.written: list[Path] = []
        language.changed.connect(lambda _l: self.refresh())
        running.events.session.connect(lambda _s: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        lang = self.language.value
        self.title.setText(_("Summary", lang))
        self.csv.setText(_("Export CSV", lang))
        self.json.setText(_("Export JSON", lang))
        self.pdf.setText(_("PDF report", lang))
        self.new.setText(_("New session", lang))
        explain = {
            "fall": _(
                "{fall}: peak minus end SUDS of the step (in brackets, as a share of the peak).",
                lang,
                fall=_("Fall", lang),
            ),
            "half": _(
                "{half}: time from the step's peak SUDS to the first rating at or "
                "below half that peak; — when the rating did not halve during the step.",
                lang,
                half=_("To half", lang),
            ),
        }
        for c, key in enumerate(COLUMNS):
            item = QTableWidgetItem(COLUMNS[key].get(lang))
            item.setToolTip(explain.get(key, ""))
            self.steps.setHorizontalHeaderItem(c, item)
        self.legend.setText(f"{explain['fall']}<br>{explain['half']}")
        s = self.running.info
        if s is None or s.status == "open":
            self.facts.clear()
            self.steps.setRowCount(0)
            return
        summ = self.running.summary()
        hr = (
            _(
                "{low:.0f}–{high:.0f} bpm (mean {mean:.0f})",
                lang,
                low=summ.heart_rate.low,
                high=summ.heart_rate.high,
                mean=summ.heart_rate.mean,
            )
            if summ.heart_rate
            else _("no data", lang)
        )
        if summ.heart_rate and summ.heart_rate.simulated:
            hr = f"{hr} — {_('SIMULATED', lang)}"
        lines = [
            f"<b>{_('Duration', lang)}</b>: {fmt_clock(summ.duration_s)}",
            f"<b>{_('Session', lang)}</b>: {summ.session_text(lang)}",
            f"<b>{_('Steps reached', lang)}</b>: {summ.steps_text(lang)}",
            f"<b>{_('SUDS ratings', lang)}</b>: {summ.suds_count}",
            f"<b>{_('Heart rate', lang)}</b>: {hr}",
            f"<b>{_('Safe place', lang)}</b>: {summ.safe_place_text(lang)}",
            f"<b>{_('Link losses', lang)}</b>: {summ.link_losses}",
        ]
        lines += summ.questionnaire_lines(lang)
        if summ.expectancies:
            # One line per expectancy test; the patient's words escaped (rich text).
            lines.append(f"<b>{_('Expectancies (inhibitory learning)', lang)}</b>:")
            lines += [f"• {html.escape(e.line(lang))}" for e in summ.expectancies]
        lines += [f"<span style='color:#a6504a'>⚠ {w}</span>" for w in summ.warning_texts(lang)]
        self.facts.setText("<br>".join(lines))
        self.steps.setRowCount(len(summ.steps))
        for r, st in enumerate(summ.steps):
            m = st.measures
            cells = [
                f"{st.step_index + 1}. {st.label_text(lang)}",
                fmt_clock(st.duration_s),
                _n(st.expected_suds),
                _n(m.peak if m else None),
                _n(m.end if m else None),
                "—" if m is None else f"{m.fall} ({m.fall_fraction:.0%})",
                "—" if m is None or m.time_to_half_fall is None else fmt_clock(m.time_to_half_fall),
                _n(m.ratings if m else 0),
            ]
            for c, cell in enumerate(cells):
                self.steps.setItem(r, c, QTableWidgetItem(cell))
        self.steps.resizeColumnsToContents()

    def _ask_and_export(self, kind: str) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Export to folder", self.language.value))
        if folder:
            self.export(kind, Path(folder))

    def export(self, kind: str, folder: Path) -> list[Path]:
        """Write the closed session's ``kind`` (csv, json, pdf) under ``folder``."""
        s = self.running.info
        lang = self.language.value
        if s is None:
            return []
        record = self.running.record
        try:
            if kind == "csv":
                paths = export_csv(record, s.id, folder)
            elif kind == "json":
                paths = [export_json(record, s.id, folder)]
            else:
                paths = [
                    write_report(record, s.id, folder / f"session-{s.id}-report.pdf", lang=lang)
                ]
        except (OSError, RuntimeError, ValueError) as exc:
            self.status.setText(_("Export failed: {error}", lang, error=str(exc)))
            return []
        self.written.extend(paths)
        self.status.setText(
            ngettext(
                "{n} file written: {where}",
                "{n} files written: {where}",
                len(paths),
                lang,
                where=str(paths[0].parent if len(paths) > 1 else paths[0]),
            )
        )
        return paths


def _n(v: object) -> str:
    return "—" if v is None else str(v)
