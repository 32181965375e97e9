"""The console's session model, in parts, with no Qt in sight.

Each part holds one share of the state and emits events (``part.events.<name>``);
widgets take the parts they show, subscribe, and act through the parts'
methods. Every clinical action goes through the :class:`SessionRecord` and
has committed before the method returns (docs/console-model.md).

Parts, lowest first (each uses only those above it in this list):
``base`` (signals, clock, language, errors), ``plan`` (the plan's data),
``timeline``, ``patient_plan``, ``running`` (the open session and its step),
``link``, ``progression``, ``ratings``, ``commands``, ``clinical``,
``sensors``, ``ladder_editor`` (the hierarchy being edited); ``console``
composes them (:class:`ConsoleModel`).

Threading: call the parts from one thread, the GUI thread in the app. The
link client calls back from its own thread, so
:meth:`ConsoleModel.attach_link` wraps every callback in ``call_soon``.

Times: ``clock()`` gives console wall-clock seconds (epoch), by default
:func:`anchored_clock` (wall time once, then the monotonic clock). Engine
times are converted with the link's clock-offset estimate.
"""

from __future__ import annotations

from palier.therapist_console.client import LinkState
from palier.therapist_console.session.base import (
    CommandFailed,
    Language,
    ModelError,
    NoSessionError,
    NotConnectedError,
    Signal,
    anchored_clock,
)
from palier.therapist_console.session.clinical import ClinicalLog
from palier.therapist_console.session.commands import Commands
from palier.therapist_console.session.console import ConsoleModel
from palier.therapist_console.session.ladder_editor import LadderEditor, Refusal
from palier.therapist_console.session.link import EngineLink, Link
from palier.therapist_console.session.patient_plan import PatientPlan
from palier.therapist_console.session.plan import CurrentStep, Plan, PlanStep
from palier.therapist_console.session.progression import Progression, ShownSuggestion
from palier.therapist_console.session.ratings import (
    DEFAULT_REMINDER_S,
    Ratings,
    Reminder,
    SudsEntry,
)
from palier.therapist_console.session.running import RunningSession
from palier.therapist_console.session.sensors import Sensors, quat_to_hpr
from palier.therapist_console.session.timeline import Timeline, TimelineEntry

__all__ = [
    "DEFAULT_REMINDER_S",
    "ClinicalLog",
    "CommandFailed",
    "Commands",
    "ConsoleModel",
    "CurrentStep",
    "EngineLink",
    "LadderEditor",
    "Language",
    "Link",
    "LinkState",
    "ModelError",
    "NoSessionError",
    "NotConnectedError",
    "PatientPlan",
    "Plan",
    "PlanStep",
    "Progression",
    "Ratings",
    "Refusal",
    "Reminder",
    "RunningSession",
    "Sensors",
    "ShownSuggestion",
    "Signal",
    "SudsEntry",
    "Timeline",
    "TimelineEntry",
    "anchored_clock",
    "quat_to_hpr",
]
