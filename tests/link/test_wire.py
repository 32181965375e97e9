"""Wire messages: every subject round-trips; every kind of bad input gives a
typed error; fuzzed bytes never give anything else."""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Any

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palier.core import wire
from palier.core.fields import FieldError

EV = wire.ClinicalEvent(
    seq=1, instance="abc", kind="suds", frame=10, t_engine=12.5, request=7, value=40, t_ref=11.0
)
STATE: dict[str, Any] = dict(
    seq=3,
    instance="abc",
    frame=9,
    t_engine=1.5,
    scene="spiders",
    showing="safe_place",
    params={"distance": 1.5, "count": 2, "activity": "walk", "lit": True},
    paused=True,
    pause_reason="therapist",
    fading=False,
    suds_pending=None,
    mirror=False,
    console_connected=True,
)
SAMPLES: dict[str, wire.Message] = {
    m.SUBJECT: m
    for m in [
        wire.Hello(id=1, protocol=1, client="console", role="control"),
        wire.Ping(id=2),
        wire.LoadScene(id=3, scene="spiders", params={"distance": 2.0}),
        wire.SetParams(id=4, params={"distance": 1.0, "count": 3}, ramp_s=2.0),
        wire.Fire(id=5, event="drop", options={}),
        wire.Pause(id=6, reason="therapist"),
        wire.Resume(id=7),
        wire.ShowText(id=8, text="Breathe slowly", seconds=5.0),
        wire.AskSuds(id=9, request=1, prompt=None),
        wire.CancelSuds(id=10),
        wire.GetState(id=11),
        wire.GetEvents(id=12),
        wire.AckEvents(id=13, instance="abc", up_to=4),
        wire.SetMirror(id=14, enabled=True),
        wire.Preview(id=16, scene="spiders", params={"distance": 0.5}, width=320, height=180),
        wire.Recenter(id=15),
        wire.ConsoleHeartbeat(t=123.25),
        wire.Ack(id=1, frame=100, t_engine=5.0),
        wire.Error(id=0, code="bad_message", message="x"),
        wire.HelloReply(
            id=1,
            frame=1,
            t_engine=2.0,
            protocol=1,
            engine="palier-engine 0.1",
            host="h",
            instance="abc",
            backend="offscreen",
            language="fr",
            telemetry_port=7771,
            heartbeat_s=0.25,
            dead_after_s=1.0,
            events_acked=0,
            catalogue=({"id": "x", "params": [{"choices": [{"label": {"en": "a"}}]}]},),
        ),
        wire.Pong(id=2, frame=3, t_engine=4.0),
        wire.PreviewReply(id=16, scene="spiders", width=320, height=180, jpeg=b"\xff\xd8\xff"),
        wire.StateReply(id=11, **STATE),
        EV,
        wire.EventsReply(id=12, instance="abc", events=(EV,), more=False),
        wire.EngineHeartbeat(instance="abc", frame=5, t_engine=1.0, state_seq=3, event_seq=1),
        wire.StateUpdate(**STATE),
        wire.FrameStats(
            frame=5,
            t_engine=1.0,
            median_ms=11.1,
            p99_ms=13.0,
            frames=90,
            predicted_display_period_ms=11.1,
            frames_late=3,
            frames_dropped=1,
        ),
        wire.HeadPose(frame=5, t_engine=1.0, pos=(0.0, 0.1, 1.2), quat=(1.0, 0.0, 0.0, 0.0)),
        wire.MirrorFrame(frame=5, t_engine=1.0, width=640, height=360, jpeg=b"\xff\xd8\xff"),
        wire.PairStart(pake=b"A" + bytes(32), key="k" * 40, name="console"),
        wire.PairReply(
            session=bytes(16),
            pake=b"B" + bytes(32),
            key="e" * 40,
            name="engine",
            confirm=bytes(32),
            attempts_left=2,
            closes_in_s=100.0,
        ),
        wire.PairConfirm(session=bytes(16), confirm=bytes(32)),
        wire.PairDone(session=bytes(16)),
        wire.PairRefused(reason="wrong_code", message="x", attempts_left=1),
    ]
}


