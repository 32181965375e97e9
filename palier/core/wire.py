"""Wire messages between the therapist console and the engine.

Pure Python (msgpack only): the engine, the console, tests, benchmarks and the
protocol document all import this one module, so the two sides cannot drift.

Every message is a frozen dataclass with a ``SUBJECT`` string (``cmd.hello``,
``tel.state``, ...). On the wire a message is two ZeroMQ frames::

    [subject (ASCII), payload (msgpack map)]

The payload map holds ``v`` (the protocol version) and exactly the record's
fields: nothing missing, nothing extra. Decoding checks every field against its
declared type and range and raises a :class:`WireError` subclass (never
anything else) for bad input, so a receiver can answer with an error code and
carry on. msgpack's own size limits are set on every decode so hostile bytes
cannot make the receiver allocate without bound, and ``unpackb`` builds a
fresh unpacker per message, so no state survives a bad one.

The field declarations double as documentation: :func:`protocol_table`
renders them as the Markdown tables in docs/protocol.md (a test checks that
the document lists every subject with exactly these fields).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar, TypeGuard, TypeVar, dataclass_transform

import msgpack

from palier.core.fields import (
    INT64_MAX,
    Array,
    Bin,
    Bool,
    Field,
    FieldError,
    Float,
    Int,
    Map,
    Opt,
    Plain,
    Reason,
    Record,
    Scalar,
    Str,
    format_path,
)

PROTOCOL_VERSION = 5
"""Bumped on any change to a message (fields are strict both ways). 2:
``cmd.recenter``, the ``recenter`` clinical event and the headset runtime's
frame figures in ``tel.frame_stats``. 3: the ``contact`` clinical event (a
hand touched a surface the scene declares) and its ``surface``, ``hand`` and
``duration_s`` fields. 4: the ``pair.*`` messages (pairing without files,
on their own socket). 5: ``cmd.preview`` / ``rep.preview``."""

HEARTBEAT_S = 0.25
"""Both sides send a heartbeat this often."""
DEAD_AFTER_S = 1.0
"""A peer silent this long is gone: the engine fades to the safe place, the
console shows the link as lost."""

MAX_FRAME_BYTES = 1 << 20
"""Largest payload frame accepted (a mirror JPEG is the biggest message)."""
MAX_COMMAND_BYTES = 64 * 1024
"""Largest frame the engine accepts on its command socket (ZMQ_MAXMSGSIZE)."""
MAX_STR = 4096
MAX_ARRAY = 1024
MAX_MAP = 256
MAX_DEPTH = 10
"""Deepest nesting of maps and arrays, the payload map counting 1 (the scene
catalogue in ``rep.hello`` needs 8)."""

SUBJECT_RE = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")


# -- errors ------------------------------------------------------------------
class WireError(ValueError):
    """Base of every decoding or validation error. ``code`` is the error code
    sent back in ``rep.error``; ``request_id`` is the id of the command when it
    could be read (so the sender can match the error to its request)."""

    code = "bad_message"

    def __init__(self, message: str, request_id: int | None = None) -> None:
        super().__init__(message)
        self.request_id = request_id


class MalformedMessage(WireError):
    """Not two frames, not msgpack, not a map, over a size limit, too deep."""

    code = "bad_message"


class UnknownSubject(WireError):
    code = "unknown_subject"


class VersionMismatch(WireError):
    """The payload's ``v`` is not :data:`PROTOCOL_VERSION`. ``version`` is the
    peer's (whatever ``v`` held, None if absent), ``subject`` the message's
    subject (any ASCII subject, known to this version or not), so a receiver
    can tell the user which versions differ."""

    code = "version_mismatch"

    def __init__(
        self, message: str, request_id: int | None = None, *, version: Any = None, subject: str = ""
    ) -> None:
        super().__init__(message, request_id)
        self.version = version
        self.subject = subject


class InvalidField(WireError):
    """A field is missing, extra, of the wrong type or out of range."""

    code = "invalid_field"


class BadValue(InvalidField):
    """A field of the right type and size whose value cannot be used: text
    for the patient with nothing to show (only whitespace)."""

    code = "bad_value"


# -- field types ---------------------------------------------------------------
# The leaves and containers are the shared ones (palier.core.fields): their
# describe() is this document's notation and their default wording is this
# link's. Only what is particular to the link is declared here.

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
PARAM_VALUE = Scalar(max_len=64, max_abs_int=INT64_MAX)
"""A parameter value on the wire; the scene's declaration checks its type and
range on the engine."""


def Params(max_len: int = 64, min_len: int = 0) -> Map:
    """Map of parameter name to a scalar (float, int, str or bool)."""
    return Map(PARAM_VALUE, max_len, min_len, key_pattern=NAME_RE, key_noun="parameter name")


_IN_PAYLOAD = Plain(MAX_DEPTH, depth=2)
"""Plain data one level inside the payload map."""


@dataclass(frozen=True, slots=True)
class Doc(Field):
    """Plain data (maps with string keys, arrays, scalars), depth-limited:
    used for scene declarations, which have their own schema in scenes.api."""

    type_name: ClassVar[str] = "map"

    def check(self, value: Any, errors: list[FieldError] | None = None) -> Any:
        if not isinstance(value, dict):
            raise self.fail(Reason.TYPE, value)
        return _IN_PAYLOAD.check(value)

    def describe(self) -> str:
        return "map (a scene declaration, see below)"


@dataclass(frozen=True, slots=True)
class Nested(Field):
    """A record nested in another (e.g. the events in ``rep.events``), named
    by its subject so that it may be declared later."""

    cls_name: str

    def check(self, value: Any, errors: list[FieldError] | None = None) -> Any:
        return _RECORDS[MESSAGES[self.cls_name]].check(value, errors)

    def describe(self) -> str:
        return f"map (fields of `{self.cls_name}`)"


PAYLOAD = Plain(MAX_DEPTH, allow_bin=True)
"""Every payload, before its fields: depth, and NaN anywhere (in unknown
fields too)."""


def _wire_error(err: FieldError, where: str, request_id: int | None = None) -> WireError:
    kind: type[WireError] = InvalidField
    if err.reason is Reason.TOO_DEEP:
        kind = MalformedMessage
    elif err.reason is Reason.EMPTY:
        kind = BadValue
    return kind(f"{format_path(err.path, where)}: {err.problem}", request_id)


def wire(spec: Field, doc: str, unit: str = "", default: Any = MISSING) -> Any:
    """Declare a dataclass field with its wire type, meaning and unit."""
    meta = {"spec": spec, "doc": doc, "unit": unit}
    if default is MISSING:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


# -- the record base -------------------------------------------------------------
M = TypeVar("M", bound="Message")

MESSAGES: dict[str, type[Message]] = {}
"""The one lookup table: subject → record class."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    SUBJECT: ClassVar[str] = ""
    DIRECTION: ClassVar[str] = ""
    """``console→engine`` or ``engine→console`` (for the document)."""
    SOCKET: ClassVar[str] = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, Message):
                v = v.as_dict()
            elif isinstance(v, tuple) and v and isinstance(v[0], Message):
                v = [x.as_dict() for x in v]
            out[f.name] = v
        return out

    @classmethod
    def _from_fields(cls: type[M], data: Mapping[str, Any], where: str) -> M:
        try:
            msg: M = _RECORDS[cls].check(data)
        except FieldError as err:
            raise _wire_error(err, where) from None
        return msg

    @classmethod
    def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:
        """Validate a payload map (without ``v``) into this record."""
        return cls._from_fields(data, cls.SUBJECT)

    def validate(self: M) -> M:
        """Check this record against its own field types (encode calls it,
        so a sender never puts a bad message on the wire)."""
        return type(self)._from_fields(self.as_dict(), self.SUBJECT)


