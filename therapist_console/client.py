"""Console side of the control link (no Qt): one :class:`LinkClient` per engine.

The client runs its own I/O thread that owns the ZeroMQ sockets. It

* connects (CURVE, this console's key pair, the engine's public key), says
  hello, subscribes to telemetry, takes a state snapshot and then applies
  only newer numbered updates (the Clone pattern), fetches clinical events
  the console has not acknowledged, and estimates the clock offset;
* sends heartbeats about 4 times a second and declares the link lost after
  ``dead_after_s`` of silence, then reconnects by itself with back-off and
  resynchronises the same way; when the engine answers that it does not know
  this console (it forgot it, or restarted), says hello again and
  resynchronises at once (status ``lost`` then ``connected``, both with
  ``forgotten`` set);
* sends commands with request ids, a timeout and retries (Lazy Pirate); the
  engine answers a retried id from its cache, so a command never applies
  twice;
* delivers every clinical event exactly once, in sequence order, to
  ``on_event``, and acknowledges it to the engine only after the callback
  returned (so the engine keeps it until the console has recorded it).

Callbacks run on the client's I/O thread: keep them short (a Qt UI emits a
signal from them and does its work on the GUI thread). Command methods block
the caller up to the timeout; :meth:`LinkClient.submit` returns a
:class:`concurrent.futures.Future` instead, for callers that must not block.

Times: every ``t_engine`` is the engine's monotonic clock;
:meth:`LinkClient.to_console_time` places it on this process's
``time.monotonic()`` timeline using :attr:`LinkClient.clock`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import statistics
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import zmq
from zmq.utils.monitor import parse_monitor_message

from palier import __version__
from palier.core import wire
from palier.core.keys import KeyPair, default_keys_dir, engine_key, load_own
from palier.scenes.api import SceneDecl

log = logging.getLogger(__name__)

RECONNECT_BACKOFF_S = (0.25, 0.5, 1.0, 2.0)
"""Waits between reconnection attempts; the last one repeats."""
PING_WINDOW = 15
PING_BURST = 8
PING_EVERY_S = 2.0
TELEMETRY_SUBJECTS = ("tel.hb", "tel.state", "tel.event", "tel.frame_stats", "tel.head")

EngineState = wire.StateUpdate
"""The engine state as the console sees it (fields: see docs/protocol.md)."""


PREVIEW_TIMEOUT_S = 60.0
"""How long a `cmd.preview` may take: the engine's first starts its renderer
process (an offscreen engine): seconds, tens of seconds on a loaded machine
with a software rasteriser. Sent once: a retry of a command still being
served is ignored by the engine anyway."""


class LinkState(StrEnum):
    CONNECTING = "connecting"
    """Not connected yet (first attempt)."""
    CONNECTED = "connected"
    """Hello done, state and events in sync, heartbeats flowing."""
    LOST = "lost"
    """Nothing heard for ``dead_after_s`` (reconnecting with back-off), or the
    engine had forgotten this console (saying hello again)."""
    REFUSED = "refused"
    """The engine refused this console's key (not paired); still retrying."""
    INCOMPATIBLE = "incompatible"
    """The engine speaks another protocol version; not retrying."""
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class LinkStatus:
    state: LinkState
    detail: str
    at: float
    """Console monotonic time of the change."""
    forgotten: bool = False
    """This change is because the engine had forgotten this console (``LOST``)
    or follows its new hello (``CONNECTED``)."""


FORGOTTEN_LOST = "the engine had forgotten this console; saying hello again"
FORGOTTEN_BACK = "the engine had forgotten this console; said hello again and back in sync"


class LinkError(RuntimeError):
    """Base of the client's errors."""


class LinkDown(LinkError):
    """The command was not sent: the link is not connected."""


class CommandTimeout(LinkError):
    """No answer after all retries; the command may or may not have applied
    (the next state update tells)."""


class CommandError(LinkError):
    """The engine refused the command; nothing changed there."""

    def __init__(self, subject: str, code: str, message: str) -> None:
        super().__init__(f"{subject}: {code}: {message}")
        self.subject = subject
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """What the engine said in ``rep.hello``."""

    engine: str
    host: str
    instance: str
    backend: str
    language: str
    protocol: int
    telemetry_port: int
    heartbeat_s: float
    dead_after_s: float
    catalogue: tuple[SceneDecl, ...]

    def scene(self, scene_id: str) -> SceneDecl:
        for decl in self.catalogue:
            if decl.id == scene_id:
                return decl
        raise KeyError(scene_id)


@dataclass(frozen=True, slots=True)
class ClockEstimate:
    """Engine clock minus console clock, from round trips (midpoint method)."""

    offset_s: float
    """Median over the window of ``t_engine - (t_sent + t_received) / 2``."""
    spread_s: float
    """Max minus min of those offsets (how much they disagree)."""
    rtt_s: float
    """Median round-trip time."""
    samples: int

    def to_console(self, t_engine: float) -> float:
        return t_engine - self.offset_s


