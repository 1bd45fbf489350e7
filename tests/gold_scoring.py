"""Compare extractions with the hand-checked gold files (format: tests/gold/README.md).

A compact re-statement of the gold comparison: tasks are matched one to one by title likeness
(numbers and sections break ties); fields are scored on matched tasks.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from typing import Any


def norm(value: Any) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).replace("“", '"').replace("”", '"')
    return "".join(text.split())


def likeness(a: str | None, b: str | None) -> float:
    a, b = norm(a) or "", norm(b) or ""
    if not a or not b:
        return 0.0
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("gold", "pred", "matched", "title", "kind", "end", "lead_tp", "lead_p", "lead_g", "resp_tp", "resp_p",
         "resp_g", "meta_ok", "meta_n"), 0))

    def f1(self, role: str) -> float:
        tp, p, g = (self.counts[f"{role}_{k}"] for k in ("tp", "p", "g"))
        precision = tp / p if p else (1.0 if not g else 0.0)
        recall = tp / g if g else 1.0
        return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)

    def scores(self) -> dict[str, float]:
        c = self.counts
        matched = c["matched"] or 1
        precision = c["matched"] / c["pred"] if c["pred"] else 1.0
        recall = c["matched"] / c["gold"] if c["gold"] else 1.0
        return {
            "tasks": 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall),
            "title": c["title"] / matched, "lead": self.f1("lead"), "resp": self.f1("resp"),
            "dl_kind": c["kind"] / matched, "dl_end": c["end"] / matched,
            "meta": c["meta_ok"] / c["meta_n"] if c["meta_n"] else 1.0,
        }


def _flat_tasks(extraction: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for d in extraction["documents"] for t in d["tasks"]]


def _match(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[int, int]]:
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            score = likeness(g["title"], p["title"])
            if score < 0.6 and (norm(p["text"]) or "").startswith((norm(g["title"]) or "")[:12]):
                score = 0.6
            if score < 0.6:
                continue
            if g.get("number") is not None and str(g["number"]) == str(p.get("number")):
                score += 0.3
            candidates.append((score, gi, pi))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in sorted(candidates, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def score(gold: dict[str, Any], extraction: dict[str, Any], tally: Tally) -> None:
    gold_tasks, pred = gold["tasks"], _flat_tasks(extraction)
    pairs = _match(gold_tasks, pred)
    c = tally.counts
    c["gold"] += len(gold_tasks)
    c["matched"] += len(pairs)
    c["pred"] += len(pred) if gold.get("precision", True) else len(pairs)
    for gi, pi in pairs:
        g, p = gold_tasks[gi], pred[pi]
        c["title"] += norm(g["title"]) == norm(p["title"])
        c["kind"] += (g.get("deadline_kind") or "none") == p["deadline"]["kind"]
        c["end"] += g.get("deadline_end") == p["deadline"]["end"]
        for role, key in (("lead", "lead_units"), ("resp", "responsible_units")):
            rest = [norm(u) for u in p[key]]
            for unit in g.get(key) or []:
                if norm(unit) in rest:
                    rest.remove(norm(unit))
                    c[f"{role}_tp"] += 1
            c[f"{role}_p"] += len(p[key])
            c[f"{role}_g"] += len(g.get(key) or [])
    meta = extraction["documents"][0]["meta"] if extraction["documents"] else {}
    for key, value in gold["meta"].items():
        c["meta_n"] += 1
        c["meta_ok"] += norm(value) == norm(meta.get(key))
