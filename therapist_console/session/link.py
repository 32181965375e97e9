"""The link to the engine as the session sees it: up or lost (each change
recorded), the engine's latest state, pause, the trusted key's fingerprint,
and the scene declarations the controls are built from."""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future
from typing import Protocol

from palier.core import wire
from palier.core.i18n import N_, Localized, localized_error
from palier.scenes import registry
from palier.scenes.api import SceneDecl, UnknownSceneError
from palier.therapist_console.client import LinkClient, LinkState, LinkStatus
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session.base import Clock, Language, NotConnectedError, Signal
from palier.therapist_console.session.running import RunningSession
from palier.therapist_console.session.timeline import FORGOTTEN_BACK, FORGOTTEN_LOST, Timeline

log = logging.getLogger(__name__)

DOWN = (LinkState.LOST, LinkState.REFUSED, LinkState.INCOMPATIBLE, LinkState.CLOSED)
"""Client states that end a connection that was up."""


class EngineLink(Protocol):
    """What the model needs to send commands (``client.LinkClient`` has it).

    ``submit`` queues one command (a ``palier.core.wire`` command class and its
    fields, the request id filled in) and returns at once a Future that
    resolves to the engine's ``wire.Ack`` or raises (``CommandError``: refused,
    ``CommandTimeout``, ``LinkDown``). The model never blocks the GUI thread.
    """

    def submit(self, subject_cls: type[wire.Command], **fields: object) -> Future[wire.Reply]: ...


class LinkEvents:
    def __init__(self) -> None:
        self.link: Signal[LinkState] = Signal("link")
        self.engine_state: Signal[wire.StateFields] = Signal("engine_state")
        """Latest engine state, for the mirror panel."""
        self.paused: Signal[bool] = Signal("paused")
        self.trust: Signal[str | None] = Signal("trust")
        """The trusted engine key's fingerprint changed, or its confirmation."""


