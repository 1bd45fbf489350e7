"""The whole pipeline on the project's samples, scored against hand-checked gold (tests/gold/)."""

from __future__ import annotations

import json

import pytest

from conftest import GOLD, SAMPLES
from gold_scoring import Tally, score
from policyparse import extract_file

THRESHOLDS = {"tasks": 0.98, "title": 0.95, "lead": 0.97, "resp": 0.97, "dl_kind": 0.95, "dl_end": 0.95,
              "meta": 0.90}


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[dict, dict]]:
    out = {}
    for gold_path in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        extraction = extract_file(SAMPLES / gold["file"]).model_dump(mode="json")
        out[gold_path.stem] = (gold, extraction)
    return out


def test_gold_covers_every_sample(results: dict) -> None:
    assert {f"{name}.txt" for name in results} == {p.name for p in SAMPLES.glob("*.txt")}


@pytest.mark.parametrize("metric", sorted(THRESHOLDS))
def test_scores_meet_the_acceptance_thresholds(results: dict, metric: str) -> None:
    tally = Tally()
    for gold, extraction in results.values():
        score(gold, extraction, tally)
    assert tally.scores()[metric] >= THRESHOLDS[metric], tally.scores()


def test_scorer_fails_on_a_wrong_answer(results: dict) -> None:
    gold, extraction = results["lanzhou-2020-workpoints"]
    broken = json.loads(json.dumps(extraction))
    broken["documents"][0]["tasks"][0]["deadline"]["end"] = "1999-01-01"
    tally = Tally()
    score(gold, broken, tally)
    assert tally.scores()["dl_end"] < 1.0
