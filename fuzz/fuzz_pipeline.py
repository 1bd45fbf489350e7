"""Fuzz the loaders and the text pipeline for a fixed budget; print what was tried and what failed.

Why: notices come from the open web and from archives of unknown origin, so `load_bytes` must turn
every bad input into an `InputError` and `extract_text` must never raise. Hypothesis generates the
inputs (atheris needs a clang toolchain this project does not assume): random bytes under each
suffix, real samples and fixtures mutated (byte flips, truncations, inserted NULs, spliced ordinals
and field labels), and mutated notice text. Any exception other than `PolicyparseError`, and any
input taking longer than `--slow` seconds, is a failure; failures are collected, not raised, so one
run reports them all.

Usage: python fuzz/fuzz_pipeline.py [--examples N] [--seed S] [--slow SECONDS]
Exit code 1 when something failed (the first few failing inputs are written to fuzz/failures/).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from policyparse import extract_text
from policyparse.errors import PolicyparseError
from policyparse.load import load_bytes

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = [".txt", ".html", ".docx", ".pdf", ".ofd", ".doc", ".zip", ""]
ORDINALS = ["一、", "（一）", "1.", "（1）", "①", "1、", "第一条", "二十一、", "（十）", "10.", "附件", "牵头单位：",
            "责任单位：", "完成时限：", "（发改委牵头，财政局配合，2020年8月底前完成）", "〔2020〕", "\f", "\t", "\x00"]


def _seeds() -> list[tuple[str, bytes]]:
    """Real inputs to mutate: every sample and every format fixture (suffix kept)."""
    files = sorted((ROOT / "samples").glob("*.txt")) + sorted(
        p for p in (ROOT / "tests" / "fixtures").iterdir() if p.suffix in {".txt", ".html", ".docx", ".pdf", ".ofd"})
    return [(p.suffix, p.read_bytes()) for p in files]


SEEDS = _seeds()
TEXTS = [data.decode("utf-8") for suffix, data in SEEDS if suffix == ".txt"]


class Slow(Exception):
    """Raised by the alarm when one input takes longer than the budget per input."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise Slow


@st.composite
def mutated_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed file with a few random mutations; sometimes given another suffix."""
    suffix, data = draw(st.sampled_from(SEEDS))
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "truncate", "nul", "insert", "delete", "dup"]))
        pos = draw(st.integers(0, max(len(buf) - 1, 0)))
        if kind == "flip" and buf:
            buf[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del buf[pos:]
        elif kind == "nul":
            buf[pos:pos] = b"\x00" * draw(st.integers(1, 16))
        elif kind == "insert":
            buf[pos:pos] = draw(st.sampled_from(ORDINALS)).encode("utf-8")
        elif kind == "delete":
            del buf[pos:pos + draw(st.integers(1, 4096))]
        elif kind == "dup":
            buf[pos:pos] = buf[pos:pos + draw(st.integers(1, 4096))]
    if draw(st.integers(0, 9)) == 0:
        suffix = draw(st.sampled_from(SUFFIXES))
    return suffix, bytes(buf)


@st.composite
def random_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """Random bytes, often behind a real magic number so the format's own parser is reached."""
    head = draw(st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"<html>",
                                 b"\xd0\xcf\x11\xe0"]))
    return draw(st.sampled_from(SUFFIXES)), head + draw(st.binary(max_size=4096))


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    """Notice text with ordinals, labels, random Unicode and deletions spliced in."""
    text = draw(st.sampled_from(TEXTS))
    for _ in range(draw(st.integers(1, 10))):
        pos = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["ordinal", "unicode", "delete", "newline"]))
        if kind == "ordinal":
            piece = draw(st.sampled_from(ORDINALS)) * draw(st.integers(1, 50))
        elif kind == "unicode":
            piece = draw(st.text(max_size=40))
        elif kind == "newline":
            piece = "\n" * draw(st.integers(1, 3))
        else:
            text = text[:pos] + text[pos + draw(st.integers(1, 2000)):]
            continue
        text = text[:pos] + piece + text[pos:]
    return text


def run(examples: int, seed_value: int, slow: float) -> int:
    counts: Counter[str] = Counter()
    failures: list[tuple[str, str, bytes]] = []
    out_dir = ROOT / "fuzz" / "failures"

    def check(target: str, suffix: str, data: bytes, call: Any) -> None:
        counts[f"{target} inputs"] += 1
        signal.setitimer(signal.ITIMER_REAL, slow)
        try:
            call()
            counts[f"{target} ok"] += 1
        except PolicyparseError:
            counts[f"{target} clear error"] += 1
        except Slow:
            counts[f"{target} FAILED (slow)"] += 1
            failures.append((f"{target}{suffix}: slower than {slow}s", "", data))
        except Exception as exc:
            counts[f"{target} FAILED"] += 1
            failures.append((f"{target}{suffix}: {type(exc).__name__}: {exc}", traceback.format_exc(), data))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    common = settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                      suppress_health_check=list(HealthCheck))

    @seed(seed_value)
    @common
    @given(st.one_of(mutated_bytes(), random_bytes()))
    def fuzz_load(case: tuple[str, bytes]) -> None:
        suffix, data = case
        check("load_bytes", suffix, data, lambda: load_bytes(data, Path("fuzz" + suffix), "fuzz" + suffix))

    @seed(seed_value)
    @common
    @given(mutated_text())
    def fuzz_text(text: str) -> None:
        check("extract_text", ".txt", text.encode("utf-8", "surrogatepass"), lambda: extract_text(text))

    logging.disable(logging.WARNING)  # pdfminer logs every oddity of a damaged PDF
    signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    fuzz_load()
    fuzz_text()
    elapsed = time.perf_counter() - started
    for key in sorted(counts):
        print(f"{key}: {counts[key]}")
    print(f"elapsed: {elapsed:.1f}s, failures: {len(failures)}")
    seen: set[str] = set()
    for i, (message, trace, data) in enumerate(failures):
        first = message.split(":", 2)[:2]
        if str(first) in seen:
            continue
        seen.add(str(first))
        print(f"--- {message[:300]}\n{trace[-1500:]}")
        out_dir.mkdir(exist_ok=True)
        (out_dir / f"failure-{i}.bin").write_bytes(data)
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="inputs per target (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="hypothesis seed, for a repeatable run")
    parser.add_argument("--slow", type=float, default=10.0, help="seconds one input may take (default 10)")
    args = parser.parse_args()
    sys.exit(run(args.examples, args.seed, args.slow))


if __name__ == "__main__":
    main()