def payload(frames: list[bytes]) -> dict[str, Any]:
    data: dict[str, Any] = msgpack.unpackb(frames[1], raw=False)
    return data


def frames_of(subject: str, data: dict[str, Any]) -> list[bytes]:
    return [subject.encode(), msgpack.packb(data, use_bin_type=True)]


def test_samples_cover_every_subject() -> None:
    assert set(SAMPLES) == set(wire.MESSAGES)


@pytest.mark.parametrize("subject", sorted(wire.MESSAGES))
def test_round_trip(subject: str) -> None:
    msg = SAMPLES[subject]
    frames = wire.encode(msg)
    assert frames[0] == subject.encode()
    assert payload(frames)["v"] == wire.PROTOCOL_VERSION
    assert wire.decode(frames) == msg


@pytest.mark.parametrize("subject", sorted(wire.MESSAGES))
def test_missing_and_extra_fields_rejected(subject: str) -> None:
    data = payload(wire.encode(SAMPLES[subject]))
    name = next(iter(f.name for f in fields(wire.MESSAGES[subject])))
    missing = {k: v for k, v in data.items() if k != name}
    with pytest.raises(wire.InvalidField, match="missing"):
        wire.decode(frames_of(subject, missing))
    with pytest.raises(wire.InvalidField, match="unexpected"):
        wire.decode(frames_of(subject, {**data, "surprise": 1}))


@pytest.mark.parametrize(
    ("subject", "field_name", "value", "error"),
    [
        ("cmd.set_params", "ramp_s", float("nan"), "finite"),
        ("cmd.set_params", "ramp_s", float("inf"), "finite"),
        ("cmd.set_params", "ramp_s", -1.0, "out of range"),
        ("cmd.set_params", "ramp_s", "fast", "expected float"),
        ("cmd.set_params", "params", {"distance": float("nan")}, "finite"),
        ("cmd.set_params", "params", {}, "entries"),
        ("cmd.set_params", "params", {"not a name": 1}, "parameter name"),
        ("cmd.set_params", "params", {"d": [1, 2]}, "number, text or bool"),
        ("cmd.set_params", "id", 0, "out of range"),
        ("cmd.set_params", "id", True, "expected int"),
        ("cmd.show_text", "text", "x" * 281, "characters"),
        ("cmd.show_text", "text", "", "characters"),
        ("cmd.hello", "role", "admin", "one of"),
        ("cmd.ask_suds", "request", 1 << 40, "out of range"),
        ("tel.head", "pos", [0.0, 1.0], "items"),
        ("tel.mirror", "jpeg", "not bytes", "expected bin"),
        ("rep.events", "events", [{"seq": 1}], "missing"),
    ],
)
def test_bad_values_rejected(subject: str, field_name: str, value: Any, error: str) -> None:
    data = payload(wire.encode(SAMPLES[subject]))
    data[field_name] = value
    with pytest.raises(wire.InvalidField, match=error) as info:
        wire.decode(frames_of(subject, data))
    if "id" in data and isinstance(data["id"], int) and data["id"] > 0 and field_name != "id":
        assert info.value.request_id == data["id"]  # so the engine can answer that request


@pytest.mark.parametrize("text", [" ", "   \t\n", "\u3000\u00a0"])
def test_show_text_with_nothing_to_show_is_a_bad_value(text: str) -> None:
    # The wire and the patient UI check the text with one spec.
    data = payload(wire.encode(SAMPLES["cmd.show_text"]))
    data["text"] = text
    with pytest.raises(wire.BadValue) as info:
        wire.decode(frames_of("cmd.show_text", data))
    assert info.value.code == "bad_value" and info.value.request_id == data["id"]
    assert "empty" in str(info.value)
    with pytest.raises(FieldError):
        wire.PATIENT_TEXT.check(text)


