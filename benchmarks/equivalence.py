"""Refactoring safety net: the same inputs must give the same bytes before and after a change.

Why: speed work rewrites how rules run, never what they find. This writes the JSON of a generated
corpus (the samples varied, scaled, line-broken, flattened, indented, converted to traditional,
sliced, shuffled, with characters deleted, concatenated; each also with `explain`; plus the format
fixtures) from one checkout, and compares a later checkout against it:

    python benchmarks/equivalence.py ref /tmp/ref      # on the revision before the change
    python benchmarks/equivalence.py check /tmp/ref    # after it: "0 differ", exit code 0

Everything is deterministic (seeded by the sample names), so both runs see the same inputs.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import ROOT, samples, scaled, vary

FIXTURES = ROOT / "tests" / "fixtures"


def _traditional() -> Callable[[str], str] | None:
    try:
        import opencc

        return opencc.OpenCC("s2t").convert
    except Exception:  # no converter with an s2t config: those cases are left out
        return None


def _perturbed(name: str, text: str) -> Iterator[tuple[str, str]]:
    """The shapes downloads take: broken and joined lines, indentation, slices, shuffles, losses."""
    rnd = random.Random(name)
    broken = "".join(c + ("\n" if rnd.random() < 0.03 else "") for c in text)
    yield "breaks", broken
    yield "flat", text.replace("\n", "")
    yield "flatspace", text.replace("\n", " ")
    yield "crlf", text.replace("\n", "\r\n")
    yield "indent", "\n".join("\u3000\u3000" + line for line in text.split("\n"))
    for k in range(8):
        start = rnd.randrange(len(text))
        yield f"slice{k}", text[start:start + rnd.randrange(50, 4000)]
    lines = text.split("\n")
    for k in range(3):
        rnd.shuffle(lines)
        yield f"shuffle{k}", "\n".join(lines)
    for k in range(3):
        yield f"del{k}", "".join(c for c in text if rnd.random() > 0.02)


def inputs() -> Iterator[tuple[str, str]]:
    """(key, text) of every generated case."""
    docs = samples(None)
    to_traditional = _traditional()
    for name, text in docs:
        for i in range(6):
            yield f"{name}/vary{i}", vary(text, i)
        yield f"{name}/scaled3", scaled(text, 3)
        for label, variant in _perturbed(name, text):
            yield f"{name}/{label}", variant
        if to_traditional is not None:
            yield f"{name}/s2t", to_traditional(text)
    for i, (first, text1) in enumerate(docs):
        for second, text2 in docs[i + 1:]:
            yield f"cat/{first}+{second}", text1 + "\n" + text2


def cases() -> Iterator[tuple[str, Callable[[], str]]]:
    from policyparse import pipeline
    from policyparse.output import to_json

    for key, text in inputs():
        yield key, lambda text=text: to_json(pipeline.extract_string(text))
        yield key + "#explain", lambda text=text: to_json(pipeline.extract_string(text, explain=True))
    for path in sorted(FIXTURES.glob("*")):
        if path.is_file() and path.suffix != ".py":
            shown = str(path.relative_to(ROOT))
            yield shown, lambda path=path, shown=shown: to_json(pipeline.extract_file(path, display_path=shown))


def _output(produce: Callable[[], str]) -> str:
    try:
        return produce()
    except Exception as exc:  # an input the loaders refuse is a result too: it must stay refused
        return f"ERROR {type(exc).__name__}: {exc}"


def run(mode: str, folder: Path, shown: int = 15) -> int:
    """Write (mode "ref") or compare (mode "check"); return the number of cases that differ."""
    folder.mkdir(parents=True, exist_ok=True)
    differ = total = 0
    for key, produce in cases():
        total += 1
        got = key + "\n" + _output(produce)
        target = folder / (hashlib.md5(key.encode()).hexdigest() + ".json")
        if mode == "ref":
            target.write_text(got, encoding="utf-8")
            continue
        want = target.read_text(encoding="utf-8") if target.exists() else ""
        if want != got:
            differ += 1
            if differ <= shown:
                diff = difflib.unified_diff(want.splitlines(), got.splitlines(), lineterm="", n=1)
                print(f"DIFF {key}:\n" + "\n".join(list(diff)[:30]))
    print(f"{mode}: {total} cases" + ("" if mode == "ref" else f", {differ} differ"))
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["ref", "check"])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    sys.exit(1 if run(args.mode, args.folder) else 0)


if __name__ == "__main__":
    main()
