"""The session model: everything the console knows, with no Qt in sight.

Napari-style: :class:`SessionModel` holds the state and emits events through
:class:`Signal` (a tiny callback list); widgets take the model in their
constructor, subscribe to ``model.events.<name>``, and call model methods to
act. Every clinical action goes through the :class:`SessionRecord` and has
committed before the method returns, so what a widget shows as recorded is
on disk.

Threading: the model is not thread-safe by itself (the record is). Call its
methods from one thread, the GUI thread in the app. The link client calls
back from its own thread, so :meth:`SessionModel.attach_link` wraps every
callback in ``call_soon`` (the app passes a function that queues onto the Qt
event loop; the default calls at once, which suits tests).

Times: ``clock()`` gives console wall-clock seconds (epoch). The default is
:func:`anchored_clock`: wall time read once, then advanced by the monotonic
clock, so a system clock change mid-session cannot make time run backwards.
Engine times are converted with the link's clock-offset estimate
(``console = engine + offset``); without an estimate the receive time is used.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from palier.protocols.measures import SudsError, validate_suds
from palier.therapist_console.heart_rate import HeartRateSample, HeartRateSource
from palier.therapist_console.i18n import colon, fmt_number, localized_error, tr
from palier.therapist_console.record import (
    Patient,
    SessionInfo,
    SessionRecord,
    StepRow,
)
from palier.therapist_console.summary import SessionSummary, label_text, summarize

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], float]

DEFAULT_REMINDER_S = 300.0
HEAD_POSE_FLUSH_S = 1.0

__all__ = [
    "DEFAULT_REMINDER_S",
    "CommandFailed",
    "CurrentStep",
    "EngineLink",
    "LinkState",
    "ModelError",
    "NoSessionError",
    "NotConnectedError",
    "Plan",
    "PlanStep",
    "Reminder",
    "SessionModel",
    "Signal",
    "SudsEntry",
    "SudsError",
    "TimelineEntry",
    "anchored_clock",
    "quat_to_hpr",
]


# -- small pieces -------------------------------------------------------------------


def anchored_clock() -> Clock:
    """Wall-clock seconds that never jump: wall time at creation + monotonic delta."""
    wall0 = time.time()
    mono0 = time.monotonic()
    return lambda: wall0 + (time.monotonic() - mono0)


class Signal(Generic[T]):
    """A list of callbacks. A failing subscriber is logged and skipped: a widget
    bug must never stop a rating from being recorded or shown elsewhere."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._callbacks: list[Callable[[T], Any]] = []

    def connect(self, callback: Callable[[T], Any]) -> Callable[[T], Any]:
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[T], Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, value: T) -> None:
        for cb in list(self._callbacks):
            try:
                cb(value)
            except Exception:
                log.exception("subscriber %r of model event %r failed", cb, self.name)


class ModelError(RuntimeError):
    """An action the model refuses (message says what to do instead)."""


class NoSessionError(ModelError):
    pass


class NotConnectedError(ModelError):
    pass


class CommandFailed(ModelError):
    """The link raised while sending; the command is recorded as failed."""


class LinkState(StrEnum):
    DISCONNECTED = "disconnected"
    UP = "up"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One rung of the fear hierarchy, as the session plans it."""

    key: str
    label: Any
    """``scenes.api.Text``, ``{"en":..., "fr":...}`` or plain text."""
    scene: str
    params: Mapping[str, Any]
    expected_suds: int | None = None
    min_duration_min: float | None = None
    """Suggested minimum time on the step before moving up (from the ladder)."""
    events: tuple[Mapping[str, Any], ...] = ()
    """Planned events (``protocols.model.EventPlan`` as data: event, every_min, ...)."""

    def label_dict(self) -> Any:
        if hasattr(self.label, "to_dict"):
            return self.label.to_dict()
        return self.label

    def label_text(self, lang: str) -> str:
        if hasattr(self.label, "get") and not isinstance(self.label, dict):
            return str(self.label.get(lang))
        if isinstance(self.label, dict):
            return str(self.label.get(lang) or self.label.get("en") or self.key)
        return str(self.label or self.key)


@dataclass(frozen=True, slots=True)
class Plan:
    """The protocol and hierarchy chosen for a session."""

    protocol_id: str | None
    steps: tuple[PlanStep, ...]
    ladder_version_id: int | None = None
    title: Any = None
    suds_schedule: Any = None
    """``protocols.model.SudsScheduleRule`` of the protocol (None: the default,
    every 5 minutes and at each step change)."""
    progression: Any = None
    """``protocols.model.ProgressionSettings`` of the protocol (None: defaults)."""
    kind: str = "exposure"
    """``exposure``, ``erp`` (urges and rituals logged) or ``trauma_cues`` (hotspots)."""

    def to_json(self) -> dict[str, Any]:
        rule = self.suds_schedule
        prog = self.progression
        return {
            "kind": self.kind,
            "progression": None
            if prog is None
            else {
                "mode": prog.mode,
                "threshold": prog.threshold,
                "fall_fraction": prog.fall_fraction,
                "consecutive": prog.consecutive,
                "step_down_at": prog.step_down_at,
            },
            "suds_schedule": None
            if rule is None
            else {
                "interval_min": rule.interval_min,
                "at_step_change": rule.at_step_change,
                "at_step_end": rule.at_step_end,
            },
            "protocol_id": self.protocol_id,
            "ladder_version_id": self.ladder_version_id,
            "title": self.title.to_dict() if hasattr(self.title, "to_dict") else self.title,
            "steps": [
                {
                    "key": s.key,
                    "label": s.label_dict(),
                    "scene": s.scene,
                    "params": dict(s.params),
                    "expected_suds": s.expected_suds,
                    "min_duration_min": s.min_duration_min,
                    "events": [dict(e) for e in s.events],
                }
                for s in self.steps
            ],
        }

    @classmethod
    def from_protocol(cls, protocol: Any, ladder: Any = None) -> Plan:
        """The plan for a ``protocols.model.Protocol`` (or a patient's ladder
        version with the same ``steps``: id, text, scene, preset,
        expected_suds). ``ladder`` may carry a ``version_id`` to record."""
        rule = getattr(protocol, "suds_schedule", None)
        prog = getattr(protocol, "progression", None)
        kind = str(getattr(protocol, "kind", "exposure"))
        if ladder is not None and hasattr(ladder, "plan_json"):
            # A protocols.ladders.Ladder: presets resolved against scene defaults.
            return replace(
                cls.from_json(ladder.plan_json()), suds_schedule=rule, progression=prog, kind=kind
            )
        source = ladder if ladder is not None else protocol
        return cls(
            suds_schedule=rule,
            progression=prog,
            kind=kind,
            protocol_id=str(protocol.id),
            ladder_version_id=getattr(ladder, "version_id", None) if ladder is not None else None,
            title=getattr(protocol, "title", None),
            steps=tuple(
                PlanStep(
                    key=str(s.id),
                    label=s.text,
                    scene=str(s.scene),
                    params=dict(s.preset),
                    expected_suds=s.expected_suds,
                    min_duration_min=getattr(s, "min_duration_min", None),
                )
                for s in source.steps
            ),
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Plan:
        rule = prog = None
        if data.get("suds_schedule"):
            from palier.protocols.model import SudsScheduleRule

            rule = SudsScheduleRule(**dict(data["suds_schedule"]))
        if data.get("progression"):
            from palier.protocols.model import ProgressionSettings

            prog = ProgressionSettings(**dict(data["progression"]))
        return cls(
            suds_schedule=rule,
            progression=prog,
            kind=str(data.get("kind") or "exposure"),
            protocol_id=data.get("protocol_id"),
            ladder_version_id=data.get("ladder_version_id"),
            title=data.get("title"),
            steps=tuple(
                PlanStep(
                    key=s["key"],
                    label=s.get("label"),
                    scene=s["scene"],
                    params=dict(s.get("params") or {}),
                    expected_suds=s.get("expected_suds"),
                    min_duration_min=s.get("min_duration_min"),
                    events=tuple(dict(e) for e in s.get("events") or ()),
                )
                for s in data.get("steps", ())
            ),
        )


@dataclass(frozen=True, slots=True)
class CurrentStep:
    index: int
    """Position in the plan's steps."""
    plan_step: PlanStep
    row: StepRow
    params: Mapping[str, Any]
    """Current target values (the step's preset plus the therapist's changes)."""

    @property
    def started_at(self) -> float:
        return self.row.started_at


