"""The installed wheel works from outside the source tree, grammars included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return next(dist.glob("policyparse-*.whl"))


def test_wheel_ships_the_grammars(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("policyparse/grammars/")}
    assert {p.name for p in (ROOT / "grammars").rglob("*.yaml")} <= shipped


def test_wheel_ships_every_module(wheel: Path) -> None:
    """Subpackages (clean/, load/, …) are shipped whole, not just their __init__."""
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src" / "policyparse").rglob("*.py")}
    assert sources <= names, sorted(sources - names)

def test_installed_wheel_extracts_outside_the_tree(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    sample = tmp_path / "notice.txt"
    sample.write_bytes((SAMPLES / "lanzhou-2020-workpoints.txt").read_bytes())
    code = ("import json, policyparse, policyparse.grammar as g;"
            "print(json.dumps({'file': policyparse.__file__, 'grammars': str(g.builtin_grammar_dir()),"
            "'tasks': len(policyparse.extract_file('notice.txt').documents[0].tasks)}))")
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["file"].startswith(str(target))
    assert info["grammars"].startswith(str(target))
    assert info["tasks"] == 51
