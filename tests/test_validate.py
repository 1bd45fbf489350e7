"""`policyparse validate`: projection, per-field differences, exit codes, --update, --junit, --fields."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from policyparse import cli
from policyparse.validate import (
    ValidateUsageError,
    compare,
    find_pairs,
    parse_fields,
    project,
)

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
NOTICE = "lanzhou-2020-workpoints.txt"


def _run(*args: str) -> Any:
    cli._register_commands()
    return CliRunner().invoke(cli.app, list(args))


def _task(number: str | None, title: str, lead: list[str] | None = None, end: str | None = None,
          kind: str = "none", section: str = "（一）改革") -> dict[str, Any]:
    return {"id": "t", "number": number, "section_id": None, "section_path": ["二、任务", section], "title": title,
            "text": title, "lead_units": lead or [], "responsible_units": [], "span": [0, 1],
            "deadline": {"text": end, "kind": kind, "end": end, "milestones": []}}


def _doc(tasks: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    base = {"title": "工作要点", "kind": "工作要点", "doc_number": None, "issuer": None, "recipients": [],
            "date": "2020-04-29", "source_site": None, "cited_documents": []}
    return {"documents": [{"meta": base | meta, "sections": [{"id": "s1"}], "tasks": tasks, "warnings": []}],
            "source": {"path": "x", "sha256": "a"}}


def _diff(before: dict[str, Any], after: dict[str, Any], groups: str | None = None) -> list[str]:
    return [d.text for d in compare(project(before), project(after), parse_fields(groups))]


# ---------------------------------------------------------------- comparison


def test_equal_extractions_have_no_differences_and_volatile_fields_are_ignored() -> None:
    before = _doc([_task("1", "甲")])
    after = _doc([_task("1", "甲") | {"span": [5, 9], "id": "t9", "rules": {"x": "y"}}])
    after["source"] = {"path": "elsewhere", "sha256": "b"}
    assert _diff(before, after) == []


def test_task_added_and_missing() -> None:
    before = _doc([_task("1", "甲"), _task("3", "丙")])
    after = _doc([_task("1", "甲"), _task("52", "新任务")])
    assert _diff(before, after) == ["− task 3 “丙” (missing)", "+ task 52 “新任务” (added)"]


def test_unit_change_reads_as_added_and_removed_units() -> None:
    before = _doc([_task("12", "推进纳税便利化", ["财政局"])])
    after = _doc([_task("12", "推进纳税便利化", ["税务局"])])
    assert _diff(before, after) == ["task 12 “推进纳税便利化”: lead_units +税务局 −财政局"]


def test_deadline_change() -> None:
    before = _doc([_task("7", "甲", end="2020-06-30", kind="by_date")])
    after = _doc([_task("7", "甲", end="2020-12-31", kind="by_date")])
    assert _diff(before, after) == ["task 7 “甲”: deadline 2020-06-30 → 2020-12-31; text 2020-06-30 → 2020-12-31"]
    gone = _doc([_task("7", "甲")])
    assert _diff(before, gone) == ["task 7 “甲”: deadline by_date 2020-06-30 → none None; text 2020-06-30 → None"]


def test_meta_changes() -> None:
    before = _doc([], recipients=["各部门"])
    after = _doc([], date=None, recipients=["各部门", "各单位"])
    assert _diff(before, after) == ["meta.recipients +各单位", "meta.date: 2020-04-29 → None"]


def test_reworded_title_is_a_title_change_not_a_missing_task() -> None:
    before = _doc([_task("1", "甲"), _task("2", "旧标题"), _task("3", "丙")])
    after = _doc([_task("1", "甲"), _task("2", "新标题"), _task("3", "丙")])
    assert _diff(before, after) == ["task 2: title “旧标题” → “新标题”"]


def test_section_change_and_count() -> None:
    before = _doc([_task("1", "甲")])
    after = _doc([_task("1", "甲", section="（二）其他")])
    after["documents"][0]["sections"].append({"id": "s2"})
    assert _diff(before, after) == ["sections: 1 → 2", "task 1 “甲”: section （一）改革 → （二）其他"]


def test_fields_restrict_the_comparison() -> None:
    before = _doc([_task("1", "甲", ["财政局"], "2020-06-30", "by_date")], date="2020-01-01")
    after = _doc([_task("1", "甲", ["税务局"], "2020-12-31", "by_date"), _task("2", "乙")])
    assert _diff(before, after, "units") == ["task 1 “甲”: lead_units +税务局 −财政局"]
    assert _diff(before, after, "meta") == ["meta.date: 2020-01-01 → 2020-04-29"]
    assert len(_diff(before, after, "deadlines,tasks")) == 2


def test_documents_added() -> None:
    before = _doc([_task("1", "甲")])
    after = _doc([_task("1", "甲")])
    after["documents"].append(after["documents"][0] | {"meta": before["documents"][0]["meta"] | {"title": "附件"}})
    assert _diff(before, after) == ["documents: 1 → 2", "+ document 2 “附件” (added)"]


def test_unknown_field_group_is_a_usage_error() -> None:
    with pytest.raises(ValidateUsageError, match="unknown group"):
        parse_fields("meta,colour")


def test_find_pairs(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a.expected.json").write_text("{}", encoding="utf-8")
    (tmp_path / "b.docx").write_bytes(b"")
    (tmp_path / "README.md").write_text("x", encoding="utf-8")
    assert [p.notice.name for p in find_pairs([tmp_path])] == ["a.txt"]
    assert [p.notice.name for p in find_pairs([tmp_path], include_new=True)] == ["a.txt", "b.docx"]
    with pytest.raises(ValidateUsageError, match="no such file"):
        find_pairs([tmp_path / "missing"])


# ---------------------------------------------------------------- the command


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(SAMPLES / NOTICE, tmp_path / NOTICE)
    return tmp_path


def test_no_expected_files_is_a_usage_error(folder: Path) -> None:
    result = _run("validate", str(folder))
    assert result.exit_code == 2
    assert "expected.json" in result.stderr and "--update" in result.stderr


def test_update_creates_then_validate_passes(folder: Path) -> None:
    created = _run("validate", str(folder), "--update")
    assert created.exit_code == 0, created.output
    expected = folder / "lanzhou-2020-workpoints.expected.json"
    data = json.loads(expected.read_text(encoding="utf-8"))
    assert data["source"]["path"] == NOTICE  # not the temporary folder: expected files are portable
    result = _run("validate", str(folder))
    assert result.exit_code == 0, result.output
    assert "1 of 1 notice(s) match" in result.stdout


def _break(expected: Path) -> None:
    data = json.loads(expected.read_text(encoding="utf-8"))
    document = data["documents"][0]
    document["meta"]["date"] = "2019-01-01"
    document["tasks"][0]["lead_units"] = ["不存在局"]
    del document["tasks"][1]
    expected.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_difference_exits_1_with_readable_diff_and_junit(folder: Path) -> None:
    _run("validate", str(folder), "--update")
    expected = folder / "lanzhou-2020-workpoints.expected.json"
    _break(expected)
    report = folder / "report.xml"
    result = _run("validate", str(folder), "--junit", str(report))
    assert result.exit_code == 1
    assert "meta.date: 2019-01-01 → 2020-04-29" in result.stdout
    assert "lead_units +" in result.stdout and "−不存在局" in result.stdout
    assert "(added)" in result.stdout
    assert "3 differences" in result.stdout
    root = ET.parse(report).getroot()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["policyparse.validate"]
    cases = suites[0].findall("testcase")
    assert len(cases) == 1 and cases[0].get("name", "").endswith(NOTICE)
    failure = cases[0].find("failure")
    assert failure is not None and "meta.date" in (failure.text or "")


def test_fields_option_limits_what_fails(folder: Path) -> None:
    _run("validate", str(folder), "--update")
    _break(folder / "lanzhou-2020-workpoints.expected.json")
    result = _run("validate", str(folder), "--fields", "meta")
    assert result.exit_code == 1
    assert "1 difference" in result.stdout and "lead_units" not in result.stdout
    assert _run("validate", str(folder), "--fields", "sections").exit_code == 0


def test_update_shows_the_diff_and_rewrites_only_changed_files(folder: Path) -> None:
    shutil.copy(SAMPLES / "ganyu-quarterly-plan.txt", folder / "ganyu-quarterly-plan.txt")
    _run("validate", str(folder), "--update")
    broken = folder / "lanzhou-2020-workpoints.expected.json"
    untouched = folder / "ganyu-quarterly-plan.expected.json"
    _break(broken)
    stamp = untouched.stat().st_mtime_ns
    result = _run("validate", str(folder), "--update")
    assert result.exit_code == 0, result.output
    assert "meta.date" in result.stdout and f"wrote {broken}" in result.stdout
    assert f"wrote {untouched}" not in result.stdout and untouched.stat().st_mtime_ns == stamp
    assert _run("validate", str(folder)).exit_code == 0


def test_update_with_fields_is_refused(folder: Path) -> None:
    result = _run("validate", str(folder), "--update", "--fields", "units")
    assert result.exit_code == 2 and "--fields" in result.stderr


def test_unreadable_expected_file_is_a_failure(folder: Path) -> None:
    (folder / "lanzhou-2020-workpoints.expected.json").write_text("{not json", encoding="utf-8")
    result = _run("validate", str(folder))
    assert result.exit_code == 1
    assert "not a readable extraction JSON" in result.stdout


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = _run("validate", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "no such file or folder" in result.stderr


@pytest.mark.parametrize("command", ["extract", "validate"])
def test_bad_user_grammar_is_one_line_and_exit_2(folder: Path, command: str) -> None:
    bad = folder / "bad.yaml"
    bad.write_text("family: fields\nstage: extract\ndescription: d\nrules:\n  - id: a\n    name: A\n"
                   "    pattern: '(oops'\n", encoding="utf-8")
    result = _run(command, str(folder / NOTICE) if command == "extract" else str(folder), "--grammar", str(bad))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(bad) in lines[0] and "line 7" in lines[0] and "pattern does not compile" in lines[0]
    assert result.stdout == ""
