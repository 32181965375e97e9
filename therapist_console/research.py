"""Research streams: the session published on Lab Streaming Layer while it runs
(``palier console --lsl``, ``palier demo --lsl``), for LabRecorder and XDF.

Reads the model's parts (the heart rate the record takes in, every timeline
line) and writes nothing back: publishing never changes a session.
"""

from __future__ import annotations

from palier.therapist_console.heart_rate.lsl import LslPublisher
from palier.therapist_console.session import ConsoleModel, TimelineEntry


def publish_on_lsl(model: ConsoleModel, publisher: LslPublisher | None = None) -> LslPublisher:
    """Publish ``model``'s heart rate and timeline from now on; returns the publisher."""
    pub = publisher or LslPublisher(clock=model.clock)

    def on_entry(entry: TimelineEntry) -> None:
        pub.publish_marker(entry.t, entry.kind, entry.name, entry.text("en"), dict(entry.detail))

    model.sensors.events.heart_rate.connect(pub.publish_heart_rate)
    model.timeline.events.entry.connect(on_entry)
    return pub
