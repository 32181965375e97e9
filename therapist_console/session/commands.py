"""The session's commands to the engine, and what the engine sends back.

Record first: a command is committed as 'sent' before it leaves, and its
answer (ack or error) recorded when it comes; a clinical event from the
headset is committed before the link client acknowledges it to the engine."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import Future

from palier.core import wire
from palier.core.i18n import N_, localized_error
from palier.protocols.measures import SudsError, validate_suds
from palier.scenes.api import ParamValue, SceneError
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session.base import (
    CallSoon,
    Clock,
    CommandFailed,
    Language,
    ModelError,
    NoSessionError,
    Signal,
)
from palier.therapist_console.session.link import Link
from palier.therapist_console.session.plan import CurrentStep, Params
from palier.therapist_console.session.progression import Progression
from palier.therapist_console.session.ratings import Ratings
from palier.therapist_console.session.running import RunningSession
from palier.therapist_console.session.timeline import Detail, Timeline

log = logging.getLogger(__name__)

COMMANDS: dict[str, type[wire.Command]] = {
    "load_scene": wire.LoadScene,
    "set_params": wire.SetParams,
    "fire": wire.Fire,
    "pause": wire.Pause,
    "resume": wire.Resume,
    "ask_suds": wire.AskSuds,
    "recenter": wire.Recenter,
}
"""Command name (the record's) -> its ``palier.core.wire`` record."""

EVENT_KINDS = {
    "stop": "patient_stop",
    "failsafe": "failsafe",
    "recenter": "recenter",
    "contact": "contact",
}
"""Engine clinical event kind -> the record's event kind (others: 'engine')."""
TO_SAFE_PLACE = ("patient_stop", "failsafe")
"""Record event kinds after which the engine shows the safe place."""

Args = Mapping[str, object]


class CommandsEvents:
    def __init__(self) -> None:
        self.scene_event: Signal[str] = Signal("scene_event")
        """The engine acknowledged a fired scene event (its name)."""
        self.patient_stop: Signal[float] = Signal("patient_stop")
        """The patient stopped the exposure (the headset is in the safe place);
        the console time of the stop. Once per recorded stop."""


class Commands:
    """Steps, parameter changes, events, pause and headset ratings sent to the
    engine; clinical events received from it."""

    def __init__(
        self,
        record: SessionRecord,
        clock: Clock,
        language: Language,
        running: RunningSession,
        link: Link,
        timeline: Timeline,
        ratings: Ratings,
        progression: Progression,
        call_soon: CallSoon,
    ) -> None:
        self.record = record
        self.clock = clock
        self.language = language
        self.running = running
        self.link = link
        self.timeline = timeline
        self.ratings = ratings
        self.progression = progression
        self.call_soon = call_soon
        self.events = CommandsEvents()
        self._pending: dict[int, tuple[str, dict[str, object], dict[str, object]]] = {}
        """Commands sent and not yet answered: id -> (kind, args, timeline extra)."""
        self._suds_request = 0

    # -- commands ---------------------------------------------------------------------
    def go_to_step(self, index: int, params: Params | None = None) -> CurrentStep:
        """Move to step ``index`` of the plan: record it, load its scene and values.

        ``params`` overrides the step's preset values (the therapist adjusted
        them before moving). A SUDS reminder is raised for the new step.
        """
        self.running.require_open()
        plan_step = self.running.plan_step(index)
        if self.link.client is not None:
            self.link.require_up()
        values: dict[str, ParamValue] = {**dict(plan_step.params), **dict(params or {})}
        step = self.running.enter_step(index, values)
        self.ratings.update(step.started_at)
        self.progression.before_step(plan_step)
        if self.link.client is not None:
            self._send("load_scene", {"scene": plan_step.scene, "params": values})
        return step

    def set_params(self, values: Params, ramp_s: float = 0.0) -> int:
        """Change parameters of the current scene; values are checked against
        the scene's declaration first (all or nothing, before anything is sent
        or recorded)."""
        lang = self.language.value
        if not values:
            raise localized_error(ModelError, N_("No parameter to change."), lang)
        decl = self.link.scene_declaration()
        if decl is not None:
            try:
                values = decl.validate_values(values)
            except SceneError as exc:
                raise localized_error(
                    ModelError, N_("Not sent, nothing changed: {detail}"), lang, detail=str(exc)
                ) from None
        changed = dict(values)
        step = self.running.current_step
        before = {k: step.params[k] for k in changed if k in step.params} if step else {}
        cid = self._send(
            "set_params", {"params": changed, "ramp_s": float(ramp_s)}, {"before": before}
        )
        self.running.update_params(changed)
        return cid

    def fire(self, event: str, options: Mapping[str, ParamValue] | None = None) -> int:
        return self._send("fire", {"event": event, "options": dict(options or {})})

    def pause(self, reason: str = "therapist") -> int:
        """Fade the patient to the safe place (the exposure scene is kept)."""
        return self._send("pause", {"reason": reason})

    def resume(self) -> int:
        return self._send("resume", {})

    def ask_suds(self, prompt: str | None = None) -> int:
        """Show the rating panel in the headset; the answer arrives as a clinical event."""
        self._suds_request += 1
        return self._send("ask_suds", {"request": self._suds_request, "prompt": prompt})

    def recenter(self) -> int:
        """Turn the patient's view to face the scene; the engine records it as a
        clinical event too (as it does for the desktop key)."""
        return self._send("recenter", {})

    def _send(self, kind: str, args: Args, extra: Detail | None = None) -> int:
        """Record a command as sent, submit it, record the engine's answer later.

        The command is committed before it leaves, so a crash between the two
        leaves a 'sent' row (never an unrecorded command that took effect).
        """
        session = self.running.require_open()
        link = self.link.require_up()
        t = self.clock()
        step = self.running.current_step
        cid = self.record.add_command(
            session.id, t=t, kind=kind, args=dict(args), step_id=self.running.step_row_id()
        )
        # The timeline also keeps the scene (its declaration names things) and,
        # for a change, the values before it: neither goes to the engine.
        shown: dict[str, object] = {
            "scene": step.plan_step.scene if step else None,
            **dict(extra or {}),
        }
        self._pending[cid] = (kind, dict(args), shown)
        self.timeline.add(t, "command", kind, {"args": dict(args), "status": "sent", **shown}, cid)
        try:
            fut = link.submit(COMMANDS[kind], **args)
        except Exception as exc:
            self.on_command_result(cid, ok=False, error=f"{type(exc).__name__}: {exc}")
            raise localized_error(
                CommandFailed,
                N_("The command was not sent ({kind}): {error}"),
                self.language.value,
                kind=kind,
                error=str(exc),
            ) from exc
        fut.add_done_callback(lambda f: self.call_soon(lambda: self._future_done(cid, f)))
        return cid

    def _future_done(self, cid: int, fut: Future[wire.Reply]) -> None:
        exc = fut.exception()
        if exc is not None:
            # CommandError: refused (nothing changed); CommandTimeout: may or
            # may not have applied (the next engine state tells); LinkDown.
            self.on_command_result(
                cid, ok=False, error=str(exc) or type(exc).__name__, reason=refusal_reason(exc)
            )
            return
        reply = fut.result()
        ack = reply if isinstance(reply, wire.Ack) else None
        self.on_command_result(
            cid,
            ok=True,
            engine_frame=ack.frame if ack else None,
            engine_t=ack.t_engine if ack else None,
        )

    def on_command_result(
        self,
        command_id: int,
        *,
        ok: bool,
        error: str | None = None,
        engine_frame: int | None = None,
        engine_t: float | None = None,
        reason: str | None = None,
    ) -> None:
        """The engine acknowledged (or refused) command ``command_id``.
        ``error`` is the full text (the record keeps it, in English as the
        engine wrote it); ``reason`` a key of the timeline's translated
        refusal reasons (:func:`refusal_reason`)."""
        t = self.clock()
        self.record.command_result(
            command_id, ok=ok, t=t, error=error, engine_frame=engine_frame, engine_t=engine_t
        )
        kind, args, extra = self._pending.pop(command_id, ("", {}, {}))
        self.timeline.add(
            t,
            "command",
            kind or "command",
            {
                "args": args,
                "status": "ack" if ok else "error",
                "error": error,
                "reason": reason,
                **extra,
            },
            command_id,
        )
        if not ok or not self.running.is_open:
            return
        at = self.link.engine_to_console(engine_t)
        step_id = self.running.step_row_id()
        if kind == "fire":
            event = str(args.get("event"))
            self._record_event(
                "scene_event",
                event,
                {"event": event, "options": args.get("options", {}), "scene": extra.get("scene")},
                at,
                engine_t,
                engine_frame,
                step_id,
            )
            self.events.scene_event.emit(event)
        elif kind in ("pause", "resume"):
            pause_reason = args.get("reason")
            self._record_event(
                kind,
                None if pause_reason is None else str(pause_reason),
                {"reason": args.get("reason", "")},
                at,
                engine_t,
                engine_frame,
                step_id,
            )
            self.link.set_paused(kind == "pause")

    def _record_event(
        self,
        kind: str,
        name: str | None,
        detail: Detail,
        t: float,
        engine_t: float | None,
        engine_frame: int | None,
        step_id: int | None,
    ) -> int:
        session = self.running.require_open()
        rid = self.record.add_event(
            session.id,
            t=t,
            kind=kind,
            name=name,
            detail=dict(detail),
            step_id=step_id,
            engine_t=engine_t,
            engine_frame=engine_frame,
        )
        self.timeline.add(t, "event", kind, {**detail, "name": name}, rid)
        return rid

    # -- what the headset sends ----------------------------------------------------------
    def record_clinical_event(self, event: wire.ClinicalEvent) -> None:
        """Record a clinical event now, from any thread; raise if it cannot be
        recorded (the client then does not acknowledge it and the engine keeps
        it). The model's state and signals follow via call_soon. Idempotent
        on the event's (instance, seq)."""
        session = self.running.info
        if session is None or session.status != "open":
            raise NoSessionError(
                f"clinical event {event.kind} #{event.seq} arrived with no open session; "
                "the engine keeps it until a session is open"
            )
        step_id = self.running.step_row_id()
        engine_id = (event.instance, event.seq)
        engine_t = event.t_engine
        t = self.link.engine_to_console(engine_t)
        if event.kind == "suds":
            try:
                rating = validate_suds(event.value)
            except SudsError:
                self.record.add_event(
                    session.id,
                    t=t,
                    kind="engine",
                    name="invalid_suds",
                    detail={"raw": repr(event.value)},
                    step_id=step_id,
                    engine_t=engine_t,
                    engine_frame=event.frame,
                    engine_id=engine_id,
                )
                log.error("headset sent an invalid SUDS rating %r; recorded as an event", event)
                return
            entry = self.ratings.record_headset(rating, t=t, engine_t=engine_t, engine_id=engine_id)
            self.call_soon(lambda: self.ratings.apply(entry))
            return
        mapped = EVENT_KINDS.get(event.kind, "engine")
        detail: dict[str, object] = {
            k: v for k, v in (("t_ref", event.t_ref), ("request", event.request)) if v is not None
        }
        name = event.kind
        if event.kind == "contact":
            # The surface by its declared name (the timeline and exports label
            # it from the scene's declaration); the scene is the step's.
            step = self.running.current_step
            name = str(event.surface or "")
            detail = {
                "surface": name,
                "hand": event.hand,
                "duration_s": event.duration_s,
                "t_start": t - (event.duration_s or 0.0),
                "scene": step.plan_step.scene if step else None,
            }
        rid = self.record.add_event(
            session.id,
            t=t,
            kind=mapped,
            name=name,
            detail=detail,
            step_id=step_id,
            engine_t=engine_t,
            engine_frame=event.frame,
            engine_id=engine_id,
        )

        def apply() -> None:
            if self.timeline.has("event", rid):
                return
            self.timeline.add(t, "event", mapped, {**detail, "name": name}, rid)
            if mapped in TO_SAFE_PLACE:
                self.link.set_paused(True)
            if mapped == "patient_stop":
                self.events.patient_stop.emit(t)

        self.call_soon(apply)

    def on_clinical_event(self, event: wire.ClinicalEvent) -> bool:
        """Record a clinical event (see :meth:`record_clinical_event`); False
        when no session is open to hold it."""
        try:
            self.record_clinical_event(event)
        except NoSessionError:
            return False
        return True


def refusal_reason(exc: BaseException) -> str:
    """What the timeline says of a failed command, in the console's words:
    the engine's error code, or how the link failed (the engine's own
    message, in English, stays in the record and the log)."""
    from palier.therapist_console.client import CommandError, CommandTimeout, LinkDown

    if isinstance(exc, CommandError):
        return exc.code
    if isinstance(exc, CommandTimeout):
        return "timeout"
    if isinstance(exc, LinkDown):
        return "link_down"
    return "internal"
