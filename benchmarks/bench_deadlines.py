"""Throughput of the deadline normaliser (target: ≥ 50,000 phrases/s on the gold table).

Run: python benchmarks/bench_deadlines.py [--repeat N] [--loops N]. Three sets, each timed cold
(nothing is remembered between calls): `normalise` on the gold phrase table and on every grammar
example and counter-example, and `find_in_text` on every line of the sample notices (the task
bodies it reads are such lines). Prints calls/s of the best of N passes after a warm-up pass (which
also pays the one-off grammar compile, reported separately).
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from policyparse import deadlines
from policyparse.grammar import load_grammars

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "tests" / "data" / "deadline_phrases.tsv"
SAMPLES = ROOT / "samples"
Call = tuple[Callable[..., object], str, int | None, date | None]


def load_phrases() -> list[tuple[str, int]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return [(row["phrase"], int(row["year"])) for row in csv.DictReader(handle, delimiter="\t")]


def table_calls() -> list[Call]:
    return [(deadlines.normalise, phrase, year, None) for phrase, year in load_phrases()]


def example_calls() -> list[Call]:
    calls: list[Call] = []
    for grammar in load_grammars().files:
        if grammar.spec.stage != deadlines.STAGE:
            continue
        for rule in grammar.spec.rules:
            for example in rule.examples:
                calls.append((deadlines.normalise, example.text, *deadlines._example_context(grammar, example.year)))
            for text in rule.not_matching:
                calls.append((deadlines.normalise, text, *deadlines._example_context(grammar, None)))
    return calls


def body_calls() -> list[Call]:
    lines = [line.strip() for path in sorted(SAMPLES.glob("*.txt")) for line in path.read_text("utf-8").splitlines()]
    return [(deadlines.find_in_text, line, 2020, None) for line in lines if len(line) >= 20]


def best_rate(calls: list[Call], repeat: int, loops: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(loops):
            for function, text, year, ref in calls:
                function(text, year, ref)
        best = min(best, time.perf_counter() - started)
    return len(calls) * loops / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="timed passes over each set")
    parser.add_argument("--loops", type=int, default=20, help="set iterations per pass")
    args = parser.parse_args()
    started = time.perf_counter()
    deadlines.normalise("2020年8月底前", 2020)
    compile_ms = (time.perf_counter() - started) * 1000
    print(f"first call (grammar load + compile) {compile_ms:.1f} ms")
    sets = {"gold table": table_calls(), "grammar examples": example_calls(), "sample lines": body_calls()}
    for name, calls in sets.items():
        for function, text, year, ref in calls:  # warm-up
            function(text, year, ref)
        rate = best_rate(calls, args.repeat, args.loops)
        print(f"{name:16s} {len(calls):4d} calls  {rate:10,.0f} calls/s  {1e6 / rate:6.2f} µs/call")


if __name__ == "__main__":
    main()
