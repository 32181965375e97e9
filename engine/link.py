"""Engine side of the control link: command and telemetry sockets.

Threads and who owns what:

* The **I/O thread** owns every ZeroMQ socket (sockets are not thread-safe)
  and the peer table. It reads the command socket continuously, decodes and
  validates every message, answers what needs no frame (``cmd.hello``,
  ``cmd.ping``, the event outbox), tracks console liveness, sends heartbeats
  and encodes everything outgoing. A frame command goes into its console's
  own bounded queue (excess: ``busy`` at once), so no console's flood can
  delay another's command; nothing a console sends can end the thread.
* The **frame** (Panda3D's thread) applies commands in the commands stage:
  every waiting command of each control console first (pause and resume at
  the next frame whatever observers send), then the observers' queues in
  turn, at most ``MAX_CMDS_PER_FRAME`` a frame. It builds state, head pose
  and frame statistics in the telemetry stage. It never blocks and never
  encodes: it swaps records with the I/O thread through deques (appends and
  pops are atomic; each per-console counter has one writer) and wakes it with
  one byte on a pipe.
* The **mirror encoder** thread (engine.mirror) hands JPEG frames over the
  same way.

Replies to frame commands are released in the telemetry stage, after the
state update they caused has been queued, so a console that sees an ack
never reads an older state afterwards.

Safety: once a controlling console has said hello, the engine expects to hear
from it at least every ``dead_after_s``. When it does not, the frame fades the
patient to the safe place itself, records a ``failsafe`` clinical event and
reports ``console_connected: false``; it does not resume on its own when the
console comes back (the therapist decides).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import zmq
from zmq.auth.thread import ThreadAuthenticator

from palier import __version__
from palier.core import pairing, wire
from palier.core.keys import CONSOLES, allowed_keys, load_own
from palier.engine.app import FADE_OUT_S, Engine, EngineError
from palier.engine.framestats import FrameStats
from palier.engine.mirror import MirrorStreamer
from palier.engine.pairing import PairingWindow, end_text
from palier.engine.patient_ui import PatientUI, PatientUIError
from palier.engine.preview import PreviewRenderer
from palier.scenes import registry
from palier.scenes.api import (
    Contact,
    ParameterValueError,
    SceneError,
    UnknownEventError,
    UnknownParameterError,
    UnknownSceneError,
)
from palier.scenes.base import Scene

log = logging.getLogger(__name__)

ZAP_DOMAIN = b"palier"
DEFAULT_BIND = "tcp://127.0.0.1:7770"
MAX_CMDS_PER_FRAME = 64
"""Observers' commands applied per frame, taken in turn from each observer's
queue: a flood is spread over frames rather than stalling one."""
MAX_PEERS = 32
"""Consoles the engine knows at once. A new one takes the place of the
console heard least recently, and only of one silent for ``dead_after_s``:
a console heard within the failsafe window is never forgotten."""
PEER_QUEUE = 64
"""Frame commands one console may have waiting; more are answered ``busy``."""
URGENT_HEADROOM = 16
"""Extra room a control console's pause and resume always have in its queue."""
URGENT: tuple[type[wire.Message], ...] = (wire.Pause, wire.Resume)
"""The therapist's safety commands: never refused for a full queue (within
the headroom) and applied at the next frame."""
PAIR_KEY = "p"
"""Desktop key that opens a pairing window (the headset PC's keyboard)."""
PAIRING_END_S = 6.0
"""The pairing panel says how the window ended this long."""
REPLY_CACHE = 128
"""Replies remembered per console so a retried command is answered, not re-run."""
MAX_PREVIEWS_WAITING = 2
"""Previews one console may have waiting for the preview process (``busy`` beyond)."""
EVENT_RESEND_S = 1.0
HEAD_RATE_HZ = 30.0


class LinkError(RuntimeError):
    """The link cannot start (bad endpoint, port in use, keys missing)."""


@dataclass(slots=True)
class LinkConfig:
    keys_dir: Path
    bind: str = DEFAULT_BIND
    telemetry_port: int | None = None
    """None: the command port + 1 (or any free port when the command port is 0)."""
    heartbeat_s: float = wire.HEARTBEAT_S
    dead_after_s: float = wire.DEAD_AFTER_S
    mirror_fps: float = 15.0
    mirror_size: tuple[int, int] = (640, 360)
    mirror_quality: int = 70
    clock_shift_s: float = 0.0
    """Test only: added to the engine clock on the wire (clock-offset tests)."""
    pairing_port: int | None = None
    """Where a pairing window listens (docs/protocol.md §13). None: the command
    port + 2 (or any free port when the command port is 0)."""


LATE_FAILSAFE_S = 0.1
"""A failsafe noticed more than this after the console went silent (the frame
loop was stuck) cuts to the safe place instead of fading to it. The same as
the engine's longest frame step, several frames at a headset's rate."""


@dataclass(slots=True, eq=False)
class _Peer:
    """One console that said hello, keyed by its routing id.

    The I/O thread owns ``role``, ``last_heard`` and ``replies`` and appends to
    ``queue``; the frame pops from ``queue``. ``gone`` is set by the I/O thread
    when the console is forgotten (the frame then drops it once its queue is
    empty)."""

    rid: bytes
    role: str
    last_heard: float
    replies: OrderedDict[int, list[bytes] | None] = field(default_factory=OrderedDict)
    queue: deque[tuple[wire.Message, int]] = field(default_factory=deque)
    """Frame commands waiting, each with the frame at which it arrived."""
    gone: bool = False


def split_endpoint(endpoint: str) -> tuple[str, int]:
    try:
        return wire.split_endpoint(endpoint)
    except ValueError as exc:
        raise LinkError(str(exc)) from None


def _catalogue() -> tuple[dict[str, Any], ...]:
    """Every registered scene's declaration; one that cannot be loaded is
    left out with an error in the log rather than taking the link down."""
    out = []
    for scene_id in registry.scene_ids():
        try:
            out.append(registry.declaration(scene_id).to_dict())
        except Exception:
            log.exception("link: scene %r cannot be loaded; left out of the catalogue", scene_id)
    return tuple(out)