_RECORDS: dict[type, Record] = {}
"""Record class → its fields' specs (the decoder of its payload)."""


def register(cls: type[M]) -> type[M]:
    subject = cls.SUBJECT
    if not SUBJECT_RE.match(subject) or subject in MESSAGES:
        raise RuntimeError(f"bad or duplicate subject {subject!r} on {cls.__name__}")
    for f in fields(cls):
        if "spec" not in f.metadata:
            raise RuntimeError(f"{cls.__name__}.{f.name} has no wire type")
    MESSAGES[subject] = cls
    _RECORDS[cls] = Record(subject, {f.name: f.metadata["spec"] for f in fields(cls)}, build=cls)
    return cls


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field, wire))
def _rec(cls: type[M]) -> type[M]:
    return register(dataclass(frozen=True, slots=True, kw_only=True)(cls))


# -- common field types -------------------------------------------------------------
REQ_ID = Int(1, INT64_MAX)
FRAME = Int(0, INT64_MAX)
T_ENGINE = Float(-1e12, 1e12)
SCENE_ID = Str(64, 1)
SEQ = Int(0, INT64_MAX)
INSTANCE = Str(64, 1)
ROLES = ("control", "observe")
PATIENT_TEXT = Str(280, 1, blank=False)
"""A message the patient reads in the headset: 1..280 characters, not only
whitespace (``str.strip``). The patient UI checks its text with this same
spec, so the engine never takes a text its UI refuses."""
ERROR_CODES = (
    "bad_message",
    "unknown_subject",
    "version_mismatch",
    "invalid_field",
    "unknown_scene",
    "unknown_parameter",
    "bad_value",
    "unknown_event",
    "not_allowed",
    "busy",
    "internal",
)
EVENT_KINDS = ("suds", "stop", "failsafe", "recenter", "contact")
HANDS = ("left", "right")
BEFORE_HELLO = "before cmd.hello"
"""A ``not_allowed`` error whose message starts ``<subject> before cmd.hello``
means the engine does not know this console: it never said hello, the engine
restarted, or it forgot the console after a silence. Say hello again and
resynchronise (docs/protocol.md §5, §7); see :func:`asks_for_hello`."""
_BEFORE_HELLO_RE = re.compile(r"[a-z][a-z_]*(\.[a-z][a-z_]*)+ " + re.escape(BEFORE_HELLO))