TIMELINE_KINDS = ("session", "step", "command", "event", "suds", "note", "link", "suggestion")


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the session timeline. ``text(lang)`` renders it."""

    t: float
    elapsed_s: float
    kind: str
    """One of TIMELINE_KINDS."""
    name: str
    detail: Mapping[str, Any] = field(default_factory=dict)
    record_id: int | None = None

    def text(self, lang: str, decl_for: DeclLookup | None = None) -> str:
        """The line as a therapist reads it, in ``lang``. ``decl_for(scene_id)``
        gives a scene's declaration (``SceneDecl`` or None; ``scene_id`` None
        means the current step's scene): scene, parameter and event names
        then come from the declaration's own labels, with units."""
        d = self.detail
        if self.kind == "suds":
            src = tr(f"suds.source.{d.get('source', 'therapist')}", lang)
            return f"SUDS {d.get('value')} ({src})"
        if self.kind == "note":
            return str(d.get("text", ""))
        if self.kind == "link":
            text = tr(f"link.{self.name}", lang)
            return f"{text}{colon(lang)}{d['detail']}" if d.get("detail") else text
        if self.kind == "step":
            label = label_text(d.get("label"), lang) or self.name
            return f"{tr('timeline.step', lang)} {int(d.get('index', 0)) + 1}{colon(lang)}{label}"
        if self.kind == "command":
            return describe_command(self.name, d, lang, decl_for)
        if self.kind == "event":
            if self.name == "session" and d.get("name") == "resumed_after_interruption":
                return tr("event.session_resumed", lang)
            if self.name == "scene_event":
                decl = _lookup(decl_for, d.get("scene"))
                name = str(d.get("event") or d.get("name") or "")
                label = _event_label(decl, name, lang)
                base = tr("event.scene_event", lang)
                return f"{base}{colon(lang)}{label}" if label else base
            if self.name in (
                "pause",
                "resume",
                "patient_stop",
                "failsafe",
                "questionnaire",
                "urge",
                "ritual",
                "hotspot",
                "expectancy",
            ):
                base = tr(f"event.{self.name}", lang)
                label = d.get("label") or d.get("event") or ""
                return f"{base}{colon(lang)}{label}" if label else base
            return f"{self.name}{colon(lang)}{d.get('name') or ''}".rstrip(": ")
        if self.kind == "session":
            return tr(f"timeline.session.{self.name}", lang, id=d.get("id", ""))
        return str(d.get("text") or self.name)

    def raw(self) -> str:
        """The command or event as recorded (kind, arguments, status): the
        tooltip under the translated sentence."""
        d = self.detail
        if self.kind != "command":
            return f"{self.kind} {self.name} {dict(d)}"
        args = d.get("args") or {}
        brief = ", ".join(f"{k}={v}" for k, v in args.items())
        error = f": {d['error']}" if d.get("error") else ""
        return f"{self.name}({brief}) → {d.get('status', 'sent')}{error}"


DeclLookup = Callable[[str | None], Any]
"""scene id (None: the current step's) -> its ``scenes.api.SceneDecl`` or None."""


def _lookup(decl_for: DeclLookup | None, scene: Any) -> Any:
    if decl_for is None:
        return None
    try:
        return decl_for(None if scene is None else str(scene))
    except Exception:  # a missing declaration only costs the nice labels
        log.debug("no declaration for scene %r", scene, exc_info=True)
        return None


def _event_label(decl: Any, name: str, lang: str) -> str:
    if decl is not None and name:
        try:
            return str(decl.event(name).label.get(lang))
        except (ValueError, KeyError, AttributeError):
            pass
    return name.replace("_", " ")


def describe_value(spec: Any, value: Any, lang: str) -> str:
    """A parameter value as the therapist sees it: choice labels, on/off,
    numbers in the language's format with the declared unit."""
    if spec is None:
        if isinstance(value, bool):
            return tr("value.on" if value else "value.off", lang)
        if isinstance(value, int | float):
            return fmt_number(value, lang)
        return str(value)
    kind = str(getattr(spec.kind, "value", spec.kind))
    if kind == "choice":
        for c in spec.choices:
            if c.value == value:
                return str(c.label.get(lang))
        return str(value)
    if kind == "bool" or isinstance(value, bool):
        return tr("value.on" if value else "value.off", lang)
    try:
        text = fmt_number(float(value) if kind == "float" else value, lang)
    except (TypeError, ValueError):
        text = str(value)
    return f"{text} {spec.unit}" if spec.unit else text


def describe_command(
    kind: str, detail: Mapping[str, Any], lang: str, decl_for: DeclLookup | None = None
) -> str:
    """A command line of the timeline as a sentence: the status first (✓ done,
    ✗ refused with the engine's message, … sent), then what it did, named by
    the scene declaration's labels (``Distance 2 → 1.9 m (ramp 1.5 s)``)."""
    args = dict(detail.get("args") or {})
    status = str(detail.get("status", "sent"))
    scene = args.get("scene") if kind == "load_scene" else detail.get("scene")
    decl = _lookup(decl_for, scene)
    if kind == "load_scene":
        name = str(decl.name.get(lang)) if decl is not None else str(args.get("scene", ""))
        what = tr(
            "command.load_scene.sent" if status == "sent" else "command.load_scene",
            lang,
            scene=name,
        )
    elif kind == "set_params":
        before = dict(detail.get("before") or {})
        changes = []
        for pname, value in dict(args.get("params") or {}).items():
            spec = None
            if decl is not None:
                try:
                    spec = decl.param(pname)
                except (ValueError, KeyError):
                    spec = None
            label = str(spec.label.get(lang)) if spec is not None else pname
            new = describe_value(spec, value, lang)
            if pname in before:
                old = describe_value(spec, before[pname], lang)
                if spec is not None and spec.unit and old.endswith(f" {spec.unit}"):
                    old = old[: -len(spec.unit) - 1]
                changes.append(f"{label} {old} → {new}")
            else:
                changes.append(f"{label} → {new}")
        ramp = float(args.get("ramp_s") or 0.0)
        joined = ", ".join(changes)
        what = (
            tr("command.set_params", lang, changes=joined, ramp=fmt_number(ramp, lang))
            if ramp > 0
            else tr("command.set_params.now", lang, changes=joined)
        )
    elif kind == "fire":
        label = _event_label(decl, str(args.get("event", "")), lang)
        what = tr("command.fire.sent" if status == "sent" else "command.fire", lang, event=label)
    elif kind in ("pause", "resume", "ask_suds"):
        what = tr(f"command.{kind}", lang)
    else:
        what = tr("command.other", lang, name=kind)
    if status == "ack":
        return f"✓ {what}"
    if status == "error":
        error = str(detail.get("error") or "")
        refused = tr("command.refused", lang)
        return f"✗ {what} — {refused}{colon(lang)}{error}" if error else f"✗ {what} — {refused}"
    return f"… {what}"


@dataclass(frozen=True, slots=True)
class SudsEntry:
    record_id: int
    t: float
    elapsed_s: float
    value: int
    source: str
    step_index: int | None
    engine_t: float | None = None