def harden(sock: zmq.Socket, max_msg: int) -> None:
    """Options every link socket gets: no hang at exit, bounded messages."""
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.MAXMSGSIZE, max_msg)


def exposure_scene(engine: Engine) -> Scene | None:
    """The exposure scene, also while the safe place is shown in its stead."""
    hidden = getattr(engine, "_paused_scene", None)
    return hidden if engine.paused and hidden is not None else engine.scene


class EngineLink:
    """Serve consoles for one :class:`Engine`. Create after the engine, call
    :meth:`close` before closing the engine."""

    def __init__(
        self,
        engine: Engine,
        config: LinkConfig,
        *,
        patient_ui: Any | None = None,
        mirror: Any | None = None,
        framestats: Any | None = None,
    ) -> None:
        self.engine = engine
        self.config = config
        self.instance = uuid.uuid4().hex[:16]
        self._shift = config.clock_shift_s
        own = load_own(config.keys_dir)
        consoles_dir = Path(config.keys_dir) / CONSOLES
        consoles_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not allowed_keys(consoles_dir):
            log.warning(
                "no console is paired with this engine (%s is empty): every console will be "
                "refused; pair one with `palier keys allow FILE`",
                consoles_dir,
            )
        self.catalogue = _catalogue()

        # Patient-side parts (written alongside; the link only uses their API).
        if patient_ui is None:
            patient_ui = PatientUI(engine)
        if mirror is None:
            mirror = MirrorStreamer(
                engine,
                fps=config.mirror_fps,
                size=config.mirror_size,
                quality=config.mirror_quality,
            )
            mirror.enabled = False  # only while a console asks for it
        if framestats is None:
            framestats = FrameStats(engine)
        self.patient_ui = patient_ui
        self.mirror = mirror
        self.framestats = framestats
        self.preview = PreviewRenderer()
        """Pictures for the console's hierarchy editor, made by a child process."""
        self._previews: dict[int, tuple[bytes, int, str, int, int]] = {}
        """Frame thread only: previews asked for, by key: console, request id,
        scene, size."""
        self._preview_keys = 0
        patient_ui.on_suds = self._on_suds
        mirror.on_frame = self._on_mirror_frame

        # -- sockets (created here so bind errors surface in the constructor) --
        host, port = split_endpoint(config.bind)
        self.ctx = zmq.Context()
        self.auth: ThreadAuthenticator | None = ThreadAuthenticator(self.ctx, log=log)
        self.auth.start()
        try:
            self.auth.configure_curve(domain=ZAP_DOMAIN.decode(), location=str(consoles_dir))
            self.router = self._server_socket(
                zmq.ROUTER, own.public, own.secret, wire.MAX_COMMAND_BYTES
            )
            self.router.setsockopt(zmq.ROUTER_HANDOVER, 1)
            self.router.bind(f"tcp://{host}:{port or '*'}")
            self.command_endpoint = self.router.getsockopt_string(zmq.LAST_ENDPOINT)
            cmd_port = split_endpoint(self.command_endpoint)[1]
            tport = config.telemetry_port
            if tport is None:
                tport = cmd_port + 1 if port else 0
            # Consoles only send subscriptions on the PUB socket: tiny messages.
            self.pub = self._server_socket(zmq.PUB, own.public, own.secret, 4096)
            self.pub.setsockopt(zmq.SNDHWM, 200)  # a stuck console drops frames, not memory
            self.pub.bind(f"tcp://{host}:{tport or '*'}")
            self.telemetry_endpoint = self.pub.getsockopt_string(zmq.LAST_ENDPOINT)
            self.telemetry_port = split_endpoint(self.telemetry_endpoint)[1]
            pport = config.pairing_port
            if pport is None:
                pport = cmd_port + pairing.PORT_OFFSET if port else 0
            self.pairing_bind = f"tcp://{host}:{pport}"
        except zmq.ZMQError as exc:
            # Nothing may outlive a failed start: sockets, ZAP thread, context.
            self._close_sockets()
            self.stop_authenticator()
            self.ctx.term()
            self._close_parts()
            raise LinkError(
                f"cannot bind {config.bind}: {exc} (is another engine running?)"
            ) from None

        # -- shared state (see the module docstring for the threads) --
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._joined: deque[_Peer] = deque()
        """Consoles admitted by the I/O thread, not yet seen by the frame."""
        self._lanes: list[_Peer] = []
        """Frame thread only: every known console's queue, in turn order."""
        self._turn = 0
        self._forget = threading.Event()
        self._replies: deque[tuple[bytes, wire.Message]] = deque()
        self._publish: deque[wire.Message] = deque()
        self._mirror_frames: deque[tuple[bytes, int, float]] = deque(maxlen=2)
        self._frame_replies: list[tuple[bytes, wire.Message]] = []
        self._state_requests: list[tuple[bytes, int]] = []
        self._peers: dict[bytes, _Peer] = {}
        self._armed = False
        self._control_heard = 0.0
        self._console_connected = False
        self._events_lock = threading.Lock()
        self._outbox: list[wire.ClinicalEvent] = []
        self._event_seq = 0
        self._events_acked = 0
        self._state: wire.StateUpdate | None = None
        self._state_key: tuple[Any, ...] = ()
        self._params_dirty = True
        self._state_seq = 0
        self._suds_shown: dict[int, float] = {}
        self._frame_clock: list[tuple[int, float]] = [(-1, 0.0)] * 128
        self._last_head = 0.0
        self._last_stats = 0.0
        self.stats = {
            "received": 0,
            "rejected": 0,
            "dropped": 0,
            "busy": 0,
            "urgent_received": 0,
            "urgent_applied": 0,
            "urgent_worst_frames": 0,
        }
        """Counters for diagnostics and tests; each key has one writing thread.
        ``urgent_worst_frames``: the most frames a control console's pause or
        resume waited between its arrival and the frame that applied it."""

        self._own = own
        self._consoles_dir = consoles_dir
        self._allow_stamp = _folder_stamp(consoles_dir)
        """consoles/ as the ZAP handler last loaded it (see :meth:`_reload_allow_list`)."""
        self.pairing: PairingWindow | None = None
        """The latest pairing window (open or closed); see :meth:`open_pairing`."""
        self._pairing_shown: PairingWindow | None = None
        self._pairing_ended = False

        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._io_loop, name="palier-link", daemon=True)
        engine.command_sources.append(self._frame_commands)
        engine.frame_observers.append(self._frame_telemetry)
        engine.frame_observers.append(self._frame_pairing)
        if engine.backend.name == "desktop":
            engine.base.accept(PAIR_KEY, self._on_pair_key)
        engine.stop_observers.append(self._on_stop)
        engine.recenter_observers.append(self._on_recenter)
        engine.contact_observers.append(self._on_contact)
        self._thread.start()
        log.info(
            "link: commands on %s, telemetry on %s", self.command_endpoint, self.telemetry_endpoint
        )

    # -- helpers -------------------------------------------------------------
    def clock(self) -> float:
        """The engine time on the wire: this process's monotonic clock."""
        return time.monotonic() + self._shift

    def _server_socket(self, kind: int, public: bytes, secret: bytes, max_msg: int) -> zmq.Socket:
        sock = self.ctx.socket(kind)
        harden(sock, max_msg)
        sock.setsockopt(zmq.CURVE_SERVER, 1)
        sock.setsockopt(zmq.CURVE_PUBLICKEY, public)
        sock.setsockopt(zmq.CURVE_SECRETKEY, secret)
        sock.setsockopt(zmq.ZAP_DOMAIN, ZAP_DOMAIN)
        # Without a live ZAP handler a CURVE handshake is refused, so a dead
        # authenticator fails closed instead of letting any key in.
        sock.setsockopt(zmq.ZAP_ENFORCE_DOMAIN, 1)
        return sock

    def _wake(self) -> None:
        # A full pipe means the I/O thread is already due to wake.
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def stop_authenticator(self) -> None:
        """Test hook: stop the ZAP handler (new handshakes are then refused)."""
        if self.auth is not None:
            self.auth.stop()
            self.auth = None

    def forget_consoles(self) -> None:
        """Test hook: the I/O thread empties the peer table, as if every
        console had been forgotten; each must say hello again."""
        self._forget.set()
        self._wake()

    # -- pairing without files (docs/protocol.md §13) ----------------------------------
    def open_pairing(
        self, seconds: float = pairing.WINDOW_S, *, code: str | None = None
    ) -> PairingWindow:
        """Open a pairing window (closing one still open, whose code then
        stops working): the patient view shows a new code and this engine's
        key fingerprint. ``code``: tests only."""
        if self.pairing is not None:
            self.pairing.close()
        self.pairing = PairingWindow(
            self.ctx,
            self.pairing_bind,
            self._own,
            self.config.keys_dir,
            name=socket.gethostname()[:64] or "palier engine",
            seconds=seconds,
            on_paired=self._on_paired,
            code=code,
        )
        return self.pairing

    def _on_pair_key(self) -> None:
        # A key press runs in the frame: a port in use is logged, never raised.
        try:
            self.open_pairing()
        except (zmq.ZMQError, ValueError) as exc:
            log.error("pairing: cannot open a window on %s: %s", self.pairing_bind, exc)

    def _reload_allow_list(self) -> None:
        """consoles/ changed while the engine runs (`palier keys revoke`, or a
        key copied in): the ZAP handler reloads it, so the next handshake is
        judged by the folder as it is now. One stat a heartbeat, on this
        thread. A console already connected keeps its connection: CURVE
        judges handshakes, not messages."""
        stamp = _folder_stamp(self._consoles_dir)
        if stamp == self._allow_stamp:
            return
        self._allow_stamp = stamp
        auth = self.auth
        if auth is None:
            return
        try:
            auth.configure_curve(domain=ZAP_DOMAIN.decode(), location=str(self._consoles_dir))
        except (OSError, ValueError) as exc:  # the folder removed or unreadable
            log.error(
                "link: cannot reload %s (%s); the keys loaded before stay", self._consoles_dir, exc
            )
            return
        log.info("link: %s changed; its console keys were reloaded", self._consoles_dir)

    def _on_paired(self, _public: bytes) -> None:
        # The pairing thread stored the key in consoles/: the ZAP handler
        # reloads that folder so the console may connect at once.
        auth = self.auth
        if auth is not None:
            auth.configure_curve(domain=ZAP_DOMAIN.decode(), location=str(self._consoles_dir))

    def _frame_pairing(self, engine: Engine) -> None:
        """Show the window's code, countdown and outcome (texts only: the
        panel is built with the patient UI)."""
        window = self.pairing
        if window is None:
            return
        ui = self.patient_ui
        if window is not self._pairing_shown:
            self._pairing_shown, self._pairing_ended = window, False
            ui.show_pairing(pairing.show_code(window.code), window.engine_fingerprint)
        if window.is_open:
            ui.pairing_countdown(window.seconds_left, window.attempts_left)
        elif not self._pairing_ended:
            self._pairing_ended = True
            ui.end_pairing(end_text(window).get(engine.language), PAIRING_END_S)

    # -- patient-side callbacks (frame thread) ------------------------------------
    def _add_event(
        self,
        kind: str,
        *,
        request: int | None = None,
        value: int | None = None,
        t_ref: float | None = None,
        contact: Contact | None = None,
    ) -> wire.ClinicalEvent:
        # Called on the frame (and the failsafe's): the lock is held for a
        # list append only, never across I/O, so a frame does not wait on it.
        with self._events_lock:
            self._event_seq += 1
            ev = wire.ClinicalEvent(
                seq=self._event_seq,
                instance=self.instance,
                kind=kind,
                frame=self.engine.frame,
                t_engine=self.clock(),
                request=request,
                value=value,
                t_ref=t_ref,
                surface=None if contact is None else contact.surface,
                hand=None if contact is None else contact.hand,
                duration_s=None if contact is None else contact.duration_s,
            )
            self._outbox.append(ev)
        self._publish.append(ev)
        self._wake()
        log.info("clinical event %d: %s request=%s value=%s", ev.seq, kind, request, value)
        return ev

    def _on_suds(self, request_id: int, value: int) -> None:
        self._add_event(
            "suds",
            request=request_id,
            value=int(value),
            t_ref=self._suds_shown.pop(request_id, None),
        )

    def _on_stop(self, _engine: Engine) -> None:
        # The engine has already cut to the safe place (Engine.patient_stop);
        # the outbox keeps the event until a control console acknowledges it.
        self._add_event("stop")

    def _on_recenter(self, _engine: Engine) -> None:
        self._add_event("recenter")

    def _on_contact(self, _engine: Engine, contact: Contact) -> None:
        # Reported when the hand leaves the surface: it reached it duration_s ago.
        duration = min(contact.duration_s, 86400.0)
        self._add_event("contact", t_ref=self.clock() - duration, contact=contact)

    def _on_mirror_frame(self, jpeg: bytes, frame: int, _scene_time: float) -> None:
        self._mirror_frames.append((jpeg, frame, self._time_of_frame(frame)))
        self._wake()

    def _time_of_frame(self, frame: int) -> float:
        f, t = self._frame_clock[frame % len(self._frame_clock)]
        return t if f == frame else self.clock()

    @property
    def console_connected(self) -> bool:
        """The frame loop hears a control console (no failsafe pending)."""
        return self._console_connected

    # -- frame thread: commands stage --------------------------------------------------
    def _frame_commands(self, engine: Engine) -> None:
        now = self.clock()
        if self._armed:
            silent = now - self._control_heard
            alive = silent <= self.config.dead_after_s
            # Later than this, a fade would show exposure frames after the
            # moment the safe place should already be there: the frame loop
            # was stuck, so the safe place is shown on this very frame.
            late = silent > self.config.dead_after_s + LATE_FAILSAFE_S
            if self._console_connected and not alive:
                self._console_connected = False
                log.warning(
                    "link: console silent for %.2f s; %s to the safe place",
                    silent,
                    "cutting" if late else "fading",
                )
                engine.pause("link_lost", at_once=late)
                self._add_event("failsafe", t_ref=self._control_heard)
            elif (
                engine.fading_to_safe_place
                and silent > self.config.dead_after_s + FADE_OUT_S + LATE_FAILSAFE_S
            ):
                # The loop stalled during the fade-out: the fade should be over.
                log.warning("link: frame loop stalled during the failsafe fade; cutting")
                engine.pause("link_lost", at_once=True)
            elif alive and not self._console_connected:
                self._console_connected = True
                log.info("link: console connected")
        while self._joined:
            self._lanes.append(self._joined.popleft())
        # Control consoles first, every waiting command in its order: each
        # queue is bounded, and a pause never waits behind an observer.
        for peer in self._lanes:
            if peer.role == "control":
                while peer.queue:
                    self._apply(engine, peer, *peer.queue.popleft())
        # Observers in turn, one command each per round, within the budget.
        others = [p for p in self._lanes if p.role != "control" and p.queue]
        budget = MAX_CMDS_PER_FRAME
        if others:
            start = self._turn % len(others)
            self._turn += 1
            others = others[start:] + others[:start]
            while budget and others:
                for peer in others:
                    if budget and peer.queue:
                        budget -= 1
                        self._apply(engine, peer, *peer.queue.popleft())
                others = [p for p in others if p.queue]
        if any(p.gone for p in self._lanes):
            self._lanes = [p for p in self._lanes if not p.gone or p.queue]

    def _apply(self, engine: Engine, peer: _Peer, msg: wire.Message, arrived: int) -> None:
        # The I/O thread queues only the kinds the table sends to the frame.
        try:
            reply = _ROUTES[type(msg)].handler(self, peer.rid, msg)
        except Exception as exc:
            reply = self._error_for(msg, exc)
        if reply is not None:
            self._frame_replies.append((peer.rid, reply))
        if peer.role == "control" and isinstance(msg, URGENT):
            waited = engine.frame - arrived
            self.stats["urgent_applied"] += 1
            self.stats["urgent_worst_frames"] = max(self.stats["urgent_worst_frames"], waited)
            log.info(
                "link: %s from a control console applied at frame %d (arrived at frame %d)",
                msg.SUBJECT,
                engine.frame,
                arrived,
            )

    def _ack(self, req_id: int) -> wire.Ack:
        return wire.Ack(id=req_id, frame=self.engine.frame, t_engine=self.clock())

    # Frame commands (see _ROUTES): each returns its reply, or None when the
    # telemetry stage answers.
    def _on_get_state(self, rid: bytes, msg: wire.GetState) -> None:
        self._state_requests.append((rid, msg.id))  # answered with this frame's state

    def _on_set_params(self, _rid: bytes, msg: wire.SetParams) -> wire.Ack:
        self.engine.set_params(msg.params, msg.ramp_s)
        self._params_dirty = True
        return self._ack(msg.id)

    def _on_load_scene(self, _rid: bytes, msg: wire.LoadScene) -> wire.Ack:
        self.engine.load_scene(msg.scene, msg.params)
        self._params_dirty = True
        return self._ack(msg.id)

    def _on_fire(self, _rid: bytes, msg: wire.Fire) -> wire.Ack:
        try:
            if msg.options:
                self._check_event_options(msg)
            self.engine.fire(msg.event, **msg.options)
        except TypeError as exc:  # options the scene's event does not take
            raise _BadValue(str(exc) or type(exc).__name__) from exc
        return self._ack(msg.id)

    def _on_pause(self, _rid: bytes, msg: wire.Pause) -> wire.Ack:
        self.engine.pause(msg.reason)
        return self._ack(msg.id)

    def _on_resume(self, _rid: bytes, msg: wire.Resume) -> wire.Ack:
        self.engine.resume()
        return self._ack(msg.id)

    def _on_show_text(self, _rid: bytes, msg: wire.ShowText) -> wire.Ack:
        self.patient_ui.show_text(msg.text, msg.seconds)
        return self._ack(msg.id)

    def _on_ask_suds(self, _rid: bytes, msg: wire.AskSuds) -> wire.Ack:
        pending = self.patient_ui.suds_pending
        if pending is not None and pending != msg.request:
            raise _Busy(
                f"rating request {pending} is still showing; "
                "cancel it (cmd.cancel_suds) or wait for the answer"
            )
        self.patient_ui.ask_suds(msg.request, msg.prompt)
        self._suds_shown[msg.request] = self.clock()
        return self._ack(msg.id)

    def _on_cancel_suds(self, _rid: bytes, msg: wire.CancelSuds) -> wire.Ack:
        self.patient_ui.cancel_suds()
        return self._ack(msg.id)

    def _on_recenter_command(self, _rid: bytes, msg: wire.Recenter) -> wire.Ack:
        self.engine.recenter()
        return self._ack(msg.id)

    def _on_set_mirror(self, _rid: bytes, msg: wire.SetMirror) -> wire.Ack:
        self.mirror.enabled = msg.enabled
        return self._ack(msg.id)

    def _on_preview(self, rid: bytes, msg: wire.Preview) -> None:
        decl = registry.declaration(msg.scene)  # unknown_scene
        params = decl.validate_values(msg.params)  # unknown_parameter, bad_value
        waiting = sum(1 for p in self._previews.values() if p[0] == rid)
        if waiting >= MAX_PREVIEWS_WAITING:
            raise _Busy(
                f"{waiting} previews from this console are still being rendered; wait for one"
            )
        self._preview_keys += 1
        key = self._preview_keys
        self._previews[key] = (rid, msg.id, msg.scene, msg.width, msg.height)
        # Rendered by the preview process; answered in a later telemetry stage.
        self.preview.submit(
            key, msg.scene, params, (msg.width, msg.height), language=self.engine.language
        )

    def _collect_previews(self) -> None:
        for result in self.preview.done():
            asked = self._previews.pop(result.key, None)
            if asked is None:
                continue
            rid, req_id, scene, width, height = asked
            reply: wire.Message
            if result.error:
                log.warning("link: preview of %s failed: %s", scene, result.error)
                reply = wire.Error(
                    id=req_id,
                    code="internal",
                    message=f"the preview of {scene} could not be made: {result.error}"[:1000],
                )
            else:
                reply = wire.PreviewReply(
                    id=req_id, scene=scene, width=width, height=height, jpeg=result.jpeg
                )
            self._frame_replies.append((rid, reply))

    def _check_event_options(self, msg: wire.Fire) -> None:
        """Options must be ones the event declares, with valid values: a scene
        would otherwise ignore a mistyped option silently."""
        scene = exposure_scene(self.engine)
        if scene is None:
            return  # the engine says what is wrong (no scene)
        spec = scene.declaration.event(msg.event)  # unknown_event first
        try:
            spec.validate_options(msg.options, scene.declaration.id)
        except ParameterValueError as exc:
            raise _BadValue(str(exc)) from None

    @staticmethod
    def _error_for(msg: wire.Message, exc: Exception) -> wire.Error:
        code = next((code for kinds, code in _ERROR_CODES if isinstance(exc, kinds)), "internal")
        if code == "internal":
            log.exception("link: %s failed", msg.SUBJECT)
        text = str(exc) or type(exc).__name__
        if code == "internal":
            text = f"engine error while applying {msg.SUBJECT}: {type(exc).__name__}: {text}"
        return wire.Error(id=msg.id, code=code, message=text[:1000])  # type: ignore[attr-defined]

    # -- frame thread: telemetry stage ----------------------------------------------
    def _frame_telemetry(self, engine: Engine) -> None:
        now = self.clock()
        frame = engine.frame
        self._frame_clock[frame % len(self._frame_clock)] = (frame, now)
        exposure = exposure_scene(engine)
        key = (
            id(engine.scene),
            id(exposure),
            engine.paused,
            engine.pause_reason,
            engine.fader.busy,
            self.patient_ui.suds_pending,
            bool(self.mirror.enabled),
            self._console_connected,
        )
        if key != self._state_key or self._params_dirty or self._state is None:
            self._state_key = key
            self._params_dirty = False
            self._state_seq += 1
            showing = engine.scene.declaration.id if engine.scene else ""
            self._state = wire.StateUpdate(
                seq=self._state_seq,
                instance=self.instance,
                frame=frame,
                t_engine=now,
                scene=exposure.declaration.id if exposure else showing or "none",
                showing=showing or "none",
                params=exposure.targets() if exposure else {},
                paused=engine.paused,
                pause_reason=engine.pause_reason,
                fading=engine.fader.busy,
                suds_pending=self.patient_ui.suds_pending,
                mirror=bool(self.mirror.enabled),
                console_connected=self._console_connected,
            )
            self._publish.append(self._state)
        if self._state_requests:
            s = self._state
            for rid, req_id in self._state_requests:
                self._frame_replies.append(
                    (
                        rid,
                        wire.StateReply(
                            id=req_id,
                            seq=s.seq,
                            instance=s.instance,
                            frame=s.frame,
                            t_engine=s.t_engine,
                            scene=s.scene,
                            showing=s.showing,
                            params=s.params,
                            paused=s.paused,
                            pause_reason=s.pause_reason,
                            fading=s.fading,
                            suds_pending=s.suds_pending,
                            mirror=s.mirror,
                            console_connected=s.console_connected,
                        ),
                    )
                )
            self._state_requests.clear()
        if now - self._last_head >= 1.0 / HEAD_RATE_HZ:
            self._last_head = now
            p = engine.head.getPos(engine.rig)
            q = engine.head.getQuat(engine.rig)
            self._publish.append(
                wire.HeadPose(
                    frame=frame,
                    t_engine=now,
                    pos=(p.x, p.y, p.z),
                    quat=tuple(
                        max(-1.0, min(1.0, c)) for c in (q.getR(), q.getI(), q.getJ(), q.getK())
                    ),
                )
            )
        if now - self._last_stats >= 1.0:
            self._last_stats = now
            self._publish.append(self.framestats.message(frame, now))
        if self._previews:
            self._collect_previews()
        if self._frame_replies:
            self._replies.extend(self._frame_replies)
            self._frame_replies.clear()
        if self._replies or self._publish:
            self._wake()

    # -- I/O thread --------------------------------------------------------------------
    def _io_loop(self) -> None:
        poller = zmq.Poller()
        poller.register(self.router, zmq.POLLIN)
        poller.register(self._wake_r, zmq.POLLIN)
        self._next_hb = 0.0
        self._next_resend = time.monotonic() + EVENT_RESEND_S
        try:
            while not self._stop.is_set():
                try:
                    self._io_step(poller)
                except Exception:
                    # A fault here is the engine's, not a console's (those are
                    # answered in _receive): log it, pause briefly so a fault
                    # that repeats cannot spin, and keep serving.
                    log.exception("link: I/O step failed; going on")
                    self._stop.wait(0.05)
        finally:
            self._close_sockets()

    def _io_step(self, poller: zmq.Poller) -> None:
        now = time.monotonic()
        timeout = max(0.0, min(self._next_hb, self._next_resend) - now)
        ready = dict(poller.poll(int(timeout * 1000.0) + 1))
        if self._forget.is_set():
            self._forget.clear()
            self._forget_all()
        if self.router in ready:
            self._receive()
        if self._wake_r in ready:
            try:
                while os.read(self._wake_r, 4096):
                    pass
            except BlockingIOError:
                pass
        self._flush()
        now = time.monotonic()
        if now >= self._next_hb:
            self._next_hb = now + self.config.heartbeat_s
            self._send_pub(
                wire.EngineHeartbeat(
                    instance=self.instance,
                    frame=self.engine.frame,
                    t_engine=self.clock(),
                    state_seq=self._state_seq,
                    event_seq=self._event_seq,
                )
            )
            self._reload_allow_list()
        if now >= self._next_resend:
            self._next_resend = now + EVENT_RESEND_S
            with self._events_lock:
                pending = self._outbox[:64]
            for ev in pending:
                self._send_pub(ev)

    def _receive(self) -> None:
        for _ in range(256):
            try:
                frames = self.router.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            self.stats["received"] += 1
            rid = frames[0]
            try:
                msg = wire.decode(frames[1:])
            except wire.WireError as exc:
                self.stats["rejected"] += 1
                self._send_reply(
                    rid, wire.Error(id=exc.request_id or 0, code=exc.code, message=str(exc)[:1000])
                )
                continue
            try:
                self._handle(rid, msg)
            except Exception as exc:
                # Whatever a console sends is answered, and the thread lives on.
                log.exception("link: serving %s failed", msg.SUBJECT)
                self._send_reply(
                    rid,
                    wire.Error(
                        id=getattr(msg, "id", 0),
                        code="internal",
                        message=f"engine error while serving {msg.SUBJECT}: {type(exc).__name__}"[
                            :1000
                        ],
                    ),
                )

    def _admit(self, rid: bytes, role: str, now: float) -> _Peer | None:
        """The table entry of a console saying hello: its own, a new one, or
        None when every place is held by a console heard within the failsafe
        window (which is never forgotten for a newcomer)."""
        peer = self._peers.get(rid)
        if peer is not None:
            peer.role = role
            return peer
        if len(self._peers) >= MAX_PEERS:
            window = self.config.dead_after_s
            silent = [p for p in self._peers.values() if now - p.last_heard > window]
            if not silent:
                return None
            oldest = min(silent, key=lambda p: p.last_heard)
            log.info(
                "link: forgetting a %s console silent for %.1f s (table full)",
                oldest.role,
                now - oldest.last_heard,
            )
            self._drop(oldest)
        peer = self._peers[rid] = _Peer(rid=rid, role=role, last_heard=now)
        self._joined.append(peer)
        return peer

    def _drop(self, peer: _Peer) -> None:
        del self._peers[peer.rid]
        peer.gone = True

    def _forget_all(self) -> None:
        log.warning("link: forgetting every console (%d)", len(self._peers))
        for peer in list(self._peers.values()):
            self._drop(peer)

    def _heard(self, peer: _Peer, now: float) -> None:
        peer.last_heard = now
        if peer.role == "control":
            self._control_heard = now

    def _handle(self, rid: bytes, msg: wire.Message) -> None:
        route = _ROUTES.get(type(msg))
        if route is not None and route.stage is _Stage.GREETING:
            greeting = route.handler(self, rid, msg)
            if greeting is not None:
                self._send_reply(rid, greeting)
            return
        # Every kind but hb.console carries a request id; one sent by the
        # engine without one (telemetry) is refused below, with id 0.
        req_id: int = getattr(msg, "id", 0)
        peer = self._peers.get(rid)
        if peer is None:
            self._send_reply(rid, self._say_hello(msg, req_id))
            return
        self._heard(peer, self.clock())
        if req_id in peer.replies:  # a retry: answer again, never apply twice
            cached = peer.replies[req_id]
            if cached is not None:
                self._send_frames(rid, cached)
            return
        if route is None:
            self._send_reply(rid, wire.Error(id=req_id, code="not_allowed", message=_unserved(msg)))
            return
        if route.stage is _Stage.IO:
            reply = route.handler(self, rid, msg)
            if reply is not None:
                self._send_reply(rid, reply, peer)
            return
        urgent = peer.role == "control" and isinstance(msg, URGENT)
        # The frame only pops, so this length can only shrink meanwhile.
        if len(peer.queue) >= PEER_QUEUE + (URGENT_HEADROOM if urgent else 0):
            self.stats["busy"] += 1
            # Not cached: a retry may find room. Built here from checked
            # values, so not checked again on a flood's hot path.
            self._send_reply(
                rid,
                wire.Error(
                    id=req_id,
                    code="busy",
                    message=f"{msg.SUBJECT} not queued: {len(peer.queue)} commands from this "
                    f"console are already waiting for a frame (at most {PEER_QUEUE}); wait for "
                    "their replies",
                ),
                check=False,
            )
            return
        peer.replies[req_id] = None  # pending: a retry arriving now is ignored
        while len(peer.replies) > REPLY_CACHE:
            peer.replies.popitem(last=False)
        if urgent:
            self.stats["urgent_received"] += 1
        peer.queue.append((msg, self.engine.frame))

    @staticmethod
    def _say_hello(msg: wire.Message, req_id: int) -> wire.Error:
        """The answer to a console the engine does not know (it never said
        hello, the engine restarted, or forgot it): a client reads the marker
        and says hello again (docs/protocol.md §5)."""
        return wire.Error(
            id=req_id,
            code="not_allowed",
            message=f"{msg.SUBJECT} {wire.BEFORE_HELLO}: say hello first (the engine may have "
            "restarted, or forgotten this console after a silence)",
        )

    # Answered on the I/O thread (see _ROUTES).
    def _on_console_heartbeat(self, rid: bytes, msg: wire.ConsoleHeartbeat) -> wire.Error | None:
        peer = self._peers.get(rid)
        if peer is None:
            # A console that believes it is connected learns at its next
            # heartbeat that it must say hello again.
            return self._say_hello(msg, 0)
        self._heard(peer, self.clock())
        return None

    def _on_hello(self, rid: bytes, msg: wire.Hello) -> wire.Message:
        if msg.protocol != wire.PROTOCOL_VERSION:
            return wire.Error(
                id=msg.id,
                code="version_mismatch",
                message=f"this engine speaks protocol {wire.PROTOCOL_VERSION}, the console "
                f"{msg.protocol}; install matching Palier versions on both machines",
            )
        now = self.clock()
        peer = self._admit(rid, msg.role, now)
        if peer is None:
            return wire.Error(
                id=msg.id,
                code="busy",
                message=f"this engine already serves {MAX_PEERS} consoles, each heard within "
                f"the last {self.config.dead_after_s:g} s; close one (a probe, a second screen) "
                "and try again",
            )
        peer.last_heard = now
        # A new hello starts a new session for this console: it has failed
        # whatever it had pending (docs/protocol.md §5), so no cached reply
        # can be asked for again.
        peer.replies.clear()
        if msg.role == "control":
            self._control_heard = now
            self._armed = True
        log.info("link: hello from %r (%s)", msg.client, msg.role)
        return self._hello_reply(msg.id)

    def _on_ping(self, rid: bytes, msg: wire.Ping) -> wire.Pong:
        now = self.clock()
        peer = self._peers.get(rid)
        if peer is not None:
            self._heard(peer, now)
        return wire.Pong(id=msg.id, frame=self.engine.frame, t_engine=now)

    def _on_get_events(self, _rid: bytes, msg: wire.GetEvents) -> wire.EventsReply:
        return self._events_reply(msg.id)

    def _on_ack_events(self, rid: bytes, msg: wire.AckEvents) -> wire.Message:
        role = self._peers[rid].role  # _handle checked the hello
        if role != "control":
            # Only the console that records the session takes events out
            # of the outbox; an observer's ack would lose them.
            return wire.Error(
                id=msg.id,
                code="not_allowed",
                message=f"only a control console acknowledges clinical events; this "
                f"console said hello as {role!r}",
            )
        return self._ack_events(msg)

    def _hello_reply(self, req_id: int) -> wire.HelloReply:
        return wire.HelloReply(
            id=req_id,
            frame=self.engine.frame,
            t_engine=self.clock(),
            protocol=wire.PROTOCOL_VERSION,
            engine=f"palier-engine {__version__}",
            host=socket.gethostname()[:128],
            instance=self.instance,
            backend=self.engine.backend.name,
            language=self.engine.language,
            telemetry_port=self.telemetry_port,
            heartbeat_s=self.config.heartbeat_s,
            dead_after_s=self.config.dead_after_s,
            events_acked=self._events_acked,
            catalogue=self.catalogue,
        )

    def _events_reply(self, req_id: int) -> wire.EventsReply:
        with self._events_lock:
            pending = tuple(self._outbox[:256])
            more = len(self._outbox) > 256
        return wire.EventsReply(id=req_id, instance=self.instance, events=pending, more=more)

    def _ack_events(self, msg: wire.AckEvents) -> wire.Message:
        if msg.instance != self.instance:
            return wire.Error(
                id=msg.id,
                code="bad_value",
                message=f"events of engine instance {msg.instance} cannot be acknowledged here "
                f"(this is instance {self.instance}; the engine restarted)",
            )
        with self._events_lock:
            if msg.up_to > self._event_seq:
                return wire.Error(
                    id=msg.id,
                    code="bad_value",
                    message=f"up_to {msg.up_to} is beyond the last event {self._event_seq}",
                )
            if msg.up_to > self._events_acked:
                self._events_acked = msg.up_to
                self._outbox = [e for e in self._outbox if e.seq > msg.up_to]
        return self._ack(msg.id)

    def _flush(self) -> None:
        while self._replies:
            rid, msg = self._replies.popleft()
            self._send_reply(rid, msg, self._peers.get(rid))
        while self._publish:
            self._send_pub(self._publish.popleft())
        while self._mirror_frames:
            jpeg, frame, t = self._mirror_frames.popleft()
            w, h = self.mirror_size()
            self._send_pub(wire.MirrorFrame(frame=frame, t_engine=t, width=w, height=h, jpeg=jpeg))

    def mirror_size(self) -> tuple[int, int]:
        size = getattr(self.mirror, "size", None) or self.config.mirror_size
        return int(size[0]), int(size[1])

    def _send_reply(
        self, rid: bytes, msg: wire.Message, peer: _Peer | None = None, *, check: bool = True
    ) -> None:
        try:
            frames = wire.encode(msg, check=check)
        except wire.WireError:
            log.exception("link: refusing to send an invalid %s", msg.SUBJECT)
            return
        req_id = getattr(msg, "id", 0)
        if peer is not None and req_id and req_id in peer.replies:
            peer.replies[req_id] = frames
        self._send_frames(rid, frames)

    def _send_frames(self, rid: bytes, frames: list[bytes]) -> None:
        try:
            self.router.send_multipart([rid, *frames], zmq.NOBLOCK)
        except zmq.ZMQError:  # peer gone or its queue full: it will retry
            self.stats["dropped"] += 1

    def _send_pub(self, msg: wire.Message) -> None:
        try:
            frames = wire.encode(msg, check=not isinstance(msg, wire.MirrorFrame))
            self.pub.send_multipart(frames, zmq.NOBLOCK)
        except zmq.ZMQError:
            self.stats["dropped"] += 1
        except wire.WireError:
            log.exception("link: refusing to publish an invalid %s", msg.SUBJECT)

    # -- shutdown --------------------------------------------------------------------------
    def _close_sockets(self) -> None:
        for name in ("router", "pub"):
            sock = getattr(self, name, None)
            if sock is not None and not sock.closed:
                sock.close(linger=0)

    def _close_parts(self) -> None:
        for part in (self.mirror, self.patient_ui, getattr(self, "preview", None)):
            if part is None:
                continue
            try:
                part.close()
            except Exception:
                log.exception("link: closing %s failed", type(part).__name__)

    def close(self) -> None:
        """Stop the I/O thread, close sockets (linger 0), stop the parts."""
        self._stop.set()
        self._wake()
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)
        if self.pairing is not None:
            self.pairing.close()
        for fn in (self._frame_commands, self._frame_telemetry, self._frame_pairing):
            for lst in (self.engine.command_sources, self.engine.frame_observers):
                if fn in lst:
                    lst.remove(fn)
        for observers, observer in (
            (self.engine.stop_observers, self._on_stop),
            (self.engine.recenter_observers, self._on_recenter),
        ):
            if observer in observers:
                observers.remove(observer)
        if self._on_contact in self.engine.contact_observers:
            self.engine.contact_observers.remove(self._on_contact)
        self._close_parts()
        if self.auth is not None:
            self.auth.stop()
            self.auth = None
        self._close_sockets()
        self.ctx.term()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)


