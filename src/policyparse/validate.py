"""Compare extractions with expected files kept beside sample notices (`<name>.expected.json`).

An expected file is the full JSON that `policyparse extract` writes, so it can be reviewed and
regenerated with the ordinary tools. Validation compares a *stable projection* of it: metadata,
section counts and, per task, the fields analysts rely on. Offsets, hashes, input paths and rule
traces change with harmless edits and are ignored. Differences are reported per field in words
(task added, lead unit removed, deadline moved), not as a JSON diff, so a reviewer sees at once
what a parser or grammar change did to each notice.
"""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXPECTED_SUFFIX = ".expected.json"
NOTICE_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".shtml", ".xhtml", ".mht", ".docx", ".pdf", ".ofd"})
FIELD_GROUPS = ("meta", "sections", "tasks", "units", "deadlines")
META_FIELDS = ("title", "kind", "doc_number", "issuer", "recipients", "date", "source_site", "cited_documents")
UNIT_FIELDS = ("lead_units", "responsible_units")


class ValidateUsageError(ValueError):
    """Nothing to validate, or options that cannot go together (exit code 2)."""


# ---------------------------------------------------------------- finding notices


@dataclass(frozen=True)
class Pair:
    """A notice and the expected file beside it (which may not exist yet, for --update)."""

    notice: Path
    expected: Path


def expected_path(notice: Path) -> Path:
    return notice.with_name(notice.stem + EXPECTED_SUFFIX)


