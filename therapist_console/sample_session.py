"""A plausible recorded session, written straight into a session record.

For the report's sample picture, the export tests, and the record benchmark
(``bench/record_throughput.py`` asks for a 90-minute session with 30 Hz head
poses). The session runs the shipped spiders protocol as the console would
(:func:`sample_plan`: the patient's ladder, checked against the scene's
declaration; every parameter change through :func:`checked_params`, the
model's check), so each step and value is one the console accepts
(``tests/console/test_sample_session.py``). SUDS rise at each new step
and fall as the patient habituates, the simulated heart rate follows the
intensity, the therapist fires events, pauses once and takes notes, and the
link drops once for a few seconds.

Every write goes through :class:`SessionRecord` with its real settings, one
committed transaction per clinical row, as the console does.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

from palier.protocols.files import library, protocol_by_id
from palier.protocols.ladders import Ladder
from palier.protocols.validate import scene_declaration
from palier.scenes.api import ParamValue, SceneDecl, SceneError
from palier.therapist_console.heart_rate import SimulatedHeartRate
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import Plan
from palier.therapist_console.session.ladder_editor import CREATED_FOR_SESSION

SAMPLE_PROTOCOL_ID = "spiders-graded"
"""The shipped protocol the sample session runs (``protocols/library/spiders.toml``)."""


def sample_plan(record: SessionRecord, patient_id: int, *, t: float) -> Plan:
    """The plan the console would run for this patient: the shipped protocol
    copied to the patient's ladder, stored as the setup page stores it
    (version 1, or the patient's latest), then resolved and checked against
    the scene declarations (``Ladder.ensure_runnable``, the rules of protocol
    files) into ``Plan.from_protocol``, as the console builds it."""
    protocol = protocol_by_id(SAMPLE_PROTOCOL_ID, library())
    store = record.ladder_store()
    ladder = next(
        (lad for lad in store.for_patient(patient_id) if lad.protocol_id == protocol.id), None
    ) or store.create(
        Ladder.from_protocol(protocol, patient_id), t=t, note=CREATED_FOR_SESSION.msgid
    )
    return Plan.from_protocol(protocol, ladder)


def _declaration(scene: str) -> SceneDecl:
    decl, why = scene_declaration(scene)
    if decl is None:
        raise SceneError(f"scene {scene!r}: {why}")
    return decl


def checked_params(scene: str, values: Mapping[str, object]) -> dict[str, ParamValue]:
    """``values`` as the console's model lets them through to the engine
    (``SceneDecl.validate_values``, all or nothing); raises ``SceneError``."""
    return _declaration(scene).validate_values(values)


NOTES = {
    "en": [
        "Calm at baseline; breathing exercise reviewed before starting.",
        "Avoids looking directly at the spider; encouraged to keep eyes on it.",
        "Reports heart pounding, stays in the situation. Good engagement.",
        "Asked for a short break in the safe place; resumed on her own initiative.",
        "Clear habituation at this step; agreed to stop here and continue next session.",
    ],
    "fr": [
        "Calme au départ ; exercice de respiration revu avant de commencer.",
        "Évite de regarder l'araignée en face ; encouragée à la garder du regard.",
        "Dit avoir le cœur qui bat fort, reste dans la situation. Bon engagement.",
        "A demandé une courte pause au lieu sûr ; a repris d'elle-même.",
        "Habituation nette à ce palier ; d'accord pour s'arrêter là et poursuivre "
        "à la prochaine séance.",
    ],
}


@dataclass(frozen=True, slots=True)
class SampleCounts:
    session_id: int
    clinical_writes: int
    """Committed transactions for clinical rows (one each)."""
    heart_rate: int
    rr_intervals: int
    head_poses: int
    suds: int
    commands: int


def write_sample_session(
    record: SessionRecord,
    *,
    minutes: float = 42.0,
    t0: float = 1_790_000_000.0,
    seed: int = 7,
    language: str = "en",
    pseudonym: str = "Sample-07",
    steps_reached: int = 4,
    suds_every_s: float = 120.0,
    head_pose_hz: float = 0.0,
    head_pose_batch: int = 30,
    extra_commands: int = 0,
    close: bool = True,
) -> SampleCounts:
    """Write one session of ``minutes`` and return what was written."""
    rng = random.Random(seed)
    patient = record.find_patient(pseudonym) or record.add_patient(
        pseudonym,
        "Specific phobia (spiders). Sample data."
        if language == "en"
        else "Phobie spécifique (araignées). Données d'exemple.",
        t=t0 - 86400,
    )
    plan = sample_plan(record, patient.id, t=t0 - 600)
    session = record.start_session(
        patient.id,
        t=t0,
        language=language,
        protocol_id=plan.protocol_id,
        ladder_version_id=plan.ladder_version_id,
        plan=plan.to_json(),
        meta={"engine": "palier-engine (sample)", "sample": True},
    )
    sid = session.id
    duration = minutes * 60.0
    plan_steps = plan.steps
    n_steps = max(1, min(steps_reached, len(plan_steps)))
    # Step boundaries: a short baseline, then equal shares, the last one longer.
    baseline = min(120.0, duration * 0.06)
    share = (duration - baseline) / (n_steps + 0.5)
    starts = [baseline + i * share for i in range(n_steps)]
    ends = [*starts[1:], duration]
    pause_at = starts[min(2, n_steps - 1)] + share * 0.45
    pause_len = 75.0
    link_loss_at = starts[min(1, n_steps - 1)] + share * 0.7

    def step_at(t: float) -> int | None:
        for i in range(n_steps - 1, -1, -1):
            if t >= starts[i]:
                return i
        return None

    def paused(t: float) -> bool:
        return pause_at <= t < pause_at + pause_len

    def intensity(t: float) -> float:
        i = step_at(t)
        if i is None or paused(t):
            return 0.0
        return 0.25 + 0.7 * i / max(1, len(plan_steps) - 1)

    def suds_model(t: float) -> int:
        i = step_at(t)
        if i is None:
            return 10
        peak = int(plan_steps[i].expected_suds or 50) + rng.randint(-5, 10)
        since = t - starts[i]
        # Habituation: reaches the peak in ~1 min, falls by half over the step.
        level = peak * min(1.0, since / 60.0 + 0.6)
        level *= math.exp(-max(0.0, since - 60) / (share * 0.9))
        if paused(t):
            level *= 0.7
        return max(0, min(100, round(level / 5) * 5))

    clock_now = [t0]
    hr = SimulatedHeartRate(
        lambda: intensity(clock_now[0] - t0), clock=lambda: clock_now[0], seed=seed
    )
    hr.advance_to(t0)
    counts = {"clinical": 1, "hr": 0, "rr": 0, "head": 0, "suds": 0, "commands": 0}
    step_rows: dict[int, int] = {}
    scene_of: dict[int, str] = {}
    current: dict[int, dict[str, ParamValue]] = {}
    """The step's values after the therapist's changes (as the model keeps them)."""

    def change(at: float, values: Mapping[str, object], step: int | None) -> None:
        if step is None:  # before the first step: nothing loaded to change
            return
        checked = checked_params(scene_of[step], values)
        command(at, "set_params", {"params": checked, "ramp_s": 1.5}, step)
        current[step].update(checked)
        record.update_step_params(step_rows[step], current[step])
        counts["clinical"] += 1

    def command(t: float, kind: str, args: dict[str, object], step: int | None) -> None:
        cid = record.add_command(
            sid,
            t=t0 + t,
            kind=kind,
            args=args,
            step_id=step_rows.get(step) if step is not None else None,
        )
        record.command_result(
            cid, ok=True, t=t0 + t + 0.012, engine_frame=int(t * 90), engine_t=t + 3600.0
        )
        counts["commands"] += 1
        counts["clinical"] += 2

    record.add_link_event(sid, kind="up", t=t0 + 1.0, detail="connected to palier-engine")
    record.add_note(sid, text=NOTES[language][0], t=t0 + 20.0)
    counts["clinical"] += 2
    record.add_suds(sid, value=10, source="therapist", t=t0 + 60.0)
    counts["suds"] += 1

    # Timed actions, merged with the 1 Hz heart-rate loop.
    actions: list[tuple[float, str, int | None]] = []
    for i in range(n_steps):
        actions.append((starts[i], "step", i))
        actions.append((starts[i] + 25.0, "suds_start", i))
        t = starts[i] + suds_every_s
        while t < ends[i] - 20:
            actions.append((t, "suds", i))
            t += suds_every_s
        if i >= 1:
            actions.append((starts[i] + share * 0.5, "fire", i))
        actions.append((starts[i] + share * 0.3, "params", i))
    actions.append((pause_at, "pause", None))
    actions.append((pause_at + pause_len, "resume", None))
    actions.append((link_loss_at, "lost", None))
    actions.append((link_loss_at + 6.5, "reconnected", None))
    for k, frac in enumerate((0.35, 0.55, 0.75)):
        actions.append((duration * frac + 13.0, "note", k + 1))
    actions.append((duration - 40.0, "note", 4))
    actions.append((duration - 15.0, "suds_end", None))
    for k in range(extra_commands):
        actions.append(
            (baseline + (duration - baseline) * (k + 0.5) / max(1, extra_commands), "tweak", k)
        )
    actions.sort(key=lambda a: a[0])

    next_hr = 1.0
    head_dt = 1.0 / head_pose_hz if head_pose_hz > 0 else None
    next_head = 0.0
    head_buf: list[tuple[float, ...]] = []
    ai = 0
    t = 0.0
    while t <= duration:
        while ai < len(actions) and actions[ai][0] <= t:
            at, kind, arg = actions[ai]
            ai += 1
            cur = step_at(at)
            step_id = step_rows.get(cur) if cur is not None else None
            if kind == "step":
                i = int(arg or 0)
                spec = plan_steps[i]
                params = checked_params(spec.scene, spec.params)
                row = record.start_step(
                    sid,
                    t=t0 + at,
                    step_index=i,
                    step_key=spec.key,
                    scene=spec.scene,
                    params=params,
                    label=spec.label_dict(),
                    expected_suds=spec.expected_suds,
                )
                step_rows[i] = row.id
                scene_of[i] = spec.scene
                current[i] = dict(params)
                counts["clinical"] += 1
                command(at + 0.05, "load_scene", {"scene": spec.scene, "params": params}, i)
            elif kind in ("suds", "suds_start", "suds_end"):
                value = suds_model(at) if kind != "suds_end" else max(5, suds_model(at) - 5)
                source = "headset" if rng.random() < 0.3 else "therapist"
                record.add_suds(
                    sid,
                    value=value,
                    source=source,
                    t=t0 + at,
                    step_id=step_id,
                    engine_t=at + 3600.0 if source == "headset" else None,
                )
                counts["suds"] += 1
                counts["clinical"] += 1
            elif kind == "fire":
                name = "run_toward" if int(arg or 0) % 2 else "drop_from_above"
                command(at, "fire", {"event": name, "options": {}}, cur)
                record.add_event(
                    sid,
                    t=t0 + at + 0.012,
                    kind="scene_event",
                    name=name,
                    detail={"event": name},
                    step_id=step_id,
                    engine_t=at + 3600.0,
                    engine_frame=int(at * 90),
                )
                hr.on_event(1.0, t=t0 + at)
                counts["clinical"] += 1
            elif kind == "params" and cur is not None:
                # The therapist brings the spider a little closer within the step,
                # never past the scene's nearest distance.
                nearest = float(_declaration(scene_of[cur]).param("distance").minimum or 0.0)
                distance = float(current[cur]["distance"]) * rng.uniform(0.7, 0.95)
                change(at, {"distance": max(nearest, round(distance, 2))}, cur)
            elif kind == "tweak":
                change(at, {"distance": round(rng.uniform(0.2, 3.0), 2)}, cur)
            elif kind in ("pause", "resume"):
                command(at, kind, {"reason": "therapist"} if kind == "pause" else {}, cur)
                record.add_event(
                    sid,
                    t=t0 + at + 0.012,
                    kind=kind,
                    name="therapist" if kind == "pause" else None,
                    detail={"reason": "therapist"} if kind == "pause" else {},
                    step_id=step_id,
                    engine_t=at + 3600.0,
                )
                counts["clinical"] += 1
            elif kind in ("lost", "reconnected"):
                record.add_link_event(
                    sid,
                    kind=kind,
                    t=t0 + at,
                    detail="no heartbeat for 1 s" if kind == "lost" else "",
                )
                counts["clinical"] += 1
            elif kind == "note":
                record.add_note(
                    sid, text=NOTES[language][int(arg or 0)], t=t0 + at, step_id=step_id
                )
                counts["clinical"] += 1
        if t >= next_hr:
            clock_now[0] = t0 + t
            for s in hr.advance_to(t0 + t):
                record.add_heart_rate(sid, t=s.t, bpm=s.bpm, source=s.source, rr_ms=s.rr_ms)
                counts["hr"] += 1
                counts["rr"] += len(s.rr_ms)
                counts["clinical"] += 1
            next_hr += 1.0
        if head_dt is not None and t >= next_head:
            yaw = 15 * math.sin(t / 7.0) + rng.gauss(0, 1.5)
            head_buf.append(
                (
                    t0 + t,
                    0.02 * math.sin(t / 3),
                    0.01 * math.cos(t / 5),
                    1.62,
                    yaw,
                    -8 + 4 * math.sin(t / 11),
                    rng.gauss(0, 0.8),
                )
            )
            if len(head_buf) >= head_pose_batch:
                counts["head"] += record.add_head_poses(sid, head_buf)
                head_buf = []
            next_head += head_dt
        # Advance to the next thing that happens.
        candidates = [next_hr]
        if head_dt is not None:
            candidates.append(next_head)
        if ai < len(actions):
            candidates.append(actions[ai][0])
        t = max(t + 1e-6, min(candidates))
    if head_buf:
        counts["head"] += record.add_head_poses(sid, head_buf)
    if close:
        record.end_session(sid, t=t0 + duration)
        counts["clinical"] += 1
    return SampleCounts(
        sid,
        counts["clinical"],
        counts["hr"],
        counts["rr"],
        counts["head"],
        counts["suds"],
        counts["commands"],
    )
