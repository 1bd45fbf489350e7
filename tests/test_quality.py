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