def _is_notice(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in NOTICE_SUFFIXES and not path.name.startswith(".")


def find_pairs(paths: Sequence[Path], include_new: bool = False) -> list[Pair]:
    """Notices in the given folders (not recursive) or given directly that have an expected file.

    With `include_new` (for --update), every notice is returned, so missing expected files are created.
    """
    pairs: list[Pair] = []
    for path in paths:
        if path.is_dir():
            notices = sorted(p for p in path.iterdir() if _is_notice(p))
        elif path.is_file():
            notices = [path]
        else:
            raise ValidateUsageError(f"{path}: no such file or folder")
        for notice in notices:
            expected = expected_path(notice)
            if include_new or expected.is_file():
                pairs.append(Pair(notice, expected))
    seen: dict[Path, Path] = {}
    for pair in pairs:
        other = seen.setdefault(pair.expected.resolve(), pair.notice)
        if other != pair.notice:
            raise ValidateUsageError(f"{pair.notice} and {other} would share {pair.expected.name}; rename one of them")
    return pairs


# ---------------------------------------------------------------- projection


def parse_fields(value: str | None) -> tuple[str, ...]:
    """`--fields meta,units` → ("meta", "units"); None → every group."""
    if not value:
        return FIELD_GROUPS
    groups = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [g for g in groups if g not in FIELD_GROUPS]
    if unknown or not groups:
        raise ValidateUsageError(f"--fields: unknown group(s) {', '.join(unknown) or '(none)'}; "
                                 f"choose among {','.join(FIELD_GROUPS)}")
    return groups


def _milestones(deadline: dict[str, Any]) -> list[str]:
    """Milestones in their compact text form: `2023-Q1→2023-03-31`."""
    return [f"{m.get('period') or '?'}→{m.get('end') or '?'}" for m in deadline.get("milestones") or []]


def _task(task: dict[str, Any]) -> dict[str, Any]:
    deadline = task.get("deadline") or {}
    path = task.get("section_path") or []
    return {
        "number": task.get("number"),
        "section": path[-1] if path else None,
        "title": task.get("title"),
        "lead_units": list(task.get("lead_units") or []),
        "responsible_units": list(task.get("responsible_units") or []),
        "deadline": {"kind": deadline.get("kind"), "end": deadline.get("end"), "text": deadline.get("text"),
                     "milestones": _milestones(deadline)},
    }


def project(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The stable part of one extraction, per document (volatile fields left out)."""
    documents = []
    for document in data.get("documents") or []:
        meta = document.get("meta") or {}
        documents.append({
            "meta": {key: meta.get(key) for key in META_FIELDS},
            "sections": len(document.get("sections") or []),
            "tasks": [_task(t) for t in document.get("tasks") or []],
        })
    return documents


# ---------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Difference:
    """One reportable change; `group` is the --fields group it belongs to, `sign` + − or ~."""

    group: str
    sign: str
    text: str


def _show(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _task_label(task: dict[str, Any], position: int) -> str:
    number = task.get("number")
    head = f"task {number}" if number else f"task #{position + 1} (unnumbered)"
    title = task.get("title") or ""
    if len(title) > 30:
        title = title[:29] + "…"
    return f"{head} “{title}”"


def _list_change(expected: list[Any], got: list[Any]) -> str:
    added = [f"+{v}" for v in got if v not in expected]
    removed = [f"−{v}" for v in expected if v not in got]
    if not added and not removed:  # same members, other order
        return f"order {_show(expected)} → {_show(got)}"
    return " ".join(added + removed)


def _task_differences(expected: dict[str, Any], got: dict[str, Any], position: int,
                      groups: tuple[str, ...]) -> list[Difference]:
    label = _task_label(expected, position)
    out: list[Difference] = []
    if "tasks" in groups:
        if expected["title"] != got["title"]:
            head = f"task {expected['number']}" if expected["number"] else f"task #{position + 1} (unnumbered)"
            out.append(Difference("tasks", "~", f"{head}: title “{expected['title']}” → “{got['title']}”"))
        for key in ("number", "section"):
            if expected[key] != got[key]:
                out.append(Difference("tasks", "~", f"{label}: {key} {_show(expected[key])} → {_show(got[key])}"))
    if "units" in groups:
        for key in UNIT_FIELDS:
            if expected[key] != got[key]:
                out.append(Difference("units", "~", f"{label}: {key} {_list_change(expected[key], got[key])}"))
    if "deadlines" in groups:
        before, after = expected["deadline"], got["deadline"]
        parts = []
        if (before["kind"], before["end"]) != (after["kind"], after["end"]):
            if before["kind"] == after["kind"]:
                parts.append(f"{_show(before['end'])} → {_show(after['end'])}")
            else:
                parts.append(f"{before['kind']} {_show(before['end'])} → {after['kind']} {_show(after['end'])}")
        if before["text"] != after["text"]:
            parts.append(f"text {_show(before['text'])} → {_show(after['text'])}")
        if before["milestones"] != after["milestones"]:
            parts.append(f"milestones {_show(before['milestones'])} → {_show(after['milestones'])}")
        if parts:
            out.append(Difference("deadlines", "~", f"{label}: deadline " + "; ".join(parts)))
    return out


def _match_tasks(expected: list[dict[str, Any]], got: list[dict[str, Any]]
                 ) -> Iterable[tuple[int | None, int | None]]:
    """Pairs of indexes (expected, got) aligned by (number, title) in order; None on one side = unmatched.

    Within a replaced stretch, tasks with the same number (or title) are still paired, so a
    reworded title shows as a title change rather than one task missing and another added.
    """
    keys_a = [(t["number"], t["title"]) for t in expected]
    keys_b = [(t["number"], t["title"]) for t in got]
    matcher = difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            yield from zip(range(a1, a2), range(b1, b2), strict=True)
            continue
        free_b = list(range(b1, b2))
        for i in range(a1, a2):
            partner = next((j for j in free_b if expected[i]["number"] is not None
                            and got[j]["number"] == expected[i]["number"]), None)
            if partner is None:
                partner = next((j for j in free_b if got[j]["title"] == expected[i]["title"]), None)
            if partner is None:
                yield i, None
            else:
                free_b.remove(partner)
                yield i, partner
        for j in free_b:
            yield None, j


def compare_document(expected: dict[str, Any], got: dict[str, Any],
                     groups: tuple[str, ...] = FIELD_GROUPS) -> list[Difference]:
    """Differences between two projected documents, restricted to the chosen field groups."""
    out: list[Difference] = []
    if "meta" in groups:
        for key in META_FIELDS:
            before, after = expected["meta"][key], got["meta"][key]
            if before == after:
                continue
            if isinstance(before, list) and isinstance(after, list):
                out.append(Difference("meta", "~", f"meta.{key} {_list_change(before, after)}"))
            else:
                out.append(Difference("meta", "~", f"meta.{key}: {_show(before)} → {_show(after)}"))
    if "sections" in groups and expected["sections"] != got["sections"]:
        out.append(Difference("sections", "~", f"sections: {expected['sections']} → {got['sections']}"))
    for i, j in _match_tasks(expected["tasks"], got["tasks"]):
        if j is None and i is not None:
            if "tasks" in groups:
                out.append(Difference("tasks", "−", f"− {_task_label(expected['tasks'][i], i)} (missing)"))
        elif i is None and j is not None:
            if "tasks" in groups:
                out.append(Difference("tasks", "+", f"+ {_task_label(got['tasks'][j], j)} (added)"))
        elif i is not None and j is not None:
            out.extend(_task_differences(expected["tasks"][i], got["tasks"][j], i, groups))
    return out


def compare(expected: list[dict[str, Any]], got: list[dict[str, Any]],
            groups: tuple[str, ...] = FIELD_GROUPS) -> list[Difference]:
    """Differences between two projected extractions (documents compared in order)."""
    several = max(len(expected), len(got)) > 1
    out: list[Difference] = []
    if len(expected) != len(got):
        out.append(Difference("documents", "~", f"documents: {len(expected)} → {len(got)}"))
    for index in range(max(len(expected), len(got))):
        prefix = f"document {index + 1}: " if several else ""
        if index >= len(got):
            title = expected[index]["meta"]["title"]
            out.append(Difference("documents", "−", f"− document {index + 1} “{title}” (missing)"))
            continue
        if index >= len(expected):
            title = got[index]["meta"]["title"]
            out.append(Difference("documents", "+", f"+ document {index + 1} “{title}” (added)"))
            continue
        for diff in compare_document(expected[index], got[index], groups):
            out.append(Difference(diff.group, diff.sign, prefix + diff.text))
    return out


# ---------------------------------------------------------------- running


@dataclass
class NoticeResult:
    """What validating one notice found."""

    pair: Pair
    expected_tasks: int | None = None
    got_tasks: int | None = None
    differences: list[Difference] = field(default_factory=list)
    error: str | None = None
    new: bool = False
    output: str | None = None  # the fresh extraction JSON, for --update
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and not self.differences and not self.new

    @property
    def status(self) -> str:
        if self.error is not None:
            return "error"
        if self.new:
            return "new"
        return "differs" if self.differences else "ok"

    def lines(self) -> list[str]:
        """The readable report of this notice (the JUnit failure text too)."""
        if self.error is not None:
            return [f"error: {self.error}"]
        if self.new:
            return [f"no expected file yet ({self.pair.expected.name})"]
        return [d.text for d in self.differences]


def _count_tasks(documents: list[dict[str, Any]]) -> int:
    return sum(len(d["tasks"]) for d in documents)


def validate_pair(pair: Pair, groups: tuple[str, ...] = FIELD_GROUPS,
                  grammars: Sequence[Path] = (), keep_output: bool = False) -> NoticeResult:
    """Extract one notice and compare it with its expected file; never raises for bad input."""
    started = time.perf_counter()
    result = NoticeResult(pair)
    try:
        _validate_into(result, groups, grammars, keep_output)
    finally:
        result.seconds = time.perf_counter() - started
    return result


def _validate_into(result: NoticeResult, groups: tuple[str, ...], grammars: Sequence[Path],
                   keep_output: bool) -> None:
    from .errors import PolicyparseError
    from .output import to_json
    from .pipeline import extract_file

    pair = result.pair
    try:
        # the bare file name, so expected files do not depend on where validate is run from
        extraction = extract_file(pair.notice, display_path=pair.notice.name, grammars=list(grammars))
    except PolicyparseError as exc:
        result.error = str(exc)
        return
    except Exception as exc:  # an internal bug must not hide the other notices' results
        result.error = f"{pair.notice}: internal error ({type(exc).__name__}: {exc})"
        return
    got = project(extraction.model_dump(mode="json"))
    result.got_tasks = _count_tasks(got)
    if keep_output:
        result.output = to_json(extraction) + "\n"
    if not pair.expected.exists():
        result.new = True
        return
    try:
        expected = project(json.loads(pair.expected.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError, AttributeError, TypeError) as exc:
        result.error = f"{pair.expected}: not a readable extraction JSON ({exc})"
        return
    result.expected_tasks = _count_tasks(expected)
    result.differences = compare(expected, got, groups)


def needs_update(result: NoticeResult) -> bool:
    """Whether --update should (re)write this notice's expected file."""
    if result.output is None:
        return False  # extraction failed: keep the old file
    return result.new or bool(result.differences) or result.error is not None


def write_expected(result: NoticeResult) -> None:
    from .writefile import atomic_write_text

    assert result.output is not None
    atomic_write_text(result.pair.expected, result.output)


# ---------------------------------------------------------------- JUnit


def junit_xml(results: Sequence[NoticeResult], suite: str = "policyparse.validate") -> str:
    """One testsuite, one testcase per notice; differences as <failure>, extraction errors as <error>."""
    import xml.etree.ElementTree as ET

    failures = sum(1 for r in results if r.status in ("differs", "new"))
    errors = sum(1 for r in results if r.status == "error")
    root = ET.Element("testsuites", name=suite, tests=str(len(results)), failures=str(failures),
                      errors=str(errors))
    node = ET.SubElement(root, "testsuite", name=suite, tests=str(len(results)), failures=str(failures),
                         errors=str(errors), skipped="0", time=f"{sum(r.seconds for r in results):.3f}")
    for result in results:
        case = ET.SubElement(node, "testcase", classname=suite, name=str(result.pair.notice),
                             time=f"{result.seconds:.3f}")
        text = "\n".join(result.lines())
        if result.status == "error":
            ET.SubElement(case, "error", message=result.error or "error").text = text
        elif result.status == "differs":
            count = len(result.differences)
            ET.SubElement(case, "failure", message=f"{count} difference{'s' * (count != 1)}").text = text
        elif result.status == "new":
            ET.SubElement(case, "failure", message="no expected file").text = text
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
