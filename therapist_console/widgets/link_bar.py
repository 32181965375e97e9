"""The top bar, always visible: link state with the engine's address and key
fingerprint, patient, session and step clocks, the engine's frame timing and
the language switch."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QWidget

from palier.core import wire
from palier.core.i18n import LANGUAGES, N_, _, fmt_number, own_language_name
from palier.therapist_console.session import Language, Link, LinkState, PatientPlan, RunningSession
from palier.therapist_console.widgets.common import ALERT, MUTED, SAFE, WARN, fmt_clock

STATE_COLORS = {LinkState.CONNECTED: SAFE, LinkState.LOST: ALERT}
"""Other states (before the first connection): muted, or 'connecting' with an engine chosen."""
SMOOTH_COLORS = {"good": SAFE, "uneven": WARN, "poor": ALERT}
SMOOTH_TEXTS = {
    "good": N_("headset display: smooth"),
    "uneven": N_("headset display: uneven"),
    "poor": N_("headset display: jerky"),
}


def smoothness(median_ms: float, p99_ms: float) -> str:
    """How the headset display runs, in words a therapist reads: 'good'
    (steady), 'uneven' (occasional hitches: the slowest frames take over twice
    the usual time) or 'poor' (under 30 frames a second, or a frame over
    100 ms in the last second: the patient sees a stutter)."""
    if median_ms > 1000.0 / 30.0 or p99_ms > 100.0:
        return "poor"
    if p99_ms > max(25.0, 2.0 * median_ms):
        return "uneven"
    return "good"


def runtime_text(stats: wire.FrameStats, lang: str) -> str:
    """The headset runtime's own frame figures, or that the display reports
    none (desktop and offscreen engines)."""
    period = stats.predicted_display_period_ms
    if period is None or stats.frames_late is None or stats.frames_dropped is None:
        return _("Headset runtime figures: not reported by this display.", lang)
    return _(
        "Headset runtime: a frame every {period} ms ({rate} Hz); since the engine started, "
        "frames late: {late}, frames dropped: {dropped}.",
        lang,
        period=fmt_number(period, lang, 1),
        rate=fmt_number(1000.0 / period, lang, 0) if period > 0 else "?",
        late=stats.frames_late,
        dropped=stats.frames_dropped,
    )


class LinkBar(QFrame):
    def __init__(
        self,
        language: Language,
        patient_plan: PatientPlan,
        running: RunningSession,
        link: Link,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.language_model = language
        self.patient_plan = patient_plan
        self.running = running
        self.link_model = link
        self.setObjectName("panel")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 6, 12, 6)
        lay.setSpacing(18)
        self.link = QLabel()
        self.link.setMinimumWidth(170)
        self.address = QLabel()
        self.address.setObjectName("muted")
        self.patient = QLabel()
        self.clocks = QLabel()
        self.clocks.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.frames = QLabel()
        self.frames.setObjectName("muted")
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(own_language_name(code), code)
        self.language.activated.connect(
            lambda i: self.language_model.set(self.language.itemData(i))
        )
        for w in (self.link, self.address, self.patient):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(self.clocks)
        lay.addWidget(self.frames)
        lay.addWidget(self.language)
        self.endpoint = ""
        self.fingerprint = ""
        for sig in (
            link.events.link,
            language.changed,
            patient_plan.events.patient,
            running.events.session,
            running.events.step,
        ):
            sig.connect(lambda _v: self.refresh())
        running.events.tick.connect(lambda _t: self.refresh_clocks())
        self.refresh()

    def set_connection(self, endpoint: str, fingerprint: str) -> None:
        self.endpoint, self.fingerprint = endpoint, fingerprint
        self.refresh()

    def refresh(self) -> None:
        lang = self.language_model.value
        state = self.link_model.state
        color = STATE_COLORS.get(state, MUTED)
        if state is LinkState.CONNECTED:
            text = _("Engine connected", lang)
        elif state is LinkState.LOST:
            text = _("Link lost — reconnecting", lang)
        elif self.endpoint:
            color, text = WARN, _("Connecting…", lang)
        else:
            text = _("Not connected", lang)
        self.link.setText(f"<span style='color:{color}; font-size:18px'>●</span> <b>{text}</b>")
        if self.endpoint:
            self.address.setText(
                _(
                    "{endpoint} · engine key {fingerprint}",
                    lang,
                    endpoint=self.endpoint,
                    fingerprint=self.fingerprint or "?",
                )
            )
        else:
            self.address.setText(_("no engine chosen", lang))
        p = self.patient_plan.patient
        self.patient.setText(_("Patient: {pseudonym}", lang, pseudonym=p.pseudonym) if p else "")
        self.language.setCurrentIndex(max(0, self.language.findData(lang)))
        self.refresh_clocks()

    def refresh_clocks(self) -> None:
        lang = self.language_model.value
        s = self.running.info
        step = self.running.current_step
        if s is None:
            self.clocks.setText("")
        else:
            text = _("Session {t}", lang, t=fmt_clock(self.running.elapsed_s()))
            if step is not None and s.status == "open":
                text += "   " + _(
                    "Step {n}: {t}",
                    lang,
                    n=step.index + 1,
                    t=fmt_clock(self.running.step_elapsed_s()),
                )
            self.clocks.setText(text)
        stats = self.link_model.frame_stats
        if stats is not None and self.link_model.is_up:
            level = smoothness(stats.median_ms, stats.p99_ms)
            self.frames.setText(
                f"<span style='color:{SMOOTH_COLORS[level]}'>●</span> "
                + SMOOTH_TEXTS[level].get(lang)
            )
            self.frames.setToolTip(
                _(
                    "Engine frame time: median {median} ms, 99th percentile {p99} ms.",
                    lang,
                    median=fmt_number(stats.median_ms, lang, 1),
                    p99=fmt_number(stats.p99_ms, lang, 1),
                )
                + "\n"
                + runtime_text(stats, lang)
            )
        else:
            self.frames.setText("")
            self.frames.setToolTip("")
