"""Stage 6, output: assemble the contract models, and write JSON / JSONL / CSV.

Ids, section paths and warnings are given here, so earlier stages stay free of presentation.
"""

from __future__ import annotations

import bisect
import csv
import io
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .grammar import GrammarSet
from .models import Extraction

if TYPE_CHECKING:
    from .extract import DocumentTasks, RawTask
    from .load import Loaded
    from .structure import DocumentPart, Heading, Structure

CSV_COLUMNS = ["file", "document", "number", "section", "title", "lead_units", "responsible_units",
               "deadline_text", "deadline_kind", "deadline_end"]


def _heading_label(heading: Heading) -> str:
    return f"{heading.ordinal}{heading.title}"


def _sections(headings: list[Heading], part: DocumentPart) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Sections with hierarchical ids (s2, s2.1); map from heading line to id."""
    ids: dict[int, str] = {}
    counters: dict[str | None, int] = Counter()
    kept = {h.line for h in headings}
    sections: list[dict[str, Any]] = []
    for heading in headings:
        parent = _kept_parent(heading, part, kept)
        parent_id = ids.get(parent.line) if parent else None
        counters[parent_id] += 1
        section_id = f"{parent_id}.{counters[parent_id]}" if parent_id else f"s{counters[parent_id]}"
        ids[heading.line] = section_id
        level = section_id.count(".") + 1
        sections.append({"id": section_id, "ordinal": heading.ordinal, "level": level, "title": heading.title,
                         "parent": parent_id})
    return sections, ids


def _kept_parent(heading: Heading, part: DocumentPart, kept: set[int]) -> Heading | None:
    candidate = heading.enclosing(part.headings)
    while candidate is not None:
        if candidate.line in kept:
            return candidate
        candidate = candidate.enclosing(part.headings)
    return None


def _section_chain(section: Heading | None, part: DocumentPart) -> list[Heading]:
    chain: list[Heading] = []
    while section is not None:
        chain.append(section)
        section = section.enclosing(part.headings)
    return list(reversed(chain))


def _deadline(raw: RawTask) -> dict[str, Any]:
    result = raw.deadline
    return {"text": result.text, "kind": result.kind, "end": result.end,
            "milestones": [{"period": m.period, "end": m.end, "text": m.text} for m in result.milestones]}


def _task(raw: RawTask, number: int, place: tuple[str | None, list[str]], page_breaks: list[int],
          explain: bool) -> dict[str, Any]:
    """A Task as plain data: the whole extraction is validated at once, in one call into pydantic-core."""
    page = bisect.bisect_right(page_breaks, raw.span[0]) + 1 if page_breaks else None
    return {"id": f"t{number}", "number": raw.number, "section_id": place[0], "section_path": place[1],
            "title": raw.title, "text": raw.text, "lead_units": raw.lead, "responsible_units": raw.responsible,
            "deadline": _deadline(raw), "span": list(raw.span), "page": page, "table": raw.table, "row": raw.row,
            "rules": dict(raw.rules) if explain else None}


def _places(tasks: list[RawTask], part: DocumentPart,
            section_ids: dict[int, str]) -> list[tuple[str | None, list[str]]]:
    """(section_id, section_path) of each task, worked out once per section: tasks share them."""
    known: dict[int | None, tuple[str | None, list[str]]] = {}
    places = []
    for raw in tasks:
        key = id(raw.section) if raw.section is not None else None  # identity: table groups make headings too
        if key not in known:
            chain = _section_chain(raw.section, part)
            section_id = next((section_ids[h.line] for h in reversed(chain) if h.line in section_ids), None)
            known[key] = (section_id, [_heading_label(h) for h in chain])
        places.append(known[key])
    return places


def _layout(per_document: list[DocumentTasks], grammars: GrammarSet) -> str | None:
    """The layout grammar(s) whose evidence fired most (source.grammar)."""
    fired: Counter[str] = Counter()
    for doc in per_document:
        for task in doc.tasks:
            fired.update(task.evidence or ["numbered-item"])
    scores: list[tuple[int, str]] = []
    for _grammar, rule in grammars.rules("layouts"):
        score = sum(fired[e] for e in rule.extra("evidence", []))
        if score:
            scores.append((score, rule.id))
    if not scores:
        return None
    top = max(s for s, _ in scores)
    return "+".join(name for score, name in sorted(scores, reverse=True) if score >= 0.25 * top)


def assemble(loaded: Loaded, text: str, script: str, repairs: Counter[str], structure: Structure,
             per_document: list[DocumentTasks], grammars: GrammarSet, explain: bool = False) -> Extraction:
    """Build the output models from every stage's results.

    The extraction is put together as plain data and validated once: one call into pydantic-core
    builds every nested model, several times faster than constructing them one by one.
    """
    page_breaks = _form_feeds(text)
    documents = [_document(text, structure, part, found, page_breaks, explain)
                 for part, found in zip(structure.documents, per_document, strict=True)]
    source = {"path": loaded.path, "format": loaded.format, "sha256": loaded.sha256,
              "encoding": loaded.encoding, "script": script,
              "repairs": [f"{k}:{v}" for k, v in sorted(repairs.items()) if v],
              "grammar": _layout(per_document, grammars)}
    return Extraction.model_validate({"source": source, "documents": _main_first(documents)})


def _form_feeds(text: str) -> list[int]:
    """Where the text's form feeds (page breaks of pdf/ofd input) are: str.find jumps from one to
    the next, where a loop over the characters took ~30 ns each (3 ms for a 100-page document)."""
    found: list[int] = []
    at = text.find("\f")
    while at >= 0:
        found.append(at)
        at = text.find("\f", at + 1)
    return found


def _document(text: str, structure: Structure, part: DocumentPart, found: DocumentTasks, page_breaks: list[int],
              explain: bool) -> dict[str, Any]:
    meta = part.meta
    sections, section_ids = _sections(found.section_headings, part)
    places = _places(found.tasks, part, section_ids)
    tasks = [_task(raw, i + 1, place, page_breaks, explain)
             for i, (raw, place) in enumerate(zip(found.tasks, places, strict=True))]
    warnings = [{"code": code, "task_id": f"t{index + 1}" if index is not None else None, "message": msg}
                for code, index, msg in found.warnings]
    lost = text.count("\ufffd", structure.lines[part.first].raw_start if part.first < len(structure.lines)
                      else 0, structure.lines[part.last - 1].raw_end if part.last else 0)
    if lost:
        warnings.insert(0, {"code": "text.unrecovered", "task_id": None, "message": (
            f"{lost} character(s) could not be recovered from the damaged source and are shown as U+FFFD")})
    return {"meta": {"title": meta.title, "kind": meta.kind, "doc_number": meta.doc_number, "issuer": meta.issuer,
                     "recipients": meta.recipients, "date": meta.date, "source_site": meta.source_site,
                     "cited_documents": meta.cited_documents},
            "sections": sections, "tasks": tasks, "warnings": warnings}


def _main_first(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep printed order; an empty leading fragment (no title, no tasks) is folded away."""
    kept = [d for d in documents if d["tasks"] or d["meta"]["title"] or d["sections"] or d is documents[0]]
    return kept or documents[:1]


