"""Page breaks of the PDF report: a section heading never ends a page alone.

The sample session's notes are replaced by lists of one- to three-line notes
of growing length, so the heading after them ("Events") lands at every
height of the page, the bottom included. The layout pass (the same one that
counts pages) says where each block went; one case is then checked in the
real PDF with PDFium.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest

from palier.therapist_console.record import SessionRecord
from palier.therapist_console.report import (
    MARGIN,
    PAGE_H,
    Placed,
    ReportData,
    load_report_data,
    render_report,
    report_layout,
)
from palier.therapist_console.sample_session import write_sample_session

pdfium = pytest.importorskip("pypdfium2")

BOTTOM = PAGE_H - MARGIN - 8.0  # the layout's last usable line (mm from the top)
WORDS = (
    "Breathing slowly, stays with the spider and describes its legs aloud; "
    "SUDS said without prompting, no avoidance seen during this part. "
) * 3


def _note(i: int) -> str:
    lines = (1, 2, 1, 3, 1, 1, 2)[i % 7]  # one to three lines
    return f"Note {i:02d}. " + WORDS[: (0, 40, 150, 250)[lines]]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> ReportData:
    path = tmp_path_factory.mktemp("layout") / "s.sqlite3"
    with SessionRecord(path) as rec:
        sid = write_sample_session(rec, minutes=10, seed=3).session_id
        return load_report_data(rec, sid)


def _with_notes(data: ReportData, n: int, k: int = 0) -> ReportData:
    """``n`` notes, their heights drawn from the pattern from its ``k``-th place."""
    return dataclasses.replace(data, notes=[(0.5 + i * 0.1, _note(i + k), 0) for i in range(n)])


CASES = [(n, k) for n in (1, 2, *range(29, 35)) for k in range(7)]
"""Note counts that end the notes near the bottom of page 2 (in a few
patterns of heights), so the next heading lands at many heights there."""


def _orphans(placed: list[Placed]) -> list[Placed]:
    return [
        b
        for b, after in zip(placed, [*placed[1:], None], strict=True)
        if b.kind == "heading" and (after is None or after.page != b.page)
    ]


def _moved(placed: list[Placed]) -> list[Placed]:
    """Headings put on a new page although the old rule (12 mm free) would have
    drawn them at the bottom of the previous one."""
    out = []
    for before, b in itertools.pairwise(placed):
        if b.kind == "heading" and b.page == before.page + 1 and before.bottom + 12 <= BOTTOM:
            out.append(b)
    return out


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_heading_alone_at_the_bottom_of_a_page(data: ReportData, lang: str) -> None:
    moved = 0
    for n, k in CASES:
        placed = report_layout(_with_notes(data, n, k), lang)
        assert not _orphans(placed), (n, k, _orphans(placed))
        assert all(b.bottom <= BOTTOM + 1e-6 for b in placed), (n, k)
        moved += len(_moved(placed))
    # Not vacuous: headings did reach the bottom zone and were carried over
    # (four times in French since the step table's header wraps and grows).
    assert moved >= 4


def _page_of(doc: object, needle: str) -> list[int]:
    pages = []
    for i in range(len(doc)):  # type: ignore[arg-type]
        text = doc[i].get_textpage().get_text_range()  # type: ignore[index]
        if needle in text:
            pages.append(i)
    return pages


def test_pdf_keeps_the_heading_with_its_first_row(data: ReportData, tmp_path: Path) -> None:
    for n, k in CASES:
        if n == 0:
            continue
        d = _with_notes(data, n, k)
        placed = report_layout(d, "en")
        events = [b for b in _moved(placed) if b.text == "Events"]
        if events:
            break
    else:
        pytest.fail("no note count brings the Events heading to the bottom of a page")
    heading = events[0]
    assert heading.top == pytest.approx(MARGIN)  # at the top of the next page
    pdf = render_report(d, tmp_path / "r.pdf", "en")
    doc = pdfium.PdfDocument(str(pdf))
    try:
        first_event = placed[placed.index(heading) + 1].text
        last_note = _note(n - 1 + k)[:20]
        assert _page_of(doc, "Events") == [heading.page - 1]
        assert _page_of(doc, first_event) == [heading.page - 1]
        assert _page_of(doc, last_note) == [heading.page - 2]  # notes end a page earlier
        # On the page the notes end, nothing below them but the footer.
        tp = doc[heading.page - 2].get_textpage()
        assert "Events" not in tp.get_text_range()
    finally:
        doc.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_text_of_the_report_is_clipped(data: ReportData, lang: str) -> None:
    # The longest steps line ("palier le plus élevé atteint : 10/10 ; 10 paliers
    # travaillés") and every header, measured by the PDF layout's own metrics.
    from palier.therapist_console.report import report_clipped

    summary = dataclasses.replace(
        data.summary, steps_reached=10, highest_step_index=9, plan_steps=10
    )
    longest = dataclasses.replace(data, summary=summary)
    assert report_clipped(longest, lang) == []
    assert report_clipped(data, lang) == []