def _id_field() -> Any:
    return wire(
        REQ_ID, "request id chosen by the console, unique per console connection; a retry reuses it"
    )


# -- commands (console → engine, DEALER → ROUTER) ---------------------------------------
class Command(Message):
    DIRECTION = "console→engine"
    SOCKET = "command"


@_rec
class Hello(Command):
    """First command on a connection: checks the protocol version, declares the
    console's role and returns the engine identity and its scene catalogue."""

    SUBJECT = "cmd.hello"
    id: int = _id_field()
    protocol: int = wire(Int(0, 65535), "protocol version the console speaks")
    client: str = wire(Str(64, 1), "console name for logs, e.g. `palier-console 0.1`")
    role: str = wire(
        Str(16, 1, ROLES),
        "`control`: this console drives the session and its silence triggers the failsafe; "
        "`observe`: read-only watcher (probe, second screen); its silence is ignored",
    )


@_rec
class Ping(Command):
    """Clock probe, answered at once by the engine's I/O thread (not at a frame)."""

    SUBJECT = "cmd.ping"
    id: int = _id_field()


@_rec
class LoadScene(Command):
    """Replace the exposure scene at once (cancels a pause)."""

    SUBJECT = "cmd.load_scene"
    id: int = _id_field()
    scene: str = wire(SCENE_ID, "scene id from the catalogue")
    params: dict[str, Any] = wire(Params(), "starting values; others take their defaults")


@_rec
class SetParams(Command):
    """Change several parameters together (all valid or none applied)."""

    SUBJECT = "cmd.set_params"
    id: int = _id_field()
    params: dict[str, Any] = wire(Params(64, 1), "new target values")
    ramp_s: float = wire(
        Float(0.0, 600.0),
        "time to ease from the current values to the targets; 0 applies at once",
        "s",
    )


@_rec
class Fire(Command):
    """Start a one-shot event of the current scene."""

    SUBJECT = "cmd.fire"
    id: int = _id_field()
    event: str = wire(Str(64, 1), "event name from the scene's declaration")
    options: dict[str, Any] = wire(Params(16), "event options, if the scene documents any")


@_rec
class Pause(Command):
    """Fade to black and show the safe place; the exposure scene is kept."""

    SUBJECT = "cmd.pause"
    id: int = _id_field()
    reason: str = wire(Str(64, 1), "why, for the record (e.g. `therapist`)")


@_rec
class Resume(Command):
    """Fade back from the safe place to the exposure scene."""

    SUBJECT = "cmd.resume"
    id: int = _id_field()


@_rec
class ShowText(Command):
    """Show a short message to the patient in the headset."""

    SUBJECT = "cmd.show_text"
    id: int = _id_field()
    text: str = wire(
        PATIENT_TEXT, "what the patient reads; only whitespace is refused with `bad_value`"
    )
    seconds: float = wire(Float(0.5, 120.0), "how long it stays", "s")


@_rec
class AskSuds(Command):
    """Show the SUDS rating panel in the headset; the answer comes later as a
    ``tel.event`` of kind ``suds`` carrying the same ``request``."""

    SUBJECT = "cmd.ask_suds"
    id: int = _id_field()
    request: int = wire(Int(1, (1 << 31) - 1), "rating request number, echoed in the answer")
    prompt: str | None = wire(
        Opt(Str(200, 1)),
        "question to show; nil: the standard SUDS question in the engine's language",
    )


@_rec
class CancelSuds(Command):
    """Withdraw the rating panel if one is showing."""

    SUBJECT = "cmd.cancel_suds"
    id: int = _id_field()


