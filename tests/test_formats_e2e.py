"""End to end: the same notice as .docx, .html, .pdf, .ofd and a .txt with a whitespace table.

Each fixture (built by tests/fixtures/make_fixtures.py) must extract to its committed expected
JSON: metadata, and per task its number, section, title, units, deadline and provenance
(page for pdf/ofd, table/row for task-table rows).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyparse.pipeline import extract_file

FIXTURES = Path(__file__).parent / "fixtures"
CASES = ["notice.docx", "notice.html", "notice.pdf", "notice.ofd", "notice-space-table.txt"]


def _short(path: Path) -> dict[str, object]:
    extraction = extract_file(path)
    document = extraction.documents[0]
    return {
        "file": path.name, "format": extraction.source.format, "encoding": extraction.source.encoding,
        "meta": {k: getattr(document.meta, k) for k in ("title", "doc_number", "issuer", "date")},
        "tasks": [{"number": t.number, "section": t.section_path[-1] if t.section_path else None, "title": t.title,
                   "lead_units": t.lead_units, "responsible_units": t.responsible_units,
                   "deadline_text": t.deadline.text, "deadline_kind": t.deadline.kind, "deadline_end": t.deadline.end,
                   "page": t.page, "table": t.table, "row": t.row} for t in document.tasks],
    }


@pytest.mark.parametrize("name", CASES)
def test_fixture_matches_expected(name: str) -> None:
    expected = json.loads((FIXTURES / "expected" / f"{name}.json").read_text(encoding="utf-8"))
    got = _short(FIXTURES / name)
    assert got["format"] == expected["format"]
    assert got["encoding"] == expected["encoding"]
    assert got["meta"] == expected["meta"]
    assert len(got["tasks"]) == len(expected["tasks"])  # type: ignore[arg-type]
    for got_task, want in zip(got["tasks"], expected["tasks"], strict=True):  # type: ignore[call-overload]
        assert got_task == want


@pytest.mark.parametrize("name", CASES)
def test_every_format_finds_the_same_tasks(name: str) -> None:
    """Provenance aside, a notice extracts the same whatever format it came in."""
    def core(task: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in task.items() if k not in ("page",)}

    reference = json.loads((FIXTURES / "expected" / "notice.docx.json").read_text(encoding="utf-8"))
    got = _short(FIXTURES / name)
    assert [core(t) for t in got["tasks"]] == [core(t) for t in reference["tasks"]]  # type: ignore[union-attr]


def test_pdf_pages_follow_form_feeds() -> None:
    got = _short(FIXTURES / "notice.pdf")
    pages = [t["page"] for t in got["tasks"]]  # type: ignore[union-attr]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] >= 2
