"""The PDF session report, fit to file in a patient's chart.

Drawn with Qt's ``QPdfWriter`` and ``QPainter`` (PySide6 QtGui, no extra
dependency): A4 portrait, a header (pseudonym, date, protocol, language),
the summary, the SUDS and heart-rate chart (two axes, step bands labelled,
events, pauses and link losses marked), the per-step table, then notes,
events and questionnaires. English or French.

All geometry is in millimetres (the painter is scaled once), so the layout
does not depend on the writer's resolution.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from palier.core.files import private_folder, private_temp_path
from palier.core.i18n import (
    LANGUAGES,
    N_,
    _,
    colon,
    fmt_date_time,
    fmt_number,
    language_name,
    lazy_pgettext,
)
from palier.therapist_console.heart_rate import is_simulated
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.summary import SessionSummary, StepSummary, ordinal, summarize

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 16.0
RESOLUTION_DPI = 300
HEADING_H = 11.0
"""Height of a section heading (space above, text, rule, space below)."""
SUMMARY_CELLS_H = 23.5
"""The summary's two rows of figure cells."""

# Colours chosen to survive black-and-white printing: SUDS dark blue with
# markers, heart rate red-brown thin line, bands in light greys.
C_SUDS = "#1f3f8f"
C_HR = "#b3261e"
C_TEXT = "#1a1a1a"
C_MUTED = "#5f6368"
C_GRID = "#d5d8dc"
C_BAND = ("#f2f4f7", "#e6eaf0")
C_HR_RAW = "#efb8b4"
C_PAUSE = "#c9a227"
C_STOP = "#d0342c"
"""A patient's stop: its own colour on the chart (the therapist's pauses are C_PAUSE)."""
C_LINK = "#7a1fa2"
C_EVENT = "#2e7d32"
C_URGE = "#8a6d9c"
"""ERP urges (dashed, squares) and rituals performed; resisted ones are C_EVENT."""


class ReportError(RuntimeError):
    """The report could not be written."""


@dataclass(frozen=True, slots=True)
class Placed:
    """One block the layout put on a page (mm from the page top), in order."""

    kind: str
    """'heading', 'row' (a table row, list item, line or summary cell), 'chart'."""
    page: int
    top: float
    bottom: float
    text: str = ""


_app: Any = None