@_rec
class Recenter(Command):
    """Turn the patient's view so that they face the scene again (the headset's
    heading and the desktop view's heading and pitch); recorded as a
    ``recenter`` clinical event."""

    SUBJECT = "cmd.recenter"
    id: int = _id_field()


@_rec
class GetState(Command):
    """Full state snapshot (the Clone pattern's snapshot; see resync)."""

    SUBJECT = "cmd.get_state"
    id: int = _id_field()


@_rec
class GetEvents(Command):
    """Every clinical event the console has not acknowledged yet."""

    SUBJECT = "cmd.get_events"
    id: int = _id_field()


@_rec
class AckEvents(Command):
    """The console has recorded every clinical event up to ``up_to``."""

    SUBJECT = "cmd.ack_events"
    id: int = _id_field()
    instance: str = wire(INSTANCE, "engine instance the sequence numbers belong to")
    up_to: int = wire(SEQ, "highest event sequence number recorded (inclusive)")


@_rec
class SetMirror(Command):
    """Turn the mirror view (patient's view as JPEG) on or off."""

    SUBJECT = "cmd.set_mirror"
    id: int = _id_field()
    enabled: bool = wire(Bool(), "true: publish `tel.mirror` frames")


@_rec
class Preview(Command):
    """Render a still picture of a scene at some values (the hierarchy
    editor's preview), off the patient's view: answered with `rep.preview`
    some frames later; the patient's scene and frames are not touched."""

    SUBJECT = "cmd.preview"
    id: int = _id_field()
    scene: str = wire(SCENE_ID, "scene id from the catalogue")
    params: dict[str, Any] = wire(Params(), "values to show; others take their defaults")
    width: int = wire(Int(16, 1280), "picture width", "px")
    height: int = wire(Int(16, 720), "picture height", "px")


@_rec
class ConsoleHeartbeat(Message):
    """Sent by the console about 4 times a second on the command socket; no reply."""

    SUBJECT = "hb.console"
    DIRECTION = "console→engine"
    SOCKET = "command"
    t: float = wire(T_ENGINE, "console's monotonic clock when sent (for logs)", "s")


# -- replies (engine → console, ROUTER → DEALER) --------------------------------------
class Reply(Message):
    DIRECTION = "engine→console"
    SOCKET = "command"


@_rec
class Ack(Reply):
    """The command took effect at this frame and engine time."""

    SUBJECT = "rep.ack"
    id: int = _id_field()
    frame: int = wire(FRAME, "engine frame at which the command took effect")
    t_engine: float = wire(T_ENGINE, "engine monotonic clock at that moment", "s")


@_rec
class Error(Reply):
    """The command was refused; nothing changed."""

    SUBJECT = "rep.error"
    id: int = wire(Int(0, INT64_MAX), "id of the refused command; 0 if it could not be read")
    code: str = wire(Str(32, 1, ERROR_CODES), "error code (see Error codes)")
    message: str = wire(Str(1000), "human-readable: what was wrong and how to fix it")


def asks_for_hello(msg: Message) -> TypeGuard[Error]:
    """The engine answered that it does not know this console (:data:`BEFORE_HELLO`)."""
    return (
        isinstance(msg, Error)
        and msg.code == "not_allowed"
        and _BEFORE_HELLO_RE.match(msg.message) is not None
    )


@_rec
class HelloReply(Reply):
    """Engine identity and catalogue, in answer to ``cmd.hello``."""

    SUBJECT = "rep.hello"
    id: int = _id_field()
    frame: int = wire(FRAME, "current engine frame")
    t_engine: float = wire(T_ENGINE, "engine monotonic clock", "s")
    protocol: int = wire(Int(0, 65535), "protocol version the engine speaks")
    engine: str = wire(Str(128, 1), "engine software and version, e.g. `palier-engine 0.1.0`")
    host: str = wire(Str(128), "engine host name")
    instance: str = wire(
        INSTANCE,
        "random id of this engine process; changes on restart "
        "(state and event sequence numbers restart with it)",
    )
    backend: str = wire(Str(32, 1), "display backend: desktop, offscreen or openxr")
    language: str = wire(Str(8, 1), "patient-facing language (`en`, `fr`)")
    telemetry_port: int = wire(
        Int(1, 65535), "TCP port of the telemetry (PUB) socket, same host as the command socket"
    )
    heartbeat_s: float = wire(Float(0.01, 60.0), "heartbeat interval both sides use", "s")
    dead_after_s: float = wire(Float(0.05, 600.0), "silence after which a peer is gone", "s")
    events_acked: int = wire(
        SEQ, "highest clinical event sequence number already acknowledged by a console"
    )
    catalogue: tuple[dict[str, Any], ...] = wire(
        Array(Doc(), 256), "every scene: `SceneDecl.to_dict()` (parameters and events)"
    )


