"""Does the whole pipeline stay linear in its input? Time and peak memory at 1×, 10×, 100× sizes.

Why: notices come from the open web, so one quadratic step (a per-heading scan, a regex that
backtracks) turns a large or hostile file into a hang. Each shape below is run through
`extract_text` (normalise → structure → extract → output models) in a fresh subprocess, so the
peak RSS (`resource.getrusage`) belongs to that one run; the table shows seconds per million
characters, which must stay roughly flat as the size grows 100-fold.

Run: .venv/bin/python benchmarks/bench_scaling.py [--base CHARS] [--factors 1,10,100] [--shapes a,b]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _samples() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def shape_sample(size: int) -> str:
    """The real samples (simplified and traditional) concatenated until `size` characters."""
    return _repeat(_samples() + "\n", size)


def shape_long_line(size: int) -> str:
    """The samples with every line break removed: one line of `size` characters."""
    return _repeat(_samples().replace("\n", ""), size)


def shape_items(size: int) -> str:
    """Numbered task items with closing parenthetical fields, as many as fit in `size`."""
    lines, total, i = ["关于印发2020年优化营商环境工作要点的通知", "一、重点任务"], 0, 0
    while total < size:
        i += 1
        line = (f"{i}.推进第{i}项改革任务，优化审批流程。"
                f"（发展改革局牵头，财政局、各园区管委会参与，2020年{i % 12 + 1}月底前完成）")
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines) + "\n"


def shape_nested(size: int) -> str:
    """Ordinals of every level, nesting as deep as the grammar allows, over and over."""
    unit = ("一、总体要求\n（一）加强领导\n1.建立机制\n（1）明确分工\n①压实责任（办公室牵头，2020年底前完成）\n"
            "第一条 规定\n（一）细化\n1.落实\n（1）检查\n")
    return _repeat(unit, size)


def shape_punctuation(size: int) -> str:
    """Only punctuation and brackets: the characters most patterns anchor on."""
    return _repeat("，。、；：？！（）【】《》〔〕“”……——\n", size)


SHAPES: dict[str, Callable[[int], str]] = {
    "sample": shape_sample, "long_line": shape_long_line, "items": shape_items, "nested": shape_nested,
    "punctuation": shape_punctuation,
}


def run_one(shape: str, size: int) -> dict[str, float]:
    """One measurement in this process (called in a fresh subprocess by `main`)."""
    from policyparse import extract_text

    extract_text("预热")  # grammar loading is start-up, not per-character cost
    text = SHAPES[shape](size)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = extract_text(text)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tasks = sum(len(d.tasks) for d in result.documents)
    return {"chars": len(text), "seconds": seconds, "peak_rss_mb": peak / 1024, "rss_before_mb": before / 1024,
            "tasks": tasks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=50_000, help="1× size in characters (default 50,000)")
    parser.add_argument("--factors", default="1,10,100", help="size multiples (default 1,10,100)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated shapes")
    parser.add_argument("--one", nargs=2, metavar=("SHAPE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return
    print(f"{'shape':<12} {'chars':>11} {'seconds':>8} {'s/M chars':>10} {'peak RSS MB':>12} {'tasks':>7}")
    for shape in args.shapes.split(","):
        for factor in (int(f) for f in args.factors.split(",")):
            out = subprocess.run([sys.executable, __file__, "--one", shape, str(args.base * factor)],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout)
            print(f"{shape:<12} {r['chars']:>11,} {r['seconds']:>8.2f} {r['seconds'] / r['chars'] * 1e6:>10.2f} "
                  f"{r['peak_rss_mb']:>12.0f} {r['tasks']:>7}", flush=True)


if __name__ == "__main__":
    main()
