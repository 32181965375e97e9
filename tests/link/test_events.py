"""Clinical-event acknowledgment rules against a real engine: who may
acknowledge, what is refused, and events a recorder already has."""

from __future__ import annotations

from palier.core import wire
from palier.therapist_console.client import LinkClient
from tests.fixtures import ClientFactory, EngineFactory, Keys, wait_for

from .rawsock import RawDealer


def pending(client: LinkClient) -> list[int]:
    """Sequence numbers still in the engine's outbox."""
    reply = client.call(wire.GetEvents)
    assert isinstance(reply, wire.EventsReply)
    return [e.seq for e in reply.events]


def test_ack_rules_and_recorded_events_are_acknowledged(
    engine_factory: EngineFactory, client_factory: ClientFactory, link_keys: Keys
) -> None:
    engine = engine_factory()
    obs = client_factory(engine, role="observe")
    seen: list[wire.ClinicalEvent] = []
    obs.on_event = seen.append
    for _ in range(2):
        engine.send("input stop")
        engine.read_until("ok input stop")
    wait_for(lambda: len(seen) >= 2, 10, "two events")

    # An observer may not take events out of the outbox.
    raw = RawDealer(engine.endpoint, link_keys.console)
    try:
        raw.hello(1, role="observe")
        raw.send_msg(wire.AckEvents(id=2, instance=engine.instance, up_to=2))
        err = raw.recv_reply(2)
        assert isinstance(err, wire.Error) and err.code == "not_allowed", err
        assert "control" in err.message
    finally:
        raw.close()
    assert pending(obs) == [1, 2]

    # A control console is refused another instance's events, and events
    # beyond the last one.
    raw = RawDealer(engine.endpoint, link_keys.console)
    try:
        raw.hello(1, role="control")
        raw.send_msg(wire.AckEvents(id=2, instance="0" * 16, up_to=1))
        err = raw.recv_reply(2)
        assert isinstance(err, wire.Error) and err.code == "bad_value", err
        assert "instance" in err.message
        raw.send_msg(wire.AckEvents(id=3, instance=engine.instance, up_to=99))
        err = raw.recv_reply(3)
        assert isinstance(err, wire.Error) and err.code == "bad_value", err
        assert "beyond the last event" in err.message
    finally:
        raw.close()  # silent from now on: the engine's failsafe records event 3
    wait_for(lambda: len(seen) >= 3, 5, "failsafe event")
    assert seen[2].kind == "failsafe" and pending(obs) == [1, 2, 3]

    # A console restarted after a crash: its recorder already has events 1-3,
    # which the engine still holds. They are not delivered again, but they are
    # acknowledged (else the engine re-sends them for ever).
    got: list[int] = []
    console = client_factory(
        engine, role="control", connect=False, resume_events=(engine.instance, 3)
    )
    console.on_event = lambda e: got.append(e.seq)
    assert console.wait_connected(10)
    wait_for(lambda: pending(obs) == [], 5, "outbox emptied by the acknowledgment")
    assert got == [] and console.stats["duplicates"] >= 3
    engine.send("input stop")
    engine.read_until("ok input stop")
    wait_for(lambda: got == [4], 5, "the next event")
    wait_for(lambda: pending(obs) == [], 5, "event 4 acknowledged")
    assert got == [4]
