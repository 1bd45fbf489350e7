"""Throughput of the clean and convert stages (M chars/s) on the samples repeated to ~5 MB.

Run: .venv/bin/python benchmarks/bench_clean.py [target_chars]
Prints one line per stage and sample set; the pipeline budget is ≥ 10 M chars/s overall on
simplified text, so each of these stages must be well above that.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from policyparse.clean import repair, tidy
from policyparse.convert import to_simplified

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SIMPLIFIED = ["lanzhou-2020-workpoints", "ganyu-quarterly-plan", "jiayuguan-siyou-flattened-docx",
              "lanzhou-95-measures-news"]
TRADITIONAL = ["xixian-2017-plan-traditional"]


def corpus(names: list[str], target: int) -> str:
    text = "\n".join((SAMPLES / f"{n}.txt").read_text(encoding="utf-8") for n in names)
    return text * max(1, target // len(text))


def rate(step: Callable[[str], object], text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        step(text)
        best = min(best, time.perf_counter() - start)
    return len(text) / best / 1e6


def main() -> None:
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    start = time.perf_counter()
    repair("预热")
    to_simplified("預熱")
    tidy("预热")
    print(f"first call (grammar load + tables): {time.perf_counter() - start:.3f} s")
    for label, names in (("simplified", SIMPLIFIED), ("traditional", TRADITIONAL)):
        text = corpus(names, target)
        repaired = repair(text)[0]
        converted = to_simplified(repaired)[0]
        r, c, t = rate(repair, text), rate(to_simplified, repaired), rate(tidy, converted)
        total = len(text) / (len(text) / r / 1e6 + len(text) / c / 1e6 + len(text) / t / 1e6) / 1e6
        print(f"{label:12s} {len(text):>10,d} chars  repair {r:6.1f}  convert {c:6.1f}  tidy {t:6.1f}"
              f"  all three {total:6.1f} M chars/s")
    flat = (SAMPLES / "jiayuguan-siyou-flattened-docx.txt").read_text(encoding="utf-8").split("\n")[19]
    line = (flat + " ") * (target // len(flat))
    print(f"one {len(line):,d}-char line: repair {rate(repair, line):.1f}"
          f"  tidy {rate(tidy, line):.1f} M chars/s")


if __name__ == "__main__":
    main()