@dataclass(slots=True)
class _Request:
    msg: wire.Message
    frames: list[bytes]
    deadline: float
    retries_left: int
    future: Future[Any] | None
    on_reply: Callable[[wire.Message], None] | None = None
    t_sent: float = 0.0


@dataclass(slots=True)
class _Sync:
    """Where a (re)connection is in its hello → snapshot → events sequence."""

    phase: str = "hello"  # hello, wait_sub, snapshot, events, live
    buffered: list[wire.StateUpdate] = field(default_factory=list)


class LinkClient:
    """Console-side client of one engine. Thread-safe public methods."""

    def __init__(
        self,
        endpoint: str,
        *,
        keys_dir: Path | None = None,
        keypair: KeyPair | None = None,
        server_key: bytes | None = None,
        role: str = "control",
        name: str = f"palier-console {__version__}",
        timeout_s: float = 1.0,
        retries: int = 2,
        mirror: bool = False,
        resume_events: tuple[str, int] | None = None,
        preview_timeout_s: float = PREVIEW_TIMEOUT_S,
    ) -> None:
        """``keys_dir``: where this console's key pair and trusted engine keys
        are (default: per-user). ``keypair``/``server_key`` override them.
        ``role``: ``control`` (drives the session; its silence triggers the
        engine failsafe) or ``observe``. ``mirror``: also receive mirror frames
        (the engine only sends them after :meth:`set_mirror`).
        ``resume_events``: (engine instance, last event seq already recorded),
        from the session record, so a restarted console is not given events it
        recorded before a crash. ``preview_timeout_s``: how long a `cmd.preview`
        may take."""
        if role not in wire.ROLES:
            raise ValueError(f"role must be one of {', '.join(wire.ROLES)}, got {role!r}")
        self.host, port = wire.split_endpoint(endpoint)
        if port == 0:
            raise ValueError(f"{endpoint!r}: give the engine's port, e.g. tcp://HOST:7770")
        self.endpoint = endpoint
        if keypair is None or server_key is None:
            kdir = Path(keys_dir) if keys_dir is not None else default_keys_dir()
            keypair = keypair or load_own(kdir)
            server_key = server_key or engine_key(kdir)
        self._keypair = keypair
        self._server_key = server_key
        self.role = role
        self.name = name
        self.timeout_s = timeout_s
        self.preview_timeout_s = preview_timeout_s
        self.retries = retries
        self._want_mirror = mirror
        self._resume_events = resume_events

        # Callbacks (called on the I/O thread; see the module docstring).
        self.on_status: Callable[[LinkStatus], None] | None = None
        self.on_state: Callable[[EngineState], None] | None = None
        self.on_event: Callable[[wire.ClinicalEvent], None] | None = None
        self.on_frame_stats: Callable[[wire.FrameStats], None] | None = None
        self.on_head: Callable[[wire.HeadPose], None] | None = None
        self.on_mirror: Callable[[wire.MirrorFrame], None] | None = None

        self.status = LinkStatus(
            LinkState.CONNECTING, f"connecting to {endpoint}", time.monotonic()
        )
        self.info: EngineInfo | None = None
        self.state: EngineState | None = None
        self.clock: ClockEstimate | None = None
        self.last_frame_stats: wire.FrameStats | None = None
        self.last_head: wire.HeadPose | None = None
        self.stats = {
            "state_gaps": 0,
            "events_delivered": 0,
            "duplicates": 0,
            "reconnects": 0,
            "forgotten": 0,
        }

        self._routing_id = uuid.uuid4().bytes
        self._ctx = zmq.Context()
        self._dealer: zmq.Socket | None = None
        self._sub: zmq.Socket | None = None
        self._monitor: zmq.Socket | None = None
        self._sub_port = 0
        self._next_id = 1
        self._pending: dict[int, _Request] = {}
        self._submissions: deque[tuple[wire.Message, Future[Any]]] = deque()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._sync = _Sync()
        self._instance = ""
        self._delivered = 0
        self._acked = 0
        self._ack_in_flight = False
        self._ack_refused = 0
        self._events_in_flight = False
        self._early_events: dict[int, wire.ClinicalEvent] = {}
        self._refused_at = -1e9
        self._refused_seq = 0
        self._pings: deque[tuple[float, float]] = deque(maxlen=PING_WINDOW)  # (offset, rtt)
        self._ping_due: list[float] = []
        self._last_rx = 0.0
        self._next_hb = 0.0
        self._reconnect_at = 0.0
        self._attempt = 0
        self._ever_connected = False
        self._rejoining = False
        """Saying hello again because the engine had forgotten this console."""
        self._refused = False
        self._state_seq_seen = 0
        self._behind_since: float | None = None
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="palier-link-client", daemon=True)

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> LinkClient:
        self._thread.start()
        return self

    def __enter__(self) -> LinkClient:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the thread and close the sockets (linger 0: never hangs)."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._wake()
        if self._thread.is_alive():
            self._thread.join(timeout=3.0)
        else:
            self._close_sockets()
        self._ctx.term()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)

    def wait_connected(self, timeout: float) -> bool:
        """True once connected and in sync (state, events, clock)."""
        return self._ready.wait(timeout)

    @property
    def connected(self) -> bool:
        return self.status.state is LinkState.CONNECTED

    def to_console_time(self, t_engine: float) -> float:
        """An engine time on this process's ``time.monotonic()`` timeline."""
        if self.clock is None:
            raise LinkError("no clock estimate yet: the link has not connected")
        return self.clock.to_console(t_engine)

    # -- commands ---------------------------------------------------------------
    def submit(self, subject_cls: type[wire.Message], **fields_: Any) -> Future[Any]:
        """Queue a command (the id is filled in); the future gets the reply
        record, or a :class:`LinkError`."""
        fut: Future[Any] = Future()
        with _ID_LOCK:
            req_id = self._next_id
            self._next_id += 1
        try:
            msg = subject_cls(id=req_id, **fields_)  # type: ignore[call-arg]
            msg.validate()
        except (TypeError, wire.WireError) as exc:
            fut.set_exception(exc)
            return fut
        self._submissions.append((msg, fut))
        self._wake()
        return fut

    def call(self, subject_cls: type[wire.Message], **fields_: Any) -> Any:
        """Send a command and wait for its reply (raises on error)."""
        fut = self.submit(subject_cls, **fields_)
        budget = self.timeout_s * (self.retries + 1) + 1.0
        return fut.result(timeout=budget)

    def load_scene(self, scene: str, params: dict[str, Any] | None = None) -> wire.Ack:
        return self.call(wire.LoadScene, scene=scene, params=params or {})

    def set_params(self, params: dict[str, Any], ramp_s: float = 1.5) -> wire.Ack:
        return self.call(wire.SetParams, params=params, ramp_s=ramp_s)

    def fire(self, event: str, **options: Any) -> wire.Ack:
        return self.call(wire.Fire, event=event, options=options)

    def pause(self, reason: str = "therapist") -> wire.Ack:
        return self.call(wire.Pause, reason=reason)

    def resume(self) -> wire.Ack:
        return self.call(wire.Resume)

    def show_text(self, text: str, seconds: float = 5.0) -> wire.Ack:
        return self.call(wire.ShowText, text=text, seconds=seconds)

    def ask_suds(self, request: int, prompt: str | None = None) -> wire.Ack:
        """Show the rating panel; the answer arrives through ``on_event``
        (kind ``suds``, same ``request``)."""
        return self.call(wire.AskSuds, request=request, prompt=prompt)

    def cancel_suds(self) -> wire.Ack:
        return self.call(wire.CancelSuds)

    def recenter(self) -> wire.Ack:
        """Turn the patient's view to face the scene (a ``recenter`` event follows)."""
        return self.call(wire.Recenter)

    def set_mirror(self, enabled: bool) -> wire.Ack:
        if enabled and not self._want_mirror:
            self._want_mirror = True
            self._wake()  # the I/O thread subscribes to tel.mirror
        return self.call(wire.SetMirror, enabled=enabled)

    def preview(
        self, scene: str, params: dict[str, Any], width: int, height: int
    ) -> wire.PreviewReply:
        """A still picture of ``scene`` at ``params``, rendered by the engine off
        the patient's view (can take seconds: the first one starts its renderer)."""
        fut = self.submit(wire.Preview, scene=scene, params=params, width=width, height=height)
        reply: wire.PreviewReply = fut.result(timeout=self.preview_timeout_s + 1.0)
        return reply

    def get_state(self) -> EngineState:
        reply = self.call(wire.GetState)
        return _as_update(reply)

    def ping(self) -> float:
        """One round trip; returns it in seconds (also feeds the clock estimate)."""
        t0 = time.monotonic()
        self.call(wire.Ping)
        return time.monotonic() - t0

    # -- I/O thread ----------------------------------------------------------------
    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def _set_status(self, state: LinkState, detail: str, forgotten: bool = False) -> None:
        if self.status.state is state and self.status.detail == detail:
            return
        self.status = LinkStatus(state, detail, time.monotonic(), forgotten)
        if state is LinkState.CONNECTED:
            self._ready.set()
        else:
            self._ready.clear()
        log.info("link %s: %s (%s)", self.endpoint, state.value, detail)
        self._callback(self.on_status, self.status)

    def _callback(self, fn: Callable[[Any], None] | None, arg: Any) -> bool:
        if fn is None:
            return True
        try:
            fn(arg)
        except Exception:
            log.exception("link: callback %s failed", getattr(fn, "__name__", fn))
            return False
        return True

    def _curve(self, sock: zmq.Socket) -> None:
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.CURVE_SERVERKEY, self._server_key)
        sock.setsockopt(zmq.CURVE_PUBLICKEY, self._keypair.public)
        sock.setsockopt(zmq.CURVE_SECRETKEY, self._keypair.secret)

    def _open_sockets(self) -> None:
        self._close_sockets()
        dealer = self._ctx.socket(zmq.DEALER)
        self._curve(dealer)
        dealer.setsockopt(zmq.MAXMSGSIZE, wire.MAX_FRAME_BYTES + 4096)
        dealer.setsockopt(zmq.ROUTING_ID, self._routing_id)
        self._monitor = dealer.get_monitor_socket(
            zmq.EVENT_HANDSHAKE_FAILED_AUTH
            | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
            | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL
            | zmq.EVENT_HANDSHAKE_SUCCEEDED
        )
        dealer.connect(self.endpoint)
        self._dealer = dealer
        self._sub = None
        self._sub_port = 0
        self._sync = _Sync()

    def _open_sub(self, port: int) -> None:
        if self._sub is not None and self._sub_port == port:
            return
        if self._sub is not None:
            self._sub.close(linger=0)
        sub = self._ctx.socket(zmq.SUB)
        self._curve(sub)
        sub.setsockopt(zmq.MAXMSGSIZE, wire.MAX_FRAME_BYTES + 4096)
        sub.setsockopt(zmq.RCVHWM, 100)
        for subject in TELEMETRY_SUBJECTS:
            sub.setsockopt(zmq.SUBSCRIBE, subject.encode())
        if self._want_mirror:
            sub.setsockopt(zmq.SUBSCRIBE, b"tel.mirror")
        sub.connect(f"tcp://{self.host}:{port}")
        self._sub = sub
        self._sub_port = port
        self._sub_mirror = self._want_mirror

    def _close_sockets(self) -> None:
        if self._dealer is not None:
            with contextlib.suppress(zmq.ZMQError):
                self._dealer.disable_monitor()
            self._dealer.close(linger=0)
            self._dealer = None
        if self._monitor is not None:
            self._monitor.close(linger=0)
            self._monitor = None
        if self._sub is not None:
            self._sub.close(linger=0)
            self._sub = None

    def _run(self) -> None:
        try:
            self._open_sockets()
            self._start_hello()
            while not self._stop.is_set():
                self._step()
        except Exception:
            log.exception("link client: I/O thread failed")
            self._fail_all(LinkError("the link client stopped after an internal error"))
        finally:
            self._close_sockets()
            self._fail_all(LinkDown("the link client is closed"))
            self._set_status(LinkState.CLOSED, "closed")

    def _step(self) -> None:
        now = time.monotonic()
        due = [self._next_hb, now + 0.25]
        due.extend(r.deadline for r in self._pending.values())
        due.extend(self._ping_due[:1])
        if self._dealer is None:
            due.append(self._reconnect_at)
        timeout = max(0.0, min(due) - now)
        poller = zmq.Poller()
        poller.register(self._wake_r, zmq.POLLIN)
        for sock in (self._dealer, self._sub, self._monitor):
            if sock is not None:
                poller.register(sock, zmq.POLLIN)
        ready = dict(poller.poll(int(timeout * 1000.0) + 1))
        if self._wake_r in ready:
            try:
                while os.read(self._wake_r, 4096):
                    pass
            except BlockingIOError:
                pass
        if self._monitor is not None and self._monitor in ready:
            self._read_monitor()
        if self._dealer is not None and self._dealer in ready:
            self._read_dealer()
        if self._sub is not None and self._sub in ready:
            self._read_sub()
        self._timers()
        self._drain_submissions()

    def _read_monitor(self) -> None:
        assert self._monitor is not None
        while True:
            try:
                event = parse_monitor_message(self._monitor.recv_multipart(zmq.NOBLOCK))
            except zmq.Again:
                return
            kind = event["event"]
            if kind == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                self._refused = False
            elif kind == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                self._refused = True
                self._set_status(
                    LinkState.REFUSED,
                    "the engine refused this console's key: pair it on the engine with "
                    "`palier keys allow FILE` (FILE: this console's this.key)",
                )
            elif kind in (
                zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL,
                zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL,
            ):
                self._refused = True
                self._set_status(
                    LinkState.REFUSED,
                    "encrypted handshake failed: the engine could not check this console's "
                    "key (its authenticator is down: restart the engine) or this console "
                    "trusts another engine's key (compare `palier keys show` on both)",
                )

    def _read_dealer(self) -> None:
        for _ in range(256):
            if self._dealer is None:
                return
            try:
                frames = self._dealer.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            t_recv = time.monotonic()
            try:
                msg = wire.decode(frames)
            except wire.VersionMismatch as exc:
                if self._sync.phase == "hello" and self._hello_pending(exc.request_id):
                    # Whatever the engine answered (rep.hello or rep.error),
                    # it speaks another version: say so, do not retry.
                    self._incompatible(exc.version, exc.subject)
                    return
                log.warning("link: reply of another protocol version: %s", exc)
                continue
            except wire.WireError as exc:
                log.warning("link: bad reply from the engine: %s", exc)
                continue
            self._last_rx = t_recv
            req = self._pending.pop(getattr(msg, "id", 0), None)
            if wire.asks_for_hello(msg) and (req is not None or getattr(msg, "id", 0) == 0):
                # Our command, or a heartbeat (id 0): the engine no longer knows us.
                self._forgotten(msg, req)
                continue
            if req is None:
                if isinstance(msg, wire.Error) and msg.id == 0:
                    log.warning("link: engine error: %s: %s", msg.code, msg.message)
                continue  # a late answer to a request already given up
            if isinstance(msg, wire.Pong):
                self._pings.append(
                    (msg.t_engine - (req.t_sent + t_recv) / 2.0, t_recv - req.t_sent)
                )
                self._update_clock()
            if req.on_reply is not None:
                req.on_reply(msg)
            if req.future is not None and not req.future.done():
                if isinstance(msg, wire.Error):
                    req.future.set_exception(CommandError(req.msg.SUBJECT, msg.code, msg.message))
                else:
                    req.future.set_result(msg)

    def _update_clock(self) -> None:
        # Midpoint offsets; the round trips most delayed (by a busy thread on
        # either side) are the least trustworthy, so the median is taken over
        # the faster half of the window.
        samples = sorted(self._pings, key=lambda s: s[1])
        best = samples[: max(3, (len(samples) + 1) // 2)]
        offsets = [o for o, _ in best]
        self.clock = ClockEstimate(
            offset_s=statistics.median(offsets),
            spread_s=max(offsets) - min(offsets),
            rtt_s=statistics.median(r for _, r in samples),
            samples=len(samples),
        )

    def _read_sub(self) -> None:
        for _ in range(256):
            if self._sub is None:
                return
            try:
                frames = self._sub.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            try:
                msg = wire.decode(frames)
            except wire.WireError as exc:
                log.warning("link: bad telemetry from the engine: %s", exc)
                continue
            self._last_rx = time.monotonic()
            self._on_telemetry(msg)

    def _on_telemetry(self, msg: wire.Message) -> None:
        if isinstance(msg, wire.EngineHeartbeat):
            if self._instance and msg.instance != self._instance:
                log.warning("link: the engine restarted (new instance); resynchronising")
                self._resync("the engine restarted")
                return
            if self._sync.phase == "wait_sub":
                self._sync.phase = "snapshot"
                self._request(wire.GetState, on_reply=self._on_snapshot, retry_forever=True)
            elif self._sync.phase == "live" and self.state is not None:
                self._check_behind(msg)
                if msg.event_seq > self._delivered and not self._events_in_flight:
                    self._fetch_events()
            return
        if isinstance(msg, wire.StateUpdate):
            if msg.instance != self._instance:
                return
            if self._sync.phase in ("wait_sub", "snapshot"):
                self._sync.buffered.append(msg)
            elif self.state is not None:
                self._apply_state(msg)
            return
        if isinstance(msg, wire.ClinicalEvent):
            if msg.instance == self._instance and self._sync.phase in ("events", "live"):
                self._receive_event(msg)
            return
        if isinstance(msg, wire.FrameStats):
            self.last_frame_stats = msg
            self._callback(self.on_frame_stats, msg)
        elif isinstance(msg, wire.HeadPose):
            self.last_head = msg
            self._callback(self.on_head, msg)
        elif isinstance(msg, wire.MirrorFrame):
            self._callback(self.on_mirror, msg)

    def _check_behind(self, hb: wire.EngineHeartbeat) -> None:
        """The heartbeat names the latest state: if ours stays older for a
        second (a lost update with nothing after it), take a snapshot."""
        assert self.state is not None
        if hb.state_seq <= self.state.seq:
            self._behind_since = None
            return
        now = time.monotonic()
        if self._behind_since is None:
            self._behind_since = now
        elif now - self._behind_since > 1.0:
            self._behind_since = None
            self.stats["state_gaps"] += 1
            self._request(wire.GetState, on_reply=self._on_snapshot)

    def _apply_state(self, msg: EngineState) -> None:
        current = self.state
        if current is not None and msg.seq <= current.seq:
            return  # stale or repeated: never applied
        if current is not None and msg.seq > current.seq + 1:
            # Each update is complete, so applying the newer one loses nothing;
            # count the gap for diagnostics.
            self.stats["state_gaps"] += 1
        self.state = msg
        self._callback(self.on_state, msg)

    # -- (re)connection sequence ------------------------------------------------------------
    def _start_hello(self) -> None:
        self._sync = _Sync()
        self._request(
            wire.Hello,
            protocol=wire.PROTOCOL_VERSION,
            client=self.name[:64],
            role=self.role,
            on_reply=self._on_hello,
            retry_forever=True,
        )

    def _hello_pending(self, req_id: int | None) -> bool:
        """A hello is waiting for its answer (``req_id``'s, when it could be read)."""
        return any(
            isinstance(r.msg, wire.Hello) and (req_id is None or req_id == rid)
            for rid, r in self._pending.items()
        )

    def _incompatible(self, engine_version: object, subject: str = "", detail: str = "") -> None:
        """The engine speaks another protocol: close the sockets and stay put
        (status INCOMPATIBLE until :meth:`close`); retrying cannot help."""
        theirs = (
            f"protocol {engine_version}"
            if engine_version is not None
            else "a protocol without a version number"
        )
        text = (
            f"the engine speaks {theirs}, this console protocol {wire.PROTOCOL_VERSION}"
            f"{f' (its {subject})' if subject else ''}; install matching Palier versions "
            "on both machines"
        )
        if detail:
            text += f": {detail}"
        self._close_sockets()
        self._fail_all(LinkDown(f"incompatible engine: {text}"))
        self._ping_due.clear()
        self._reconnect_at = float("inf")
        self._set_status(LinkState.INCOMPATIBLE, text)

    def _on_hello(self, msg: wire.Message) -> None:
        if isinstance(msg, wire.Error):
            if msg.code == "version_mismatch":
                self._incompatible(_engine_protocol(msg.message), detail=msg.message)
            else:
                # Busy (every place in the engine's table taken) or a fault:
                # try again after the back-off rather than wait for ever.
                log.warning("link: hello refused: %s: %s", msg.code, msg.message)
                self._lose(f"the engine refused this console's hello: {msg.message}")
            return
        assert isinstance(msg, wire.HelloReply)
        try:
            catalogue = tuple(SceneDecl.from_dict(d) for d in msg.catalogue)
        except Exception as exc:
            log.error("link: the engine's scene catalogue is invalid: %s", exc)
            catalogue = ()
        self.info = EngineInfo(
            engine=msg.engine,
            host=msg.host,
            instance=msg.instance,
            backend=msg.backend,
            language=msg.language,
            protocol=msg.protocol,
            telemetry_port=msg.telemetry_port,
            heartbeat_s=msg.heartbeat_s,
            dead_after_s=msg.dead_after_s,
            catalogue=catalogue,
        )
        if msg.instance != self._instance:
            # A new engine process: its state and event numbers start afresh.
            self._instance = msg.instance
            self.state = None
            # What the recorder already has counts as delivered, but not as
            # acknowledged: those still in the engine's outbox come again as
            # duplicates and are acknowledged then, or the engine would keep
            # re-sending them for ever.
            self._delivered = self._acked = msg.events_acked
            if self._resume_events and self._resume_events[0] == msg.instance:
                self._delivered = max(msg.events_acked, self._resume_events[1])
            self._ack_refused = 0
            self._early_events.clear()
        self._open_sub(msg.telemetry_port)
        self._sync.phase = "wait_sub"  # the first tel.hb proves the subscription is live

    def _on_snapshot(self, msg: wire.Message) -> None:
        if not isinstance(msg, wire.StateReply):
            return
        snap = _as_update(msg)
        if snap.instance != self._instance:
            return
        if self.state is None or snap.seq > self.state.seq:  # never older, never twice
            self.state = snap
            self._callback(self.on_state, snap)
        for update in self._sync.buffered:
            self._apply_state(update)
        self._sync.buffered.clear()
        if self._sync.phase == "snapshot":
            self._sync.phase = "events"
            self._fetch_events()

    def _fetch_events(self) -> None:
        self._events_in_flight = True
        self._request(wire.GetEvents, on_reply=self._on_events, retry_forever=True)

    def _on_events(self, msg: wire.Message) -> None:
        self._events_in_flight = False
        if not isinstance(msg, wire.EventsReply) or msg.instance != self._instance:
            return
        for ev in msg.events:
            self._receive_event(ev)
        if self._sync.phase == "events":
            self._sync.phase = "live"
            self._attempt = 0
            self._ever_connected = True
            now = time.monotonic()
            self._ping_due = [now + i * 0.02 for i in range(PING_BURST)]
            engine = self.info.engine if self.info else "?"
            if self._rejoining:
                self._rejoining = False
                self._set_status(LinkState.CONNECTED, FORGOTTEN_BACK, forgotten=True)
            else:
                self._set_status(LinkState.CONNECTED, f"connected to {engine}")
        if msg.more:
            self._fetch_events()
        self._send_ack()

    def _receive_event(self, ev: wire.ClinicalEvent) -> None:
        if ev.seq <= self._delivered:
            self.stats["duplicates"] += 1
        elif ev.seq == self._delivered + 1:
            self._deliver(ev)
            while self._delivered + 1 in self._early_events:
                self._deliver(self._early_events.pop(self._delivered + 1))
        else:
            if len(self._early_events) < 4096:
                self._early_events[ev.seq] = ev
            # A gap: fetch the missing ones now, unless the recorder is
            # refusing events (then the engine's resend each second is enough).
            if not self._events_in_flight and time.monotonic() - self._refused_at > 1.0:
                self._fetch_events()
        self._send_ack()

    def _deliver(self, ev: wire.ClinicalEvent) -> None:
        if self.on_event is not None:
            try:
                self.on_event(ev)
            except Exception as exc:
                # Not recorded: no acknowledgment, so the engine keeps it and
                # sends it again (about once a second) until it is recorded.
                self._refused_at = time.monotonic()
                if self._refused_seq != ev.seq:
                    self._refused_seq = ev.seq
                    log.warning(
                        "link: clinical event %d (%s) not recorded yet: %s", ev.seq, ev.kind, exc
                    )
                return
        self._delivered = ev.seq
        self.stats["events_delivered"] += 1

    def _send_ack(self) -> None:
        # Only the controlling console records events; an observer (probe,
        # second screen) sees them but leaves them in the engine's outbox.
        if self.role != "control" or self._ack_in_flight or self._delivered <= self._acked:
            return
        up_to = self._delivered
        if up_to == self._ack_refused:
            return  # refused already (a recorder watermark beyond the engine's events)
        self._ack_in_flight = True

        def done(msg: wire.Message) -> None:
            self._ack_in_flight = False
            if isinstance(msg, wire.Ack):
                self._acked = max(self._acked, up_to)
            elif isinstance(msg, wire.Error):
                log.warning(
                    "link: acknowledging events up to %d refused: %s: %s",
                    up_to,
                    msg.code,
                    msg.message,
                )
                self._ack_refused = up_to
            self._send_ack()

        self._request(
            wire.AckEvents,
            instance=self._instance,
            up_to=up_to,
            on_reply=done,
            on_fail=lambda: setattr(self, "_ack_in_flight", False),
        )

    def _resync(self, why: str) -> None:
        self._fail_all(LinkDown(f"the link was reset: {why}"))
        self._ping_due.clear()
        self._events_in_flight = self._ack_in_flight = False
        self._start_hello()

    def _forgotten(self, reply: wire.Error, req: _Request | None) -> None:
        """The engine answered "before cmd.hello" although this console said
        hello: it forgot it (or restarted). Say hello again and resynchronise
        (state, events, subscription) without waiting for a timeout."""
        if self._sync.phase == "hello" or self._hello_pending(None):
            return  # a late answer from before the hello under way
        log.warning(
            "link: the engine does not know this console any more (%s); saying hello again",
            reply.message,
        )
        self.stats["forgotten"] += 1
        if req is not None and req.future is not None and not req.future.done():
            req.future.set_exception(LinkDown(f"{req.msg.SUBJECT}: {FORGOTTEN_LOST}"))
        was_up = self.status.state is LinkState.CONNECTED
        self._resync("the engine had forgotten this console")
        self._rejoining = True
        if was_up:
            self._set_status(LinkState.LOST, FORGOTTEN_LOST, forgotten=True)

    # -- requests ----------------------------------------------------------------------------------
    def _request(
        self,
        cls: type[wire.Message],
        *,
        on_reply: Callable[[wire.Message], None],
        retry_forever: bool = False,
        on_fail: Callable[[], None] | None = None,
        **fields_: Any,
    ) -> None:
        with _ID_LOCK:
            req_id = self._next_id
            self._next_id += 1
        msg = cls(id=req_id, **fields_)  # type: ignore[call-arg]
        req = _Request(
            msg=msg,
            frames=wire.encode(msg),
            deadline=0.0,
            retries_left=-1 if retry_forever else self.retries,
            future=None,
            on_reply=on_reply,
        )
        if on_fail is not None:
            req.future = Future()
            req.future.add_done_callback(lambda f: on_fail() if f.exception() else None)
        self._send(req)

    def _send(self, req: _Request) -> None:
        now = time.monotonic()
        slow = self.preview_timeout_s if isinstance(req.msg, wire.Preview) else 0.0
        req.deadline = now + max(self.timeout_s, slow)
        req.t_sent = now
        self._pending[req.msg.id] = req  # type: ignore[attr-defined]
        if self._dealer is None:
            return
        # Not connected yet: the timeout resends.
        with contextlib.suppress(zmq.ZMQError):
            self._dealer.send_multipart(req.frames, zmq.NOBLOCK)

    def _drain_submissions(self) -> None:
        if self._want_mirror and self._sub is not None and not getattr(self, "_sub_mirror", False):
            self._sub.setsockopt(zmq.SUBSCRIBE, b"tel.mirror")
            self._sub_mirror = True
        while self._submissions:
            msg, fut = self._submissions.popleft()
            if fut.done():
                continue
            if self._sync.phase != "live" or self._dealer is None:
                fut.set_exception(
                    LinkDown(
                        f"{msg.SUBJECT} not sent: the link is {self.status.state.value} "
                        f"({self.status.detail})"
                    )
                )
                continue
            if isinstance(msg, wire.Hello | wire.AckEvents):
                fut.set_exception(ValueError(f"{msg.SUBJECT} is managed by the client"))
                continue
            self._send(
                _Request(
                    msg=msg,
                    frames=wire.encode(msg),
                    deadline=0.0,
                    retries_left=0 if isinstance(msg, wire.Ping | wire.Preview) else self.retries,
                    future=fut,
                )
            )

    def _fail_all(self, exc: LinkError) -> None:
        pending, self._pending = self._pending, {}
        for req in pending.values():
            if req.future is not None and not req.future.done():
                req.future.set_exception(exc)
        while self._submissions:
            _msg, fut = self._submissions.popleft()
            if not fut.done():
                fut.set_exception(exc)

    def _timers(self) -> None:
        now = time.monotonic()
        if self._dealer is None:
            if now >= self._reconnect_at and not self._stop.is_set():
                self._open_sockets()
                self._start_hello()
                self._last_rx = now
            return
        # Heartbeats once the engine knows us (it ignores them before hello).
        if now >= self._next_hb:
            self._next_hb = now + (self.info.heartbeat_s if self.info else wire.HEARTBEAT_S)
            if self._sync.phase != "hello":
                with contextlib.suppress(zmq.ZMQError):
                    self._dealer.send_multipart(
                        wire.encode(wire.ConsoleHeartbeat(t=now), check=False), zmq.NOBLOCK
                    )
        # Liveness: anything from the engine counts (telemetry heartbeats flow at 4 Hz).
        dead_after = self.info.dead_after_s if self.info else wire.DEAD_AFTER_S
        if self._sync.phase != "hello" and now - self._last_rx > dead_after:
            self._lose(f"nothing heard from the engine for {now - self._last_rx:.1f} s")
            return
        for req_id, req in list(self._pending.items()):
            if now < req.deadline:
                continue
            if req.retries_left == 0:
                del self._pending[req_id]
                if req.future is not None and not req.future.done():
                    req.future.set_exception(
                        CommandTimeout(
                            f"{req.msg.SUBJECT}: no answer from the engine after "
                            f"{self.retries + 1} tries of {self.timeout_s:g} s"
                        )
                    )
                continue
            if req.retries_left > 0:
                req.retries_left -= 1
            if isinstance(req.msg, wire.Hello):
                # Lazy Pirate: a hello that got no answer gets a fresh socket.
                self._lose("no answer to hello" if not self._refused else self.status.detail)
                return
            self._send(req)
        while self._ping_due and now >= self._ping_due[0]:
            self._ping_due.pop(0)
            if self._sync.phase == "live":
                self._request(wire.Ping, on_reply=lambda _m: None)
                # Keep the estimate fresh: one more ping a while later.
                if not self._ping_due:
                    self._ping_due.append(now + PING_EVERY_S)

    def _lose(self, why: str) -> None:
        """Drop the sockets and reconnect after a back-off."""
        self._close_sockets()
        self._fail_all(LinkDown(f"link lost: {why}"))
        self._ping_due.clear()
        self._events_in_flight = self._ack_in_flight = False
        self._rejoining = False
        delay = RECONNECT_BACKOFF_S[min(self._attempt, len(RECONNECT_BACKOFF_S) - 1)]
        self._attempt += 1
        self._reconnect_at = time.monotonic() + delay
        if self._ever_connected and self.status.state is LinkState.CONNECTED:
            self.stats["reconnects"] += 1
        if self._refused:
            self._set_status(LinkState.REFUSED, self.status.detail)
        elif self._ever_connected:
            self._set_status(LinkState.LOST, why)
        else:
            self._set_status(LinkState.CONNECTING, f"no answer from {self.endpoint} ({why})")


_ID_LOCK = threading.Lock()


def _engine_protocol(message: str) -> object:
    """The engine's version named in its ``version_mismatch`` message, if any."""
    m = re.search(r"engine speaks protocol (\d+)", message)
    return int(m.group(1)) if m else "?"


def _as_update(reply: wire.StateReply) -> EngineState:
    data = reply.as_dict()
    data.pop("id")
    return wire.StateUpdate(**data)
