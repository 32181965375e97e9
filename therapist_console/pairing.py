"""The console's side of pairing without files (docs/protocol.md §13).

:class:`ConsolePairing` talks to an engine's pairing window: :meth:`offer`
sends the code the therapist typed and checks the engine's proof (a wrong
code is found here, before anything is stored); the therapist then compares
the fingerprints both screens show, and :meth:`confirm` finishes: the engine
stores this console's key, this console stores the engine's. Blocking calls
of well under a second on a LAN (SPAKE2 takes ~50 ms); no Qt.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from pathlib import Path

import zmq

from palier.core import pairing, wire
from palier.core.i18n import N_, Message
from palier.core.keys import (
    OWN_SECRET,
    KeyPair,
    default_keys_dir,
    fingerprint,
    init_keys,
    load_own,
    trust_public_key,
)

log = logging.getLogger(__name__)

TIMEOUT_S = 5.0


class PairingFailed(RuntimeError):
    """The pairing did not happen; ``reason`` is a ``pair.refused`` reason,
    ``wrong_code`` (found by this console), ``no_answer`` or ``bad_reply``;
    ``text`` says it in the therapist's language."""

    def __init__(self, reason: str, text: Message, attempts_left: int | None = None) -> None:
        super().__init__(text.get("en"))
        self.reason = reason
        self.text = text
        self.attempts_left = attempts_left


REFUSALS: dict[str, Message] = {
    "closed": N_(
        "The engine has no pairing window open. Open one on the headset PC (key P in its "
        "window, or `palier engine --pair`) and type the new code."
    ),
    "too_many": N_("Too many tries: the pairing window closed. Open a new one on the headset PC."),
    "wrong_code": N_("That is not the code the headset shows. Check it and type it again."),
    "unknown_session": N_("The engine has started another pairing. Type the code again."),
    "bad_message": N_("The engine could not read the pairing message (different versions?)."),
    "no_answer": N_(
        "No answer from {endpoint}. Is the pairing window open on the headset PC, and is "
        "the address right?"
    ),
    "bad_reply": N_("The engine's answer is not a pairing reply (is it a Palier engine?)."),
}


def pairing_endpoint(command_endpoint: str) -> str:
    """The pairing socket of the engine serving ``command_endpoint``: the same
    host, the command port + 2."""
    host, port = wire.split_endpoint(command_endpoint)
    if not port:
        raise ValueError(f"{command_endpoint!r}: give the engine's port")
    return f"tcp://{host}:{port + pairing.PORT_OFFSET}"


def own_keys(keys_dir: Path) -> KeyPair:
    """This console's key pair, made now if it has none yet (first pairing)."""
    if not (Path(keys_dir) / OWN_SECRET).exists():
        init_keys(Path(keys_dir))
    return load_own(Path(keys_dir))


@dataclass(frozen=True, slots=True)
class Offer:
    """What the therapist checks before confirming."""

    engine_fingerprint: str
    console_fingerprint: str
    engine_name: str
    attempts_left: int


class ConsolePairing:
    """One pairing attempt with one engine. Use as a context manager (or
    call :meth:`close`)."""

    def __init__(
        self,
        endpoint: str,
        keys_dir: Path | None = None,
        *,
        name: str | None = None,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        """``endpoint``: the engine's pairing socket (see :func:`pairing_endpoint`)."""
        self.endpoint = endpoint
        self.keys_dir = Path(keys_dir) if keys_dir is not None else default_keys_dir()
        self.name = (name or socket.gethostname() or "palier console")[:64]
        self.timeout_s = timeout_s
        self.own = own_keys(self.keys_dir)
        self._ctx = zmq.Context()
        self._sock: zmq.Socket | None = None
        self._reply: wire.PairReply | None = None
        self._confirm = b""

    def __enter__(self) -> ConsolePairing:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close(0)
            self._sock = None
        self._ctx.term()

    def _exchange(self, msg: wire.Message) -> wire.Message:
        # A fresh socket per exchange: a lost answer leaves no REQ state behind.
        if self._sock is not None:
            self._sock.close(0)
        sock = self._sock = self._ctx.socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.MAXMSGSIZE, 4096)
        sock.connect(self.endpoint)
        sock.send_multipart(wire.encode(msg))
        if not sock.poll(int(self.timeout_s * 1000)):
            raise PairingFailed("no_answer", REFUSALS["no_answer"].format(endpoint=self.endpoint))
        try:
            reply = wire.decode(sock.recv_multipart())
        except wire.WireError as exc:
            log.warning("pairing: unreadable answer from %s: %s", self.endpoint, exc)
            raise PairingFailed("bad_reply", REFUSALS["bad_reply"]) from None
        if isinstance(reply, wire.PairRefused):
            log.info("pairing: refused (%s): %s", reply.reason, reply.message)
            raise PairingFailed(reply.reason, REFUSALS[reply.reason], reply.attempts_left)
        return reply

    def offer(self, code: str) -> Offer:
        """Send ``code``; return the fingerprints to compare. Raises
        :class:`PairingFailed` (``wrong_code`` when the engine's proof does
        not match: nothing was stored on either side)."""
        side = pairing.ConsoleSide(pairing.normalise_code(code), self.own.public)
        reply = self._exchange(
            wire.PairStart(pake=side.start(), key=self.own.public.decode("ascii"), name=self.name)
        )
        if not isinstance(reply, wire.PairReply):
            raise PairingFailed("bad_reply", REFUSALS["bad_reply"])
        try:
            self._confirm = side.check_reply(
                reply.pake, reply.key.encode("ascii"), reply.session, reply.confirm
            )
        except pairing.PairingError as exc:
            log.info("pairing: %s", exc)
            raise PairingFailed("wrong_code", REFUSALS["wrong_code"], reply.attempts_left) from None
        self._reply = reply
        return Offer(
            engine_fingerprint=fingerprint(reply.key.encode("ascii")),
            console_fingerprint=fingerprint(self.own.public),
            engine_name=reply.name,
            attempts_left=reply.attempts_left,
        )

    def confirm(self) -> Path:
        """The therapist saw the same fingerprints: finish. Returns where the
        engine's key is stored (``engines/``)."""
        reply = self._reply
        if reply is None:
            raise RuntimeError("confirm() before a successful offer()")
        self._reply = None
        done = self._exchange(wire.PairConfirm(session=reply.session, confirm=self._confirm))
        if not isinstance(done, wire.PairDone) or done.session != reply.session:
            raise PairingFailed("bad_reply", REFUSALS["bad_reply"])
        path = trust_public_key(self.keys_dir, reply.key.encode("ascii"), engine=True)
        log.info("pairing: engine %s trusted (%s)", fingerprint(reply.key.encode()), path)
        return path