# ---------------------------------------------------------------- writers


def to_json(extraction: Extraction, indent: int | None = 2) -> str:
    """UTF-8 JSON, characters unescaped; pydantic's serializer is ~6× faster than json.dumps with indent."""
    return extraction.model_dump_json(indent=indent)


def to_json_bytes(extraction: Extraction, indent: int | None = 2) -> bytes:
    """The same JSON as to_json, as UTF-8 bytes straight from the serializer (for writing files)."""
    return extraction.__pydantic_serializer__.to_json(extraction, indent=indent)


def to_jsonl_line(extraction: Extraction) -> str:
    return to_json(extraction, indent=None)


def csv_rows(extraction: Extraction) -> Iterable[list[str]]:
    """One row per task: what analysts open in a spreadsheet."""
    for number, document in enumerate(extraction.documents, start=1):
        for task in document.tasks:
            yield [extraction.source.path, str(number), task.number or "",
                   task.section_path[-1] if task.section_path else "", task.title,
                   "、".join(task.lead_units), "、".join(task.responsible_units), task.deadline.text or "",
                   task.deadline.kind, task.deadline.end or ""]


def to_csv(extractions: Iterable[Extraction], header: bool = True) -> str:
    """UTF-8 CSV text (the caller writes it with a BOM so Excel opens it correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for extraction in extractions:
        writer.writerows(csv_rows(extraction))
    return buffer.getvalue()