@_rec
class PreviewReply(Reply):
    """The picture a `cmd.preview` asked for."""

    SUBJECT = "rep.preview"
    id: int = _id_field()
    scene: str = wire(SCENE_ID, "the scene shown")
    width: int = wire(Int(1, 8192), "image width", "px")
    height: int = wire(Int(1, 8192), "image height", "px")
    jpeg: bytes = wire(Bin(MAX_FRAME_BYTES - 1024), "baseline JPEG image")


@_rec
class Pong(Reply):
    """Answer to ``cmd.ping``: the engine clock when the ping was read."""

    SUBJECT = "rep.pong"
    id: int = _id_field()
    frame: int = wire(FRAME, "current engine frame")
    t_engine: float = wire(T_ENGINE, "engine monotonic clock when the ping was received", "s")


@dataclass(frozen=True, slots=True, kw_only=True)
class StateFields(Message):
    seq: int = wire(SEQ, "state sequence number; +1 on every change, restarts with `instance`")
    instance: str = wire(INSTANCE, "engine instance (see `rep.hello`)")
    frame: int = wire(
        FRAME, "engine frame of the last change (in `rep.state` too, not the request's)"
    )
    t_engine: float = wire(T_ENGINE, "engine monotonic clock of this state", "s")
    scene: str = wire(SCENE_ID, "exposure scene (kept while paused)")
    showing: str = wire(
        SCENE_ID, "scene the patient sees now (`safe_place` once a pause has faded)"
    )
    params: dict[str, Any] = wire(Params(), "target values of the exposure scene's parameters")  # noqa: RUF009
    paused: bool = wire(Bool(), "true from a pause command (or failsafe) until resume")
    pause_reason: str = wire(
        Str(64), "`therapist`, `link_lost`, `patient_stop`, ...; empty when not paused"
    )
    fading: bool = wire(Bool(), "a fade to or from black is under way")
    suds_pending: int | None = wire(
        Opt(Int(1, (1 << 31) - 1)), "request number of the rating panel showing, nil if none"
    )
    mirror: bool = wire(Bool(), "mirror frames are being published")
    console_connected: bool = wire(Bool(), "the engine hears its controlling console")


@_rec
class StateReply(StateFields, Reply):
    """Full state snapshot, in answer to ``cmd.get_state``."""

    SUBJECT = "rep.state"
    id: int = _id_field()


@_rec
class ClinicalEvent(Message):
    """Something clinical that happened on the patient side. Kept in the
    engine's outbox and re-published until a console acknowledges it."""

    SUBJECT = "tel.event"
    DIRECTION = "engine→console"
    SOCKET = "telemetry"
    seq: int = wire(Int(1, INT64_MAX), "event sequence number: 1, 2, 3, ... per instance")
    instance: str = wire(INSTANCE, "engine instance the number belongs to")
    kind: str = wire(
        Str(16, 1, EVENT_KINDS),
        "`suds`: patient rated in the headset; "
        "`stop`: patient pressed stop (engine fades to the safe place); "
        "`failsafe`: console link lost, engine faded to the safe place; "
        "`recenter`: the view was turned to face the scene (`cmd.recenter` or the "
        "desktop key); "
        "`contact`: a hand touched a surface the scene declares (reported when it left it)",
    )
    frame: int = wire(FRAME, "engine frame when it happened")
    t_engine: float = wire(T_ENGINE, "engine monotonic clock when it happened", "s")
    request: int | None = wire(
        Opt(Int(1, (1 << 31) - 1)), "for `suds`: the `cmd.ask_suds` request it answers"
    )
    value: int | None = wire(Opt(Int(0, 100)), "for `suds`: the rating 0..100")
    t_ref: float | None = wire(
        Opt(T_ENGINE),
        "for `suds`: engine time the panel was shown; "
        "for `failsafe`: engine time the console was last heard; "
        "for `contact`: engine time the hand reached the surface",
        "s",
    )
    surface: str | None = wire(
        Opt(Str(64, 1)),
        "for `contact`: the surface's name in the scene's declaration",
        default=None,
    )
    hand: str | None = wire(Opt(Str(8, 1, HANDS)), "for `contact`: which hand", default=None)
    duration_s: float | None = wire(
        Opt(Float(0.0, 86400.0)),
        "for `contact`: how long the hand stayed on the surface",
        "s",
        default=None,
    )


