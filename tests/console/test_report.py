"""The PDF report opens in a real PDF renderer (PDFium) and shows the chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from therapist_console.record import SessionRecord
from therapist_console.report import C_HR, C_SUDS, pdf_page_to_png, write_report
from therapist_console.sample_session import write_sample_session

pdfium = pytest.importorskip("pypdfium2")


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])


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
def test_report_renders_with_chart(sample_db: tuple[Path, int], tmp_path: Path,
                                   lang: str) -> None:
    with SessionRecord(sample_db[0], readonly=True) as rec:
        pdf = write_report(rec, sample_db[1], tmp_path / "report.pdf", lang=lang)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        assert len(doc) >= 1
        w, h = doc[0].get_size()
        assert (round(w), round(h)) == (595, 842)  # A4 in points
        text = doc[0].get_textpage().get_text_range()
        bitmap = doc[0].render(scale=1.0, rev_byteorder=True).to_numpy()
    finally:
        doc.close()
    assert "Sample-07" in text
    assert ("Compte rendu" if lang == "fr" else "Exposure session report") in text
    assert ("SUDS par palier" if lang == "fr" else "SUDS by step") in text
    # The chart band (between the summary and the step table) holds the SUDS
    # curve and the heart-rate curve in their colours.
    chart = bitmap[int(0.33 * bitmap.shape[0]):int(0.60 * bitmap.shape[0])]
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
