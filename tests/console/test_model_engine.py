"""The session model against a real engine (offscreen, real time) through the
real link client: commands are recorded with the engine's acknowledgement,
clinical events are committed before the client acknowledges them, and the
engine's clock offset places engine times on the console's clock."""

from __future__ import annotations

import contextlib
import queue
import time
from collections.abc import Callable
from pathlib import Path

from palier.therapist_console.client import LinkClient
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel, Plan, PlanStep
from tests.fixtures import EngineFactory, Keys


class GuiThread:
    """Stands in for the Qt event loop: call_soon queues, the test thread runs."""

    def __init__(self) -> None:
        self.q: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()

    def call_soon(self, fn: Callable[[], None]) -> None:
        self.q.put(fn)

    def run_until(self, cond: Callable[[], object], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                self.q.get(timeout=0.02)()
            if cond():
                return
        raise AssertionError(f"timed out after {timeout} s waiting for {what}")


PLAN = Plan(
    "specific_phobia.spiders",
    (
        PlanStep("far", {"en": "Far", "fr": "Loin"}, "spiders", {}, 20),
        PlanStep("near", {"en": "Near", "fr": "Près"}, "spiders", {}, 50),
    ),
)


def test_session_with_a_real_engine(
    engine_factory: EngineFactory, link_keys: Keys, tmp_path: Path
) -> None:
    engine = engine_factory()
    gui = GuiThread()
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        model = ConsoleModel(rec, call_soon=gui.call_soon)
        model.patient_plan.create_patient("Live-1")
        model.patient_plan.set_plan(PLAN)
        session = model.start_session()
        client = LinkClient(engine.endpoint, keys_dir=link_keys.console)
        model.attach_link(client)
        client.start()
        try:
            gui.run_until(lambda: model.link.is_up, 15, "link up")
            model.commands.go_to_step(0)
            gui.run_until(
                lambda: _status(rec, session.id, "load_scene") == "ack",
                10,
                "load_scene acknowledged",
            )
            decl = client.info.scene("spiders") if client.info else None
            assert decl is not None and decl.events
            model.commands.fire(decl.events[0].name)
            model.commands.pause()
            gui.run_until(lambda: model.link.paused, 10, "paused")
            model.commands.resume()
            gui.run_until(lambda: _status(rec, session.id, "resume") == "ack", 10, "resume ack")
            # A refused command is recorded with the engine's error.
            model.commands.fire("no_such_event")
            gui.run_until(
                lambda: _status(rec, session.id, "fire", last=True) == "error", 10, "fire refused"
            )
            # The patient presses stop in the headset: recorded before the ack.
            engine.send("input stop")
            gui.run_until(
                lambda: any(e["kind"] == "patient_stop" for e in rec.rows("events", session.id)),
                10,
                "stop",
            )
            model.ratings.enter(35)
            summary = model.end_session()
        finally:
            client.close()
        events = rec.rows("events", session.id)
        kinds = [e["kind"] for e in events]
        assert kinds.count("scene_event") == 1 and "pause" in kinds and "resume" in kinds
        stop = next(e for e in events if e["kind"] == "patient_stop")
        assert stop["engine_instance"] == engine.instance and stop["engine_seq"] >= 1
        # Engine time placed on the console clock within the session.
        assert session.started_at <= stop["t"] <= rec.session(session.id).ended_at
        cmds = rec.rows("commands", session.id)
        assert all(c["status"] in ("ack", "error") for c in cmds)
        assert all(c["engine_frame"] is not None for c in cmds if c["status"] == "ack")
        refused = [c for c in cmds if c["status"] == "error"]
        assert len(refused) == 1 and "no_such_event" in refused[0]["error"]
        assert next(r["kind"] for r in rec.rows("link_events", session.id)) == "up"
        assert summary.steps_reached == 1 and summary.suds_count == 1
        assert rec.last_engine_event() == (engine.instance, stop["engine_seq"])


def _status(rec: SessionRecord, sid: int, kind: str, last: bool = False) -> str | None:
    rows = [c for c in rec.rows("commands", sid) if c["kind"] == kind]
    if not rows:
        return None
    return str(rows[-1 if last else 0]["status"])