@_rec
class EventsReply(Reply):
    """Answer to ``cmd.get_events``: unacknowledged events, oldest first."""

    SUBJECT = "rep.events"
    id: int = _id_field()
    instance: str = wire(INSTANCE, "engine instance")
    events: tuple[ClinicalEvent, ...] = wire(
        Array(Nested("tel.event"), 256),
        "pending events in sequence order, each with the fields of `tel.event` except `v`",
    )
    more: bool = wire(Bool(), "more are pending: ask again after acknowledging these")


# -- telemetry (engine → console, PUB → SUB) --------------------------------------------
class Telemetry(Message):
    DIRECTION = "engine→console"
    SOCKET = "telemetry"


@_rec
class EngineHeartbeat(Telemetry):
    """About 4 times a second, from the engine's I/O thread."""

    SUBJECT = "tel.hb"
    instance: str = wire(INSTANCE, "engine instance")
    frame: int = wire(FRAME, "last frame the render loop started (stuck: the loop hangs)")
    t_engine: float = wire(T_ENGINE, "engine monotonic clock", "s")
    state_seq: int = wire(SEQ, "latest state sequence number (a console behind it resyncs)")
    event_seq: int = wire(SEQ, "latest clinical event sequence number produced")


@_rec
class StateUpdate(StateFields, Telemetry):
    """Published whenever the state changes. Each update is complete."""

    SUBJECT = "tel.state"


@_rec
class FrameStats(Telemetry):
    """Once a second: how the render loop keeps up."""

    SUBJECT = "tel.frame_stats"
    frame: int = wire(FRAME, "engine frame")
    t_engine: float = wire(T_ENGINE, "engine monotonic clock", "s")
    median_ms: float = wire(Float(0.0, 1e6), "median frame time over the last second", "ms")
    p99_ms: float = wire(Float(0.0, 1e6), "99th percentile frame time, last second", "ms")
    frames: int = wire(Int(0, 100000), "frames in the last second")
    predicted_display_period_ms: float | None = wire(
        Opt(Float(0.0, 1e4)),
        "the headset runtime's display period (1000 / refresh rate); nil: not reported by "
        "this display (desktop, offscreen)",
        "ms",
        default=None,
    )
    frames_late: int | None = wire(
        Opt(Int(0, INT64_MAX)),
        "frames the runtime showed later than predicted, since the engine started; nil: not "
        "reported",
        default=None,
    )
    frames_dropped: int | None = wire(
        Opt(Int(0, INT64_MAX)),
        "frames the runtime never showed (the previous one was shown again), since the engine "
        "started; nil: not reported",
        default=None,
    )


@_rec
class HeadPose(Telemetry):
    """The patient's head, at most 30 times a second."""

    SUBJECT = "tel.head"
    frame: int = wire(FRAME, "engine frame")
    t_engine: float = wire(T_ENGINE, "engine monotonic clock", "s")
    pos: tuple[float, ...] = wire(
        Array(Float(-1e4, 1e4), 3, 3),
        "x (right), y (forward), z (up) in the tracking space, floor origin",
        "m",
    )
    quat: tuple[float, ...] = wire(
        Array(Float(-1.0, 1.0), 4, 4),
        "orientation quaternion w, x, y, z (Panda3D convention, Z up)",
    )


@_rec
class MirrorFrame(Telemetry):
    """The patient's view as JPEG (only while the mirror is on)."""

    SUBJECT = "tel.mirror"
    frame: int = wire(FRAME, "engine frame the image shows")
    t_engine: float = wire(T_ENGINE, "engine monotonic clock of that frame", "s")
    width: int = wire(Int(1, 8192), "image width", "px")
    height: int = wire(Int(1, 8192), "image height", "px")
    jpeg: bytes = wire(Bin(MAX_FRAME_BYTES - 1024), "baseline JPEG image")


# -- pairing (console <-> engine, pairing socket; docs/protocol.md §13) --------------------
# The computation behind these fields is palier.core.pairing. The pairing
# socket is open only while the engine shows a code; it has no CURVE (the
# console has no key to trust yet): the SPAKE2 exchange authenticates it.

Z85_KEY = Str(40, 40, pattern=re.compile(r"^[0-9a-zA-Z.\-:+=^!/*?&<>()\[\]{}@%$#]{40}$"))
"""A CURVE public key in Z85 text (as in the key files)."""
PAKE_MESSAGE = Bin(64)
"""A SPAKE2 message (Ed25519 group): 33 bytes."""
PAIR_SESSION = Bin(16)
PAIR_MAC = Bin(32)
PAIR_REFUSALS = ("closed", "too_many", "wrong_code", "unknown_session", "bad_message")


class PairingMessage(Message):
    SOCKET = "pairing"