@dataclass(frozen=True, slots=True)
class Reminder:
    """A SUDS rating is due, as ``protocols.schedule`` decides (the one place)."""

    reason: str
    """'first' (none yet), 'step' (new step without a rating), 'interval' (none
    for the interval) or 'step_end' (leaving a step without an end rating)."""
    since: float
    """Console time it became due."""
    interval_s: float
    due: Any = field(default=None, compare=False)
    """The ``protocols.schedule.SudsDue`` behind it."""

    def text(self, lang: str) -> str:
        return str(self.due.text(lang))

    @classmethod
    def from_due(cls, due: Any) -> Reminder:
        return cls(str(due.reason.value), float(due.since_t), float(due.interval_min) * 60.0, due)


# -- the link, as the model sees it ---------------------------------------------------


class EngineLink(Protocol):
    """What the model needs from the link client (``therapist_console.client.LinkClient``).

    ``submit`` queues one command (a ``palier.core.wire`` command class and its
    fields, the request id filled in) and returns at once a Future that
    resolves to the engine's ``wire.Ack`` or raises (``CommandError``: refused,
    ``CommandTimeout``, ``LinkDown``). The model never blocks the GUI thread.
    """

    def submit(self, subject_cls: type[Any], **fields: Any) -> Future[Any]: ...


def quat_to_hpr(w: float, x: float, y: float, z: float) -> tuple[float, float, float]:
    """Panda3D heading, pitch, roll (degrees, Z up, Y forward) of a unit quaternion."""
    n = math.sqrt(w * w + x * x + y * y + z * z) or 1.0
    w, x, y, z = w / n, x / n, y / n, z / n
    # Columns of the rotation matrix: images of the right, forward and up axes.
    fx, fy, fz = 2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)
    rz = 2 * (x * z - w * y)
    uz = 1 - 2 * (x * x + y * y)
    heading = math.degrees(math.atan2(-fx, fy))
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, fz))))
    roll = math.degrees(math.atan2(-rz, uz))
    return heading, pitch, roll


class ModelEvents:
    """Every signal the model emits; each carries one value (see the attribute docs)."""

    def __init__(self) -> None:
        self.language: Signal[str] = Signal("language")
        self.patient: Signal[Patient | None] = Signal("patient")
        self.plan: Signal[Plan | None] = Signal("plan")
        self.session: Signal[SessionInfo | None] = Signal("session")
        """Started, resumed or closed (then ``status == 'closed'``); None when cleared."""
        self.step: Signal[CurrentStep | None] = Signal("step")
        self.params: Signal[Mapping[str, Any]] = Signal("params")
        """Current target values after a set_params command was sent."""
        self.suds: Signal[SudsEntry] = Signal("suds")
        self.heart_rate: Signal[HeartRateSample] = Signal("heart_rate")
        self.timeline: Signal[TimelineEntry] = Signal("timeline")
        self.link: Signal[LinkState] = Signal("link")
        self.engine_state: Signal[Mapping[str, Any]] = Signal("engine_state")
        """Latest engine state (``wire.StateFields`` as a dict), for the mirror panel."""
        self.paused: Signal[bool] = Signal("paused")
        self.reminder: Signal[Reminder | None] = Signal("reminder")
        """A SUDS reminder became due (Reminder) or was cleared (None)."""
        self.warning: Signal[str] = Signal("warning")
        """A clinical warning to show now (cybersickness after the SSQ, ...)."""
        self.suggestion: Signal[tuple[int, str, str]] = Signal("suggestion")
        """(id, kind, text) of a suggestion just shown; answer with decide_suggestion."""
        self.planned_event: Signal[str] = Signal("planned_event")
        """A planned event of the current step is due (its name): the widget
        offers to fire it; the model never fires by itself."""
        self.tick: Signal[float] = Signal("tick")
        """Emitted by :meth:`SessionModel.tick` with the current console time."""


# -- the model ---------------------------------------------------------------------------