def ensure_qt_gui() -> None:
    """A Qt application must exist for fonts; create an offscreen one if needed.

    It is a ``QApplication`` (not just a ``QGuiApplication``): Qt allows one
    application object per process, and the console's widgets need the full
    one when the report is drawn first (tests, an export before the window)."""
    global _app
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        return
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    _app = QApplication(["palier"])


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows, read from the record once."""

    summary: SessionSummary
    suds: list[tuple[float, int, str]]
    """(minutes, value, source)"""
    heart_rate: list[tuple[float, float]]
    """(minutes, bpm)"""
    events: list[dict[str, Any]]
    notes: list[tuple[float, str, int | None]]
    """(minutes, text, step index)"""
    pauses: list[tuple[float, float | None, str]]
    """(start min, end min or None: never resumed, cause: ``patient_stop``,
    ``therapist`` or ``failsafe``), from ``summary.safe_place``"""
    link_losses: list[tuple[float, float | None]]
    questionnaires: list[dict[str, Any]]
    app_version: str
    hr_simulated: bool = False
    """Some heart rate was invented by the simulation: marked in the header
    and on the chart."""
    hr_gaps: tuple[float, ...] = ()
    """Minutes at which the heart-rate source stopped being connected: the
    curve is broken there."""
    urges: list[tuple[float, int]] = field(default_factory=list)
    """ERP: (minutes, urge 0-100)."""
    rituals: list[tuple[float, bool]] = field(default_factory=list)
    """ERP: (minutes, resisted)."""
    hotspots: list[float] = field(default_factory=list)
    """PTSD: minutes of each hotspot."""


def load_report_data(record: SessionRecord, session_id: int) -> ReportData:
    from palier import __version__

    summary = summarize(record, session_id)
    t0 = summary.session.started_at
    steps = {s.id: s.step_index for s in record.steps(session_id)}

    def m(t: float) -> float:
        return (t - t0) / 60.0

    events = [dict(e, minute=m(e["t"])) for e in record.rows("events", session_id)]
    pauses = [
        (p.start_s / 60.0, None if p.end_s is None else p.end_s / 60.0, p.cause)
        for p in summary.safe_place
    ]
    losses: list[tuple[float, float | None]] = []
    lost_at: float | None = None
    for le in record.rows("link_events", session_id):
        if le["kind"] == "lost" and lost_at is None:
            lost_at = m(le["t"])
        elif le["kind"] in ("up", "reconnected") and lost_at is not None:
            losses.append((lost_at, m(le["t"])))
            lost_at = None
    if lost_at is not None:
        losses.append((lost_at, None))
    hr_rows = record.rows("heart_rate", session_id)
    log = record.clinical_log()
    has_log = record.has_table("hotspots")
    return ReportData(
        urges=[(m(u.t), u.value) for u in log.urges(session_id)] if has_log else [],
        rituals=[(m(r.t), r.resisted) for r in log.rituals(session_id)] if has_log else [],
        hotspots=[m(h.t) for h in log.hotspots(session_id)] if has_log else [],
        summary=summary,
        suds=[(m(r.t), r.value, r.source) for r in record.suds(session_id)],
        heart_rate=[(m(r["t"]), r["bpm"]) for r in hr_rows],
        hr_simulated=any(is_simulated(r["source"]) for r in hr_rows),
        hr_gaps=tuple(
            m(r["t"]) for r in record.rows("sensor_states", session_id) if r["state"] != "connected"
        ),
        events=events,
        notes=[
            (m(n["t"]), n["text"], steps.get(n["step_id"]))
            for n in record.rows("notes", session_id)
        ],
        pauses=pauses,
        link_losses=losses,
        questionnaires=[
            dict(q, scores=json.loads(q["scores"]), minute=m(q["t"]))
            for q in record.rows("questionnaires", session_id)
        ],
        app_version=__version__,
    )


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else f"−{-n}" if n < 0 else "±0"


def rolling_mean(series: Sequence[tuple[float, float]], window: float) -> list[tuple[float, float]]:
    """Centred moving average of (x, y) points over ``window`` (same unit as x)."""
    out = []
    lo = hi = 0
    total = 0.0
    n = len(series)
    for x, _y in series:
        while hi < n and series[hi][0] <= x + window / 2:
            total += series[hi][1]
            hi += 1
        while series[lo][0] < x - window / 2:
            total -= series[lo][1]
            lo += 1
        out.append((x, total / (hi - lo)))
    return out


def fmt_duration(seconds: float) -> str:
    s = round(seconds)
    h, rem = divmod(s, 3600)
    mnt, sec = divmod(rem, 60)
    return f"{h}:{mnt:02d}:{sec:02d}" if h else f"{mnt}:{sec:02d}"


def fmt_minute(minute: float) -> str:
    return fmt_duration(minute * 60.0)


SESSION_STATUS = {
    "open": lazy_pgettext("session status", "open"),
    "closed": lazy_pgettext("session status", "closed"),
    "interrupted": lazy_pgettext("session status", "interrupted"),
}
_EVENT_TEXTS = {
    "scene_event": N_("scene event"),
    "patient_stop": N_("patient asked to stop"),
    "pause": N_("paused (safe place)"),
    "resume": N_("exposure resumed"),
    "failsafe": N_("failsafe triggered"),
}


def _fmt_date(t: float, lang: str) -> str:
    return fmt_date_time(dt.datetime.fromtimestamp(t), lang)


def _nice_step(span: float, target: int) -> float:
    raw = span / max(1, target)
    for unit in (0.5, 1, 2, 5, 10, 15, 20, 30, 60):
        if unit >= raw:
            return unit
    return 60.0


def write_report(
    record: SessionRecord,
    session_id: int,
    path: str | os.PathLike[str],
    *,
    lang: str | None = None,
) -> Path:
    """Write the PDF report of one session to ``path`` (created 0600)."""
    data = load_report_data(record, session_id)
    return render_report(data, Path(path), lang or data.summary.session.language)


def render_report(data: ReportData, path: Path, lang: str) -> Path:
    """Draw the report into a private temporary file beside ``path`` and
    rename it over ``path`` (0600, atomic, never through a symbolic link:
    ``palier.core.files``)."""
    private_folder(path.parent)
    with private_temp_path(path) as tmp:
        _draw_report(data, tmp, lang, shown=path)
        if tmp.stat().st_size == 0:
            raise ReportError(f"the PDF report {path} is empty")
    return path


def _draw_report(data: ReportData, path: Path, lang: str, *, shown: Path) -> None:
    ensure_qt_gui()
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    s = data.summary.session
    writer.setTitle(f"{_('Exposure session report', lang)} — {s.pseudonym} — {s.id}")
    writer.setCreator(f"Palier {data.app_version}")
    painter = QPainter()
    if not painter.begin(writer):
        raise ReportError(f"cannot write the PDF report to {shown}")
    try:
        px_per_mm = RESOLUTION_DPI / 25.4
        painter.scale(px_per_mm, px_per_mm)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        doc = _Doc(painter, writer, lang, data)
        doc.render()
    finally:
        painter.end()


class _Doc:
    """Flowing layout in mm with page breaks and a footer on every page."""

    def __init__(self, painter: Any, writer: Any, lang: str, data: ReportData) -> None:
        self.p = painter
        self.writer = writer
        self.lang = lang
        self.d = data
        self.y = MARGIN
        self.page = 1
        self.pages_total = 0  # filled on a dry run
        self.width = PAGE_W - 2 * MARGIN
        self.bottom = PAGE_H - MARGIN - 8.0
        self.placed: list[Placed] = []
        self.clipped: list[tuple[str, float, float]] = []
        """Texts that did not fit their box: (text, needed, box), mm (the layout test)."""
        """What went where (``report_layout`` returns it; tests check page breaks)."""
        self.step_at = {s.row_id: s.step_index for s in data.summary.steps}
        self.step_scene = {s.row_id: s.scene for s in data.summary.steps}

    # -- primitives ---------------------------------------------------------------------
    def font(self, size: float, bold: bool = False, italic: bool = False) -> Any:
        from PySide6.QtGui import QFont

        f = QFont("DejaVu Sans")
        f.setStyleHint(QFont.StyleHint.SansSerif)
        # Point sizes follow the painter's device DPI; the painter is scaled to
        # mm, so convert points to mm (1 pt = 0.3528 mm) via pixel size.
        f.setPixelSize(max(1, round(size * 0.3528 * 10)))
        f.setBold(bold)
        f.setItalic(italic)
        return f

    def set_font(
        self, size: float, bold: bool = False, italic: bool = False, color: str = C_TEXT
    ) -> None:
        from PySide6.QtGui import QColor

        # Pixel sizes are integers: draw at 10x and scale down for 0.1 mm precision.
        self.p.setFont(self.font(size, bold, italic))
        self.p.setPen(QColor(color))

    def text(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str,
        *,
        size: float = 9,
        bold: bool = False,
        italic: bool = False,
        color: str = C_TEXT,
        align: str = "left",
        wrap: bool = False,
    ) -> float:
        """Draw text in a box (mm); return the height used (mm)."""
        from PySide6.QtCore import QRectF, Qt

        self.set_font(size, bold, italic, color)
        flags = {
            "left": Qt.AlignmentFlag.AlignLeft,
            "right": Qt.AlignmentFlag.AlignRight,
            "center": Qt.AlignmentFlag.AlignHCenter,
        }[align] | Qt.AlignmentFlag.AlignTop
        if wrap:
            flags |= Qt.TextFlag.TextWordWrap
        self.p.save()
        self.p.translate(x, y)
        self.p.scale(0.1, 0.1)
        rect = QRectF(0, 0, w * 10, h * 10)
        bound = self.p.boundingRect(rect, int(flags), text)
        self.p.drawText(rect, int(flags), text)
        self.p.restore()
        if not wrap and bound.width() > rect.width() + 1:
            self.clipped.append((text, float(bound.width()) / 10.0, w))
        elif wrap and bound.height() > rect.height() + 1:
            self.clipped.append((text, float(bound.height()) / 10.0, h))
        return float(bound.height()) / 10.0

    def _advance(self, text: str, size: float, bold: bool = False) -> float:
        """Width (mm) of ``text`` on one line."""
        self.set_font(size, bold)
        return float(self.p.fontMetrics().horizontalAdvance(text)) / 10.0

    def measure(self, w: float, text: str, size: float = 9, bold: bool = False) -> float:
        from PySide6.QtCore import QRectF, Qt

        self.set_font(size, bold)
        self.p.save()
        self.p.scale(0.1, 0.1)
        bound = self.p.boundingRect(
            QRectF(0, 0, w * 10, 10000),
            int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap),
            text,
        )
        self.p.restore()
        return float(bound.height()) / 10.0

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        color: str = C_GRID,
        width: float = 0.25,
        dash: bool = False,
    ) -> None:
        from PySide6.QtCore import QPointF, Qt
        from PySide6.QtGui import QColor, QPen

        pen = QPen(QColor(color))
        pen.setWidthF(width)
        if dash:
            pen.setStyle(Qt.PenStyle.DashLine)
        self.p.setPen(pen)
        self.p.drawLine(QPointF(x1, y1), QPointF(x2, y2))

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        fill: str | None,
        border: str | None = None,
        width: float = 0.25,
    ) -> None:
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QBrush, QColor, QPen

        if border:
            pen = QPen(QColor(border))
            pen.setWidthF(width)
            self.p.setPen(pen)
        else:
            self.p.setPen(Qt.PenStyle.NoPen)
        self.p.setBrush(QBrush(QColor(fill)) if fill else Qt.BrushStyle.NoBrush)
        self.p.drawRect(QRectF(x, y, w, h))
        self.p.setBrush(Qt.BrushStyle.NoBrush)

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.new_page()

    def mark(self, kind: str, height: float, text: str = "") -> None:
        """Note a block about to be drawn at ``self.y`` (see :class:`Placed`)."""
        self.placed.append(Placed(kind, self.page, self.y, self.y + height, text))

    def new_page(self) -> None:
        self.footer()
        self.writer.newPage()
        self.page += 1
        self.y = MARGIN

    def footer(self) -> None:
        s = self.d.summary.session
        y = PAGE_H - MARGIN - 4.0
        self.line(MARGIN, y - 1.5, PAGE_W - MARGIN, y - 1.5, C_GRID, 0.3)
        self.text(
            MARGIN,
            y,
            self.width * 0.7,
            5,
            _(
                "Palier session report — {pseudonym} — session {session}",
                self.lang,
                pseudonym=s.pseudonym,
                session=self.d.summary.session_short(self.lang),
            ),
            size=7,
            color=C_MUTED,
        )
        self.text(
            MARGIN,
            y,
            self.width,
            5,
            _("Page {page} of {pages}", self.lang, page=self.page, pages=self.pages_total or "?"),
            size=7,
            color=C_MUTED,
            align="right",
        )

    def heading(self, text: str, keep: float, size: float = 11.5) -> None:
        """A section title, kept on one page with the first ``keep`` mm of its
        section (its first row): a title never ends a page alone."""
        self.ensure(HEADING_H + keep)
        self.mark("heading", HEADING_H, text)
        self.y += 2.5
        self.text(MARGIN, self.y, self.width, 7, text, size=size, bold=True, color=C_SUDS)
        self.y += 6.0
        self.line(MARGIN, self.y, PAGE_W - MARGIN, self.y, C_SUDS, 0.3)
        self.y += 2.5

    # -- the document ---------------------------------------------------------------------
    def render(self) -> None:
        self.pages_total = self._count_pages()
        self.y = MARGIN
        self.page = 1
        self.sections()
        self.footer()

    def sections(self) -> None:
        self.header()
        self.summary_block()
        self.chart()
        self.steps_table()
        self.notes_block()
        self.events_block()
        self.protocol_blocks()
        self.questionnaires_block()
        self.generated_line()

    def _count_pages(self) -> int:
        # Layout needs the page count for "Page n of N": one pass measuring.
        return _PageCounter(self.lang, self.d).layout().page

    def header(self) -> None:
        lang, s, summ = self.lang, self.d.summary.session, self.d.summary
        self.rect(MARGIN, self.y, self.width, 13, C_SUDS)
        self.text(
            MARGIN + 4,
            self.y + 2.6,
            self.width - 40,
            8,
            _("Exposure session report", lang),
            size=13 if self.d.hr_simulated else 15,
            bold=True,
            color="#ffffff",
        )
        if self.d.hr_simulated:
            # In the title bar, so the page keeps its layout: a red badge.
            self.rect(MARGIN + self.width - 62, self.y + 1.5, 60.5, 10, C_HR)
            for i, line in enumerate(
                (
                    _("SIMULATED heart rate", lang).upper(),
                    _("invented by the simulation: not clinical data", lang),
                )
            ):
                self.text(
                    MARGIN + self.width - 61.5,
                    self.y + 2.3 + 4.3 * i,
                    59.5,
                    4.5,
                    line,
                    size=8 if i == 0 else 6,
                    bold=i == 0,
                    color="#ffffff",
                    align="center",
                )
        else:
            self.text(
                MARGIN,
                self.y + 3.6,
                self.width - 4,
                8,
                "Palier",
                size=11,
                bold=True,
                color="#ffffff",
                align="right",
            )
        self.y += 17
        protocol = s.protocol_id or "—"
        plan_title = ""
        if isinstance(s.plan, dict) and isinstance(s.plan.get("title"), dict):
            plan_title = str(s.plan["title"].get(lang) or "")
        fields = [
            (_("Patient (pseudonym)", lang), s.pseudonym),
            (_("Date", lang), _fmt_date(s.started_at, lang)),
            (_("Protocol", lang), plan_title or protocol),
            (
                _("Session", lang),
                f"{summ.session_text(lang)} — {SESSION_STATUS[s.status].get(lang)}",
            ),
            (_("Duration", lang), fmt_duration(summ.duration_s)),
            (_("Session language", lang), language_name(s.language, lang)),
        ]
        col_w = self.width / 3
        for i, (label, value) in enumerate(fields):
            x = MARGIN + (i % 3) * col_w
            y = self.y + (i // 3) * 12.5
            self.text(x, y, col_w - 3, 4, label.upper(), size=6.5, bold=True, color=C_MUTED)
            self.text(
                x,
                y + 3.6,
                col_w - 3,
                8,
                value,
                size=10 if len(value) < 28 else 8,
                bold=(i == 0),
                wrap=True,
            )
        self.y += 26

    def summary_block(self) -> None:
        lang, summ = self.lang, self.d.summary
        self.heading(_("Summary", lang), keep=SUMMARY_CELLS_H)
        hr = summ.heart_rate
        hr_text = (
            _(
                "{low:.0f}–{high:.0f} bpm (mean {mean:.0f})",
                lang,
                low=hr.low,
                high=hr.high,
                mean=hr.mean,
            )
            if hr
            else _("no data", lang)
        )
        if hr and hr.simulated:
            hr_text = f"{hr_text} — {_('SIMULATED', lang)}"
        peak = "—" if summ.peak_suds is None else str(summ.peak_suds)
        end = "—" if summ.end_suds is None else str(summ.end_suds)
        cells = [
            (_("Steps reached", lang), summ.steps_text(lang)),
            (_("SUDS ratings", lang), str(summ.suds_count)),
            (
                _("Peak", lang) + " / " + _("End", lang) + " SUDS",
                f"{peak} / {end}",
            ),
            (_("Heart rate", lang), hr_text),
            (_("Safe place", lang), summ.safe_place_text(lang)),
            (_("Link losses", lang), str(summ.link_losses)),
        ]
        col_w = self.width / 3
        self.mark("row", SUMMARY_CELLS_H)
        for i, (label, value) in enumerate(cells):
            x = MARGIN + (i % 3) * col_w
            y = self.y + (i // 3) * 11.5
            self.rect(x, y, col_w - 2.5, 10, "#f5f7fa")
            self.text(x + 2, y + 1.2, col_w - 6, 4, label, size=6.8, color=C_MUTED)
            # Long values (steps: "highest step 5 of 10; 3 steps worked") in a
            # smaller size so they stay on the cell's one line.
            size = 9.5
            while size > 6.5 and self._advance(value, size, True) > col_w - 6:
                size -= 0.5
            if self._advance(value, size, True) > col_w - 6:
                # Still too long (French is): two lines rather than a cut word.
                self.text(x + 2, y + 4.0, col_w - 6, 5.8, value, size=size, bold=True, wrap=True)
                continue
            self.text(
                x + 2, y + 4.6 + (9.5 - size) * 0.12, col_w - 6, 5, value, size=size, bold=True
            )
        self.y += SUMMARY_CELLS_H
        for w in summ.warning_texts(lang):
            h = self.measure(self.width - 8, w, 8.5, True) + 3
            self.ensure(h)
            self.mark("row", h, w)
            self.rect(MARGIN, self.y, self.width, h, "#fdecea", C_HR, 0.4)
            self.text(
                MARGIN + 3,
                self.y + 1.5,
                self.width - 8,
                h,
                w,
                size=8.5,
                bold=True,
                color=C_HR,
                wrap=True,
            )
            self.y += h + 2

    # -- chart -------------------------------------------------------------------------------
    def chart(self) -> None:
        from PySide6.QtCore import QPointF, QRectF, Qt
        from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPolygonF

        lang, d = self.lang, self.d
        height = 78.0
        self.heading(_("SUDS and heart rate over the session", lang), keep=height + 20)
        self.mark("chart", height + 20)
        left, right = MARGIN + 11, PAGE_W - MARGIN - 12
        top, bottom = self.y + 4, self.y + height - 10
        w, h = right - left, bottom - top
        total_min = max(d.summary.duration_s / 60.0, 1.0)

        def X(minute: float) -> float:
            return left + w * max(0.0, min(1.0, minute / total_min))

        def Ys(v: float) -> float:
            return bottom - h * v / 100.0

        hr_vals = [b for _, b in d.heart_rate]
        hr_lo = min(50.0, (min(hr_vals) // 10) * 10) if hr_vals else 50.0
        hr_hi = max(130.0, (max(hr_vals) // 10 + 1) * 10) if hr_vals else 130.0

        def Yh(b: float) -> float:
            return bottom - h * (b - hr_lo) / (hr_hi - hr_lo)

        # Step bands, labelled with the step number at the top.
        for i, st in enumerate(d.summary.steps):
            x1, x2 = X(st.start_s / 60), X(st.end_s / 60)
            self.rect(x1, top, max(0.1, x2 - x1), h, C_BAND[i % 2])
            self.line(x1, top - 1.5, x1, bottom, "#8a94a6", 0.3)
            if x2 - x1 > 3.5:
                self.text(
                    x1,
                    top - 4.2,
                    x2 - x1,
                    4,
                    str(st.step_index + 1),
                    size=7,
                    bold=True,
                    color="#4a5568",
                    align="center",
                )
        # Stays in the safe place as hatched strips along the bottom, a
        # patient's stop in its own colour and cross-hatched; link losses on top.
        for start, end, cause in d.pauses:
            x1 = X(start)
            x2 = X(end if end is not None else total_min)
            self.p.setPen(Qt.PenStyle.NoPen)
            color = C_STOP if cause == "patient_stop" else C_PAUSE
            pattern = (
                Qt.BrushStyle.DiagCrossPattern
                if cause == "patient_stop"
                else Qt.BrushStyle.BDiagPattern
            )
            brush = QBrush(QColor(color), pattern)
            self.p.setBrush(brush)
            self.p.save()
            self.p.drawRect(QRectF(x1, top, max(0.4, x2 - x1), h))
            self.p.restore()
            self.p.setBrush(Qt.BrushStyle.NoBrush)
            self.rect(x1, bottom - 1.6, max(0.4, x2 - x1), 1.6, color)
            if cause == "patient_stop":  # a solid edge where the patient stopped
                self.rect(x1, top, 0.6, h, C_STOP)
        for start, end in d.link_losses:
            x1 = X(start)
            x2 = X(end if end is not None else total_min)
            self.rect(x1, top, max(0.5, x2 - x1), 1.6, C_LINK)
        # Grid and axes.
        for v in range(0, 101, 20):
            self.line(left, Ys(v), right, Ys(v), C_GRID, 0.2, dash=v not in (0, 100))
            self.text(left - 9.5, Ys(v) - 1.8, 8, 4, str(v), size=6.5, color=C_SUDS, align="right")
        hr_step = 10 if hr_hi - hr_lo <= 100 else 20
        b = hr_lo
        while b <= hr_hi + 0.01:
            self.text(right + 1.3, Yh(b) - 1.8, 10, 4, f"{b:.0f}", size=6.5, color=C_HR)
            self.line(right, Yh(b), right + 0.9, Yh(b), C_HR, 0.25)
            b += hr_step
        tick = _nice_step(total_min, 10)
        m = 0.0
        while m <= total_min + 1e-6:
            self.line(X(m), bottom, X(m), bottom + 1.0, C_TEXT, 0.25)
            self.text(
                X(m) - 6, bottom + 1.3, 12, 4, f"{m:g}", size=6.5, color=C_TEXT, align="center"
            )
            m += tick
        self.line(left, bottom, right, bottom, C_TEXT, 0.3)
        self.line(left, top, left, bottom, C_SUDS, 0.35)
        self.line(right, top, right, bottom, C_HR, 0.35)
        self.text(
            left,
            bottom + 5.0,
            w,
            4,
            _("Session time (min)", lang),
            size=7,
            color=C_MUTED,
            align="center",
        )
        self.p.save()
        self.p.translate(MARGIN - 0.5, (top + bottom) / 2)
        self.p.rotate(-90)
        self.text(
            -20,
            0,
            40,
            4,
            _("SUDS", lang),
            size=7,
            bold=True,
            color=C_SUDS,
            align="center",
        )
        self.p.restore()
        self.p.save()
        self.p.translate(PAGE_W - MARGIN + 0.5, (top + bottom) / 2)
        self.p.rotate(90)
        self.text(
            -25,
            0,
            50,
            4,
            _("Heart rate (bpm)", lang),
            size=7,
            bold=True,
            color=C_HR,
            align="center",
        )
        self.p.restore()
        # Heart rate: every sample as a faint line, and its 15 s centred mean
        # as the readable curve; both broken over gaps longer than 10 s.
        if d.heart_rate:
            for series, color, width in (
                (d.heart_rate, C_HR_RAW, 0.15),
                (rolling_mean(d.heart_rate, 15 / 60), C_HR, 0.45),
            ):
                pen = QPen(QColor(color))
                pen.setWidthF(width)
                self.p.setPen(pen)
                path = QPainterPath()
                prev = None
                for minute, bpm in series:
                    pt = QPointF(X(minute), Yh(bpm))
                    dropped = prev is not None and any(prev < g <= minute for g in d.hr_gaps)
                    if prev is None or minute - prev > 10 / 60 or dropped:
                        path.moveTo(pt)
                    else:
                        path.lineTo(pt)
                    prev = minute
                self.p.drawPath(path)
        if d.hr_simulated:
            self.text(
                left + 2,
                top + 1,
                w * 0.6,
                6,
                _("SIMULATED heart rate", lang).upper(),
                size=11,
                bold=True,
                color=C_HR,
            )
        # Expected SUDS per step: short dashed line across the band.
        for st in d.summary.steps:
            if st.expected_suds is not None:
                self.line(
                    X(st.start_s / 60) + 0.5,
                    Ys(st.expected_suds),
                    X(st.end_s / 60) - 0.5,
                    Ys(st.expected_suds),
                    "#8a94a6",
                    0.35,
                    True,
                )
        # SUDS: line through the ratings, then markers (filled: therapist, diamond: headset).
        if d.suds:
            pen = QPen(QColor(C_SUDS))
            pen.setWidthF(0.55)
            self.p.setPen(pen)
            poly = QPolygonF([QPointF(X(mn), Ys(v)) for mn, v, _ in d.suds])
            self.p.drawPolyline(poly)
            for mn, v, src in d.suds:
                cx, cy = X(mn), Ys(v)
                if src == "headset":
                    self.p.setBrush(QBrush(QColor("#ffffff")))
                    self.p.drawPolygon(
                        QPolygonF(
                            [
                                QPointF(cx, cy - 1.4),
                                QPointF(cx + 1.4, cy),
                                QPointF(cx, cy + 1.4),
                                QPointF(cx - 1.4, cy),
                            ]
                        )
                    )
                else:
                    self.p.setBrush(QBrush(QColor(C_SUDS)))
                    self.p.drawEllipse(QPointF(cx, cy), 1.0, 1.0)
                self.p.setBrush(Qt.BrushStyle.NoBrush)
        # ERP: the urge curve on the SUDS scale (dashed, squares); rituals as
        # ticks above the bottom edge (resisted green, performed purple).
        if d.urges:
            pen = QPen(QColor(C_URGE))
            pen.setWidthF(0.5)
            pen.setStyle(Qt.PenStyle.DashLine)
            self.p.setPen(pen)
            self.p.drawPolyline(QPolygonF([QPointF(X(mn), Ys(v)) for mn, v in d.urges]))
            self.p.setPen(Qt.PenStyle.NoPen)
            self.p.setBrush(QBrush(QColor(C_URGE)))
            for mn, v in d.urges:
                self.p.drawRect(QRectF(X(mn) - 0.8, Ys(v) - 0.8, 1.6, 1.6))
        for mn, resisted in d.rituals:
            self.line(
                X(mn), bottom - 4.5, X(mn), bottom - 0.5, C_EVENT if resisted else C_URGE, 0.5
            )
        # PTSD: hotspots as red stars near the top.
        for mn in d.hotspots:
            self.text(
                X(mn) - 2, top + 2.2, 4, 4, "✱", size=8, bold=True, color=C_HR, align="center"
            )
        # Events: small triangles under the top edge.
        self.p.setPen(Qt.PenStyle.NoPen)
        for e in d.events:
            if e["kind"] not in ("scene_event", "patient_stop", "failsafe"):
                continue
            color = C_HR if e["kind"] != "scene_event" else C_EVENT
            self.p.setBrush(QBrush(QColor(color)))
            cx = X(e["minute"])
            self.p.drawPolygon(
                QPolygonF(
                    [
                        QPointF(cx - 1.1, top + 0.2),
                        QPointF(cx + 1.1, top + 0.2),
                        QPointF(cx, top + 2.2),
                    ]
                )
            )
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        self.rect(left, top, w, h, None, "#9aa3b2", 0.25)
        self.y = bottom + 10
        self.legend()

    def legend(self) -> None:
        from PySide6.QtCore import QPointF, QRectF, Qt
        from PySide6.QtGui import QBrush, QColor, QPen, QPolygonF

        lang = self.lang
        items = [
            ("suds", _("SUDS (said aloud)", lang)),
            ("headset", _("SUDS (headset)", lang)),
            ("hr", _("Heart rate (15 s mean)", lang)),
            ("hr_raw", _("Heart rate, each sample", lang)),
            ("expected", _("Expected SUDS", lang)),
            ("event", _("Event", lang)),
            ("pause", _("Pause (safe place)", lang)),
            ("stop", _("Patient stop (safe place)", lang)),
            ("link", _("Link lost", lang)),
        ]
        if self.d.urges:
            items.append(("urge", _("Urge (0-100)", lang)))
        if self.d.rituals:
            items.append(("resisted", _("Ritual resisted", lang)))
            items.append(("performed", _("Ritual performed", lang)))
        if self.d.hotspots:
            items.append(("hotspot", _("Hotspot", lang)))
        x = MARGIN + 11
        y = self.y
        for kind, label in items:
            self.set_font(6.8)
            advance = 7 + self.p.fontMetrics().horizontalAdvance(label) / 10.0 + 4.5
            if x + advance > PAGE_W - MARGIN:
                x = MARGIN + 11
                y += 4.5
                self.y += 4.5
            cy = y + 1.8
            if kind == "suds":
                self.line(x, cy, x + 6, cy, C_SUDS, 0.55)
                self.p.setBrush(QBrush(QColor(C_SUDS)))
                self.p.drawEllipse(QPointF(x + 3, cy), 1.0, 1.0)
            elif kind == "headset":
                pen = QPen(QColor(C_SUDS))
                pen.setWidthF(0.55)
                self.p.setPen(pen)
                self.p.setBrush(QBrush(QColor("#ffffff")))
                self.p.drawPolygon(
                    QPolygonF(
                        [
                            QPointF(x + 3, cy - 1.4),
                            QPointF(x + 4.4, cy),
                            QPointF(x + 3, cy + 1.4),
                            QPointF(x + 1.6, cy),
                        ]
                    )
                )
            elif kind == "hr":
                self.line(x, cy, x + 6, cy, C_HR, 0.45)
            elif kind == "hr_raw":
                self.line(x, cy, x + 6, cy, C_HR_RAW, 0.6)
            elif kind == "expected":
                self.line(x, cy, x + 6, cy, "#8a94a6", 0.35, True)
            elif kind == "event":
                self.p.setPen(Qt.PenStyle.NoPen)
                self.p.setBrush(QBrush(QColor(C_EVENT)))
                self.p.drawPolygon(
                    QPolygonF(
                        [QPointF(x + 1.9, cy - 1), QPointF(x + 4.1, cy - 1), QPointF(x + 3, cy + 1)]
                    )
                )
            elif kind == "pause":
                self.rect(x + 0.5, cy - 1.2, 5, 2.4, C_PAUSE)
            elif kind == "urge":
                self.line(x, cy, x + 6, cy, C_URGE, 0.5, True)
                self.p.setPen(Qt.PenStyle.NoPen)
                self.p.setBrush(QBrush(QColor(C_URGE)))
                self.p.drawRect(QRectF(x + 2.2, cy - 0.8, 1.6, 1.6))
            elif kind in ("resisted", "performed"):
                self.line(
                    x + 3, cy - 2, x + 3, cy + 2, C_EVENT if kind == "resisted" else C_URGE, 0.5
                )
            elif kind == "hotspot":
                self.text(x + 1, y, 4, 4, "✱", size=8, bold=True, color=C_HR, align="center")
            elif kind == "stop":
                self.rect(x + 0.5, cy - 1.2, 5, 2.4, C_STOP)
                self.rect(x + 0.5, cy - 1.2, 0.6, 2.4, "#7a1a14")
            else:
                self.rect(x + 0.5, cy - 0.8, 5, 1.6, C_LINK)
            self.p.setBrush(Qt.BrushStyle.NoBrush)
            self.text(x + 7, y, advance, 4, label, size=6.8, color=C_TEXT)
            x += advance
        self.y += 7

    # -- tables --------------------------------------------------------------------------------
    def steps_table(self) -> None:
        lang, steps = self.lang, self.d.summary.steps
        cols = [
            (_("Step", lang), 0.335, "left"),
            (_("Duration", lang), 0.115, "right"),
            (_("Expected", lang), 0.105, "right"),
            (_("Peak", lang), 0.065, "right"),
            (_("End", lang), 0.065, "right"),
            (_("Fall", lang), 0.115, "right"),
            (_("To half", lang), 0.1, "right"),
            (_("Ratings", lang), 0.1, "right"),
        ]
        xs = [MARGIN]
        for _label, frac, _align in cols:
            xs.append(xs[-1] + frac * self.width)

        def row_height(st: StepSummary) -> tuple[float, float, float]:
            label_h = self.measure(xs[1] - xs[0] - 3, self._step_label(st), 8)
            change = self._change_text(st)
            change_h = self.measure(xs[1] - xs[0] - 3, change, 6.5) if change else 0.0
            return max(5.5, label_h + change_h + 1.8), label_h, change_h

        first_h = row_height(steps[0])[0] if steps else 7.0
        # A long header (French: "délai de réduction de moitié") wraps in its
        # column; the header row grows to fit it.
        text_h = max(
            self.measure(x1 - x0 - 3, label, 7, True)
            for (label, _f, _a), x0, x1 in zip(cols, xs, xs[1:], strict=False)
        )
        head_h = max(6.5, text_h + 2.6)
        self.heading(_("SUDS by step", lang), keep=head_h + first_h)

        def header_row() -> None:
            self.mark("row", head_h, "header")
            self.rect(MARGIN, self.y, self.width, head_h - 0.5, "#e8edf5")
            for (label, _frac, align), x0, x1 in zip(cols, xs, xs[1:], strict=False):
                self.text(
                    x0 + 1.5,
                    self.y + 1.3,
                    x1 - x0 - 3,
                    head_h - 2.5,
                    label,
                    size=7,
                    bold=True,
                    color="#2d3748",
                    align=align,
                    wrap=True,
                )
            self.y += head_h

        header_row()
        if not steps:
            self.mark("row", 7)
            self.text(
                MARGIN + 1.5,
                self.y + 1,
                self.width,
                5,
                _("No SUDS rating recorded.", lang),
                size=8.5,
                italic=True,
                color=C_MUTED,
            )
            self.y += 7
            return
        for i, st in enumerate(steps):
            label = self._step_label(st)
            change = self._change_text(st)
            row_h, label_h, change_h = row_height(st)
            if self.y + row_h > self.bottom:
                self.new_page()
                header_row()
            self.mark("row", row_h, label)
            if i % 2:
                self.rect(MARGIN, self.y, self.width, row_h, "#f7f8fa")
            ms = st.measures
            dash = _("—", lang)
            values = [
                label,
                fmt_duration(st.duration_s),
                dash if st.expected_suds is None else str(st.expected_suds),
                dash if ms is None else str(ms.peak),
                dash if ms is None else str(ms.end),
                dash if ms is None else f"{ms.fall} ({ms.fall_fraction:.0%})",
                dash
                if ms is None or ms.time_to_half_fall is None
                else fmt_duration(ms.time_to_half_fall),
                "0" if ms is None else str(ms.ratings),
            ]
            for j, ((_label, _frac, align), x0, x1) in enumerate(
                zip(cols, xs, xs[1:], strict=False)
            ):
                self.text(
                    x0 + 1.5,
                    self.y + 0.9,
                    x1 - x0 - 3,
                    row_h,
                    values[j],
                    size=8,
                    bold=(j in (3, 5)),
                    align=align,
                    wrap=(j == 0),
                )
            if change:
                self.text(
                    xs[0] + 1.5,
                    self.y + 0.9 + label_h,
                    xs[1] - xs[0] - 3,
                    change_h,
                    change,
                    size=6.5,
                    color=C_MUTED,
                    wrap=True,
                )
            self.y += row_h
        self.line(MARGIN, self.y, PAGE_W - MARGIN, self.y, "#9aa3b2", 0.3)
        self.y += 2
        self.table_legend()

    def table_legend(self) -> None:
        """Footnote under the step table: what "Fall" and "To half" mean."""
        lang = self.lang
        for line in (
            _(
                "{fall}: peak minus end SUDS of the step (in brackets, as a share of the peak).",
                lang,
                fall=_("Fall", lang),
            ),
            _(
                "{half}: time from the step's peak SUDS to the first rating at or "
                "below half that peak; — when the rating did not halve during the step.",
                lang,
                half=_("To half", lang),
            ),
        ):
            h = self.measure(self.width, line, 6.8) + 0.6
            self.ensure(h)
            self.mark("row", h, line)
            self.text(
                MARGIN, self.y, self.width, h, line, size=6.8, italic=True, color=C_MUTED, wrap=True
            )
            self.y += h
        self.y += 1.5

    def _change_text(self, st: StepSummary) -> str:
        """'Session 3: peak 60 → 45 (−15), end 30 → 20 (−10)' when the patient
        rated this step in an earlier session."""
        if st.change is None or st.previous is None or st.measures is None:
            return ""
        if st.previous_session_number is not None:
            return _(
                "vs {ordinal} session: peak {peak0}→{peak1} ({dpeak}), end {end0}→{end1} ({dend})",
                self.lang,
                ordinal=ordinal(st.previous_session_number, self.lang),
                peak0=st.previous.peak,
                peak1=st.measures.peak,
                dpeak=_signed(st.change.peak_change),
                end0=st.previous.end,
                end1=st.measures.end,
                dend=_signed(st.change.end_change),
            )
        return _(
            "vs #{session}: peak {peak0}→{peak1} ({dpeak}), end {end0}→{end1} ({dend})",
            self.lang,
            session=st.previous_session_id,
            peak0=st.previous.peak,
            peak1=st.measures.peak,
            dpeak=_signed(st.change.peak_change),
            end0=st.previous.end,
            end1=st.measures.end,
            dend=_signed(st.change.end_change),
        )

    def _step_label(self, st: StepSummary) -> str:
        label = f"{st.step_index + 1}. {st.label_text(self.lang)}"
        if len({s.scene for s in self.d.summary.steps}) > 1:
            label += f"  ·  {st.scene}"  # only when steps use different scenes
        return label

    def notes_block(self) -> None:
        lang, notes = self.lang, self.d.notes
        items = [
            (minute, text, None if step is None else f"{_('Step', lang)} {step + 1}")
            for minute, text, step in notes
        ]
        self.heading(_("Notes", lang), keep=self._timed_height(items[0][1]) if items else 6.0)
        if not notes:
            self.mark("row", 6.0)
            self.text(
                MARGIN,
                self.y,
                self.width,
                5,
                _("No notes.", lang),
                size=8.5,
                italic=True,
                color=C_MUTED,
            )
            self.y += 6
            return
        self._timed_list(items)

    def _timed_height(self, text: str) -> float:
        return self.measure(self.width - 32, text, 8.5) + 1.8

    def _timed_list(self, items: Sequence[tuple[float, str, str | None]]) -> None:
        for minute, text, tag in items:
            body_w = self.width - 32
            h = self._timed_height(text)
            self.ensure(h)
            self.mark("row", h, text)
            self.text(MARGIN, self.y, 16, 5, fmt_minute(minute), size=8, bold=True, color=C_SUDS)
            if tag:
                self.text(MARGIN + 16.5, self.y + 0.3, 15, 5, tag, size=7, color=C_MUTED)
            self.text(MARGIN + 32, self.y, body_w, h, text, size=8.5, wrap=True)
            self.y += h

    def events_block(self) -> None:
        lang = self.lang
        items = []
        for e in self.d.events:
            message = _EVENT_TEXTS.get(e["kind"])
            if e["kind"] == "session" and e["name"] == "resumed_after_interruption":
                message = N_("session resumed after an interruption")
            if e["kind"] == "contact":
                message = N_("Touched: {surface} ({seconds} s)").format(
                    surface=self._surface_label(e),
                    seconds=fmt_number(
                        float(json.loads(e["detail"]).get("duration_s") or 0), lang, 1
                    ),
                )
            if message is None:
                continue
            text = message.get(lang)
            if e["kind"] == "scene_event" and e["name"]:
                text = f"{text}{colon(lang)}{self._event_label(e)}"
            step = self.step_at.get(e["step_id"])
            items.append(
                (
                    e["minute"],
                    text,
                    None if step is None else f"{_('Step', lang)} {step + 1}",
                )
            )
        for start, end in self.d.link_losses:
            items.append((start, _("link to the engine lost", lang), None))
            if end is not None:
                items.append((end, _("link to the engine restored", lang), None))
        if not items:
            return
        items.sort(key=lambda x: x[0])
        self.heading(_("Events", lang), keep=self._timed_height(items[0][1]))
        self._timed_list(items)

    def _surface_label(self, e: dict[str, Any]) -> str:
        """A touched surface by its scene's label (its name if the scene is unknown here)."""
        scene = self.step_scene.get(e["step_id"])
        if scene:
            try:
                from palier.scenes import registry

                return str(registry.declaration(scene).surface(e["name"]).label.get(self.lang))
            except Exception:  # scene not installed on this machine, renamed surface
                pass
        return str(e["name"])

    def _event_label(self, e: dict[str, Any]) -> str:
        """The scene's own label for a fired event (both languages live in its
        declaration), or the event id if the scene is unknown here."""
        scene = self.step_scene.get(e["step_id"])
        if scene:
            try:
                from palier.scenes import registry

                return registry.declaration(scene).event(e["name"]).label.get(self.lang)
            except Exception:  # scene not installed on this machine, renamed event
                pass
        return str(e["name"])

    def questionnaires_block(self) -> None:
        lang, qs = self.lang, self.d.questionnaires
        if not qs:
            return
        lines = self.d.summary.questionnaire_lines(lang)
        items = [(q["minute"], line, None) for q, line in zip(qs, lines, strict=False)]
        self.heading(
            _("Questionnaires", lang),
            keep=self._timed_height(items[0][1]) if items else 0.0,
        )
        self._timed_list(items)

    def protocol_blocks(self) -> None:
        """ERP urges and rituals, PTSD hotspots, inhibitory-learning expectancies
        (each only when logged), worded by the protocols package."""
        lang, summ = self.lang, self.d.summary
        t0 = summ.session.started_at
        if summ.erp is not None:
            per_step = summ.erp_step_lines(lang)
            lines = summ.erp.lines(lang)
            if per_step:
                lines += [_("Per step:", lang), *("  " + line for line in per_step)]
            self.heading(_("Urges and rituals (ERP)", lang), keep=self._plain_height(lines))
            self._plain_lines(lines)
        if summ.hotspots:
            lines = [h.line(lang, t0) for h in summ.hotspots]
            self.heading(_("Hotspots", lang), keep=self._plain_height(lines))
            self._plain_lines(lines)
        if summ.expectancies:
            items = []
            for e in summ.expectancies:
                text = e.line(lang)
                items.append(((e.t_before - t0) / 60.0, text, e.step_id))
            self.heading(
                _("Expectancies (inhibitory learning)", lang), keep=self._timed_height(items[0][1])
            )
            self._timed_list(items)

    def _plain_height(self, lines: Sequence[str]) -> float:
        """Height of the first of ``lines`` (what a heading keeps with it)."""
        return self.measure(self.width, lines[0], 8.5) + 1.6 if lines else 0.0

    def _plain_lines(self, lines: Sequence[str]) -> None:
        for line in lines:
            h = self.measure(self.width, line, 8.5) + 1.6
            self.ensure(h)
            self.mark("row", h, line)
            self.text(MARGIN, self.y, self.width, h, line, size=8.5, wrap=True)
            self.y += h

    def generated_line(self) -> None:
        self.ensure(8)
        self.mark("row", 8)
        self.y += 3
        now = dt.datetime.now().astimezone()
        self.text(
            MARGIN,
            self.y,
            self.width,
            5,
            _(
                "Generated by Palier {version} on {date}. Pseudonymous record: no real name.",
                self.lang,
                version=self.d.app_version,
                date=fmt_date_time(now, self.lang),
            ),
            size=6.8,
            italic=True,
            color=C_MUTED,
        )


