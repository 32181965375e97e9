"""The hierarchy editor: the patient's steps in order (move, add, remove),
the chosen step's description, expected SUDS and scene values (the same
generated controls as the session page, ``scene_controls.make_param_control``)
with the reason next to a field the scene refuses, a picture of the step
rendered by the engine, and the saved versions (restore one).

Opened from the setup page and, between steps, from the session page; the
model is ``LadderEditor`` (``therapist_console/session/ladder_editor.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from palier.core import wire
from palier.core.i18n import N_, Message, _, error_text, fmt_date_time
from palier.protocols.ladders import Ladder
from palier.protocols.validate import scene_declaration
from palier.scenes.api import SceneDecl
from palier.therapist_console.session import LadderEditor, ModelError, Refusal
from palier.therapist_console.session.ladder_editor import (
    EXPECTED_SUDS,
    PARAM,
    PREVIEW_SIZE,
    TEXT,
    version_note,
)
from palier.therapist_console.widgets.common import ALERT, GuiThread, panel
from palier.therapist_console.widgets.scene_controls import make_param_control, show_param_value

log = logging.getLogger(__name__)

RENDERING = N_("Rendering…")
UNREADABLE = N_("The picture could not be read.")


def _reason_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ALERT};")
    label.hide()
    return label


class LadderEditorDialog(QDialog):
    def __init__(
        self,
        editor: LadderEditor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.language = editor.language
        self._gui = GuiThread(self)
        """The preview's reply arrives on the link's thread: shown from the GUI thread."""
        self.setMinimumSize(1280, 720)

        # -- steps ---------------------------------------------------------
        self.steps_title = QLabel()
        self.steps_title.setWordWrap(True)
        steps_frame, sl = panel(self.steps_title)
        self.steps = QListWidget()
        self.steps.setWordWrap(True)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.steps.currentRowChanged.connect(lambda _r: self._step_chosen())
        sl.addWidget(self.steps, 1)
        buttons = QGridLayout()  # two by two: French labels are long
        self.up = QPushButton()
        self.down = QPushButton()
        self.add = QPushButton()
        self.remove = QPushButton()
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        self.add.clicked.connect(self._add)
        self.remove.clicked.connect(self._remove)
        for i, b in enumerate((self.up, self.down, self.add, self.remove)):
            buttons.addWidget(b, i // 2, i % 2)
        sl.addLayout(buttons)

        # -- the chosen step -------------------------------------------------
        self.step_title = QLabel()
        step_frame, dl = panel(self.step_title)
        form = QGridLayout()
        form.setColumnStretch(1, 1)
        self.description_label = QLabel()
        self.description = QLineEdit()
        self.description.editingFinished.connect(self._description_done)
        self.description_reason = _reason_label()
        self.expected_label = QLabel()
        self.expected = QSpinBox()
        self.expected.setRange(0, 100)
        self.expected.setKeyboardTracking(False)
        self.expected.valueChanged.connect(self._expected_done)
        self.expected_reason = _reason_label()
        form.addWidget(self.description_label, 0, 0)
        form.addWidget(self.description, 0, 1)
        form.addWidget(self.description_reason, 1, 1)
        form.addWidget(self.expected_label, 2, 0)
        form.addWidget(self.expected, 2, 1)
        form.addWidget(self.expected_reason, 3, 1)
        dl.addLayout(form)
        self.scene_title = QLabel()
        self.scene_title.setObjectName("title")
        dl.addWidget(self.scene_title)
        self._params_host = QWidget()
        dl.addWidget(self._params_host)
        self.controls: dict[str, QWidget] = {}
        self.param_reasons: dict[str, QLabel] = {}
        self.param_labels: dict[str, QLabel] = {}
        dl.addStretch(1)

        # -- preview ---------------------------------------------------------
        self.preview_title = QLabel()
        preview_frame, pl = panel(self.preview_title)
        self.picture = QLabel()
        self.picture.setFixedSize(*PREVIEW_SIZE)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: #20252a; color: #c9ced2; border-radius: 4px;")
        self.picture.setWordWrap(True)
        pl.addWidget(self.picture)
        self.preview_button = QPushButton()
        self.preview_button.clicked.connect(self.request_preview)
        pl.addWidget(self.preview_button)
        self._preview_key: tuple[str, int] | None = None
        self._picture_note: Message | BaseException | None = None
        """What the picture area says instead of a picture (redrawn in the language)."""
        self._preview_seq = 0
        self._preview_wanted = False
        self._picture_step: str | None = None
        """The step the picture shows (or is being made for)."""
        self.preview_image: QImage | None = None
        """The latest picture shown (tests read it)."""

        # -- versions --------------------------------------------------------
        self.history_title = QLabel()
        pl.addWidget(self.history_title)
        self.history_title.setObjectName("title")
        self.history = QListWidget()
        self.history.setWordWrap(True)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        pl.addWidget(self.history, 1)
        self.restore_button = QPushButton()
        self.restore_button.clicked.connect(self._restore)
        pl.addWidget(self.restore_button)

        # -- bottom ------------------------------------------------------------
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ALERT};")
        self.state = QLabel()
        self.state.setObjectName("muted")
        self.save_button = QPushButton()
        self.save_button.setObjectName("primary")
        self.save_button.setMinimumHeight(40)
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton()
        self.close_button.setMinimumHeight(40)
        self.close_button.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state)
        bottom.addWidget(self.error, 1)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.save_button)

        top = QHBoxLayout()
        top.addWidget(steps_frame, 3)
        top.addWidget(step_frame, 4)
        top.addWidget(preview_frame, 0)
        outer = QVBoxLayout(self)
        outer.addLayout(top, 1)
        outer.addLayout(bottom)

        editor.events.changed.connect(lambda _l: self.refresh())
        editor.events.refused.connect(self._show_refusal)
        self.language.changed.connect(lambda _l: self.refresh())
        self.refresh()

    # -- showing -------------------------------------------------------------------
    def _lang(self) -> str:
        return self.language.value

    def current_step_id(self) -> str | None:
        ladder = self.editor.ladder
        row = self.steps.currentRow()
        if ladder is None or not 0 <= row < len(ladder.steps):
            return None
        return ladder.steps[row].id

    def refresh(self) -> None:
        lang = self._lang()
        ladder = self.editor.ladder
        self.setWindowTitle(_("Edit the hierarchy", lang))
        self.steps_title.setText(
            _("Hierarchy", lang)
            if ladder is None
            else f"{_('Hierarchy', lang)} — {ladder.title.get(lang)}"
        )
        self.up.setText(_("Up", lang))
        self.down.setText(_("Down", lang))
        self.add.setText(_("Add a step", lang))
        self.remove.setText(_("Remove", lang))
        self.description_label.setText(_("Description", lang))
        self.expected_label.setText(_("Expected SUDS", lang))
        self.preview_title.setText(_("Preview", lang))
        self.preview_button.setText(_("Show this step", lang))
        self.history_title.setText(_("Saved versions", lang))
        self.restore_button.setText(_("Restore this version", lang))
        self.save_button.setText(_("Save as a new version", lang))
        self.close_button.setText(_("Close", lang))
        self._show_picture_note()
        keep = self.steps.currentRow()
        self.steps.blockSignals(True)
        self.steps.clear()
        expected_word = _("expected SUDS", lang)  # outside the f-string: see hierarchy.py
        for i, s in enumerate(ladder.steps if ladder else ()):
            refused = any(k[0] == s.id for k in self.editor.refusals)
            item = QListWidgetItem(
                f"{i + 1}. {s.text.get(lang)}\n    {expected_word} {s.expected_suds}"
                + ("  ⚠" if refused else "")
            )
            self.steps.addItem(item)
        self.steps.blockSignals(False)
        self._fit_rows()
        if ladder is not None and ladder.steps:
            self.steps.setCurrentRow(min(max(keep, 0), len(ladder.steps) - 1))
        self._show_step()
        self._show_history(ladder)
        self._show_state(ladder)

    def _fit_rows(self) -> None:
        """Each row as tall as its wrapped text: Qt's own estimate of a wrapped
        item with a line break cut the expected SUDS off long descriptions."""
        # Less the stylesheet's 6 px padding and the delegate's own text margins,
        # and the scroll bar's width whether it is shown yet or not (it appears
        # once the rows are taller than the list).
        bar = self.steps.verticalScrollBar()
        shown = bar.width() if bar.isVisible() else 0
        width = max(120, self.steps.viewport().width() + shown - bar.sizeHint().width() - 24)
        fm = self.steps.fontMetrics()
        for i in range(self.steps.count()):
            item = self.steps.item(i)
            rect = fm.boundingRect(
                QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), item.text()
            )
            item.setSizeHint(QSize(width, rect.height() + 14))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_rows()

    def _show_state(self, ladder: Ladder | None) -> None:
        lang = self._lang()
        if ladder is None:
            text = ""
        elif ladder.saved:
            text = _("Version {version}, saved", lang, version=ladder.version)
        elif ladder.ladder_id is None:
            text = _("New hierarchy from the protocol, not saved yet", lang)
        else:
            text = _("Edited, not saved", lang)
        self.state.setText(text)
        self.save_button.setEnabled(ladder is not None and not self.editor.refusals)

    def _show_history(self, ladder: Ladder | None) -> None:
        lang = self._lang()
        self.history.clear()
        for v in self.editor.history() if ladder is not None else ():
            when = fmt_date_time(dt.datetime.fromtimestamp(v.created_at), lang)
            text = _("Version {version} — {when}", lang, version=v.version, when=when)
            if v.note:
                text += f" — {version_note(v.note, lang)}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            self.history.addItem(item)
        self.restore_button.setEnabled(self.history.count() > 1)

    def _declaration(self, scene: str) -> SceneDecl | None:
        decl, _why = scene_declaration(scene)
        return decl

    def _step_chosen(self) -> None:
        self._show_step()
        # Another step chosen: its picture, without a click (a redraw of the
        # same step, a language switch, asks for nothing).
        if self.editor.link.is_up and self.current_step_id() != self._picture_step:
            self.request_preview()

    def _show_step(self) -> None:
        lang = self._lang()
        ladder = self.editor.ladder
        step_id = self.current_step_id()
        old = self._params_host.layout()
        if old is not None:
            QWidget().setLayout(old)  # reparent the old layout to drop it
        self.controls.clear()
        self.param_reasons.clear()
        self.param_labels.clear()
        on = ladder is not None and step_id is not None
        for w in (self.description, self.expected, self.up, self.down, self.remove, self.add):
            w.setEnabled(on)
        if ladder is None or step_id is None:
            self.step_title.setText(_("Step", lang))
            self.scene_title.clear()
            return
        step = ladder.step(step_id)
        index = ladder.index(step_id)
        self.up.setEnabled(index > 0)
        self.down.setEnabled(index + 1 < len(ladder.steps))
        self.remove.setEnabled(len(ladder.steps) > 1)
        self.step_title.setText(_("Step {n}", lang, n=index + 1))
        # A refused description stays as typed, next to its reason.
        if not self.description.hasFocus() and (step_id, TEXT) not in self.editor.refusals:
            self.description.setText(step.text.get(lang))
            self.description.setCursorPosition(0)  # its beginning, not its end
        self.expected.blockSignals(True)
        self.expected.setValue(step.expected_suds)
        self.expected.blockSignals(False)
        self._show_reason(self.description_reason, step_id, TEXT)
        self._show_reason(self.expected_reason, step_id, EXPECTED_SUDS)
        decl = self._declaration(step.scene)
        if decl is None:
            self.scene_title.setText(step.scene)
            return
        self.scene_title.setText(f"{_('Scene', lang)} — {decl.name.get(lang)}")
        values = step.resolved_preset(decl.defaults())
        grid = QGridLayout(self._params_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        for r, spec in enumerate(decl.params):
            label = QLabel(spec.label.get(lang))
            label.setWordWrap(True)
            if spec.help is not None:
                label.setToolTip(spec.help.get(lang))
            control = make_param_control(
                spec, lang, lambda name, value, sid=step_id: self._param_done(sid, name, value)
            )
            show_param_value(control, values.get(spec.name, spec.default))
            reason = _reason_label()
            grid.addWidget(label, 2 * r, 0)
            grid.addWidget(control, 2 * r, 1)
            grid.addWidget(reason, 2 * r + 1, 1)
            # After it has its parent: a reparented widget is hidden again.
            self._show_reason(reason, step_id, PARAM + spec.name)
            self.controls[spec.name] = control
            self.param_reasons[spec.name] = reason
            self.param_labels[spec.name] = label

    def _show_reason(self, label: QLabel, step_id: str, field: str) -> None:
        message = self.editor.refusals.get((step_id, field))
        label.setText(message.get(self._lang()) if message else "")
        label.setVisible(message is not None)

    def _show_refusal(self, _refusal: Refusal) -> None:
        self.refresh()

    # -- editing -------------------------------------------------------------------
    def _edit(self, **change: Any) -> None:
        step_id = self.current_step_id()
        if step_id is None:
            return
        self.editor.edit(step_id, **change)
        self.error.clear()
        self.refresh()

    def _description_done(self) -> None:
        ladder, step_id = self.editor.ladder, self.current_step_id()
        if ladder is None or step_id is None:
            return
        if self.description.text().strip() != ladder.step(step_id).text.get(self._lang()):
            self._edit(text=self.description.text())

    def _expected_done(self, value: int) -> None:
        self._edit(expected_suds=value)

    def _param_done(self, step_id: str, name: str, value: Any) -> None:
        if self.editor.edit(step_id, params={name: value}):
            self.request_preview()
        self.refresh()

    def _act(self, fn: Any) -> None:
        try:
            fn()
            self.error.clear()
        except ModelError as exc:
            self.error.setText(error_text(exc, self._lang()))

    def _move(self, delta: int) -> None:
        step_id = self.current_step_id()
        if step_id is None or self.editor.ladder is None:
            return
        to = self.editor.ladder.index(step_id) + delta
        self._act(lambda: self.editor.move(step_id, to))
        self.steps.setCurrentRow(to)

    def _add(self) -> None:
        step_id = self.current_step_id()

        def add() -> None:
            new = self.editor.add_step(after=step_id)
            assert self.editor.ladder is not None
            self.steps.setCurrentRow(self.editor.ladder.index(new))

        self._act(add)

    def _remove(self) -> None:
        step_id = self.current_step_id()
        if step_id is not None:
            self._act(lambda: self.editor.remove(step_id))

    def save(self) -> None:
        self._act(lambda: self.editor.save())
        self.refresh()

    def _restore(self) -> None:
        item = self.history.currentItem()
        if item is not None:
            vid = int(item.data(Qt.ItemDataRole.UserRole))
            self._act(lambda: self.editor.restore(vid))

    def select_version(self, version: int) -> None:
        """Choose a version in the history list (as a click would)."""
        for i in range(self.history.count()):
            if self.history.item(i).text().split(" — ")[0].endswith(f" {version}"):
                self.history.setCurrentRow(i)
                return

    # -- preview -----------------------------------------------------------------------
    def _note(self, note: Message | BaseException) -> None:
        self._picture_note = note
        self._show_picture_note()

    def _show_picture_note(self) -> None:
        note, lang = self._picture_note, self._lang()
        if note is None:
            return
        self.picture.setText(
            note.get(lang) if isinstance(note, Message) else error_text(note, lang)
        )

    def request_preview(self) -> None:
        """Ask the engine for the chosen step's picture. One request at a time:
        asked again meanwhile, the latest wish is sent when the answer comes."""
        step_id = self.current_step_id()
        if step_id is None:
            return
        if self._preview_key is not None:
            self._preview_wanted = True
            return
        try:
            fut = self.editor.preview(step_id)
        except ModelError as exc:
            self._note(exc)
            return
        self._preview_seq += 1
        key = (step_id, self._preview_seq)
        self._preview_key = key
        if step_id != self._picture_step:  # the same step's picture stays until the new one
            self._note(RENDERING)
        self._picture_step = step_id
        fut.add_done_callback(lambda f: self._gui.call_soon(lambda: self._preview_done(key, f)))

    def _preview_done(self, key: tuple[str, int], fut: Future[wire.Reply]) -> None:
        if key != self._preview_key:
            return
        self._preview_key = None
        if self._preview_wanted:  # the step or a value changed meanwhile
            self._preview_wanted = False
            self.request_preview()
            return
        try:
            reply = fut.result()
        except Exception as exc:
            self._note(exc)
            return
        if not isinstance(reply, wire.PreviewReply):
            return
        image = QImage.fromData(reply.jpeg)
        if image.isNull():
            self._note(UNREADABLE)
            return
        self.preview_image = image
        self._picture_note = None
        self.picture.setPixmap(
            QPixmap.fromImage(image).scaled(
                self.picture.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