class _Busy(RuntimeError):
    pass


class _BadValue(ValueError):
    pass


class _Stage(Enum):
    """Where the engine serves a console message."""

    GREETING = "I/O thread, also before cmd.hello"
    IO = "I/O thread, once the console has said hello"
    FRAME = "the frame's commands stage; acknowledged in its telemetry stage"


@dataclass(frozen=True, slots=True)
class _Route:
    stage: _Stage
    handler: Callable[[EngineLink, bytes, Any], wire.Message | None]
    """Called with the link, the console's routing id and the record; returns
    the reply to send, or None (no reply, or one sent later)."""


_ROUTES: dict[type[wire.Message], _Route] = {
    wire.ConsoleHeartbeat: _Route(_Stage.GREETING, EngineLink._on_console_heartbeat),
    wire.Hello: _Route(_Stage.GREETING, EngineLink._on_hello),
    wire.Ping: _Route(_Stage.GREETING, EngineLink._on_ping),
    wire.GetEvents: _Route(_Stage.IO, EngineLink._on_get_events),
    wire.AckEvents: _Route(_Stage.IO, EngineLink._on_ack_events),
    wire.GetState: _Route(_Stage.FRAME, EngineLink._on_get_state),
    wire.SetParams: _Route(_Stage.FRAME, EngineLink._on_set_params),
    wire.LoadScene: _Route(_Stage.FRAME, EngineLink._on_load_scene),
    wire.Fire: _Route(_Stage.FRAME, EngineLink._on_fire),
    wire.Pause: _Route(_Stage.FRAME, EngineLink._on_pause),
    wire.Resume: _Route(_Stage.FRAME, EngineLink._on_resume),
    wire.ShowText: _Route(_Stage.FRAME, EngineLink._on_show_text),
    wire.AskSuds: _Route(_Stage.FRAME, EngineLink._on_ask_suds),
    wire.CancelSuds: _Route(_Stage.FRAME, EngineLink._on_cancel_suds),
    wire.SetMirror: _Route(_Stage.FRAME, EngineLink._on_set_mirror),
    wire.Recenter: _Route(_Stage.FRAME, EngineLink._on_recenter_command),
    wire.Preview: _Route(_Stage.FRAME, EngineLink._on_preview),
}
"""The one command table: every message a console may send → how it is served.
A kind not in it (one the engine sends) is refused with ``not_allowed``."""