@_rec
class PairStart(PairingMessage):
    """The console starts an exchange with the code the therapist typed. Each
    one uses up one of the window's attempts."""

    DIRECTION = "console→engine"
    SUBJECT = "pair.start"
    pake: bytes = wire(PAKE_MESSAGE, "the console's SPAKE2 message (side A, 33 bytes)")
    key: str = wire(Z85_KEY, "the console's CURVE public key (Z85, 40 characters)")
    name: str = wire(Str(64, 1), "console label, for the engine's log")


@_rec
class PairReply(PairingMessage):
    """The engine's half of the exchange and its proof that it knows the code."""

    DIRECTION = "engine→console"
    SUBJECT = "pair.reply"
    session: bytes = wire(PAIR_SESSION, "random id of this exchange (16 bytes), fresh each time")
    pake: bytes = wire(PAKE_MESSAGE, "the engine's SPAKE2 message (side B, 33 bytes)")
    key: str = wire(Z85_KEY, "the engine's CURVE public key (Z85, 40 characters)")
    name: str = wire(Str(64, 1), "engine label (its key's name)")
    confirm: bytes = wire(PAIR_MAC, "HMAC-SHA256(K, `engine|` + transcript) (§13.3)")
    attempts_left: int = wire(Int(0, 100), "`pair.start` messages this window still answers")
    closes_in_s: float = wire(Float(0.0, 3600.0), "time until the window closes", "s")


@_rec
class PairConfirm(PairingMessage):
    """The console proves the same key over the same transcript: the therapist
    has seen the fingerprints and confirmed."""

    DIRECTION = "console→engine"
    SUBJECT = "pair.confirm"
    session: bytes = wire(PAIR_SESSION, "the `session` of the `pair.reply` it answers")
    confirm: bytes = wire(PAIR_MAC, "HMAC-SHA256(K, `console|` + transcript) (§13.3)")


@_rec
class PairDone(PairingMessage):
    """The engine stored the console's key; its window is closed."""

    DIRECTION = "engine→console"
    SUBJECT = "pair.done"
    session: bytes = wire(PAIR_SESSION, "the exchange that paired")


@_rec
class PairRefused(PairingMessage):
    """The engine answers no to a pairing message."""

    DIRECTION = "engine→console"
    SUBJECT = "pair.refused"
    reason: str = wire(
        Str(32, 1, PAIR_REFUSALS),
        "`closed`: no window open; `too_many`: the attempts are used up (the window "
        "closes); `wrong_code`: the confirmation does not match; `unknown_session`: not "
        "the exchange in progress (a replay, or superseded); `bad_message`: unreadable",
    )
    message: str = wire(Str(MAX_STR), "English explanation, for logs")
    attempts_left: int = wire(Int(0, 100), "`pair.start` messages this window still answers")


# -- encode and decode --------------------------------------------------------------------
def encode(msg: Message, check: bool = True) -> list[bytes]:
    """Return the two frames ``[subject, payload]``. Everything is packed
    before anything is sent, so a failure never leaves half a message.
    ``check`` validates the record first (the sender's own bug is caught here,
    not by the peer)."""
    if check:
        msg.validate()
    payload = {"v": PROTOCOL_VERSION, **msg.as_dict()}
    return [msg.SUBJECT.encode("ascii"), msgpack.packb(payload, use_bin_type=True)]


def unpack_limited(data: bytes) -> Any:
    """msgpack with every limit set (a fresh unpacker per call)."""
    if len(data) > MAX_FRAME_BYTES:
        raise MalformedMessage(f"payload of {len(data)} bytes exceeds {MAX_FRAME_BYTES}")
    try:
        return msgpack.unpackb(
            data,
            raw=False,
            use_list=True,
            strict_map_key=True,
            max_str_len=MAX_STR,
            max_bin_len=MAX_FRAME_BYTES,
            max_array_len=MAX_ARRAY,
            max_map_len=MAX_MAP,
            max_ext_len=0,
        )
    except RecursionError:
        raise MalformedMessage("payload is nested too deep") from None
    except Exception as exc:  # msgpack raises ValueError, TypeError, UnicodeDecodeError...
        raise MalformedMessage(
            f"payload is not valid msgpack: {type(exc).__name__}: {exc}"
        ) from None


