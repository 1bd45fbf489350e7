"""The CLI as a user meets it: JSON on stdout, one-line errors, exit codes, outputs kept safe."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import SAMPLES

SAMPLE = SAMPLES / "lanzhou-2020-workpoints.txt"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policyparse", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def schema() -> dict:
    result = run("schema")
    assert result.returncode == 0
    return json.loads(result.stdout)


def test_extract_prints_json_that_validates(schema: dict) -> None:
    result = run("extract", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, schema)
    assert data["documents"][0]["meta"]["doc_number"] == "新政办发〔2020〕23号"
    assert result.stderr == ""


def test_every_sample_validates_against_the_schema(schema: dict) -> None:
    for path in sorted(SAMPLES.glob("*.txt")):
        result = run("extract", str(path))
        assert result.returncode == 0, result.stderr
        jsonschema.validate(json.loads(result.stdout), schema)


def test_output_folder_csv_and_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("extract", str(SAMPLE), str(SAMPLES / "xixian-2017-plan-traditional.txt"), "-o", str(out)).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["lanzhou-2020-workpoints.json", "xixian-2017-plan-traditional.json"]
    assert run("extract", str(SAMPLE), "-o", str(out), "--format", "csv").returncode == 0
    raw = (out / "tasks.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("file,document,number,section,title")
    assert len(lines) == 1 + 51
    result = run("extract", str(SAMPLE), "--format", "jsonl")
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"", "file is empty"),
        ("garbage.txt", bytes(range(256)) * 64, "binary"),
        ("notice.xyz", "通知".encode(), "unknown file type"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "convert it to .docx"),
    ],
)
def test_bad_input_gives_one_line_and_exit_1(tmp_path: Path, name: str, content: bytes | None, reason: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run("extract", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] or name in lines[0]
    assert reason in lines[0]


def test_directory_is_an_input_error(tmp_path: Path) -> None:
    result = run("extract", str(tmp_path))
    assert result.returncode == 1
    assert "is a directory" in result.stderr


def test_good_inputs_are_still_written_when_one_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("extract", str(tmp_path / "nope.txt"), str(SAMPLE), "-o", str(out))
    assert result.returncode == 1
    assert (out / "lanzhou-2020-workpoints.json").exists()


def test_output_never_overwrites_an_input(tmp_path: Path) -> None:
    notice = tmp_path / "notice.json.txt"
    notice.write_bytes(SAMPLE.read_bytes())
    victim = tmp_path / "notice.json"
    victim.write_text("precious", encoding="utf-8")
    result = run("extract", str(victim), str(notice), "-o", str(tmp_path))
    assert victim.read_text(encoding="utf-8") == "precious"
    assert result.returncode == 1


def test_usage_errors_exit_2() -> None:
    assert run("extract", "--format", "xml", str(SAMPLE)).returncode == 2
    assert run("no-such-command").returncode == 2


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("policyparse ")
    helptext = run("extract", "--help").stdout
    assert "Example: policyparse extract" in helptext


def test_explain_names_the_rules() -> None:
    data = json.loads(run("extract", str(SAMPLE), "--explain").stdout)
    rules = data["documents"][0]["tasks"][0]["rules"]
    assert rules["lead_units"] == "fields.yaml::lead-label"
    assert rules["task"] == "headings.yaml::arabic-dot"


def test_explain_shows_rules_and_lines() -> None:
    result = run("explain", str(SAMPLES / "xixian-2017-plan-traditional.txt"), "--task", "t18")
    assert result.returncode == 0, result.stderr
    assert "fields.yaml::lead-by-function" in result.stdout
    assert "deadlines.yaml::month-part" in result.stdout and "lines 75–75" in result.stdout
    missing = run("explain", str(SAMPLE), "--task", "t999")
    assert missing.returncode == 1 and "no task t999" in missing.stderr


def test_csv_on_stdout_has_a_bom_and_one_row_per_task() -> None:
    result = subprocess.run([sys.executable, "-m", "policyparse", "extract", str(SAMPLE), "--format", "csv"],
                            capture_output=True, timeout=120)
    assert result.returncode == 0
    assert result.stdout.startswith(b"\xef\xbb\xbf")
    assert len(result.stdout.decode("utf-8-sig").splitlines()) == 52


def test_owned_processes_collect_garbage_less_often() -> None:
    """The CLI and batch workers raise the young-generation threshold; library callers keep theirs."""
    import gc

    from policyparse import pipeline
    from policyparse.batch.worker import init_worker
    from policyparse.process import GC_YOUNG_THRESHOLD, collect_garbage_less_often

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, *before[1:])
        pipeline.extract_string("一、总则\n1. 某任务。（牵头单位：市发改委）")
        assert gc.get_threshold()[0] == 700  # the library leaves the caller's settings alone
        collect_garbage_less_often()
        assert gc.get_threshold()[0] == GC_YOUNG_THRESHOLD
        gc.set_threshold(700, *before[1:])
        init_worker("/tmp", "json", (), ignore_sigint=False)
        assert gc.get_threshold()[0] == GC_YOUNG_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
