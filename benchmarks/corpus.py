"""Build benchmark corpora by repeating and varying the sample notices.

Variation keeps the pipeline honest (no two documents are identical, so nothing can be served
from a cache) while keeping the shapes of real notices: digits, years and month numbers are
shifted per copy, and each copy names a different county. Run directly to write a corpus:

    python benchmarks/corpus.py OUT_DIR --count 10000
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
COUNTIES = ["城关区", "七里河区", "西固区", "安宁区", "红古区", "永登县", "皋兰县", "榆中县", "嘉峪关市", "赣榆区",
            "西咸新区", "临夏县", "天水市", "武威市", "张掖市", "酒泉市"]
_YEAR = re.compile(r"20(1\d|2\d)年")
_DAY = re.compile(r"(\d{1,2})日")


def samples(traditional: bool | None = None) -> list[tuple[str, str]]:
    """(name, text) of the sample notices; traditional=True/False filters on the file name."""
    found = []
    for path in sorted(SAMPLES.glob("*.txt")):
        is_traditional = "traditional" in path.name
        if traditional is None or traditional == is_traditional:
            found.append((path.stem, path.read_text(encoding="utf-8")))
    return found


def vary(text: str, index: int) -> str:
    """A distinct but same-shaped copy: shifted years and days, a county name in front."""
    shift = index % 7

    def year(match: re.Match[str]) -> str:
        return f"20{min(int(match.group(1)) + shift % 3, 29):02d}年"

    def day(match: re.Match[str]) -> str:
        return f"{(int(match.group(1)) + shift - 1) % 28 + 1}日"

    text = _DAY.sub(day, _YEAR.sub(year, text))
    return f"{COUNTIES[index % len(COUNTIES)]}（第{index}号）\n{text}"


def scaled(text: str, factor: int) -> str:
    """One document `factor` times as long: the body after the first heading repeated and varied."""
    if factor <= 1:
        return text
    cut = text.find("\n一、")
    head, body = (text[:cut], text[cut:]) if cut > 0 else ("", text)
    return head + "".join(vary(body, i) for i in range(factor))


def notices(count: int, traditional: bool | None = None) -> Iterator[tuple[str, str]]:
    """`count` varied sample-sized notices as (relative path, text), spread over sub-folders."""
    base = samples(traditional)
    for i in range(count):
        name, text = base[i % len(base)]
        yield f"{i // 1000:03d}/{i % 1000 // 100:02d}/{name}-{i:06d}.txt", vary(text, i)


def write_corpus(out: Path, count: int, traditional: bool | None = None) -> tuple[int, int]:
    """Write the corpus under out; return (files, characters)."""
    chars = 0
    files = 0
    for rel, text in notices(count, traditional):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        chars += len(text)
        files += 1
    return files, chars


def machine() -> str:
    """One line about the machine the numbers come from."""
    import os
    import platform

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    try:
        from importlib.metadata import version

        opencc = version("opencc")
    except Exception:
        opencc = "not installed"
    return (f"{cpu}, {cores} cores usable, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, OpenCC {opencc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    files, chars = write_corpus(args.out, args.count)
    print(f"{files} notices, {chars / 1e6:.1f} M chars in {args.out}")


if __name__ == "__main__":
    main()