def report_layout(data: ReportData, lang: str) -> list[Placed]:
    """Where each heading, row and the chart of the report fall (pages, mm),
    from the same layout pass that counts the pages."""
    return _PageCounter(lang, data).layout().placed


def report_clipped(data: ReportData, lang: str) -> list[tuple[str, float, float]]:
    """The one-line texts of the report wider than their box, as (text, width
    needed, box width) in mm, measured by the PDF layout's own font metrics."""
    return _PageCounter(lang, data).layout().clipped


class _PageCounter:
    """Runs the layout against a throwaway PDF to count pages (for "Page n of N")."""

    def __init__(self, lang: str, data: ReportData) -> None:
        self.lang = lang
        self.data = data

    def layout(self) -> _Doc:
        ensure_qt_gui()
        import tempfile

        from PySide6.QtCore import QMarginsF
        from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

        with tempfile.TemporaryDirectory() as tmp:
            writer = QPdfWriter(str(Path(tmp) / "count.pdf"))
            writer.setResolution(RESOLUTION_DPI)
            writer.setPageLayout(
                QPageLayout(
                    QPageSize(QPageSize.PageSizeId.A4),
                    QPageLayout.Orientation.Portrait,
                    QMarginsF(0, 0, 0, 0),
                )
            )
            painter = QPainter()
            painter.begin(writer)
            try:
                painter.scale(RESOLUTION_DPI / 25.4, RESOLUTION_DPI / 25.4)
                dry = _Doc(painter, writer, self.lang, self.data)
                dry.pages_total = 1
                dry.sections()
                return dry
            finally:
                painter.end()


