"""Contact events end to end (issue 13): a simulated hand touches a surface a
scene declares; the engine's link sends a ``contact`` clinical event; the
console's model records it before acknowledging, the timeline says what was
touched in the therapist's language, and the CSV export lists it.

The engine runs in this process (offscreen, real sockets on loopback) with a
test-only scene (``tests/touch_scene.py``) registered for this module.
"""

from __future__ import annotations

import csv
import json
import queue
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from palier.core.i18n import typography
from palier.engine.app import Engine
from palier.engine.link import EngineLink, LinkConfig
from palier.therapist_console.client import LinkClient
from palier.therapist_console.export import export_csv
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel, Plan, PlanStep
from tests import touch_scene
from tests.fixtures import Keys, step_until

pytestmark = pytest.mark.offscreen_engine(scene=touch_scene.SCENE_ID, size=(160, 90))

PLAN = Plan(
    "ocd.touch_test",
    (PlanStep("tap", {"en": "Touch the tap", "fr": "Toucher le robinet"}, "touch_test", {}, 40),),
)
AWAY = (0.3, 0.25, 0.5)
"""Somewhere the right hand touches nothing."""


@pytest.fixture(scope="module", autouse=True)
def touch_scene_registered() -> Iterator[None]:
    # Module scope and autouse: registered before the module's engine starts.
    with touch_scene.registered():
        yield


@pytest.fixture
def served(engine: Engine, link_keys: Keys) -> Iterator[EngineLink]:
    lk = EngineLink(engine, LinkConfig(keys_dir=link_keys.engine, bind="tcp://127.0.0.1:0"))
    yield lk
    lk.close()
    engine.hold_hand("right", None)


def test_a_touch_goes_from_the_hand_to_the_csv(
    engine: Engine, served: EngineLink, link_keys: Keys, tmp_path: Path
) -> None:
    gui: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()

    def pump(cond: Callable[[], object], what: str) -> None:
        def ready() -> object:
            while not gui.empty():
                gui.get()()  # the GUI thread's share: the model's callbacks
            return cond()

        step_until(engine, ready, 30, what)

    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        model = ConsoleModel(rec, call_soon=gui.put)
        model.patient_plan.create_patient("Touch-1")
        model.patient_plan.set_plan(PLAN)
        session = model.start_session()
        client = LinkClient(served.command_endpoint, keys_dir=link_keys.console)
        try:
            model.attach_link(client)
            client.start()
            pump(lambda: model.link.is_up, "link up")
            model.commands.go_to_step(0)
            pump(
                lambda: any(
                    r["kind"] == "load_scene" and r["status"] == "ack"
                    for r in rec.rows("commands", session.id)
                ),
                "the test scene loaded",
            )
            engine.hold_hand("right", AWAY)
            engine.step()
            # The simulated hand on the tap for 45 frames, then away again.
            engine.hold_hand("right", touch_scene.TAP_AT)
            for _ in range(45):
                engine.step()
            engine.hold_hand("right", AWAY)

            def contacts() -> list[dict[str, Any]]:
                return [r for r in rec.rows("events", session.id) if r["kind"] == "contact"]

            pump(
                lambda: contacts() and model.timeline.has("event", int(contacts()[0]["id"])),
                "the contact recorded and shown",
            )
            (row,) = contacts()
            detail = json.loads(str(row["detail"]))
            assert row["name"] == "tap" and detail["hand"] == "right"
            assert detail["scene"] == "touch_test"
            assert detail["duration_s"] == pytest.approx(45 * engine.config.sim_dt, abs=0.02)
            assert row["engine_seq"] is not None  # deduplicated on the engine's id
            # Recorded, so acknowledged: the engine's outbox is empty again.
            pump(lambda: not served._outbox, "the contact acknowledged")

            entry = next(e for e in model.timeline.entries if e.name == "contact")
            decl = model.link.scene_declaration
            assert entry.text("en", decl) == "Touched: Tap (0.5 s)"
            assert entry.text("fr", decl) == typography("Touché : Robinet (0,5 s)", "fr")
        finally:
            model.attach_link(None)
            client.close()
        files = export_csv(rec, session.id, tmp_path / "out")
    path = next(f for f in files if f.name == "contacts.csv")
    with path.open(newline="") as f:
        (header, line) = list(csv.reader(f))
    got = dict(zip(header, line, strict=True))
    assert (got["surface"], got["scene"], got["hand"]) == ("tap", "touch_test", "right")
    assert float(got["duration_s"]) == pytest.approx(0.5, abs=0.02)
    assert got["step_index"] == "0"
    assert float(got["start_s"]) < float(got["t_s"])