def test_a_contact_event_carries_surface_hand_and_duration() -> None:
    contact = wire.ClinicalEvent(
        seq=2,
        instance="abc",
        kind="contact",
        frame=11,
        t_engine=14.0,
        request=None,
        value=None,
        t_ref=12.5,
        surface="tap",
        hand="right",
        duration_s=1.5,
    )
    back = wire.decode(wire.encode(contact))
    assert back == contact
    # Events of the other kinds carry the three fields as nil.
    assert payload(wire.encode(EV))["surface"] is None
    data = payload(wire.encode(contact))
    for name, bad in (("hand", "foot"), ("duration_s", -1.0), ("surface", "")):
        with pytest.raises(wire.InvalidField, match=name):
            wire.decode(frames_of("tel.event", {**data, name: bad}))


def test_unknown_subject_and_version() -> None:
    with pytest.raises(wire.UnknownSubject) as info:
        wire.decode(frames_of("cmd.self_destruct", {"v": wire.PROTOCOL_VERSION, "id": 5}))
    assert info.value.code == "unknown_subject" and info.value.request_id == 5
    data = payload(wire.encode(SAMPLES["cmd.ping"]))
    other = wire.PROTOCOL_VERSION + 1
    data["v"] = other
    with pytest.raises(wire.VersionMismatch) as mismatch:
        wire.decode(frames_of("cmd.ping", data))
    # The peer's version and the subject travel with the error, so a receiver
    # can name both versions to the user.
    assert mismatch.value.version == other and mismatch.value.subject == "cmd.ping"
    assert mismatch.value.request_id == data["id"]
    # A subject of a later version is a version mismatch, not an unknown subject.
    with pytest.raises(wire.VersionMismatch) as mismatch:
        wire.decode(frames_of("rep.hello_later", {"v": other + 1, "id": 7}))
    assert mismatch.value.version == other + 1 and mismatch.value.subject == "rep.hello_later"
    with pytest.raises(wire.VersionMismatch) as mismatch:
        wire.decode(frames_of("rep.ack", {"id": 7}))
    assert mismatch.value.version is None


@pytest.mark.parametrize(
    "frames",
    [
        [b"cmd.ping"],
        [b"cmd.ping", b"", b""],
        [b"cmd.ping", b"\xc1"],  # never-used msgpack byte
        [b"cmd.ping", msgpack.packb([1, 2])],
        [
            b"cmd.ping",
            msgpack.packb({"v": wire.PROTOCOL_VERSION, "id": 1}) + b"\x00",
        ],  # trailing bytes
        [b"\xff\xfe", msgpack.packb({"v": wire.PROTOCOL_VERSION})],
        [b"x" * 65, msgpack.packb({"v": wire.PROTOCOL_VERSION})],
        [b"cmd.ping", msgpack.packb({1: 2})],  # non-text keys
        [b"cmd.ping", msgpack.packb({"v": wire.PROTOCOL_VERSION, "id": msgpack.ExtType(1, b"x")})],
        [b"cmd.ping", b"\xdd\xff\xff\xff\xff"],  # array of 4 billion items, no data
        [b"cmd.ping", b"\xdb\x7f\xff\xff\xff"],  # 2 GB string header
        [
            b"cmd.ping",
            msgpack.packb({"v": wire.PROTOCOL_VERSION, "id": 1, "x": "y" * (wire.MAX_STR + 1)}),
        ],
    ],
)
def test_malformed_frames(frames: list[bytes]) -> None:
    with pytest.raises(wire.MalformedMessage):
        wire.decode(frames)


