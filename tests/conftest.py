"""Shared fixtures: the repository's samples and the built-in grammars."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def grammars():  # type: ignore[no-untyped-def]
    from policyparse.grammar import load_grammars

    return load_grammars()


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES
