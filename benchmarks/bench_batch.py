"""Benchmark `policyparse batch` on a generated corpus: notices/s, M chars/s, pool overhead, resume.

    python benchmarks/bench_batch.py --count 10000 --workers 2

Builds the corpus (varied copies of the samples, in sub-folders) in a temporary folder, runs the
installed `policyparse batch` as analysts would, then again to time a resume where everything is
skipped. The ideal time is the in-process per-notice cost × count / workers; the gap to it is the
batch overhead (process pool, IPC, writing, manifest, tasks.csv).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import machine, notices, write_corpus


def per_notice_seconds(count: int = 200) -> float:
    """In-process extract + to_json + write cost of one sample-sized notice (no pool)."""
    from policyparse import pipeline
    from policyparse.output import to_json

    texts = [text for _, text in notices(count)]
    pipeline.extract_string(texts[0])  # rules compile on first use: once per worker, not per notice
    start = time.perf_counter()
    for text in texts:
        to_json(pipeline.extract_string(text))
    return (time.perf_counter() - start) / count


def _spin(_: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(20_000_000):
        total += i
    return time.perf_counter() - start


def effective_cores(workers: int) -> float:
    """How much parallel CPU the machine gives right now: N busy loops vs one (shared VMs give less)."""
    from concurrent.futures import ProcessPoolExecutor

    alone = _spin(0)
    with ProcessPoolExecutor(workers) as pool:
        start = time.perf_counter()
        list(pool.map(_spin, range(workers)))
        together = time.perf_counter() - start
    return workers * alone / together


def run_batch(args: list[str]) -> float:
    exe = shutil.which("policyparse") or str(Path(sys.executable).parent / "policyparse")
    start = time.perf_counter()
    result = subprocess.run([exe, "batch", "--progress", "none", *args], capture_output=True, text=True)
    took = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"batch failed ({result.returncode}): {result.stderr}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--zip", action="store_true", help="also time the same corpus as one .zip archive")
    parser.add_argument("--keep", type=Path, default=None, help="build the corpus here and keep it")
    args = parser.parse_args()
    print(f"Machine: {machine()}\n")
    work = args.keep or Path(tempfile.mkdtemp(prefix="policyparse-bench-"))
    corpus = work / "corpus"
    start = time.perf_counter()
    files, chars = write_corpus(corpus, args.count)
    print(f"Corpus: {files} notices, {chars / 1e6:.1f} M chars (built in {time.perf_counter() - start:.1f} s)\n")
    cores = effective_cores(args.workers)
    print(f"Effective parallelism now: {cores:.2f} of {args.workers} cores (CPU-bound loops in parallel)\n")
    single = per_notice_seconds()
    ideal = single * files / args.workers
    print("| run | seconds | notices/s | M chars/s |")
    print("|---|---:|---:|---:|")
    print(f"| in-process, 1 core, extract+to_json (per notice {single * 1e3:.1f} ms) | {single * files:.1f} | "
          f"{1 / single:.0f} | {chars / (single * files) / 1e6:.2f} |")
    print(f"| ideal for {args.workers} workers (no overhead) | {ideal:.1f} | {files / ideal:.0f} | "
          f"{chars / ideal / 1e6:.2f} |")
    out = work / "out"
    took = run_batch([str(corpus), "-o", str(out), "-w", str(args.workers)])
    print(f"| `policyparse batch` folder → JSON tree, -w {args.workers} | {took:.1f} | {files / took:.0f} | "
          f"{chars / took / 1e6:.2f} |")
    took_resume = run_batch([str(corpus), "-o", str(out), "-w", str(args.workers)])
    print(f"| same command again (resume: all skipped, tasks.csv rebuilt) | {took_resume:.1f} | "
          f"{files / took_resume:.0f} | - |")
    took_jsonl = run_batch([str(corpus), "-o", str(work / "out-jsonl"), "-w", str(args.workers), "--format", "jsonl"])
    print(f"| `--format jsonl` | {took_jsonl:.1f} | {files / took_jsonl:.0f} | {chars / took_jsonl / 1e6:.2f} |")
    if args.zip:
        archive = work / "corpus.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(corpus.rglob("*.txt")):
                bundle.write(path, path.relative_to(corpus).as_posix())
        took_zip = run_batch([str(archive), "-o", str(work / "out-zip"), "-w", str(args.workers)])
        print(f"| one .zip archive → JSON tree | {took_zip:.1f} | {files / took_zip:.0f} | "
              f"{chars / took_zip / 1e6:.2f} |")
    real_ideal = single * files / cores
    print(f"\nBatch overhead over the ideal: {(took / ideal - 1) * 100:+.0f}%; over the ideal at the measured "
          f"effective parallelism ({real_ideal:.1f} s): {(took / real_ideal - 1) * 100:+.0f}%")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