def test_nesting_limit() -> None:
    deep: Any = 1
    for _ in range(wire.MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(wire.MalformedMessage, match="nested"):
        wire.decode(frames_of("cmd.ping", {"v": wire.PROTOCOL_VERSION, "id": 1, "x": deep}))
    very_deep = b"\x91" * 100_000 + b"\x01"  # 100k nested arrays: msgpack's own limit
    with pytest.raises(wire.MalformedMessage):
        wire.decode([b"cmd.ping", very_deep])


def test_oversize_payload_refused_before_unpacking() -> None:
    with pytest.raises(wire.MalformedMessage, match="exceeds"):
        wire.decode([b"tel.mirror", b"\x00" * (wire.MAX_FRAME_BYTES + 1)])


def test_encode_refuses_an_invalid_record() -> None:
    with pytest.raises(wire.InvalidField):
        wire.encode(wire.SetParams(id=1, params={"d": math.nan}, ramp_s=1.0))


def test_asks_for_hello_reads_only_the_engines_marker() -> None:
    forgot = wire.Error(id=0, code="not_allowed", message="hb.console before cmd.hello: say hello")
    assert wire.asks_for_hello(forgot)
    assert not wire.asks_for_hello(
        wire.Error(id=0, code="not_allowed", message="tel.hb is sent by the engine, not to it")
    )
    assert not wire.asks_for_hello(
        wire.Error(id=3, code="bad_value", message="cmd.fire before cmd.hello: say hello")
    )
    assert not wire.asks_for_hello(wire.Ack(id=3, frame=1, t_engine=0.0))


def test_protocol_doc_lists_every_message() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text("utf-8")
    # The tables in the document are generated from this module: they must
    # be current (regenerate with `python -m palier.core.wire docs/protocol.md`).
    assert wire.protocol_table() in doc
    for subject in wire.MESSAGES:
        assert f"`{subject}`" in doc
    for code in wire.ERROR_CODES:
        assert f"`{code}`" in doc


# -- fuzzing ----------------------------------------------------------------------------
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.binary(max_size=20),
)
plain = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
subjects = st.one_of(st.sampled_from(sorted(wire.MESSAGES)).map(str.encode), st.binary(max_size=70))


def only_typed_errors(frames: list[bytes]) -> None:
    try:
        msg = wire.decode(frames)
    except wire.WireError:
        return
    assert isinstance(msg, wire.Message)
    wire.decode(wire.encode(msg))  # whatever is accepted re-encodes cleanly


FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(subject=subjects, data=st.binary(max_size=200))
def test_fuzz_random_bytes(subject: bytes, data: bytes) -> None:
    only_typed_errors([subject, data])


@FUZZ
@given(frames=st.lists(st.binary(max_size=40), max_size=4))
def test_fuzz_frame_counts(frames: list[bytes]) -> None:
    only_typed_errors(frames)


@FUZZ
@given(
    subject=st.sampled_from(sorted(wire.MESSAGES)),
    key=st.text(max_size=10),
    value=plain,
    drop=st.booleans(),
)
def test_fuzz_field_replaced(subject: str, key: str, value: Any, drop: bool) -> None:
    data = payload(wire.encode(SAMPLES[subject]))
    names = sorted(data)
    target = names[hash(key) % len(names)] if drop or not key else key
    if drop:
        data.pop(target)
    else:
        data[target] = value
    try:
        raw = msgpack.packb(data, use_bin_type=True)
    except (OverflowError, ValueError, TypeError):
        return
    only_typed_errors([subject.encode(), raw])


@FUZZ
@given(subject=st.sampled_from(sorted(wire.MESSAGES)), data=st.data())
def test_fuzz_mutated_bytes(subject: str, data: st.DataObject) -> None:
    raw = bytearray(wire.encode(SAMPLES[subject])[1])
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        pos = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[pos] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[pos:]
        else:
            raw[pos:pos] = data.draw(st.binary(min_size=1, max_size=8))
    only_typed_errors([subject.encode(), bytes(raw)])


def test_wire_and_client_import_neither_qt_nor_panda3d() -> None:
    import subprocess
    import sys

    code = (
        "import sys, palier.core.wire, palier.therapist_console.client, palier.core.keys;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('panda3d', 'direct', 'PySide6')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
