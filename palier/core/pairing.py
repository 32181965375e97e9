"""Pairing without files: the cryptography of one pairing exchange.

The engine shows a short one-time code in the headset (or desktop) window;
the therapist types it in the console. Both sides run SPAKE2 (a
password-authenticated key exchange) with the code as the password, then
prove to each other that they derived the same key (HMAC key confirmation
over the whole transcript) before either stores the other's CURVE public key.
docs/protocol.md §13 is the specification and the threat model; the wire
messages are ``pair.*`` in :mod:`palier.core.wire`; the engine's window is
``palier.engine.pairing``, the console's side ``palier.therapist_console.pairing``.

Pure computation (no sockets, no clock): both sides and the tests use it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from spake2 import SPAKE2_A, SPAKE2_B
from spake2.spake2 import SPAKEError

CODE_DIGITS = 6
"""A code is 6 decimal digits: 10^6 possibilities, one guess per attempt."""
WINDOW_S = 120.0
"""How long a pairing window stays open."""
MAX_ATTEMPTS = 3
"""``pair.start`` messages one window answers; the window then closes."""
PORT_OFFSET = 2
"""The pairing socket listens on the command port + 2 (telemetry is + 1)."""
VERSION = 1
"""Of this exchange (in the password and the transcript): a change breaks it on purpose."""

ID_CONSOLE = b"palier console"
ID_ENGINE = b"palier engine"
SESSION_BYTES = 16
CONFIRM_BYTES = 32
PAKE_BYTES = 33
"""A SPAKE2 message on the Ed25519 group: a side byte and a 32-byte point."""

_CODE_RE = re.compile(rf"^[0-9]{{{CODE_DIGITS}}}$")


class PairingError(ValueError):
    """A pairing message cannot be used (wrong code, bad bytes, misuse)."""


def new_code() -> str:
    """A fresh one-time code, uniformly random (``secrets``)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalise_code(typed: str) -> str:
    """The code as typed (spaces, dashes allowed: the headset shows ``123 456``)
    → its digits; raises :class:`PairingError` if it is not 6 digits."""
    digits = re.sub(r"[\s\-.]", "", typed)
    if not _CODE_RE.match(digits):
        raise PairingError(f"a pairing code is {CODE_DIGITS} digits")
    return digits


def show_code(code: str) -> str:
    """``123456`` → ``123 456`` (easier to read and to type)."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def _password(code: str) -> bytes:
    return f"palier-pair-v{VERSION}:{normalise_code(code)}".encode("ascii")


def transcript(
    console_pake: bytes, engine_pake: bytes, console_key: bytes, engine_key: bytes, session: bytes
) -> bytes:
    """SHA-256 over everything both sides saw, each part length-prefixed, so
    a confirmation proves the same key *and* the same public keys."""
    h = hashlib.sha256(f"palier pair v{VERSION}".encode("ascii"))
    for part in (console_pake, engine_pake, console_key, engine_key, session):
        h.update(len(part).to_bytes(2, "big"))
        h.update(part)
    return h.digest()


def confirmation(key: bytes, who: bytes, digest: bytes) -> bytes:
    """HMAC-SHA256(key, who || transcript); ``who`` is ``b"engine"`` or ``b"console"``."""
    return hmac.new(key, who + b"|" + digest, hashlib.sha256).digest()


@dataclass(slots=True)
class ConsoleSide:
    """The console's half: :meth:`start` → ``pair.start``; :meth:`check_reply`
    checks the engine's ``pair.reply`` and returns the console's confirmation."""

    code: str
    console_key: bytes
    _pake: SPAKE2_A | None = None
    _message: bytes = b""

    def start(self) -> bytes:
        self._pake = SPAKE2_A(_password(self.code), idA=ID_CONSOLE, idB=ID_ENGINE)
        self._message = bytes(self._pake.start())
        return self._message

    def check_reply(
        self, engine_pake: bytes, engine_key: bytes, session: bytes, engine_confirm: bytes
    ) -> bytes:
        """The console's ``pair.confirm`` MAC if the engine proved it knows the
        code; raises :class:`PairingError` otherwise (a wrong code)."""
        if self._pake is None:
            raise PairingError("check_reply before start")
        pake, self._pake = self._pake, None  # one use: SPAKE2 state must not be reused
        try:
            key = bytes(pake.finish(engine_pake))
        except SPAKEError as exc:
            raise PairingError(f"the engine's reply is not a valid exchange ({exc})") from None
        digest = transcript(self._message, engine_pake, self.console_key, engine_key, session)
        if not hmac.compare_digest(confirmation(key, b"engine", digest), engine_confirm):
            raise PairingError("the code does not match the one the headset shows")
        return confirmation(key, b"console", digest)


@dataclass(slots=True)
class EngineSide:
    """The engine's half for one ``pair.start``: :meth:`reply` makes the
    ``pair.reply`` fields, :meth:`check_confirm` checks ``pair.confirm``."""

    code: str
    engine_key: bytes
    session: bytes = b""
    _expected: bytes = b""

    def reply(self, console_pake: bytes, console_key: bytes) -> tuple[bytes, bytes]:
        """(engine SPAKE2 message, engine confirmation). Fresh randomness per
        call (the SPAKE2 scalar and the session id): a replayed ``pair.start``
        meets a new exchange, never an old key."""
        pake = SPAKE2_B(_password(self.code), idA=ID_CONSOLE, idB=ID_ENGINE)
        message = bytes(pake.start())
        try:
            key = bytes(pake.finish(console_pake))
        except SPAKEError as exc:
            raise PairingError(f"not a valid pairing start ({exc})") from None
        self.session = secrets.token_bytes(SESSION_BYTES)
        digest = transcript(console_pake, message, console_key, self.engine_key, self.session)
        self._expected = confirmation(key, b"console", digest)
        return message, confirmation(key, b"engine", digest)

    def check_confirm(self, session: bytes, console_confirm: bytes) -> bool:
        """True when the console proved the same key over the same transcript."""
        if not self._expected:
            return False
        ok = hmac.compare_digest(session, self.session) and hmac.compare_digest(
            console_confirm, self._expected
        )
        self._expected = b""  # one check per exchange
        return ok
