"""Resynchronisation: after an outage the console's state is the engine's
(from a snapshot) and later numbered updates follow with no gap; the state
application never takes a stale or repeated update."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
import zmq

from palier.core import keys, wire
from palier.therapist_console.client import EngineState, LinkClient, LinkState
from tests.fixtures import ClientFactory, EngineFactory, EngineProc, state, wait_for

from .netcut import Relay


def test_resync_after_outage_with_changes_made_meanwhile(
    engine_factory: EngineFactory, client_factory: ClientFactory
) -> None:
    engine = engine_factory()
    ports = [wire.split_endpoint(engine.endpoint)[1], wire.split_endpoint(engine.telemetry)[1]]
    relay = Relay(ports)
    try:
        run_outage(engine, relay, client_factory)
    finally:
        relay.close()


def run_outage(engine: EngineProc, relay: Relay, client_factory: ClientFactory) -> None:
    obs = client_factory(engine, role="observe")
    applied: list[EngineState] = []
    console = client_factory(
        dataclasses.replace(
            engine, endpoint=relay.endpoint(wire.split_endpoint(engine.endpoint)[1])
        ),
        role="control",
    )
    console.on_state = applied.append
    assert relay.accepted >= 2  # both sockets go through the relay
    console.load_scene("spiders")
    wait_for(
        lambda: state(console).showing == "spiders" and not state(console).fading,
        10,
        "spiders showing",
    )
    assert console.info is not None
    p = next(
        p
        for p in console.info.scene("spiders").params
        if p.kind.value in ("float", "int") and p.most_intense != p.default
    )
    assert state(console).params[p.name] == p.default

    relay.cut()
    wait_for(lambda: console.status.state is LinkState.LOST, 3, "console sees the link lost")
    wait_for(lambda: state(obs).pause_reason == "link_lost", 5, "engine failsafe")
    # Meanwhile a second screen changes things the console does not hear of.
    obs.resume()
    wait_for(lambda: not state(obs).paused and not state(obs).fading, 5, "resumed")
    obs.set_params({p.name: p.most_intense}, ramp_s=0.0)
    obs.pause("therapist")
    wait_for(lambda: state(obs).showing == "safe_place" and not state(obs).fading, 5, "paused")
    stale = state(console)
    assert stale.params[p.name] == p.default and stale.pause_reason != "therapist"
    seen_before = len(applied)
    gaps_before = console.stats["state_gaps"]

    relay.plug()
    assert console.wait_connected(15), console.status
    # The console's state is the engine's, field for field, seq included.
    wait_for(lambda: state(console) == state(obs), 5, "console state equals the engine's")
    after = applied[seen_before:]
    assert after, "no state applied after the reconnection"
    # The first one is the snapshot: already every change made meanwhile.
    assert after[0].params[p.name] == p.most_intense
    assert after[0].paused and after[0].pause_reason == "therapist"
    # Later numbered updates follow with no gap.
    console.set_params({p.name: p.least_intense}, ramp_s=0.0)
    console.resume()
    wait_for(
        lambda: (
            not state(console).paused
            and not state(console).fading
            and state(console).params[p.name] == p.least_intense
        ),
        5,
        "console commands",
    )
    wait_for(lambda: state(console) == state(obs), 5, "in step with the engine")
    seqs = [s.seq for s in applied[seen_before:]]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs
    assert console.stats["state_gaps"] == gaps_before
    # Never a stale one, before or after the outage.
    all_seqs = [s.seq for s in applied]
    assert all_seqs == sorted(set(all_seqs)), all_seqs


# -- the state application alone -------------------------------------------------------------
def update(seq: int, value: float, instance: str = "a" * 16) -> wire.StateUpdate:
    return wire.StateUpdate(
        seq=seq,
        instance=instance,
        frame=seq,
        t_engine=float(seq),
        scene="spiders",
        showing="spiders",
        params={"distance": value},
        paused=False,
        pause_reason="",
        fading=False,
        suds_pending=None,
        mirror=False,
        console_connected=True,
    )


def reply(req_id: int, u: wire.StateUpdate) -> wire.StateReply:
    return wire.StateReply(id=req_id, **u.as_dict())


@pytest.fixture
def bare_client() -> Iterator[LinkClient]:
    public, secret = zmq.curve_keypair()
    server, _ = zmq.curve_keypair()
    c = LinkClient("tcp://127.0.0.1:9", keypair=keys.KeyPair(public, secret), server_key=server)
    c._instance = "a" * 16
    yield c
    c.close()


def test_state_application_ignores_stale_and_repeated(bare_client: LinkClient) -> None:
    c = bare_client
    applied: list[int] = []
    c.on_state = lambda s: applied.append(s.seq)
    for seq in (3, 1, 3, 5, 4, 2, 5, 6, 6, 9, 7, 8):
        c._apply_state(update(seq, float(seq)))
    assert applied == [3, 5, 6, 9]
    assert state(c).seq == 9 and state(c).params["distance"] == 9.0
    assert c.stats["state_gaps"] == 2  # 3 -> 5 and 6 -> 9 (each update is complete)


def test_snapshot_and_buffered_updates(bare_client: LinkClient) -> None:
    c = bare_client
    applied: list[int] = []
    c.on_state = lambda s: applied.append(s.seq)
    c._apply_state(update(10, 1.0))
    # Reconnecting: updates buffered while waiting for the snapshot, out of
    # order and repeated, some older than the snapshot.
    c._sync.phase = "snapshot"
    c._sync.buffered = [update(s, float(s)) for s in (13, 11, 12, 14, 13, 12)]
    c._on_snapshot(reply(1, update(12, 12.0)))
    assert applied == [10, 12, 13, 14] and state(c).params["distance"] == 14.0
    # A snapshot older than (or equal to) what the console has is not applied.
    c._sync.phase = "live"
    c._on_snapshot(reply(2, update(13, 13.0)))
    c._on_snapshot(reply(3, update(14, 14.0)))
    assert applied == [10, 12, 13, 14] and state(c).seq == 14
    # One of another engine instance is ignored.
    c._on_snapshot(reply(4, update(20, 20.0, instance="b" * 16)))
    assert state(c).seq == 14
