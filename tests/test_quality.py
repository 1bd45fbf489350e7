"""House rules that CI enforces: ruff-clean sources and a README whose commands are the real ones."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.skipif(shutil.which("ruff") is None and not (ROOT / ".venv/bin/ruff").exists(), reason="ruff missing")
def test_ruff_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```")[1].split("\n", 1)[1]  # drop the language tag line
    commands = [line.strip() for line in block.splitlines() if line.strip()]
    assert len(commands) == 2, "exactly two set-up commands at the top of the README"
    assert commands[1] in (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "policyparse extract samples/" in commands[0]


def test_readme_json_example_is_true() -> None:
    """The README's abridged extraction must agree with what the sample really gives."""
    import re

    from policyparse import extract_file

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("## What comes out", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    data = extract_file(ROOT / "samples/lanzhou-2020-workpoints.txt").model_dump(mode="json")
    meta, task = data["documents"][0]["meta"], data["documents"][0]["tasks"][0]
    for value in (meta["title"], meta["doc_number"], meta["issuer"], meta["date"], task["title"],
                  task["deadline"]["end"], *data["source"]["repairs"], data["source"]["grammar"]):
        assert f'"{value}"' in example, value
    assert f'"span": [{task["span"][0]}, {task["span"][1]}]' in example
    assert re.search(r'"section_id": "s2\.1"', example)