def decode(frames: list[bytes] | tuple[bytes, ...]) -> Message:
    """Validate two frames into a record, or raise a :class:`WireError`."""
    if len(frames) != 2:
        raise MalformedMessage(f"expected 2 frames (subject, payload), got {len(frames)}")
    raw_subject, payload = frames
    if not isinstance(raw_subject, bytes | bytearray | memoryview) or len(raw_subject) > 64:
        raise MalformedMessage("subject frame missing or longer than 64 bytes")
    try:
        subject = bytes(raw_subject).decode("ascii")
    except UnicodeDecodeError:
        raise MalformedMessage("subject is not ASCII") from None
    data = unpack_limited(bytes(payload))
    if not isinstance(data, dict):
        raise MalformedMessage(f"payload is a {type(data).__name__}, expected a map")
    rid = data.get("id")
    valid_id = isinstance(rid, int) and not isinstance(rid, bool) and 0 < rid <= INT64_MAX
    request_id = rid if valid_id else None
    shown = subject if SUBJECT_RE.match(subject) else repr(subject)
    # The version first: a peer of another version may use subjects this one
    # does not know, and it must still be told apart from a bad message.
    version = data.pop("v", None)
    if isinstance(version, bool) or version != PROTOCOL_VERSION:
        peer = version if isinstance(version, int) and not isinstance(version, bool) else None
        raise VersionMismatch(
            f"{shown}: protocol version {version!r}; this side speaks {PROTOCOL_VERSION}",
            request_id,
            version=peer,
            subject=subject if SUBJECT_RE.match(subject) else "",
        )
    cls = MESSAGES.get(subject)
    if cls is None:
        raise UnknownSubject(f"unknown subject {shown}", request_id)
    try:
        # Depth and NaN anywhere, before field checks walk the structure.
        PAYLOAD.check(data)
        msg: Message = _RECORDS[cls].check(data)
    except FieldError as err:
        raise _wire_error(err, subject, request_id) from None
    return msg


def split_endpoint(endpoint: str) -> tuple[str, int]:
    """``tcp://HOST:PORT`` → (host, port); port ``*`` or 0 means any free one."""
    if not endpoint.startswith("tcp://"):
        raise ValueError(f"{endpoint!r}: the link speaks TCP only; use tcp://HOST:PORT")
    host, sep, port = endpoint[6:].rpartition(":")
    if not sep or not host:
        raise ValueError(
            f"{endpoint!r} has no port; use tcp://HOST:PORT, e.g. tcp://127.0.0.1:7770"
        )
    if port == "*":
        return host, 0
    try:
        number = int(port)
    except ValueError:
        raise ValueError(f"{endpoint!r}: port {port!r} is not a number") from None
    if not 0 <= number <= 65535:
        raise ValueError(f"{endpoint!r}: port {number} is out of range")
    return host, number


# -- documentation ----------------------------------------------------------------------
def protocol_table() -> str:
    """Markdown: one section per message with its fields (docs/protocol.md)."""
    out: list[str] = []
    groups = (
        ("Commands (console → engine, command socket)", "cmd."),
        ("Console heartbeat (console → engine, command socket)", "hb."),
        ("Replies (engine → console, command socket)", "rep."),
        ("Telemetry (engine → console, telemetry socket)", "tel."),
        ("Pairing (console ↔ engine, pairing socket, §13)", "pair."),
    )
    for title, prefix in groups:
        out.append(f"### {title}\n")
        for subject, cls in MESSAGES.items():
            if not subject.startswith(prefix):
                continue
            doc = " ".join((cls.__doc__ or "").split())
            out.append(f"#### `{subject}`\n\n{doc}\n")
            out.append("| field | type | unit | meaning |\n|---|---|---|---|")
            out.append("| `v` | int | | protocol version (always present) |")
            for f in fields(cls):
                meta = f.metadata
                out.append(
                    f"| `{f.name}` | {meta['spec'].describe()} | {meta['unit']} | {meta['doc']} |"
                )
            out.append("")
    return "\n".join(out)


DOC_BEGIN = "<!-- BEGIN GENERATED MESSAGES (python -m palier.core.wire docs/protocol.md) -->"
DOC_END = "<!-- END GENERATED MESSAGES -->"


def update_doc(path: str) -> bool:
    """Rewrite the generated part of ``path``; True if it changed."""
    from pathlib import Path

    p = Path(path)
    text = p.read_text("utf-8")
    head, sep, rest = text.partition(DOC_BEGIN)
    _, sep2, tail = rest.partition(DOC_END)
    if not sep or not sep2:
        raise SystemExit(f"{path}: markers {DOC_BEGIN!r} and {DOC_END!r} not found")
    new = f"{head}{DOC_BEGIN}\n\n{protocol_table()}\n{DOC_END}{tail}"
    if new != text:
        p.write_text(new, "utf-8")
    return new != text


if __name__ == "__main__":
    import sys

    changed = update_doc(sys.argv[1] if len(sys.argv) > 1 else "docs/protocol.md")
    print("updated" if changed else "up to date")