def pdf_page_to_png(
    pdf: str | os.PathLike[str], page: int, png: str | os.PathLike[str], *, scale: float = 1.5
) -> tuple[int, int]:
    """Render one page of a PDF with PDFium (``pypdfium2``, a dev dependency) and
    save it as PNG through Qt. Returns the image size. For tests and docs."""
    import pypdfium2 as pdfium

    ensure_qt_gui()
    from PySide6.QtGui import QImage

    doc = pdfium.PdfDocument(str(pdf))
    try:
        bitmap = doc[page].render(scale=scale, rev_byteorder=True)  # RGB(A) byte order
        arr = bitmap.to_numpy()
        h, w = arr.shape[:2]
        channels = arr.shape[2] if arr.ndim == 3 else 1
        fmt = {3: QImage.Format.Format_RGB888, 4: QImage.Format.Format_RGBA8888}[channels]
        data = arr.tobytes()
        image = QImage(data, w, h, w * channels, fmt).copy()
        if not image.save(str(png)):  # format from the .png suffix
            raise ReportError(f"cannot write {png}")
        return w, h
    finally:
        doc.close()


def main(argv: list[str] | None = None) -> int:
    """``python -m palier.therapist_console.report --sample PNG``: write a sample
    session to a throwaway record and render page 1 of its PDF report (this is
    how docs/img/report-page1.png is made)."""
    import argparse
    import tempfile

    from palier.therapist_console.sample_session import write_sample_session

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--sample", type=Path, required=True, metavar="PNG")
    parser.add_argument("--pdf", type=Path, help="also keep the PDF here")
    parser.add_argument("--lang", choices=LANGUAGES, default="en")
    parser.add_argument("--scale", type=float, default=1.6)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        with SessionRecord(Path(tmp) / "sample.sqlite3") as rec:
            counts = write_sample_session(rec, language=args.lang)
            pdf = write_report(rec, counts.session_id, args.pdf or Path(tmp) / "report.pdf")
        w, h = pdf_page_to_png(pdf, 0, args.sample, scale=args.scale)
    print(f"{args.sample} ({w}x{h})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
