"""The engine's pairing window: a console pairs by typing a one-time code.

Opened on request (``palier engine --pair``, the desktop window's pairing
key, :meth:`EngineLink.open_pairing`), a :class:`PairingWindow` binds a plain
ZeroMQ ROUTER socket (no CURVE: the console has no engine key yet; the
SPAKE2 exchange of :mod:`palier.core.pairing` authenticates it) on the
command port + 2 and answers ``pair.*`` messages on its own thread until it
closes: after one success, after :data:`~palier.core.pairing.MAX_ATTEMPTS`
starts, after a wrong confirmation with no attempt left, or after
:data:`~palier.core.pairing.WINDOW_S`. The socket is closed with the window,
so nothing is answered afterwards. docs/protocol.md §13 is the specification.

Threads: the window's thread owns its socket and ``_pending``; the frame
reads :attr:`state` and the shown fields (plain attributes, one writer each).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import zmq

from palier.core import pairing, wire
from palier.core.i18n import N_, Message
from palier.core.keys import KeyPair, fingerprint, trust_public_key

log = logging.getLogger(__name__)

OPEN = "open"
PAIRED = "paired"
EXPIRED = "expired"
TOO_MANY = "too_many"
CLOSED = "closed"
"""States: ``open`` while answering; the others are final (``closed``: by
:meth:`PairingWindow.close`, e.g. the engine stopping)."""

MAX_MESSAGE = 4096

END_TEXTS = {
    PAIRED: N_("Paired with the console {fingerprint}: check that the console shows it too."),
    EXPIRED: N_("Pairing closed: the time is up."),
    TOO_MANY: N_("Pairing closed: too many tries."),
    CLOSED: N_("Pairing closed."),
}


def end_text(window: PairingWindow) -> Message:
    """How the window ended, for the patient view."""
    return END_TEXTS.get(window.state, END_TEXTS[CLOSED]).format(
        fingerprint=window.console_fingerprint or ""
    )


class PairingWindow:
    """One pairing window; starts answering in the constructor."""

    def __init__(
        self,
        ctx: zmq.Context,
        bind: str,
        own: KeyPair,
        keys_dir: Path,
        *,
        name: str = "palier engine",
        seconds: float = pairing.WINDOW_S,
        max_attempts: int = pairing.MAX_ATTEMPTS,
        on_paired: Callable[[bytes], None] | None = None,
        code: str | None = None,
    ) -> None:
        """``bind``: ``tcp://HOST:PORT`` (port 0: any free one; see
        :attr:`endpoint`). ``on_paired`` is called on the window's thread with
        the console's public key once it is stored. ``code``: tests only."""
        self.own = own
        self.keys_dir = Path(keys_dir)
        self.name = name
        self.code = pairing.normalise_code(code) if code is not None else pairing.new_code()
        self.engine_fingerprint = fingerprint(own.public)
        self.console_fingerprint: str | None = None
        """Set once a console has paired."""
        self.max_attempts = max_attempts
        self.attempts = 0
        self.state = OPEN
        self.on_paired = on_paired
        self._deadline = time.monotonic() + seconds
        self._pending: tuple[pairing.EngineSide, str, str] | None = None
        self._stop = threading.Event()
        self._sock = ctx.socket(zmq.ROUTER)
        self._sock.setsockopt(zmq.LINGER, 0)
        self._sock.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)
        try:
            host, port = wire.split_endpoint(bind)
            self._sock.bind(f"tcp://{host}:{port or '*'}")
        except (zmq.ZMQError, ValueError):
            self._sock.close(0)
            raise
        self.endpoint = self._sock.getsockopt_string(zmq.LAST_ENDPOINT)
        self._thread = threading.Thread(target=self._loop, name="palier-pairing", daemon=True)
        self._thread.start()
        log.info(
            "pairing: window open on %s for %.0f s (engine key %s)",
            self.endpoint,
            seconds,
            self.engine_fingerprint,
        )

    # -- what the frame shows ----------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    @property
    def seconds_left(self) -> float:
        return max(0.0, self._deadline - time.monotonic()) if self.is_open else 0.0

    @property
    def attempts_left(self) -> int:
        return max(0, self.max_attempts - self.attempts)

    def close(self) -> None:
        """Stop answering and close the socket (idempotent; waits for the thread)."""
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(2.0)

    # -- the window's thread ---------------------------------------------------------
    def _finish(self, state: str) -> None:
        if self.state == OPEN:
            self.state = state
            log.info("pairing: window closed (%s)", state)
        self._pending = None
        self._stop.set()

    def _loop(self) -> None:
        poller = zmq.Poller()
        poller.register(self._sock, zmq.POLLIN)
        try:
            while not self._stop.is_set():
                if time.monotonic() >= self._deadline:
                    self._finish(EXPIRED)
                    break
                if not poller.poll(50):
                    continue
                frames = self._sock.recv_multipart()
                rid, body = frames[0], frames[1:]
                try:
                    reply = self._handle(wire.decode(body))
                except wire.WireError as exc:
                    reply = self._refusal("bad_message", str(exc))
                except Exception as exc:  # never let a message end the window's thread
                    log.exception("pairing: a message could not be handled")
                    reply = self._refusal("bad_message", f"{type(exc).__name__}")
                self._sock.send_multipart([rid, *wire.encode(reply)])
        finally:
            if self.state == OPEN:
                self.state = CLOSED
            self._pending = None
            # The last answer (pair.done, too_many) may still be queued.
            self._sock.close(linger=500)

    def _refusal(self, reason: str, message: str) -> wire.PairRefused:
        return wire.PairRefused(
            reason=reason, message=message[: wire.MAX_STR], attempts_left=self.attempts_left
        )

    def _handle(self, msg: wire.Message) -> wire.Message:
        if self.state != OPEN:
            return self._refusal("closed", "the pairing window is closed")
        if isinstance(msg, wire.PairStart):
            return self._on_start(msg)
        if isinstance(msg, wire.PairConfirm):
            return self._on_confirm(msg)
        return self._refusal("bad_message", f"{msg.SUBJECT} is not a pairing message")

    def _on_start(self, msg: wire.PairStart) -> wire.Message:
        if self.attempts >= self.max_attempts:
            self._finish(TOO_MANY)
            return self._refusal("too_many", "no pairing attempt left; open a new window")
        self.attempts += 1  # counted before any answer: each start is one guess
        self._pending = None
        if len(msg.pake) != pairing.PAKE_BYTES:
            return self._refusal("bad_message", "pake must be 33 bytes")
        side = pairing.EngineSide(self.code, self.own.public)
        try:
            pake, confirm = side.reply(msg.pake, msg.key.encode("ascii"))
        except pairing.PairingError as exc:
            return self._refusal("bad_message", str(exc))
        self._pending = (side, msg.key, msg.name)
        log.info("pairing: attempt %d from %r", self.attempts, msg.name)
        return wire.PairReply(
            session=side.session,
            pake=pake,
            key=self.own.public.decode("ascii"),
            name=self.name[:64] or "palier engine",
            confirm=confirm,
            attempts_left=self.attempts_left,
            closes_in_s=round(self.seconds_left, 3),
        )

    def _on_confirm(self, msg: wire.PairConfirm) -> wire.Message:
        pending = self._pending
        if pending is None or msg.session != pending[0].session:
            return self._refusal("unknown_session", "not the pairing exchange in progress")
        side, key_text, console_name = pending
        self._pending = None
        if not side.check_confirm(msg.session, msg.confirm):
            log.warning("pairing: wrong confirmation from %r", console_name)
            if self.attempts >= self.max_attempts:
                self._finish(TOO_MANY)
            return self._refusal("wrong_code", "the confirmation does not match this code")
        public = key_text.encode("ascii")
        trust_public_key(self.keys_dir, public, engine=False)
        self.console_fingerprint = fingerprint(public)
        log.info("pairing: console %r paired (%s)", console_name, self.console_fingerprint)
        self._finish(PAIRED)
        if self.on_paired is not None:
            try:
                self.on_paired(public)
            except Exception:
                log.exception("pairing: the on_paired callback failed")
        return wire.PairDone(session=msg.session)
