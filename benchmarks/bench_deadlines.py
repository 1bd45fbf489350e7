"""Throughput of the deadline normaliser on the gold phrase table (target: ≥ 50,000 phrases/s).

Run: python benchmarks/bench_deadlines.py [--repeat N]. Prints the median phrases/s over N passes
after a warm-up pass (which also pays the one-off grammar compile, reported separately).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from policyparse import deadlines

TABLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "deadline_phrases.tsv"


def load_phrases() -> list[tuple[str, int]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return [(row["phrase"], int(row["year"])) for row in csv.DictReader(handle, delimiter="\t")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="timed passes over the table")
    parser.add_argument("--loops", type=int, default=50, help="table iterations per pass")
    args = parser.parse_args()
    phrases = load_phrases()
    started = time.perf_counter()
    deadlines.normalise("2020年8月底前", 2020)
    compile_ms = (time.perf_counter() - started) * 1000
    rates = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        for _ in range(args.loops):
            for phrase, year in phrases:
                deadlines.normalise(phrase, year)
        rates.append(len(phrases) * args.loops / (time.perf_counter() - started))
    print(f"{len(phrases)} phrases, first call (grammar load + compile) {compile_ms:.1f} ms")
    print(f"median {statistics.median(rates):,.0f} phrases/s (min {min(rates):,.0f}, max {max(rates):,.0f})")


if __name__ == "__main__":
    main()
