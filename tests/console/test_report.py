"""The PDF report opens in a real PDF renderer (PDFium) and shows the chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from palier.therapist_console.record import SessionRecord
from palier.therapist_console.report import C_HR, C_SUDS, pdf_page_to_png, write_report
from palier.therapist_console.sample_session import write_sample_session

pdfium = pytest.importorskip("pypdfium2")


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])


def _share_near(pixels: np.ndarray, colour: str, tol: int = 40) -> float:
    dist = np.abs(pixels[..., :3].astype(int) - _rgb(colour)).sum(axis=-1)
    return float((dist < tol).mean())


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("report") / "s.sqlite3"
    with SessionRecord(path) as rec:
        counts = write_sample_session(rec, minutes=10, seed=11)
    return path, counts.session_id


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_renders_with_chart(sample_db: tuple[Path, int], tmp_path: Path, lang: str) -> None:
    with SessionRecord(sample_db[0], readonly=True) as rec:
        pdf = write_report(rec, sample_db[1], tmp_path / "report.pdf", lang=lang)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        assert len(doc) >= 1
        w, h = doc[0].get_size()
        assert (round(w), round(h)) == (595, 842)  # A4 in points
        text = doc[0].get_textpage().get_text_range()
        every = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        bitmap = doc[0].render(scale=1.0, rev_byteorder=True).to_numpy()
    finally:
        doc.close()
    assert "Sample-07" in text
    # The session's number for the patient, the record id as a reference; how
    # high the hierarchy went; the "To half" column explained under the table.
    every = " ".join(every.split())
    if lang == "fr":
        assert f"1re séance de ce patient (réf. n°{sample_db[1]})" in text
        assert "palier le plus élevé atteint : 4/10 ; 4 paliers travaillés" in every
        assert "délai de réduction de moitié : temps entre le pic de SUDS" in every
        assert f"séance 1 (réf. n°{sample_db[1]})" in text  # footer
    else:
        assert f"1st session of this patient (ref. #{sample_db[1]})" in text
        assert "highest step 4 of 10; 4 steps worked" in text
        assert "To half: time from the step's peak SUDS" in every
        assert f"session 1 (ref. #{sample_db[1]})" in text  # footer
    assert ("Compte rendu" if lang == "fr" else "Exposure session report") in text
    assert ("SUDS par palier" if lang == "fr" else "SUDS by step") in text
    # The chart band (between the summary and the step table) holds the SUDS
    # curve and the heart-rate curve in their colours.
    chart = bitmap[int(0.33 * bitmap.shape[0]) : int(0.60 * bitmap.shape[0])]
    assert _share_near(chart, C_SUDS) > 0.002
    assert _share_near(chart, C_HR) > 0.002
    png = tmp_path / "page1.png"
    assert pdf_page_to_png(pdf, 0, png, scale=0.5)[0] > 100
    assert png.stat().st_size > 10_000


def test_report_of_empty_session(tmp_path: Path) -> None:
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        p = rec.add_patient("Empty-1", t=1.8e9)
        s = rec.start_session(p.id, t=1.8e9, language="en")
        rec.end_session(s.id, t=1.8e9 + 5)
        pdf = write_report(rec, s.id, tmp_path / "r.pdf")
    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    assert "No SUDS rating recorded." in text and "No notes." in text


@pytest.mark.parametrize(
    "lang,words", [("en", "2nd session of this patient"), ("fr", "2e séance de ce patient")]
)
def test_report_names_sessions_by_their_number(tmp_path: Path, lang: str, words: str) -> None:
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        first = write_sample_session(rec, minutes=6, seed=1, language=lang).session_id
        other = rec.add_patient("Other-1", t=1.79e9)
        rec.end_session(rec.start_session(other.id, t=1.79e9 + 1, language=lang).id, t=1.79e9 + 2)
        second = write_sample_session(rec, minutes=6, seed=2, t0=1.7901e9, language=lang).session_id
        pdf = write_report(rec, second, tmp_path / "r.pdf")
    assert second == first + 2  # the id is not the patient's count
    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = " ".join(
            " ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc))
        )
    finally:
        doc.close()
    assert words in text
    # Each step compared with the same step in the first session, named by number.
    assert ("par rapport à la 1re séance : pic" if lang == "fr" else "vs 1st session: peak") in text
