"""Every command against a real engine (offscreen, real time), its error
answers, a flood of malformed messages and an oversize one."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable

import msgpack
import pytest

from palier.core import wire
from palier.engine import link
from palier.therapist_console.client import CommandError, LinkClient
from tests.fixtures import ClientFactory, EngineProc, Keys, state, wait_for

from .rawsock import RawDealer


@pytest.fixture
def client(shared_engine: EngineProc, client_factory: ClientFactory) -> LinkClient:
    c = client_factory(shared_engine, role="observe")
    c.load_scene("spiders")
    wait_for(
        lambda: c.state is not None and state(c).showing == "spiders" and not state(c).fading,
        10,
        "spiders showing",
    )
    return c


def test_hello_identity_and_catalogue(shared_engine: EngineProc, client: LinkClient) -> None:
    info = client.info
    assert info is not None and info.instance == shared_engine.instance
    assert info.protocol == wire.PROTOCOL_VERSION and info.backend == "offscreen"
    ids = [d.id for d in info.catalogue]
    assert "spiders" in ids and "safe_place" in ids
    spiders = info.scene("spiders")
    assert spiders.params and spiders.events  # every parameter and event declared
    assert client.state is not None and state(client).instance == info.instance


def test_every_command_round_trip(client: LinkClient) -> None:
    assert client.info is not None
    spiders = client.info.scene("spiders")
    numeric = next(p for p in spiders.params if p.kind.value in ("float", "int"))
    event = spiders.events[0].name

    t0 = time.monotonic()
    ack = client.set_params({numeric.name: numeric.most_intense}, ramp_s=0.5)
    t1 = time.monotonic()
    assert isinstance(ack, wire.Ack) and ack.frame > 0
    # The ack's engine time lies inside the round trip once placed on our clock.
    wait_for(lambda: client.clock is not None, 5, "clock estimate")
    t_ack = client.to_console_time(ack.t_engine)
    assert t0 - 0.005 <= t_ack <= t1 + 0.005
    wait_for(lambda: state(client).params[numeric.name] == numeric.most_intense, 5, "state update")

    assert client.fire(event).frame >= ack.frame
    client.load_scene("spiders", {numeric.name: numeric.least_intense})
    wait_for(lambda: state(client).params[numeric.name] == numeric.least_intense, 5, "load_scene")

    client.pause("therapist")
    wait_for(lambda: state(client).showing == "safe_place" and state(client).paused, 5, "pause")
    assert state(client).pause_reason == "therapist" and state(client).scene == "spiders"
    client.set_params({numeric.name: numeric.default}, ramp_s=0.0)  # allowed while paused
    client.resume()
    wait_for(lambda: state(client).showing == "spiders" and not state(client).paused, 5, "resume")
    assert state(client).params[numeric.name] == numeric.default

    assert client.show_text("Vous allez très bien.", seconds=2.0)
    client.ask_suds(41)
    wait_for(lambda: state(client).suds_pending == 41, 5, "suds panel shown")
    client.cancel_suds()
    wait_for(lambda: state(client).suds_pending is None, 5, "suds panel withdrawn")

    frames: list[wire.MirrorFrame] = []
    client.on_mirror = frames.append
    client.set_mirror(True)
    wait_for(lambda: len(frames) >= 3, 10, "mirror frames")
    client.set_mirror(False)
    jpeg = frames[-1]
    assert jpeg.jpeg[:2] == b"\xff\xd8" and (jpeg.width, jpeg.height) == (640, 360)

    snap = client.get_state()
    assert snap.instance == state(client).instance and snap.seq >= 1
    assert client.ping() < 0.5


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda c: c.load_scene("no_such_scene"), "unknown_scene"),
        (lambda c: c.set_params({"no_such_param": 1.0}), "unknown_parameter"),
        (
            lambda c: c.set_params({c.info.scene("spiders").params[0].name: "not a number"}),
            "bad_value",
        ),
        (lambda c: c.fire("no_such_event"), "unknown_event"),
    ],
    ids=["unknown_scene", "unknown_parameter", "bad_value", "unknown_event"],
)
def test_bad_command_errors(
    client: LinkClient, call: Callable[[LinkClient], object], code: str
) -> None:
    before = client.get_state()
    with pytest.raises(CommandError) as info:
        call(client)
    assert info.value.code == code and info.value.message
    after = client.get_state()
    assert after.params == before.params and after.scene == before.scene  # nothing changed


def test_out_of_range_value(client: LinkClient) -> None:
    assert client.info is not None
    p = next(p for p in client.info.scene("spiders").params if p.maximum is not None)
    with pytest.raises(CommandError) as info:
        client.set_params({p.name: float(p.maximum or 0) + 1000})
    assert info.value.code == "bad_value" and "range" in info.value.message


def test_fire_while_paused_and_busy_suds(client: LinkClient) -> None:
    assert client.info is not None
    event = client.info.scene("spiders").events[0].name
    client.pause()
    try:
        with pytest.raises(CommandError) as info:
            client.fire(event)
        assert info.value.code == "not_allowed"
    finally:
        client.resume()
    client.ask_suds(1)
    try:
        with pytest.raises(CommandError) as info:
            client.ask_suds(2)
        assert info.value.code == "busy"
    finally:
        client.cancel_suds()


def test_wire_level_errors(shared_engine: EngineProc, link_keys: Keys) -> None:
    raw = RawDealer(shared_engine.endpoint, link_keys.console)
    try:
        # Before hello, only hello and ping are answered.
        raw.send_msg(wire.GetState(id=5))
        err = raw.recv_reply(5)
        assert isinstance(err, wire.Error) and err.code == "not_allowed" and "hello" in err.message
        # A console of another protocol version is told so.
        raw.send_payload(
            "cmd.hello", {"v": 99, "id": 6, "protocol": 99, "client": "future", "role": "control"}
        )
        err = raw.recv_reply(6)
        assert isinstance(err, wire.Error) and err.code == "version_mismatch"
        raw.hello(7)
        cases: list[tuple[str, dict[str, object], str, int]] = [
            ("cmd.teleport", {"v": wire.PROTOCOL_VERSION, "id": 8}, "unknown_subject", 8),
            (
                "cmd.set_params",
                {
                    "v": wire.PROTOCOL_VERSION,
                    "id": 9,
                    "params": {"distance": float("nan")},
                    "ramp_s": 1.0,
                },
                "invalid_field",
                9,
            ),
            (
                "cmd.set_params",
                {"v": wire.PROTOCOL_VERSION, "id": 10, "params": {"distance": 1.0}},
                "invalid_field",
                10,
            ),
            (
                "cmd.resume",
                {"v": wire.PROTOCOL_VERSION, "id": 11, "extra": True},
                "invalid_field",
                11,
            ),
            (
                "rep.ack",
                {"v": wire.PROTOCOL_VERSION, "id": 12, "frame": 1, "t_engine": 1.0},
                "not_allowed",
                12,
            ),
        ]
        for subject, data, code, req_id in cases:
            raw.send_payload(subject, data)
            err = raw.recv_reply(req_id)
            assert isinstance(err, wire.Error) and err.code == code, (subject, err)
        raw.send([b"cmd.ping", b"\xc1\xc1"])
        err = raw.recv_reply(0)
        assert isinstance(err, wire.Error) and err.code == "bad_message"
        # A retried id is answered from the cache, not applied twice.
        raw.send_msg(wire.Pause(id=20, reason="retry-test"))
        first = raw.recv_reply(20)
        raw.send_msg(wire.Pause(id=20, reason="retry-test"))
        again = raw.recv_reply(20)
        assert first == again and isinstance(first, wire.Ack)
        raw.send_msg(wire.Resume(id=21))
        assert isinstance(raw.recv_reply(21), wire.Ack)
    finally:
        raw.close()


def test_show_text_with_nothing_to_show_is_a_bad_value(
    shared_engine: EngineProc, link_keys: Keys, client: LinkClient
) -> None:
    # The wire refuses what the patient UI would refuse: the engine answers
    # bad_value with the command's id, never internal, and logs no traceback.
    with pytest.raises(wire.BadValue):
        client.show_text(" \t ")  # the console's own client refuses it before sending
    raw = RawDealer(shared_engine.endpoint, link_keys.console)
    try:
        raw.hello(1)
        raw.send_payload(
            "cmd.show_text", {"v": wire.PROTOCOL_VERSION, "id": 2, "text": " \n\t ", "seconds": 2.0}
        )
        err = raw.recv_reply(2)
        assert isinstance(err, wire.Error) and err.code == "bad_value", err
        assert "text" in err.message
        raw.send_payload(
            "cmd.show_text",
            {"v": wire.PROTOCOL_VERSION, "id": 3, "text": " Breathe. ", "seconds": 2.0},
        )
        assert isinstance(raw.recv_reply(3), wire.Ack)
    finally:
        raw.close()
    assert shared_engine.log_path is not None
    assert "Traceback" not in shared_engine.log_path.read_text(errors="replace")


def test_the_command_table_serves_every_console_message() -> None:
    # Pairing messages go to the pairing window's own socket (engine.pairing).
    sent_by_consoles = {
        c
        for c in wire.MESSAGES.values()
        if c.DIRECTION == "console→engine" and c.SOCKET != "pairing"
    }
    assert set(link._ROUTES) == sent_by_consoles


def test_a_kind_the_engine_sends_is_refused_and_the_link_lives_on(
    shared_engine: EngineProc, link_keys: Keys
) -> None:
    raw = RawDealer(shared_engine.endpoint, link_keys.console)
    try:
        raw.hello(1)
        # Telemetry carries no request id: refused with id 0, like a bad message.
        hb = wire.EngineHeartbeat(
            instance="f" * 16, frame=1, t_engine=1.0, state_seq=0, event_seq=0
        )
        raw.send_msg(hb)
        err = raw.recv_reply(0)
        assert isinstance(err, wire.Error) and err.code == "not_allowed", err
        assert "sent by the engine" in err.message
        raw.send_msg(wire.Ping(id=2))
        assert isinstance(raw.recv_reply(2), wire.Pong)
    finally:
        raw.close()


def malformed(rng: random.Random, i: int) -> list[bytes]:
    good = wire.encode(wire.SetParams(id=i + 1, params={"distance": 1.0}, ramp_s=1.0))
    kind = i % 6
    if kind == 0:
        return [rng.randbytes(rng.randint(0, 40))]
    if kind == 1:
        return [good[0], rng.randbytes(rng.randint(0, 200))]
    if kind == 2:
        body = bytearray(good[1])
        for _ in range(rng.randint(1, 4)):
            body[rng.randrange(len(body))] = rng.randrange(256)
        return [good[0], bytes(body)]
    if kind == 3:
        return [b"cmd." + rng.randbytes(5), good[1]]
    if kind == 4:
        return [good[0], good[1][: rng.randrange(len(good[1]))]]
    return [good[0], good[1], rng.randbytes(3)]


def test_malformed_flood_then_normal(
    shared_engine: EngineProc, link_keys: Keys, client: LinkClient
) -> None:
    raw = RawDealer(shared_engine.endpoint, link_keys.console)
    rng = random.Random(1234)
    try:
        raw.hello(1)
        for i in range(10_000):
            raw.send(malformed(rng, i))
            if i % 100 == 0:  # read the error replies so no queue fills up
                while raw.sock.poll(0):
                    raw.sock.recv_multipart()
        # The engine drains them all: a ping sent after the flood is answered
        # (after the flood's error replies, which are skipped).
        raw.send_msg(wire.Ping(id=999_999))
        assert isinstance(raw.recv_reply(999_999, timeout_ms=30_000), wire.Pong)
    finally:
        raw.close()
    assert shared_engine.proc.poll() is None
    assert client.info is not None
    p = client.info.scene("spiders").params[0]
    assert client.set_params({p.name: p.default}, ramp_s=0.0).frame > 0


def test_oversize_message_refused(
    shared_engine: EngineProc, link_keys: Keys, client: LinkClient
) -> None:
    raw = RawDealer(shared_engine.endpoint, link_keys.console)
    try:
        raw.hello(1)
        # Over ZMQ_MAXMSGSIZE: libzmq drops the connection before allocating it.
        raw.send([b"cmd.show_text", b"\x00" * (wire.MAX_COMMAND_BYTES + 1)])
        # Under the socket limit but over the string limit: a typed error.
        big = msgpack.packb(
            {"v": wire.PROTOCOL_VERSION, "id": 2, "text": "x" * 50_000, "seconds": 2.0}
        )
        raw2 = RawDealer(shared_engine.endpoint, link_keys.console)
        try:
            raw2.hello(1)
            raw2.send([b"cmd.show_text", big])
            err = raw2.recv_reply(0)
            assert isinstance(err, wire.Error) and err.code == "bad_message"
        finally:
            raw2.close()
    finally:
        raw.close()
    assert shared_engine.proc.poll() is None
    assert client.ping() < 0.5 and client.get_state().instance == shared_engine.instance


def test_pause_and_resume_crossing_fades(client: LinkClient) -> None:
    # Resume while the pause is still fading out: the exposure scene stays.
    client.pause()
    client.resume()
    wait_for(lambda: not state(client).paused and not state(client).fading, 5, "settled")
    assert state(client).showing == "spiders"
    # Pause (e.g. the failsafe) while a resume is fading out: the safe place wins.
    client.pause()
    wait_for(
        lambda: state(client).showing == "safe_place" and not state(client).fading, 5, "safe place"
    )
    client.resume()
    client.pause("link_lost")
    time.sleep(1.2)  # longer than both fades
    st = state(client)
    assert st.paused and st.showing == "safe_place" and st.pause_reason == "link_lost"
    client.resume()
    wait_for(lambda: state(client).showing == "spiders" and not state(client).fading, 5, "back")


def test_fire_with_options_the_event_does_not_take(client: LinkClient) -> None:
    assert client.info is not None
    event = client.info.scene("spiders").events[0].name
    with pytest.raises(CommandError) as info:
        client.fire(event, speed=3.0)
    assert info.value.code == "bad_value" and "speed" in info.value.message
    assert client.fire(event).frame > 0  # without options it is fine


def test_head_pose_rate_and_frame_stats(client: LinkClient) -> None:
    heads: list[wire.HeadPose] = []
    stats: list[wire.FrameStats] = []
    client.on_head = heads.append
    client.on_frame_stats = stats.append
    wait_for(lambda: len(stats) >= 3, 10, "three frame statistics")
    client.on_head = client.on_frame_stats = None
    # Head pose: at most 30 a second on the engine clock, and flowing.
    times = [h.t_engine for h in heads]
    assert len(times) >= 20 and times == sorted(times)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1.0 / 30.0 - 1e-6, min(gaps)
    assert all(len(h.pos) == 3 and len(h.quat) == 4 for h in heads)
    assert all(abs(sum(c * c for c in h.quat) - 1.0) < 1e-3 for h in heads)  # unit quaternion
    # Frame statistics: about once a second, over the frames of that second.
    for s in stats:
        assert s.frames > 0 and 0.0 < s.median_ms <= s.p99_ms < 1000.0
    periods = [b.t_engine - a.t_engine for a, b in itertools.pairwise(stats)]
    assert all(0.9 <= p <= 2.5 for p in periods), periods  # a loaded machine lags
    assert [s.frame for s in stats] == sorted(s.frame for s in stats)