class SessionModel:
    """State of one console: patient, plan, session, step, link, ratings, timers."""

    def __init__(
        self,
        record: SessionRecord,
        *,
        clock: Clock | None = None,
        language: str = "en",
        reminder_interval_s: float | None = None,
        heart_rate: HeartRateSource | None = None,
        call_soon: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        self.record = record
        self.clock: Clock = clock or anchored_clock()
        self.language = language if language in ("en", "fr") else "en"
        self.reminder_interval_s = reminder_interval_s
        """Overrides the protocol's SUDS interval when set (the therapist's setting)."""
        self.call_soon = call_soon or (lambda fn: fn())
        self.events = ModelEvents()

        self.patient: Patient | None = None
        self.plan: Plan | None = None
        self.session: SessionInfo | None = None
        self.current_step: CurrentStep | None = None
        self.link_state = LinkState.DISCONNECTED
        self.link: EngineLink | None = None
        self.clock_offset: Callable[[], float | None] = lambda: None
        self.engine_state: Mapping[str, Any] = {}
        self.paused = False
        self.reminder: Reminder | None = None
        self.heart_rate_source = heart_rate

        self.timeline: list[TimelineEntry] = []
        self.suds_history: list[SudsEntry] = []
        self.heart_rate_history: list[HeartRateSample] = []
        self.step_history: list[StepRow] = []

        self._last_suds_t: float | None = None
        self._reminder_snoozed_until: float | None = None
        self._suds_request = 0
        self._head_poses: list[tuple[float, ...]] = []
        self._head_flushed_at = 0.0
        self._was_lost = False
        self._pending: dict[int, tuple[str, dict[str, Any], dict[str, Any]]] = {}
        self.pending_suggestions: dict[int, tuple[str, str]] = {}
        self._expectancies: dict[int, Any] = {}
        self._planned_checked_s = 0.0
        self.progression_mode = "habituation"
        self._monitor: Any = None
        """Commands sent and not yet answered: id -> (kind, args)."""

    # -- time ----------------------------------------------------------------
    def now(self) -> float:
        return self.clock()

    def elapsed_s(self, now: float | None = None) -> float:
        """Seconds since the session started (0 with no session)."""
        if self.session is None:
            return 0.0
        end = (
            self.session.ended_at
            if self.session.ended_at is not None
            else (self.now() if now is None else now)
        )
        return max(0.0, end - self.session.started_at)

    def step_elapsed_s(self, now: float | None = None) -> float:
        if self.current_step is None:
            return 0.0
        return max(0.0, (self.now() if now is None else now) - self.current_step.started_at)

    def engine_to_console(self, engine_t: float | None) -> float:
        """Console time of an engine timestamp (receive time if no offset known)."""
        offset = self.clock_offset()
        if engine_t is None or offset is None:
            return self.now()
        return engine_t + offset

    def _elapsed_at(self, t: float) -> float:
        return 0.0 if self.session is None else t - self.session.started_at

    # -- language ------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        if lang not in ("en", "fr"):
            raise ValueError(f"language must be 'en' or 'fr', got {lang!r}")
        if lang != self.language:
            self.language = lang
            self.events.language.emit(lang)

    # -- before the session ----------------------------------------------------
    def patients(self) -> list[Patient]:
        return self.record.patients()

    def create_patient(self, pseudonym: str, notes: str = "") -> Patient:
        """Create (and choose) a patient. Raises ``DuplicatePseudonymError``."""
        patient = self.record.add_patient(pseudonym, notes, t=self.now())
        self.choose_patient(patient.id)
        return patient

    def choose_patient(self, patient_id: int) -> Patient:
        if self.session is not None and self.session.status == "open":
            raise localized_error(ModelError, "model.error.session_open_patient", self.language)
        self.patient = self.record.patient(patient_id)
        self.events.patient.emit(self.patient)
        return self.patient

    def set_plan(self, plan: Plan) -> None:
        if self.session is not None and self.session.status == "open":
            raise localized_error(ModelError, "model.error.plan_fixed", self.language)
        if not plan.steps:
            raise localized_error(ModelError, "model.error.plan_empty", self.language)
        for s in plan.steps:
            if s.expected_suds is not None:
                validate_suds(s.expected_suds)
        self.plan = plan
        if plan.progression is not None:
            self.progression_mode = plan.progression.mode
        self.events.plan.emit(plan)

    def start_session(self, *, meta: Mapping[str, Any] | None = None) -> SessionInfo:
        if self.patient is None:
            raise localized_error(ModelError, "model.error.no_patient", self.language)
        if self.session is not None and self.session.status == "open":
            raise localized_error(
                ModelError, "model.error.still_open", self.language, id=self.session.id
            )
        plan = self.plan
        self._reset_session_state()
        t = self.now()
        self.session = self.record.start_session(
            self.patient.id,
            t=t,
            language=self.language,
            protocol_id=plan.protocol_id if plan else None,
            ladder_version_id=plan.ladder_version_id if plan else None,
            plan=plan.to_json() if plan else None,
            meta=meta,
        )
        self._last_suds_t = None
        self._add_timeline(t, "session", "started", {"id": self.session.id})
        self.events.session.emit(self.session)
        self._update_reminder(t)
        return self.session

    def _reset_session_state(self) -> None:
        self.session = None
        self.current_step = None
        self.timeline = []
        self.suds_history = []
        self.heart_rate_history = []
        self.step_history = []
        self.reminder = None
        self._reminder_snoozed_until = None
        self._head_poses = []
        self._monitor = None
        self._expectancies = {}
        self.paused = False

    def _require_session(self) -> SessionInfo:
        if self.session is None or self.session.status != "open":
            raise localized_error(NoSessionError, "model.error.no_session", self.language)
        return self.session

    def add_questionnaire(self, name: str, phase: str, answers: Any, scores: Any) -> int:
        """Record a questionnaire scored elsewhere (see :meth:`score_questionnaire`)."""
        session = self._require_session()
        rid = self.record.add_questionnaire(
            session.id, name=name, phase=phase, answers=answers, scores=scores, t=self.now()
        )
        return rid

    def score_questionnaire(
        self, name: str, phase: str, answers: Any, *, ssq_threshold: float | None = None
    ) -> Any:
        """Score a built-in questionnaire (``protocols.questionnaires``: 'ssq',
        'ipq') and record answers and scores. Raises ``QuestionnaireError``
        (nothing recorded) for incomplete or out-of-range answers. A warning
        (cybersickness) is emitted on ``events.warning`` and shown in the
        summary and the report. Returns the ``Result``."""
        from palier.protocols.questionnaires import DEFAULT_SSQ_THRESHOLD, score

        session = self._require_session()
        result = score(
            name,
            answers,
            phase=phase,
            ssq_threshold=DEFAULT_SSQ_THRESHOLD if ssq_threshold is None else ssq_threshold,
        )
        t = self.now()
        rid = self.record.add_questionnaire(
            session.id,
            name=name,
            phase=phase,
            answers=dict(result.answers),
            scores=result.record_scores(),
            t=t,
        )
        self._add_timeline(
            t,
            "event",
            "questionnaire",
            {"name": name, "label": " ".join(result.lines(self.language))},
            rid,
        )
        if result.warning is not None:
            self.events.warning.emit(result.warning.get(self.language))
        return result

    # -- ERP, PTSD and inhibitory-learning logs (protocols.clinical_log) ------------------
    def _step_key(self) -> str | None:
        return self.current_step.plan_step.key if self.current_step else None

    def log_urge(self, value: object) -> int:
        """ERP: the urge to ritualise, 0-100 (``protocols.erp.validate_urge``)."""
        from palier.protocols.erp import Urge, validate_urge

        session = self._require_session()
        t = self.now()
        urge = Urge(t, validate_urge(value), self._step_key())
        rid = int(self.record.clinical_log().add_urge(session.id, urge))
        self._add_timeline(t, "event", "urge", {"value": urge.value, "label": str(urge.value)}, rid)
        return rid

    def log_ritual(self, what: str, *, resisted: bool, kind: str = "ritual") -> int:
        """ERP: a ritual or safety behaviour, done or resisted."""
        from palier.protocols.erp import Ritual

        session = self._require_session()
        t = self.now()
        ritual = Ritual(t, what, resisted, kind, self._step_key())  # type: ignore[arg-type]
        rid = int(self.record.clinical_log().add_ritual(session.id, ritual))
        self._add_timeline(
            t,
            "event",
            "ritual",
            {
                "what": ritual.what.strip(),
                "resisted": resisted,
                "kind": kind,
                "label": ritual.what.strip(),
            },
            rid,
        )
        return rid

    def mark_hotspot(self, suds: int | None = None, note: str = "") -> int:
        """PTSD: mark a hotspot (peak distress) now, optionally with its SUDS."""
        from palier.protocols.ptsd import Hotspot

        session = self._require_session()
        t = self.now()
        rid = int(
            self.record.clinical_log().add_hotspot(
                session.id,
                Hotspot(
                    t, None if suds is None else validate_suds(suds), note.strip(), self._step_key()
                ),
            )
        )
        self._add_timeline(t, "event", "hotspot", {"suds": suds, "label": note.strip()}, rid)
        return rid

    def record_expectancy(self, feared_outcome: str, likelihood_before: int) -> int:
        """Inhibitory learning, before the step: what the patient fears will
        happen and how likely it feels (0-100 %)."""
        from palier.protocols.progression import Expectancy

        session = self._require_session()
        key = self._step_key()
        if key is None:
            raise localized_error(ModelError, "model.error.no_step_expectancy", self.language)
        t = self.now()
        exp = Expectancy(key, feared_outcome.strip(), likelihood_before, t)
        rid = int(self.record.clinical_log().add_expectancy(session.id, exp))
        self._expectancies[rid] = exp
        self._add_timeline(
            t,
            "event",
            "expectancy",
            {"label": f"{exp.feared_outcome} ({likelihood_before} %)"},
            rid,
        )
        return rid

    def record_expectancy_outcome(
        self, expectancy_id: int, *, observed_outcome: str, occurred: bool, likelihood_after: int
    ) -> Any:
        """After the step: what happened and the likelihood now. Records it and
        shows the inhibitory-learning suggestion (test again, or vary).
        Returns the ``protocols.progression.Suggestion``."""
        from palier.protocols.progression import InhibitoryLearningRule

        self._require_session()
        exp = self._expectancies.get(expectancy_id)
        if exp is None:
            raise localized_error(
                ModelError, "model.error.no_expectancy", self.language, id=expectancy_id
            )
        t = self.now()
        done = exp.after(
            observed_outcome=observed_outcome,
            occurred=occurred,
            likelihood_after=likelihood_after,
            t=t,
        )
        self.record.clinical_log().record_outcome(expectancy_id, done)
        self._expectancies[expectancy_id] = done
        plan_step = (
            next((s for s in self.plan.steps if s.key == exp.step_id), None) if self.plan else None
        )
        if plan_step is None:
            raise localized_error(
                ModelError, "model.error.step_not_in_plan", self.language, step=exp.step_id
            )
        step = _protocol_step(plan_step)
        decl = self.scene_declaration(plan_step.scene)
        if decl is None:
            raise localized_error(
                ModelError, "model.error.unknown_scene", self.language, scene=plan_step.scene
            )
        sug = InhibitoryLearningRule().after_step(step, done, decl)
        self.suggest(sug.kind, sug.text, {"step_key": sug.step_id, **dict(sug.detail)})
        return sug

    # -- interrupted sessions ------------------------------------------------------
    def interrupted_sessions(self) -> list[SessionInfo]:
        return self.record.interrupted_sessions()

    def close_interrupted(self, session_id: int) -> SessionInfo:
        return self.record.close_interrupted(session_id)

    def resume_session(self, session_id: int) -> SessionInfo:
        """Reopen an interrupted session and reload its state from the record."""
        info = self.record.resume_session(session_id, t=self.now())
        self._reset_session_state()
        self.patient = self.record.patient(info.patient_id)
        self.plan = Plan.from_json(info.plan) if info.plan else None
        if self.plan is not None and self.plan.progression is not None:
            self.progression_mode = self.plan.progression.mode
        self.session = info
        self._reload_history()
        self.events.patient.emit(self.patient)
        self.events.plan.emit(self.plan)
        self.events.session.emit(self.session)
        self.events.step.emit(self.current_step)
        self._update_reminder(self.now())
        return info

    def _reload_history(self) -> None:
        assert self.session is not None
        sid = self.session.id
        t0 = self.session.started_at
        self.step_history = self.record.steps(sid)
        by_row = {s.id: s for s in self.step_history}
        self.suds_history = [
            SudsEntry(
                r.id,
                r.t,
                r.t - t0,
                r.value,
                r.source,
                by_row[r.step_id].step_index if r.step_id in by_row else None,
                r.engine_t,
            )
            for r in self.record.suds(sid)
        ]
        self._last_suds_t = self.suds_history[-1].t if self.suds_history else None
        self._expectancies = dict(self.record.clinical_log().expectancies(sid))
        self.heart_rate_history = [
            HeartRateSample(r["t"], r["bpm"], (), r["source"])
            for r in self.record.rows("heart_rate", sid)
        ]
        entries: list[TimelineEntry] = []
        for st in self.step_history:
            entries.append(
                TimelineEntry(
                    st.started_at,
                    st.started_at - t0,
                    "step",
                    st.step_key,
                    {"index": st.step_index, "label": st.label, "scene": st.scene},
                    st.id,
                )
            )
        for s in self.suds_history:
            entries.append(
                TimelineEntry(
                    s.t,
                    s.elapsed_s,
                    "suds",
                    s.source,
                    {"value": s.value, "source": s.source},
                    s.record_id,
                )
            )
        for r in self.record.rows("notes", sid):
            entries.append(
                TimelineEntry(r["t"], r["t"] - t0, "note", "note", {"text": r["text"]}, r["id"])
            )
        for r in self.record.rows("events", sid):
            entries.append(
                TimelineEntry(
                    r["t"],
                    r["t"] - t0,
                    "event",
                    r["kind"],
                    {**_loads(r["detail"]), "name": r["name"]},
                    r["id"],
                )
            )
        for r in self.record.rows("commands", sid):
            step_row = by_row.get(r["step_id"])
            entries.append(
                TimelineEntry(
                    r["t"],
                    r["t"] - t0,
                    "command",
                    r["kind"],
                    {
                        "args": _loads(r["args"]),
                        "status": r["status"],
                        "error": r["error"],
                        "scene": step_row.scene if step_row is not None else None,
                    },
                    r["id"],
                )
            )
        for r in self.record.rows("link_events", sid):
            entries.append(
                TimelineEntry(
                    r["t"], r["t"] - t0, "link", r["kind"], {"detail": r["detail"]}, r["id"]
                )
            )
        entries.sort(key=lambda e: e.t)
        self.timeline = entries
        # The last step is where the session stood; the engine must be told
        # again (go_to_step) once connected: the scene may not be loaded.
        if self.step_history and self.plan is not None:
            last = self.step_history[-1]
            index = next(
                (i for i, s in enumerate(self.plan.steps) if s.key == last.step_key),
                last.step_index,
            )
            plan_step = (
                self.plan.steps[index]
                if 0 <= index < len(self.plan.steps)
                else PlanStep(
                    last.step_key, last.label, last.scene, last.params, last.expected_suds
                )
            )
            self.current_step = CurrentStep(index, plan_step, last, dict(last.params))

    # -- during the session: steps and commands ----------------------------------------
    def go_to_step(self, index: int, params: Mapping[str, Any] | None = None) -> CurrentStep:
        """Move to step ``index`` of the plan: record it, load its scene and values.

        ``params`` overrides the step's preset values (the therapist adjusted
        them before moving). A SUDS reminder is raised for the new step.
        """
        session = self._require_session()
        if self.plan is None:
            raise localized_error(ModelError, "model.error.no_plan", self.language)
        if not 0 <= index < len(self.plan.steps):
            raise localized_error(
                ModelError,
                "model.error.no_such_step",
                self.language,
                n=index + 1,
                count=len(self.plan.steps),
            )
        if self.link is not None:
            self._require_link()
        plan_step = self.plan.steps[index]
        values = {**dict(plan_step.params), **dict(params or {})}
        t = self.now()
        row = self.record.start_step(
            session.id,
            t=t,
            step_index=index,
            step_key=plan_step.key,
            scene=plan_step.scene,
            params=values,
            label=plan_step.label_dict(),
            expected_suds=plan_step.expected_suds,
        )
        self.step_history.append(row)
        self.current_step = CurrentStep(index, plan_step, row, values)
        self._add_timeline(
            t,
            "step",
            plan_step.key,
            {"index": index, "label": plan_step.label_dict(), "scene": plan_step.scene},
            row.id,
        )
        self._planned_checked_s = 0.0
        self.events.step.emit(self.current_step)
        self._update_reminder(t)
        if self.progression_mode == "inhibitory_learning":
            from palier.protocols.progression import InhibitoryLearningRule

            known = next(
                (e for e in reversed(self._expectancies.values()) if e.step_id == plan_step.key),
                None,
            )
            ask = InhibitoryLearningRule().before_step(_protocol_step(plan_step), known)
            if ask is not None:
                self.suggest(ask.kind, ask.text, {"step_key": plan_step.key})
        if self.link is not None:
            self._send("load_scene", {"scene": plan_step.scene, "params": values})
        return self.current_step

    def set_params(self, values: Mapping[str, Any], ramp_s: float = 0.0) -> int:
        """Change parameters of the current scene (validate with its SceneDecl first)."""
        if not values:
            raise localized_error(ModelError, "model.error.no_param", self.language)
        decl = self.scene_declaration()
        if decl is not None:
            from palier.scenes.api import SceneError

            try:  # all or nothing, before anything is sent or recorded
                values = decl.validate_values(values)
            except SceneError as exc:
                raise localized_error(
                    ModelError, "model.error.bad_param", self.language, detail=str(exc)
                ) from None
        values = dict(values)
        before = (
            {k: self.current_step.params[k] for k in values if k in self.current_step.params}
            if self.current_step
            else {}
        )
        cid = self._send(
            "set_params", {"params": values, "ramp_s": float(ramp_s)}, {"before": before}
        )
        if self.current_step is not None:
            merged = {**dict(self.current_step.params), **values}
            self.current_step = replace(self.current_step, params=merged)
            self.record.update_step_params(self.current_step.row.id, merged)
            self.events.params.emit(merged)
        return cid

    def fire(self, event: str, options: Mapping[str, Any] | None = None) -> int:
        opts = dict(options or {})
        return self._send("fire", {"event": event, "options": opts})

    def pause(self, reason: str = "therapist") -> int:
        """Fade the patient to the safe place (the exposure scene is kept)."""
        return self._send("pause", {"reason": reason})

    def resume(self) -> int:
        return self._send("resume", {})

    def ask_suds(self, prompt: str | None = None) -> int:
        """Show the rating panel in the headset; the answer arrives as a clinical event."""
        self._suds_request += 1
        request = self._suds_request
        return self._send("ask_suds", {"request": request, "prompt": prompt})

    def _require_link(self) -> EngineLink:
        if self.link is None or self.link_state is not LinkState.UP:
            raise localized_error(NotConnectedError, "model.error.no_link", self.language)
        return self.link

    def _send(
        self, kind: str, args: Mapping[str, Any], extra: Mapping[str, Any] | None = None
    ) -> int:
        """Record a command as sent, submit it, record the engine's answer later.

        The command is committed before it leaves, so a crash between the two
        leaves a 'sent' row (never an unrecorded command that took effect).
        """
        from palier.core import wire

        session = self._require_session()
        link = self._require_link()
        t = self.now()
        step_id = self.current_step.row.id if self.current_step else None
        cid = self.record.add_command(session.id, t=t, kind=kind, args=args, step_id=step_id)
        # The timeline also keeps the scene (its declaration names things) and,
        # for a change, the values before it: neither goes to the engine.
        extra = {
            "scene": self.current_step.plan_step.scene if self.current_step else None,
            **dict(extra or {}),
        }
        self._pending[cid] = (kind, dict(args), extra)
        self._add_timeline(t, "command", kind, {"args": dict(args), "status": "sent", **extra}, cid)
        cls = _COMMANDS[kind]
        try:
            fut = link.submit(getattr(wire, cls), **args)
        except Exception as exc:
            self.on_command_result(cid, ok=False, error=f"{type(exc).__name__}: {exc}")
            raise localized_error(
                CommandFailed, "model.error.not_sent", self.language, kind=kind, error=str(exc)
            ) from exc
        fut.add_done_callback(lambda f: self.call_soon(lambda: self._future_done(cid, f)))
        return cid

    def _future_done(self, cid: int, fut: Future[Any]) -> None:
        exc = fut.exception()
        if exc is not None:
            # CommandError: refused (nothing changed); CommandTimeout: may or
            # may not have applied (the next engine state tells); LinkDown.
            self.on_command_result(cid, ok=False, error=str(exc) or type(exc).__name__)
            return
        reply = fut.result()
        self.on_command_result(
            cid,
            ok=True,
            engine_frame=getattr(reply, "frame", None),
            engine_t=getattr(reply, "t_engine", None),
        )

    def on_command_result(
        self,
        command_id: int,
        *,
        ok: bool,
        error: str | None = None,
        engine_frame: int | None = None,
        engine_t: float | None = None,
    ) -> None:
        """The engine acknowledged (or refused) command ``command_id``."""
        t = self.now()
        self.record.command_result(
            command_id, ok=ok, t=t, error=error, engine_frame=engine_frame, engine_t=engine_t
        )
        kind, args, extra = self._pending.pop(command_id, ("", {}, {}))
        self._add_timeline(
            t,
            "command",
            kind or "command",
            {"args": args, "status": "ack" if ok else "error", "error": error, **extra},
            command_id,
        )
        if not ok or self.session is None or self.session.status != "open":
            return
        at = self.engine_to_console(engine_t)
        step_id = self.current_step.row.id if self.current_step else None
        if kind == "fire":
            self._record_event(
                "scene_event",
                args.get("event"),
                {
                    "event": args.get("event"),
                    "options": args.get("options", {}),
                    "scene": extra.get("scene"),
                },
                at,
                engine_t,
                engine_frame,
                step_id,
            )
            # A simulated heart rate startles with the event (real sensors ignore this).
            startle = getattr(self.heart_rate_source, "on_event", None)
            if callable(startle):
                startle(1.0)
        elif kind in ("pause", "resume"):
            self._record_event(
                kind,
                args.get("reason"),
                {"reason": args.get("reason", "")},
                at,
                engine_t,
                engine_frame,
                step_id,
            )
            self._set_paused(kind == "pause")

    def _record_event(
        self,
        kind: str,
        name: str | None,
        detail: Mapping[str, Any],
        t: float,
        engine_t: float | None,
        engine_frame: int | None,
        step_id: int | None,
        engine_id: tuple[str, int] | None = None,
    ) -> int:
        assert self.session is not None
        rid = self.record.add_event(
            self.session.id,
            t=t,
            kind=kind,
            name=name,
            detail=detail,
            step_id=step_id,
            engine_t=engine_t,
            engine_frame=engine_frame,
            engine_id=engine_id,
        )
        self._add_timeline(t, "event", kind, {**detail, "name": name}, rid)
        return rid

    def _set_paused(self, paused: bool) -> None:
        if paused != self.paused:
            self.paused = paused
            self.events.paused.emit(paused)

    # -- SUDS ----------------------------------------------------------------------
    def enter_suds(self, value: object, source: str = "therapist") -> SudsEntry:
        """Record a SUDS rating the therapist entered. Raises ``SudsError``
        (nothing recorded) unless it is a whole number 0..100
        (``protocols.measures.validate_suds``, the one place)."""
        session = self._require_session()
        rating = validate_suds(value)
        t = self.now()
        step = self.current_step
        rid = self.record.add_suds(
            session.id, value=rating, source=source, t=t, step_id=step.row.id if step else None
        )
        entry = SudsEntry(rid, t, self._elapsed_at(t), rating, source, step.index if step else None)
        self._apply_suds(entry)
        return entry

    def _apply_suds(self, entry: SudsEntry) -> None:
        if any(e.record_id == entry.record_id for e in self.suds_history):
            return  # a headset rating the engine sent twice
        self.suds_history.append(entry)
        self._last_suds_t = max(entry.t, self._last_suds_t or entry.t)
        self._reminder_snoozed_until = None
        self._add_timeline(
            entry.t,
            "suds",
            entry.source,
            {"value": entry.value, "source": entry.source},
            entry.record_id,
        )
        self.events.suds.emit(entry)
        self._update_reminder(self.now())
        self._progression_rating(entry)

    def _progression_rating(self, entry: SudsEntry) -> None:
        """Habituation mode: feed the step's ratings to protocols.progression;
        a new suggestion is shown (and recorded) when the rule starts to hold."""
        step = self.current_step
        if step is None or self.session is None or self.progression_mode != "habituation":
            return
        if entry.step_index != step.index:
            return
        from palier.protocols.measures import SudsPoint

        if self._monitor is None:
            from palier.protocols.model import ProgressionSettings
            from palier.protocols.progression import HabituationRule, ProgressionMonitor

            settings = (
                self.plan.progression
                if self.plan and self.plan.progression
                else ProgressionSettings()
            )
            self._monitor = ProgressionMonitor(
                HabituationRule.for_interval(settings, self.suds_rule().interval_min)
            )
        sug = self._monitor.rating(
            step.plan_step.key,
            SudsPoint(entry.elapsed_s, entry.value),
            elapsed_s=entry.t - step.started_at,
            min_duration_min=step.plan_step.min_duration_min,
        )
        if sug is not None and self.session.status == "open":
            self.suggest(sug.kind, sug.text, {"step_key": sug.step_id, **dict(sug.detail)})

    def set_progression_mode(self, mode: str) -> None:
        """'habituation' (suggest moving up when SUDS has fallen) or
        'inhibitory_learning' (expectancy tests and variability; no SUDS-based
        suggestion). Switchable at any time; the therapist decides."""
        if mode not in ("habituation", "inhibitory_learning"):
            raise ModelError(
                f"progression mode must be 'habituation' or 'inhibitory_learning', got {mode!r}"
            )
        self.progression_mode = mode

    # -- notes ----------------------------------------------------------------------
    def add_note(self, text: str) -> TimelineEntry:
        session = self._require_session()
        if not isinstance(text, str) or not text.strip():
            raise localized_error(ModelError, "model.error.empty_note", self.language)
        t = self.now()
        step_id = self.current_step.row.id if self.current_step else None
        rid = self.record.add_note(session.id, text=text, t=t, step_id=step_id)
        return self._add_timeline(t, "note", "note", {"text": text.strip()}, rid)

    # -- suggestions (the software suggests, the therapist decides) -----------------
    def suggest(self, kind: str, text: Any, detail: Mapping[str, Any] | None = None) -> int:
        """Show a suggestion (e.g. a progression rule's "SUDS fell by half: next
        step?"); recorded with the time it was shown. ``text`` is plain text or
        a ``scenes.api.Text`` (both languages kept in the detail). Returns its id."""
        session = self._require_session()
        t = self.now()
        step_id = self.current_step.row.id if self.current_step else None
        info = dict(detail or {})
        if hasattr(text, "to_dict"):
            info["texts"] = text.to_dict()
            shown = str(text.get(session.language))
        else:
            shown = str(text)
        rid = self.record.add_suggestion(
            session.id, kind=kind, text=shown, t=t, step_id=step_id, detail=info
        )
        self.pending_suggestions[rid] = (kind, shown)
        self._add_timeline(t, "suggestion", kind, {**info, "text": shown}, rid)
        self.events.suggestion.emit((rid, kind, shown))
        return rid

    def decide_suggestion(self, suggestion_id: int, taken: bool) -> None:
        """The therapist took or declined a suggestion (recorded; nothing else
        happens: taking "next step" still needs go_to_step)."""
        self.record.decide_suggestion(suggestion_id, taken=taken, t=self.now())
        self.pending_suggestions.pop(suggestion_id, None)

    # -- reminders -------------------------------------------------------------------
    def _update_reminder(self, now: float) -> None:
        due = self._reminder_due(now)
        if due != self.reminder:
            self.reminder = due
            self.events.reminder.emit(due)

    def suds_rule(self) -> Any:
        """The SUDS schedule in force: the protocol's (``[suds_schedule]``) or the
        default (every 5 minutes and at each step change), with the therapist's
        interval if they set one (``reminder_interval_s``)."""
        from palier.protocols.model import SudsScheduleRule

        rule = (
            self.plan.suds_schedule
            if self.plan and self.plan.suds_schedule
            else SudsScheduleRule(interval_min=DEFAULT_REMINDER_S / 60.0)
        )
        if self.reminder_interval_s is not None:
            rule = replace(rule, interval_min=self.reminder_interval_s / 60.0)
        return rule

    def set_reminder_interval(self, seconds: float | None) -> None:
        """The therapist's SUDS interval (None: the protocol's)."""
        if seconds is not None and not 30 <= seconds <= 3600:
            raise localized_error(ModelError, "model.error.reminder_range", self.language)
        self.reminder_interval_s = seconds
        self._update_reminder(self.now())

    def _reminder_due(self, now: float) -> Reminder | None:
        from palier.protocols.schedule import suds_due

        if self.session is None or self.session.status != "open":
            return None
        if self._reminder_snoozed_until is not None and now < self._reminder_snoozed_until:
            return None
        due = suds_due(
            self.suds_rule(),
            now=now,
            session_started_t=self.session.started_at,
            last_rating_t=self._last_suds_t,
            step_started_t=self.current_step.started_at if self.current_step else None,
        )
        return None if due is None else Reminder.from_due(due)

    def end_rating_due(self) -> Reminder | None:
        """Before leaving the current step: is an end rating due (protocols with
        ``at_step_end``)? The widget asks, the therapist decides."""
        from palier.protocols.schedule import due_before_leaving_step

        if self.current_step is None or self.session is None:
            return None
        due = due_before_leaving_step(
            self.suds_rule(),
            now=self.now(),
            last_rating_t=self._last_suds_t,
            step_started_t=self.current_step.started_at,
        )
        return None if due is None else Reminder.from_due(due)

    def dismiss_reminder(self) -> None:
        """The therapist saw the reminder and chose to wait: ask again an interval later."""
        now = self.now()
        self._reminder_snoozed_until = now + self.suds_rule().interval_min * 60.0
        self._update_reminder(now)

    # -- heart rate -------------------------------------------------------------------
    def attach_heart_rate(self, source: HeartRateSource | None) -> None:
        self.heart_rate_source = source

    def ingest_heart_rate(self, sample: HeartRateSample) -> None:
        """Record one sample (and its RR intervals) into the open session."""
        if self.session is None or self.session.status != "open":
            return  # before/after a session a sensor may run; nothing to record
        self.record.add_heart_rate(
            self.session.id,
            t=sample.t,
            bpm=sample.bpm,
            source=sample.source or "unknown",
            rr_ms=sample.rr_ms,
        )
        self.heart_rate_history.append(sample)
        self.events.heart_rate.emit(sample)

    def poll_heart_rate(self) -> int:
        if self.heart_rate_source is None:
            return 0
        samples = self.heart_rate_source.poll()
        for s in samples:
            self.ingest_heart_rate(s)
        return len(samples)

    def scene_declaration(self, scene_id: str | None = None) -> Any:
        """The ``scenes.api.SceneDecl`` of ``scene_id`` (default: the current
        step's scene): from the engine's catalogue when connected (what the
        engine really runs), else from the local registry; None if unknown.
        Widgets build the parameter and event controls from it."""
        if scene_id is None:
            if self.current_step is None:
                return None
            scene_id = self.current_step.plan_step.scene
        info = getattr(self.link, "info", None)
        if info is not None:
            try:
                return info.scene(scene_id)
            except KeyError:
                pass
        try:
            from palier.scenes import registry

            return registry.declaration(scene_id)
        except Exception:
            log.warning("no declaration for scene %r", scene_id)
            return None

    def exposure_intensity(self) -> float:
        """0..1: how intense the current scene is (0 paused or with no step).

        Mean of the parameters' intensities from the scene's declaration; a
        simulated heart rate follows it.
        """
        step = self.current_step
        if step is None or self.paused:
            return 0.0
        decl = self.scene_declaration(step.plan_step.scene)
        if decl is None:
            return 0.5
        levels = []
        for p in decl.params:
            value = step.params.get(p.name, p.default)
            try:
                levels.append(p.intensity(p.validate(value)))
            except ValueError:
                continue
        return sum(levels) / len(levels) if levels else 0.5

    # -- the link -----------------------------------------------------------------------
    def attach_link(self, link: EngineLink | None) -> None:
        """Use ``link`` for commands and, if it is a ``LinkClient`` (has
        ``on_status``/``on_state``/``on_event``/``on_head`` callbacks), take
        its callbacks. Status, state and head poses reach the model through
        ``call_soon`` (the GUI thread); clinical events are recorded on the
        client's thread *before* its callback returns, because the client
        acknowledges an event to the engine as soon as the callback returns
        and the engine then forgets it."""
        self.link = link
        if link is None:
            self.clock_offset = lambda: None
            return
        self.clock_offset = lambda: _client_offset(link, self.clock)
        if hasattr(link, "on_event"):
            link.on_event = self.record_clinical_event
        if hasattr(link, "on_status"):
            link.on_status = lambda st: self.call_soon(lambda: self.on_link_status(st))
        if hasattr(link, "on_state"):
            link.on_state = lambda state: self.call_soon(lambda: self.on_state(state))
        if hasattr(link, "on_head"):
            link.on_head = lambda h: self.call_soon(
                lambda: self.on_head_pose(h.t_engine, h.pos, h.quat)
            )
        status = getattr(link, "status", None)
        if status is not None:
            self.on_link_status(status)

    def on_link_status(self, status: Any) -> None:
        """A ``LinkStatus`` from the client: connected, lost, refused, ..."""
        state = str(getattr(status, "state", status))
        detail = str(getattr(status, "detail", ""))
        if state == "connected":
            if self.link_state is not LinkState.UP:
                self.on_link_up(detail)
        elif state in ("lost", "refused", "incompatible", "closed"):
            if self.link_state is LinkState.UP:
                self.on_link_lost(detail)
            elif state != "closed" and self.link_state is LinkState.DISCONNECTED:
                log.warning("link: %s (%s)", state, detail)

    def on_link_up(self, detail: str = "") -> None:
        kind = "reconnected" if self._was_lost else "up"
        self.link_state = LinkState.UP
        self._record_link(kind, detail)
        self.events.link.emit(self.link_state)

    def on_link_lost(self, detail: str = "") -> None:
        if self.link_state is not LinkState.UP:
            return  # already lost, or never up: nothing to lose
        self.link_state = LinkState.LOST
        self._was_lost = True
        self._record_link("lost", detail)
        self.events.link.emit(self.link_state)

    def _record_link(self, kind: str, detail: str) -> None:
        t = self.now()
        sid = self.session.id if self.session and self.session.status == "open" else None
        rid = self.record.add_link_event(sid, kind=kind, t=t, detail=detail)
        if sid is not None:
            self._add_timeline(t, "link", kind, {"detail": detail}, rid)

    def on_state(self, state: Any) -> None:
        """An engine state (``palier.core.wire.StateFields`` or its dict): mirror, pause."""
        data = state.as_dict() if hasattr(state, "as_dict") else dict(state)
        self.engine_state = data
        if "paused" in data:
            self._set_paused(bool(data["paused"]))
        self.events.engine_state.emit(data)

    def record_clinical_event(self, event: Any) -> None:
        """Record a ``wire.ClinicalEvent`` now, from any thread; raise if it
        cannot be recorded (the client then does not acknowledge it and the
        engine keeps it). The model's state and signals follow via call_soon.
        Idempotent on the event's (instance, seq)."""
        e = event.as_dict() if hasattr(event, "as_dict") else dict(event)
        session = self.session
        if session is None or session.status != "open":
            raise NoSessionError(
                f"clinical event {e.get('kind')} #{e.get('seq')} arrived with no open session; "
                "the engine keeps it until a session is open"
            )
        step = self.current_step
        step_id = step.row.id if step else None
        engine_id = (str(e["instance"]), int(e["seq"]))
        engine_t = e.get("t_engine")
        t = self.engine_to_console(engine_t)
        kind = str(e["kind"])
        if kind == "suds":
            try:
                rating = validate_suds(e.get("value"))
            except SudsError:
                rid = self.record.add_event(
                    session.id,
                    t=t,
                    kind="engine",
                    name="invalid_suds",
                    detail={"raw": repr(e.get("value"))},
                    step_id=step_id,
                    engine_t=engine_t,
                    engine_frame=e.get("frame"),
                    engine_id=engine_id,
                )
                log.error("headset sent an invalid SUDS rating %r; recorded as an event", e)
                return
            rid = self.record.add_suds(
                session.id,
                value=rating,
                source="headset",
                t=t,
                engine_t=engine_t,
                step_id=step_id,
                engine_id=engine_id,
            )
            entry = SudsEntry(
                rid,
                t,
                t - session.started_at,
                rating,
                "headset",
                step.index if step else None,
                engine_t,
            )
            self.call_soon(lambda: self._apply_suds(entry))
            return
        mapped = {"stop": "patient_stop", "failsafe": "failsafe"}.get(kind, "engine")
        detail = {k: e[k] for k in ("t_ref", "request") if e.get(k) is not None}
        rid = self.record.add_event(
            session.id,
            t=t,
            kind=mapped,
            name=kind,
            detail=detail,
            step_id=step_id,
            engine_t=engine_t,
            engine_frame=e.get("frame"),
            engine_id=engine_id,
        )

        def apply() -> None:
            if any(x.kind == "event" and x.record_id == rid for x in self.timeline):
                return
            self._add_timeline(t, "event", mapped, {**detail, "name": kind}, rid)
            self._set_paused(True)

        self.call_soon(apply)

    def on_clinical_event(self, event: Any) -> bool:
        """Record a clinical event (see :meth:`record_clinical_event`); False
        when no session is open to hold it."""
        try:
            self.record_clinical_event(event)
        except NoSessionError:
            return False
        return True

    def on_head_pose(self, t_engine: float, pos: Sequence[float], quat: Sequence[float]) -> None:
        """30 Hz head pose: buffered, written about once a second (not clinical)."""
        if self.session is None or self.session.status != "open":
            return
        h, p, r = quat_to_hpr(*quat)
        self._head_poses.append((self.engine_to_console(t_engine), *pos, h, p, r))
        if len(self._head_poses) >= 90:
            self.flush_head_poses()

    def flush_head_poses(self) -> None:
        if self._head_poses and self.session is not None:
            batch, self._head_poses = self._head_poses, []
            self.record.add_head_poses(self.session.id, batch)
        self._head_flushed_at = self.now()

    # -- periodic work ---------------------------------------------------------------------
    def tick(self) -> None:
        """Call a few times a second (the app's timer): heart rate, head poses,
        reminders, and the ``tick`` event that refreshes clocks."""
        now = self.now()
        self.poll_heart_rate()
        if now - self._head_flushed_at >= HEAD_POSE_FLUSH_S:
            self.flush_head_poses()
        self._update_reminder(now)
        self._check_planned_events(now)
        self.events.tick.emit(now)

    def _check_planned_events(self, now: float) -> None:
        """The step's planned events (``protocols.model.EventPlan``) that fell
        due since the last tick, announced once each."""
        step = self.current_step
        if step is None or not step.plan_step.events or self.paused:
            return
        from palier.protocols.model import EventPlan

        elapsed = now - step.started_at
        if elapsed < self._planned_checked_s:
            self._planned_checked_s = 0.0  # a new step
        for data in step.plan_step.events:
            plan = EventPlan(
                event=str(data["event"]),
                every_min=data.get("every_min"),
                start_min=data.get("start_min"),
                at_min=tuple(data.get("at_min") or ()),
            )
            if plan.due_between(self._planned_checked_s, elapsed):
                self.events.planned_event.emit(plan.event)
        self._planned_checked_s = elapsed

    # -- the end ---------------------------------------------------------------------------
    def end_session(self) -> SessionSummary:
        session = self._require_session()
        self.flush_head_poses()
        t = self.now()
        self._add_timeline(t, "session", "ended", {"id": session.id})
        self.session = self.record.end_session(session.id, t=t)
        self.events.session.emit(self.session)
        self._update_reminder(t)
        return self.summary()

    def summary(self) -> SessionSummary:
        if self.session is None:
            raise localized_error(NoSessionError, "model.error.no_session", self.language)
        return summarize(self.record, self.session.id, now=self.now())

    # -- helpers ------------------------------------------------------------------------------
    def _add_timeline(
        self,
        t: float,
        kind: str,
        name: str,
        detail: Mapping[str, Any],
        record_id: int | None = None,
    ) -> TimelineEntry:
        entry = TimelineEntry(t, self._elapsed_at(t), kind, name, dict(detail), record_id)
        self.timeline.append(entry)
        self.events.timeline.emit(entry)
        return entry


_COMMANDS = {
    "load_scene": "LoadScene",
    "set_params": "SetParams",
    "fire": "Fire",
    "pause": "Pause",
    "resume": "Resume",
    "ask_suds": "AskSuds",
}
"""Model command name -> ``palier.core.wire`` class (the model's names are the record's)."""


def _protocol_step(plan_step: PlanStep) -> Any:
    """The ``protocols.model.Step`` a plan step came from (for protocols' rules)."""
    from palier.protocols.model import Step
    from palier.scenes.api import Text

    label = plan_step.label
    text = (
        label
        if isinstance(label, Text)
        else Text.from_dict(label)
        if isinstance(label, dict)
        else Text(str(label), str(label))
    )
    return Step(
        id=plan_step.key,
        text=text,
        scene=plan_step.scene,
        preset=dict(plan_step.params),
        expected_suds=plan_step.expected_suds or 0,
        min_duration_min=plan_step.min_duration_min or 1.0,
    )


def _client_offset(link: Any, clock: Clock) -> float | None:
    """``console clock - engine clock``, from the client's estimate.

    The client places engine times on ``time.monotonic()``; the model's
    clock is wall time, so add the current wall-minus-monotonic difference.
    """
    estimate = getattr(link, "clock", None)
    if estimate is None:
        return None
    return (clock() - time.monotonic()) - float(estimate.offset_s)


def _loads(text: str | None) -> dict[str, Any]:
    import json

    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {"value": value}
