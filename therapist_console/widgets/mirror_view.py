"""What the patient sees: the engine's mirror frames (JPEG), scaled to fit.

Frames arrive on the link client's thread; :meth:`push` only stores the
newest bytes (one slot, older ones dropped: the view is a live picture, not a
recording), and a GUI-thread timer decodes and paints at most 15 times a
second, so a fast engine never floods the console.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from palier.core.i18n import _
from palier.therapist_console.session import Language, Link
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
        language.changed.connect(lambda _l: self.update())
        link.events.paused.connect(lambda _p: self.update())
        self._timer = every(self, REFRESH_MS, self.drain)

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def push(self, frame: Any) -> None:
        """A ``wire.MirrorFrame`` (or raw JPEG bytes); any thread."""
        data = frame if isinstance(frame, bytes) else frame.jpeg
        with self._lock:
            self._pending = bytes(data)
            self._pending_frame = int(getattr(frame, "frame", -1))

    def drain(self) -> None:
        with self._lock:
            data, self._pending = self._pending, None
            number = self._pending_frame
        if data is None:
            return
        img = QImage.fromData(data)  # format detected from the JPEG header
        if img.isNull():
            return  # a damaged frame: keep the last good picture
        self.image = img
        self.engine_frame = number
        self.frames_shown += 1
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
        if self.link.paused:
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
