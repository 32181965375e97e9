"""Live chart: heart rate (left axis, bpm) and SUDS (right axis, 0-100) on one
session timeline in minutes, with step changes and events as vertical marks.

Everything drawn comes from the parts' histories, so a resumed session
redraws exactly what the record holds.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from palier.core.i18n import N_, Message, _, fmt_number
from palier.therapist_console.heart_rate import ConnectionState
from palier.therapist_console.session import (
    Language,
    Link,
    Ratings,
    RunningSession,
    Sensors,
    Timeline,
    TimelineEntry,
)
from palier.therapist_console.widgets.common import ACCENT, ALERT, MUTED, SAFE, WARN, panel

HR_COLOR = ALERT
SUDS_COLOR = ACCENT
URGE_COLOR = "#8a6d9c"
"""ERP urges share the SUDS axis (0-100), dashed."""


STATE_TEXTS: dict[ConnectionState, Message] = {
    ConnectionState.STOPPED: N_("stopped"),
    ConnectionState.CONNECTING: N_("connecting…"),
    ConnectionState.CONNECTED: N_("connected"),
    ConnectionState.RECONNECTING: N_("connection lost, reconnecting…"),
    ConnectionState.FAILED: N_("not available"),
}


class LiveChart(QWidget):
    def __init__(
        self,
        language: Language,
        running: RunningSession,
        timeline: Timeline,
        ratings: Ratings,
        sensors: Sensors,
        link: Link,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.language = language
        self.running = running
        self.timeline = timeline
        self.ratings = ratings
        self.sensors = sensors
        self.link = link
        self.title = QLabel()
        frame, lay = panel(self.title)
        self.status = QLabel()
        """The heart-rate source: which, its state, contact, RMSSD; says
        SIMULATED in capitals when the physiology is invented."""
        self.status.setObjectName("hr_status")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        pg.setConfigOptions(antialias=True)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumHeight(180)
        lay.addWidget(self.plot, 1)
        pi = self.plot.getPlotItem()
        pi.showGrid(x=True, y=True, alpha=0.15)
        pi.setYRange(50, 130)
        pi.setLimits(yMin=30, yMax=220)
        pi.showAxis("right")
        self.suds_view = pg.ViewBox()
        pi.scene().addItem(self.suds_view)
        pi.getAxis("right").linkToView(self.suds_view)
        self.suds_view.setXLink(pi)
        self.suds_view.setYRange(0, 100, padding=0.02)
        self.suds_view.setMouseEnabled(x=False, y=False)
        pi.getViewBox().sigResized.connect(self._sync_views)
        pi.getViewBox().sigResized.connect(lambda _vb: self.stack_labels())
        self.hr_curve = pi.plot([], [], pen=pg.mkPen(HR_COLOR, width=2))
        self.suds_curve = pg.PlotDataItem(
            [],
            [],
            pen=pg.mkPen(SUDS_COLOR, width=2),
            symbol="o",
            symbolSize=9,
            symbolBrush=SUDS_COLOR,
            symbolPen="w",
        )
        self.suds_view.addItem(self.suds_curve)
        self.urge_curve = pg.PlotDataItem(
            [],
            [],
            pen=pg.mkPen(URGE_COLOR, width=2, style=pg.QtCore.Qt.PenStyle.DashLine),
            symbol="s",
            symbolSize=7,
            symbolBrush=URGE_COLOR,
            symbolPen="w",
        )
        """ERP: the urge to perform the compulsion, from the timeline's lines."""
        self.suds_view.addItem(self.urge_curve)
        self.simulated_mark = ""
        """The plot's title while the heart rate is simulated, else empty."""
        self.legend = pi.addLegend(offset=(-8, -8))  # bottom right, clear of the marks
        self.marks: list[pg.InfiniteLine] = []
        sensors.events.heart_rate.connect(lambda _s: self._redraw_hr())
        sensors.events.heart_rate_state.connect(lambda _s: self._redraw_hr())
        ratings.events.suds.connect(lambda _s: self._redraw_suds())
        timeline.events.entry.connect(self._on_timeline)
        running.events.session.connect(lambda _s: self.redraw())
        language.changed.connect(lambda _l: self.redraw())
        self.redraw()

    def _sync_views(self) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        self.suds_view.setGeometry(vb.sceneBoundingRect())
        self.suds_view.linkedViewChanged(vb, self.suds_view.XAxis)

    def _minutes(self, t: float) -> float:
        s = self.running.info
        return 0.0 if s is None else (t - s.started_at) / 60.0

    def redraw(self) -> None:
        lang = self.language.value
        self.title.setText(_("Heart rate and SUDS", lang))
        pi = self.plot.getPlotItem()
        pi.setLabel("bottom", _("Session time (min)", lang))
        pi.setLabel("left", _("Heart rate (bpm)", lang), color=HR_COLOR)
        pi.setLabel("right", "SUDS", color=SUDS_COLOR)
        self.legend.clear()
        self.legend.addItem(
            self.hr_curve,
            _("Heart rate (bpm, SIMULATED)", lang)
            if self.sensors.simulated
            else _("Heart rate (bpm)", lang),
        )
        self.legend.addItem(self.suds_curve, "SUDS")
        if self._urges():
            self.legend.addItem(self.urge_curve, _("Urge (0-100)", lang))
        for m in self.marks:
            pi.removeItem(m)
        self.marks.clear()
        for e in self.timeline.entries:
            self._mark(e)
        self._redraw_hr()
        self._redraw_suds()
        self._redraw_urges()

    def _redraw_hr(self) -> None:
        hist = self.sensors.heart_rate_history
        xs: list[float] = []
        ys: list[float] = []
        gaps = [c.t for c in self.sensors.state_history if c.state != ConnectionState.CONNECTED]
        g = 0
        for sample in hist:
            # A connection gap between two samples: NaN breaks the line there.
            while g < len(gaps) and gaps[g] <= sample.t:
                if xs:
                    xs.append(self._minutes(gaps[g]))
                    ys.append(float("nan"))
                g += 1
            xs.append(self._minutes(sample.t))
            ys.append(sample.bpm)
        self.hr_curve.setData(xs, ys, connect="finite")
        self._extend_x()
        self._update_status()

    def status_text(self) -> str:
        lang = self.language.value
        sensors = self.sensors
        source = sensors.heart_rate_source
        if source is None and not sensors.heart_rate_history:
            return _("Heart rate: no sensor", lang)
        parts: list[str] = []
        if sensors.simulated:
            parts.append(_("SIMULATED heart rate: invented, not measured", lang))
        else:
            name = source.label if source is not None else sensors.heart_rate_history[-1].source
            parts.append(_("Heart-rate sensor: {name}", lang, name=name))
        state = sensors.last_state.state if sensors.last_state is not None else None
        if source is not None and state is not None:
            parts.append(STATE_TEXTS[state].get(lang))
        if sensors.heart_rate_history:
            last = sensors.heart_rate_history[-1]
            parts.append(_("{bpm} bpm", lang, bpm=fmt_number(last.bpm, lang, 0)))
            if last.contact is False:
                parts.append(_("no skin contact", lang))
        rmssd = sensors.rmssd_ms
        parts.append(
            _("RMSSD {ms} ms (60 s)", lang, ms=fmt_number(rmssd, lang, 0))
            if rmssd is not None
            else _("RMSSD: not enough clean beats yet", lang)
        )
        if source is not None and source.malformed:
            parts.append(_("{n} malformed notifications skipped", lang, n=source.malformed))
        return " · ".join(parts)

    def _update_status(self) -> None:
        self.status.setText(self.status_text())
        simulated = self.sensors.simulated
        self.status.setStyleSheet(f"color: {ALERT}; font-weight: 700;" if simulated else "")
        # On the plot itself (its title, above the marks' labels and the
        # curves), so a screenshot of the chart alone keeps it.
        mark = _("SIMULATED", self.language.value) if simulated else ""
        if mark != self.simulated_mark:
            self.simulated_mark = mark
            self.plot.getPlotItem().setTitle(mark or None, color=ALERT, size="9pt", bold=True)

    def _redraw_suds(self) -> None:
        hist = self.ratings.history
        self.suds_curve.setData([self._minutes(s.t) for s in hist], [s.value for s in hist])
        self._extend_x()

    def _extend_x(self) -> None:
        right = max(2.0, self.running.elapsed_s() / 60.0 + 0.5)
        self.plot.getPlotItem().setXRange(-0.04 * right, right, padding=0.0)
        self.stack_labels()

    def _urges(self) -> list[TimelineEntry]:
        return [e for e in self.timeline.entries if e.kind == "event" and e.name == "urge"]

    def _redraw_urges(self) -> None:
        urges = self._urges()
        values = [e.detail.get("value") for e in urges]
        self.urge_curve.setData(
            [self._minutes(e.t) for e in urges],
            [float(v) if isinstance(v, int | float) else 0.0 for v in values],
        )

    def _on_timeline(self, entry: TimelineEntry) -> None:
        if entry.kind == "event" and entry.name == "urge":
            first = len(self._urges()) == 1
            self._redraw_urges()
            if first:  # the legend names the urge curve once there is one
                self.legend.addItem(self.urge_curve, _("Urge (0-100)", self.language.value))
            return
        self._mark(entry)

    def _mark(self, e: TimelineEntry) -> None:
        """Steps as solid lines labelled with their number; events, pauses and
        patient stops as dashed lines with a short sign (the timeline has the words)."""
        label: str | None = None
        pen: Any = None
        fill = "#ffffffd0"
        if e.kind == "step":
            index = e.detail.get("index")
            label = f" {(index if isinstance(index, int) else 0) + 1} "
            pen = pg.mkPen(MUTED, width=1.5)
        elif e.kind == "event" and e.name == "patient_stop":
            # The patient's stop stands out: a solid, thick line and its own sign.
            label, color = MARKS[e.name]
            pen = pg.mkPen(color, width=3.0)
            fill = "#fde2df"
        elif e.kind == "event" and e.name == "ritual":
            label, color = RITUAL_MARKS[bool(e.detail.get("resisted"))]
            pen = pg.mkPen(color, width=1.2, style=pg.QtCore.Qt.PenStyle.DotLine)
        elif e.kind == "event" and e.name in MARKS:
            label, color = MARKS[e.name]
            pen = pg.mkPen(color, width=1.4, style=pg.QtCore.Qt.PenStyle.DashLine)
        if label is None:
            return
        line = pg.InfiniteLine(
            pos=self._minutes(e.t),
            angle=90,
            pen=pen,
            label=label,
            labelOpts={
                "position": LABEL_TOP,
                "color": "#2b2f33",
                "fill": fill,
                "anchors": [(0.5, 0), (0.5, 0)],
            },
        )
        line.setToolTip(e.text(self.language.value, self.link.scene_declaration))
        self.plot.getPlotItem().addItem(line)
        self.marks.append(line)
        self.stack_labels()

    def stack_labels(self) -> None:
        """Lower a mark's label under its left neighbour's when they would
        overlap (steps a few seconds apart read "3 4 5" on one spot)."""
        vb = self.plot.getPlotItem().getViewBox()
        width = vb.width()
        x0, x1 = vb.viewRange()[0]
        if width <= 0 or x1 <= x0:
            return
        px_per_min = width / (x1 - x0)
        ends: list[float] = []  # right edge (px) of the last label on each level
        for line in sorted(self.marks, key=lambda m: m.value()):
            label = line.label
            half = label.boundingRect().width() / 2 + LABEL_GAP_PX
            x = (line.value() - x0) * px_per_min
            level = next((k for k, end in enumerate(ends) if x - half >= end), len(ends))
            if level == len(ends):
                ends.append(x + half)
            else:
                ends[level] = x + half
            step = (label.boundingRect().height() + 1.0) / max(vb.height(), 1.0)
            label.setPosition(max(0.05, LABEL_TOP - step * min(level, LABEL_LEVELS - 1)))


LABEL_TOP = 0.96
"""Where a mark's label sits on its line (0 bottom, 1 top)."""
LABEL_LEVELS = 5
"""Levels a crowded spot's labels stack on (a sixth shares the fifth's)."""
LABEL_GAP_PX = 2.0

MARKS = {
    "scene_event": ("⚡", "#8a6d9c"),
    "pause": ("‖", SAFE),
    "resume": ("▶", SAFE),
    "patient_stop": ("■", ALERT),
    "failsafe": ("⚠", WARN),
    "contact": ("●", "#5f7f8f"),
    "hotspot": ("✱", ALERT),
}
"""Event kind -> (sign on the chart, line colour)."""
RITUAL_MARKS = {True: ("R✓", SAFE), False: ("R✗", URGE_COLOR)}
"""A ritual resisted or performed (ERP)."""