def _folder_stamp(folder: Path) -> int:
    """The folder's modification time (ns; -1 when it cannot be read): adding
    or deleting a file in it changes it."""
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


def _unserved(msg: wire.Message) -> str:
    """Why a message the table does not hold is refused."""
    if msg.DIRECTION == "engine→console":
        return f"{msg.SUBJECT} is sent by the engine, not to it"
    log.error("link: %s has no entry in the command table", msg.SUBJECT)
    return f"{msg.SUBJECT} is not served by this engine"


_ERROR_CODES: tuple[tuple[type[Exception] | tuple[type[Exception], ...], str], ...] = (
    (_Busy, "busy"),
    (_BadValue, "bad_value"),
    (EngineError, "not_allowed"),
    (UnknownSceneError, "unknown_scene"),
    (UnknownParameterError, "unknown_parameter"),
    (UnknownEventError, "unknown_event"),
    ((ParameterValueError, SceneError), "bad_value"),
    # The wire checks show_text's text with the UI's own spec (wire.PATIENT_TEXT),
    # so this is a backstop: a value the UI refuses is the sender's, not a crash.
    (PatientUIError, "bad_value"),
)
"""Why a frame command failed → the error code its console reads; the first
match wins (each scene error before its SceneError base); anything else is
``internal`` and logged with its traceback."""