class Link:
    """The engine link's state. :attr:`state` is the client's
    :class:`~palier.therapist_console.client.LinkState` as the session sees
    it: ``CONNECTED`` while up, ``LOST`` from a loss until connected again
    (whatever the client tries meanwhile), before the first connection the
    client's own state (``CLOSED`` with no engine chosen)."""

    def __init__(
        self,
        record: SessionRecord,
        clock: Clock,
        language: Language,
        running: RunningSession,
        timeline: Timeline,
    ) -> None:
        self.record = record
        self.clock = clock
        self.language = language
        self.running = running
        self.timeline = timeline
        self.client: EngineLink | None = None
        self.state = LinkState.CLOSED
        self.engine_state: wire.StateFields | None = None
        self.paused = False
        self.trusted_fingerprint: str | None = None
        """The trusted engine key's fingerprint, shown before connecting."""
        self.trust_error: Localized | str | None = None
        """Why there is no trusted key (no pairing yet, unreadable file): a
        message shown in the console's language (a plain str only when the
        cause gave no message, shown in English alone)."""
        self.fingerprint_confirmed = False
        """The therapist compared the fingerprint with the headset PC's."""
        self.events = LinkEvents()
        self._was_lost = False

    @property
    def is_up(self) -> bool:
        return self.state is LinkState.CONNECTED

    def use(self, client: EngineLink | None) -> None:
        """Send commands through ``client`` (None: no engine)."""
        self.client = client

    def require_up(self) -> EngineLink:
        if self.client is None or self.state is not LinkState.CONNECTED:
            raise localized_error(
                NotConnectedError,
                N_("Not connected to the engine: connect first (the command was not sent)."),
                self.language.value,
            )
        return self.client

    def engine_to_console(self, engine_t: float | None) -> float:
        """Console time of an engine timestamp (receive time if no offset known).

        The client places engine times on ``time.monotonic()``; the model's
        clock is wall time, so the current wall-minus-monotonic difference is
        added to the client's estimate."""
        client = self.client
        estimate = client.clock if isinstance(client, LinkClient) else None
        if engine_t is None or estimate is None:
            return self.clock()
        return engine_t + (self.clock() - time.monotonic()) - float(estimate.offset_s)

    @property
    def frame_stats(self) -> wire.FrameStats | None:
        """The engine's latest frame timing (None without a live client)."""
        client = self.client
        return client.last_frame_stats if isinstance(client, LinkClient) else None

    # -- what the client reports -------------------------------------------------------
    def on_status(self, status: LinkStatus) -> None:
        """A ``LinkStatus`` from the client: connected, lost, refused, ...

        When the engine had forgotten this console (its failsafe may have
        fired meanwhile), the lines say so in the therapist's language."""
        state, detail = status.state, status.detail
        if status.forgotten:
            detail = (FORGOTTEN_BACK if state is LinkState.CONNECTED else FORGOTTEN_LOST).msgid
        if state is LinkState.CONNECTED:
            if self.state is not LinkState.CONNECTED:
                self.on_up(detail)
        elif self.state is LinkState.CONNECTED:
            if state in DOWN:
                self.on_lost(detail)
        elif self.state is not LinkState.LOST and state is not self.state:
            if state in (LinkState.REFUSED, LinkState.INCOMPATIBLE):
                log.warning("link: %s (%s)", state.value, detail)
            self.state = state
            self.events.link.emit(state)

    def on_up(self, detail: str = "") -> None:
        kind = "reconnected" if self._was_lost else "up"
        self.state = LinkState.CONNECTED
        self._record(kind, detail)
        self.events.link.emit(self.state)

    def on_lost(self, detail: str = "") -> None:
        if self.state is not LinkState.CONNECTED:
            return  # already lost, or never up: nothing to lose
        self.state = LinkState.LOST
        self._was_lost = True
        self._record("lost", detail)
        self.events.link.emit(self.state)

    def _record(self, kind: str, detail: str) -> None:
        t = self.clock()
        sid = self.running.info.id if self.running.info and self.running.is_open else None
        rid = self.record.add_link_event(sid, kind=kind, t=t, detail=detail)
        if sid is not None:
            self.timeline.add(t, "link", kind, {"detail": detail}, rid)

    def on_state(self, state: wire.StateFields) -> None:
        """An engine state: the mirror panel and the pause follow it."""
        self.engine_state = state
        self.set_paused(state.paused)
        self.events.engine_state.emit(state)

    def set_paused(self, paused: bool) -> None:
        if paused != self.paused:
            self.paused = paused
            self.events.paused.emit(paused)

    # -- the engine's key ----------------------------------------------------------------
    def set_trusted_key(
        self, fingerprint: str | None, error: Localized | str | None = None
    ) -> None:
        """The trusted engine key's fingerprint (or why there is none); a new
        fingerprint must be confirmed again."""
        if fingerprint != self.trusted_fingerprint:
            self.fingerprint_confirmed = False
        self.trusted_fingerprint = fingerprint
        self.trust_error = error
        self.events.trust.emit(fingerprint)

    def confirm_fingerprint(self, confirmed: bool) -> None:
        self.fingerprint_confirmed = confirmed and self.trusted_fingerprint is not None
        self.events.trust.emit(self.trusted_fingerprint)

    # -- scenes ----------------------------------------------------------------------------
    def scene_declaration(self, scene_id: str | None = None) -> SceneDecl | None:
        """The declaration of ``scene_id`` (default: the current step's scene):
        from the engine's catalogue when connected (what the engine really
        runs), else from the local registry; None if unknown. Widgets build
        the parameter and event controls from it."""
        if scene_id is None:
            step = self.running.current_step
            if step is None:
                return None
            scene_id = step.plan_step.scene
        client = self.client
        info = client.info if isinstance(client, LinkClient) else None
        if info is not None:
            try:
                return info.scene(scene_id)
            except KeyError:
                pass
        try:
            return registry.declaration(scene_id)
        except UnknownSceneError:
            log.warning("no declaration for scene %r", scene_id)
            return None
