"""Damaged protocol files never crash the checker and never pass silently."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palier.protocols import files

SOURCE = (Path(files.__file__).parent / "library" / "spiders.toml").read_text("utf-8")
LINES = SOURCE.splitlines()
JUNK = [
    "",
    "x",
    "= 1",
    "[[steps]]",
    "[steps.preset]",
    'scene = "heights"',
    "distance = -1",
    "count = 1.5",
    'activity = "sprint"',
    "expected_suds = 101",
    'text.fr = ""',
    '"unclosed',
    "[title]",
    "format = 1",
    "[[steps.events]]",
    "every_min = 0.01",
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(LINES) - 1), st.sampled_from(["drop", "junk"]), st.sampled_from(JUNK)
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_library_file(edits: list[tuple[int, str, str]]) -> None:
    lines = list(LINES)
    for index, action, junk in edits:
        index %= len(lines) or 1
        if not lines:
            break
        if action == "drop":
            lines.pop(index)
        else:
            lines[index] = junk
    text = "\n".join(lines) + "\n"
    proto, issues = files.parse_protocol(text, "mutated.toml")
    if proto is None:
        errors = [i for i in issues if i.severity == "error"]
        assert errors
        for i in errors:
            assert i.problem and i.file == "mutated.toml"
            assert i.line is None or 1 <= i.line <= len(lines)
    else:
        # Whatever passed is a complete, in-range protocol.
        assert proto.steps and all(s.text.get("en") and s.text.get("fr") for s in proto.steps)
