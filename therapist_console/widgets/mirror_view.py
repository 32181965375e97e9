"""What the patient sees: the engine's mirror frames (JPEG), scaled to fit.

Frames arrive on the link client's thread; :meth:`push` only stores the
newest bytes (one slot, older ones dropped: the view is a live picture, not a
recording), and a GUI-thread timer decodes and paints at most 15 times a
second, so a fast engine never floods the console.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from palier.core.i18n import _, fmt_number
from palier.therapist_console.session import Language, Link, LinkState
from palier.therapist_console.widgets.common import every

REFRESH_MS = 66


class MirrorView(QWidget):
    def __init__(self, language: Language, link: Link, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.link = link
        self.setMinimumSize(320, 180)
        self._lock = threading.Lock()
        self._pending: bytes | None = None
        self.image: QImage | None = None
        self.frames_shown = 0
        self.engine_frame = -1
        self._pending_frame = -1
        self.last_frame_at: float | None = None
        """``time.monotonic()`` of the last picture shown (the age shown when lost)."""
        self._shown_age = -1
        language.changed.connect(lambda _l: self.update())
        link.events.paused.connect(lambda _p: self.update())
        link.events.link.connect(lambda _s: self.update())
        self._timer = every(self, REFRESH_MS, self.drain)

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def push(self, frame: Any) -> None:
        """A ``wire.MirrorFrame`` (or raw JPEG bytes); any thread."""
        data = frame if isinstance(frame, bytes) else frame.jpeg
        with self._lock:
            self._pending = bytes(data)
            self._pending_frame = int(getattr(frame, "frame", -1))

    @property
    def lost(self) -> bool:
        return self.link.state is LinkState.LOST

    def seconds_since_frame(self) -> float | None:
        return None if self.last_frame_at is None else time.monotonic() - self.last_frame_at

    def lost_text(self) -> str:
        """What the greyed mirror says while the link is lost."""
        lang = self.language.value
        age = self.seconds_since_frame()
        if age is None:
            return _("Link lost: no picture from the headset", lang)
        return _(
            "Link lost: last picture {seconds} s ago",
            lang,
            seconds=fmt_number(int(age), lang, 0),
        )

    def drain(self) -> None:
        with self._lock:
            data, self._pending = self._pending, None
            number = self._pending_frame
        if self.lost:
            # The age of the frozen picture counts up once a second.
            age = self.seconds_since_frame()
            whole = -1 if age is None else int(age)
            if whole != self._shown_age:
                self._shown_age = whole
                self.update()
        if data is None:
            return
        img = QImage.fromData(data)  # format detected from the JPEG header
        if img.isNull():
            return  # a damaged frame: keep the last good picture
        self.image = img
        self.engine_frame = number
        self.frames_shown += 1
        self.last_frame_at = time.monotonic()
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1f2326"))
        if self.image is None:
            p.setPen(QColor("#c8cdd1"))
            p.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                _("Waiting for the patient's view…", self.language.value),
            )
        else:
            size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = (self.width() - size.width()) / 2
            y = (self.height() - size.height()) / 2
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(QRectF(x, y, size.width(), size.height()), self.image)
        if self.lost:
            # Greyed: the picture is the last one received, not the patient's view now.
            p.fillRect(self.rect(), QColor(90, 94, 98, 185))
            p.setPen(QColor("white"))
            f = p.font()
            f.setPointSize(15)
            f.setBold(True)
            p.setFont(f)
            p.drawText(
                self.rect().adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.lost_text(),
            )
        elif self.link.paused:
            p.setPen(QColor("white"))
            f = p.font()
            f.setPointSize(12)
            f.setBold(True)
            p.setFont(f)
            p.fillRect(QRectF(0, 0, self.width(), 30), QColor(79, 127, 99, 200))
            p.drawText(
                QRectF(0, 0, self.width(), 30),
                Qt.AlignmentFlag.AlignCenter,
                _("Patient in the safe place", self.language.value),
            )
        p.end()
