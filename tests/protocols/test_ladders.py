"""Patient ladders: edits are checked, versions are immutable, and a session
keeps the ladder it used after the ladder changes (real SQLite files)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from palier.protocols.files import protocol_by_id
from palier.protocols.ladders import (
    Ladder,
    LadderConflictError,
    LadderError,
    LadderNotFoundError,
    LadderStore,
)
from palier.protocols.model import EventPlan, Step
from palier.scenes.api import Text
from palier.therapist_console.migrations import migrate


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = sqlite3.connect(tmp_path / "record.sqlite3", isolation_level=None)
    migrate(c)  # the session record's schema, which holds the ladder tables
    yield c
    c.close()


def spiders_ladder(patient_id: int = 7) -> Ladder:
    return Ladder.from_protocol(protocol_by_id("spiders-graded"), patient_id)


def test_copy_of_protocol() -> None:
    lad = spiders_ladder()
    proto = protocol_by_id("spiders-graded")
    assert lad.steps == proto.steps and lad.protocol_id == proto.id and not lad.saved
    assert lad.check() == []


def test_edits_return_new_checked_ladders() -> None:
    lad = spiders_ladder()
    ids = [s.id for s in lad.steps]
    moved = lad.move("table-1m-still", 1)
    assert [s.id for s in moved.steps][:3] == ["floor-far-still", "table-1m-still", "floor-2m-walk"]
    assert [s.id for s in lad.steps] == ids  # the original is untouched
    edited = moved.edit(
        "table-1m-still",
        text=Text(en="Spider on the table, far end.", fr="Araignée au bout de la table."),
        set_params={"distance": 1.5},
        expected_suds=35,
        min_duration_min=7,
    )
    step = edited.step("table-1m-still")
    assert step.text.get("fr") == "Araignée au bout de la table."
    assert step.preset["distance"] == 1.5 and step.preset["location"] == "table"
    assert (step.expected_suds, step.min_duration_min) == (35, 7.0)
    new = Step(
        id="photo-first",
        text=Text(en="A photo-like still spider, far.", fr="Une araignée immobile, lointaine."),
        scene="spiders",
        expected_suds=10,
        min_duration_min=3,
        preset={"distance": 3.0, "size": 2.0},
    )
    extended = edited.add(new, 0).remove("hand-many-scuttle")
    assert extended.steps[0].id == "photo-first" and len(extended.steps) == 10
    reordered = extended.reorder(list(reversed([s.id for s in extended.steps])))
    assert reordered.steps[-1].id == "photo-first"
    replaced = lad.edit(
        "floor-far-still",
        preset={"distance": 2.5},
        events=[EventPlan(event="run_toward", at_min=(1.0,))],
    )
    assert replaced.step("floor-far-still").preset == {"distance": 2.5}
    assert replaced.step("floor-far-still").events[0].at_min == (1.0,)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda lad: lad.edit("floor-far-still", set_params={"distance": 9.0}), "out of range"),
        (
            lambda lad: lad.edit("floor-far-still", set_params={"colour": "red"}),
            "no parameter 'colour'",
        ),
        (lambda lad: lad.edit("floor-far-still", expected_suds=140), "140 is out of range"),
        (lambda lad: lad.edit("nope", expected_suds=10), "no step 'nope'"),
        (
            lambda lad: lad.edit("floor-far-still", text=Text(en="x", fr=" ")),
            'steps[1] "floor-far-still".text.fr: French text is empty',
        ),
        (
            lambda lad: lad.edit("table-1m-still", set_params={"count": 0}),
            'steps[4] "table-1m-still".preset.count: 0 is out of range',
        ),
        (
            lambda lad: lad.edit(
                "floor-far-still", events=[EventPlan(event="bark", every_min=2.0)]
            ),
            "no event 'bark'",
        ),
        (lambda lad: lad.add(lad.steps[0]), "duplicate step id 'floor-far-still'"),
        (lambda lad: lad.move("floor-far-still", 10), "outside the ladder"),
        (lambda lad: lad.reorder(["floor-far-still"]), "every step exactly once"),
    ],
)
def test_invalid_edits_are_refused_naming_the_step(
    edit: Callable[[Ladder], Ladder], message: str
) -> None:
    lad = spiders_ladder()
    with pytest.raises(LadderError) as exc:
        edit(lad)
    assert message in str(exc.value)


def test_cannot_remove_the_last_step() -> None:
    lad = spiders_ladder()
    for s in lad.steps[1:]:
        lad = lad.remove(s.id)
    with pytest.raises(LadderError, match="at least one step"):
        lad.remove(lad.steps[0].id)


def test_versions_are_stored_immutably(conn: sqlite3.Connection) -> None:
    store = LadderStore(conn)
    v1 = store.create(spiders_ladder(), t=100.0, note="copied from the library")
    assert (v1.version, v1.based_on_version_id) == (1, None) and v1.ladder_id is not None
    v2 = store.save(v1.edit("floor-far-still", expected_suds=15), t=200.0, note="easier start")
    assert (v2.version, v2.based_on_version_id) == (2, v1.version_id)
    assert store.version(v1.version_id).step("floor-far-still").expected_suds == 20  # type: ignore[arg-type]
    assert store.latest(v1.ladder_id).step("floor-far-still").expected_suds == 15
    assert [h.version for h in store.history(v1.ladder_id)] == [1, 2]
    assert store.history(v1.ladder_id)[1].note == "easier start"
    # Saving an unchanged copy makes no new version.
    assert store.save(store.latest(v1.ladder_id), t=300.0).version_id == v2.version_id
    with pytest.raises(sqlite3.DatabaseError, match="immutable"):
        conn.execute("UPDATE ladder_versions SET steps = '[]' WHERE id = ?", (v1.version_id,))
    with pytest.raises(sqlite3.DatabaseError, match="immutable"):
        conn.execute("DELETE FROM ladder_versions WHERE id = ?", (v1.version_id,))


def test_concurrent_edits_conflict(conn: sqlite3.Connection) -> None:
    store = LadderStore(conn)
    v1 = store.create(spiders_ladder(), t=1.0)
    a = v1.edit("floor-far-still", expected_suds=10)
    b = v1.edit("floor-2m-walk", expected_suds=25)
    store.save(a, t=2.0)
    with pytest.raises(LadderConflictError, match="reload the latest version"):
        store.save(b, t=3.0)
    assert len(store.history(v1.ladder_id)) == 2  # type: ignore[arg-type]


def test_patient_ladders_archive_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    c = sqlite3.connect(path, isolation_level=None)
    migrate(c)
    store = LadderStore(c)
    a = store.create(spiders_ladder(1), t=1.0)
    store.create(spiders_ladder(2), t=2.0)
    b = store.create(
        spiders_ladder(1).retitle(Text(en="Spiders, home version", fr="Araignées, version maison")),
        t=3.0,
    )
    assert [lad.ladder_id for lad in store.for_patient(1)] == [a.ladder_id, b.ladder_id]
    store.archive(a.ladder_id)  # type: ignore[arg-type]
    assert [lad.ladder_id for lad in store.for_patient(1)] == [b.ladder_id]
    assert len(store.for_patient(1, include_archived=True)) == 2
    with pytest.raises(LadderNotFoundError):
        store.archive(999)
    with pytest.raises(LadderNotFoundError):
        store.version(999)
    c.close()
    c2 = sqlite3.connect(path, isolation_level=None)
    again = LadderStore(c2).latest(b.ladder_id)  # type: ignore[arg-type]
    assert again.title.get("fr") == "Araignées, version maison" and again.steps == b.steps
    c2.close()


def test_writes_join_the_callers_transaction(tmp_path: Path) -> None:
    c = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None)
    migrate(c)
    store = LadderStore(c)
    c.execute("BEGIN")
    store.create(spiders_ladder(), t=1.0)
    c.execute("ROLLBACK")
    assert c.execute("SELECT count(*) FROM ladder_versions").fetchone() == (0,)
    # A failing write leaves nothing behind.
    good = store.create(spiders_ladder(), t=1.0)
    stale = Ladder(
        patient_id=7,
        protocol_id="spiders-graded",
        title=good.title,
        steps=good.steps[:5],
        ladder_id=good.ladder_id,
        based_on_version_id=12345,
    )
    with pytest.raises(LadderConflictError):
        store.save(stale, t=2.0)
    assert c.execute("SELECT count(*) FROM ladder_versions").fetchone() == (1,)
    c.close()


def test_stored_version_that_no_longer_fits_its_scene_cannot_run(conn: sqlite3.Connection) -> None:
    store = LadderStore(conn)
    v1 = store.create(spiders_ladder(), t=1.0)
    steps = json.loads(
        conn.execute("SELECT steps FROM ladder_versions WHERE id = ?", (v1.version_id,)).fetchone()[
            0
        ]
    )
    steps[0]["preset"]["distance"] = 9.0  # as if the scene's range had shrunk
    conn.execute(
        "INSERT INTO ladder_versions (ladder_id, version, parent_id, created_at, note,"
        " title, steps) VALUES (?, 2, ?, 2.0, '', ?, ?)",
        (v1.ladder_id, v1.version_id, json.dumps(v1.title.to_dict()), json.dumps(steps)),
    )
    old = store.latest(v1.ladder_id)  # type: ignore[arg-type]
    assert old.version == 2  # still readable: a past session shows it
    with pytest.raises(LadderError, match=r'steps\[1\] "floor-far-still".preset.distance'):
        old.plan_json()


def test_a_session_keeps_the_ladder_it_used(tmp_path: Path) -> None:
    from palier.therapist_console.record import SessionRecord
    from palier.therapist_console.session import Plan

    with SessionRecord(tmp_path / "sessions.sqlite3") as rec:
        store = rec.ladder_store()  # tables made by the record's migration
        patient = rec.add_patient("P-017", t=0.0)
        v1 = store.create(spiders_ladder(patient.id), t=1.0)
        plan = Plan.from_json(v1.plan_json())
        assert plan.ladder_version_id == v1.version_id and len(plan.steps) == 10
        assert plan.steps[0].params == {
            "distance": 1.25,
            "size": 5.0,
            "count": 1,
            "activity": "still",
            "location": "floor",
        }
        session = rec.start_session(
            patient.id,
            t=10.0,
            language="fr",
            protocol_id=v1.protocol_id,
            ladder_version_id=v1.version_id,
            plan=plan.to_json(),
        )
        rec.end_session(session.id, t=20.0)
        # The therapist then reworks the ladder for the next session.
        v2 = store.save(
            v1.move("hand-half-metre", 3).edit(
                "floor-far-still", text=Text(en="Changed", fr="Modifié")
            ),
            t=30.0,
        )
        assert v2.version == 2
        used = store.version(rec.session(session.id).ladder_version_id)
        assert used.steps == v1.steps and used.version == 1
        assert used.step("floor-far-still").text.get("en").startswith("One small spider")
        assert store.latest(v1.ladder_id).steps[3].id == "hand-half-metre"
