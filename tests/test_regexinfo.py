"""regexinfo: every prefilter read off a pattern is a necessary condition for it to match, on the
shipped grammars' own patterns; and without the private parser the pipeline gives the same output."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLES
from policyparse import clean, deadlines, pipeline, regexinfo, structure
from policyparse.clean import rules as clean_rules
from policyparse.grammar import load_grammars
from policyparse.output import to_json


def _deadline_patterns() -> list[re.Pattern[str]]:
    """The deadline shapes as the stage runs them: expanded, one by one and combined."""
    grammars = load_grammars()
    files = [g for g in grammars.files if g.spec.stage == deadlines.STAGE]
    vocab = deadlines._merged_vocab(files)
    shapes = [re.compile(deadlines._expand(rule.pattern, {**vocab, **(rule.model_extra or {})}))
              for g in files for rule in g.spec.rules if rule.pattern]
    eng = deadlines._engine()
    return [*shapes, eng.dates.pattern, eng.year_mention.pattern, *(scanner.pattern for _, _, scanner in eng.markers)]


def _shipped_patterns() -> list[re.Pattern[str]]:
    grammars = load_grammars()
    compiled = [p for g in grammars.files if g.spec.stage != deadlines.STAGE for p in g.compiled.values()]
    vocab = [re.compile(str(v)) for key in ("join_blockers", "join_line_end", "join_next_start")
             for v in grammars.vocab("artefacts", key)]
    return [*compiled, *vocab, structure.attachment_label(grammars), *_deadline_patterns()]


def _example_texts() -> list[str]:
    grammars = load_grammars()
    return sorted({text for g in grammars.files for rule in g.spec.rules
                   for text in [*(e.text for e in rule.examples), *rule.not_matching] if isinstance(text, str)})


PATTERNS = _shipped_patterns()
EXAMPLES = _example_texts()
CHARS = sorted(set("".join(EXAMPLES)) | set(" \n\t\u3000：:（）()〔〕[]【】0123456789一二三四五六七八九十年月日号第"))


def _slices(examples: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    cuts = st.tuples(st.integers(0, 60), st.integers(0, 60))
    return st.tuples(examples, cuts).map(lambda pair: pair[0][min(pair[1]):max(pair[1])])


def _texts(examples: list[str]) -> st.SearchStrategy[str]:
    """Texts of whole examples (each matches its rule), slices of them and loose characters."""
    chosen = st.sampled_from(examples)
    pieces = st.one_of(chosen, _slices(chosen), st.text(st.sampled_from(CHARS), max_size=4))
    return st.lists(pieces, min_size=1, max_size=5).map("".join)


def _admits(strings: frozenset[str] | None, text: str) -> bool:
    return strings is None or any(s in text for s in strings)


@dataclass(frozen=True)
class _Read:
    """Everything regexinfo and the stages read off one pattern."""

    gate: frozenset[str] | None
    options: list[frozenset[str]]
    parts: tuple[re.Pattern[str], ...] | None
    anchored: bool
    first: str | None
    last: str | None
    chars: frozenset[str] | None
    starts: re.Pattern[str] | None
    hint: regexinfo.ScanHint | None
    alternatives: list[tuple[frozenset[str] | None, frozenset[str] | None]] | None
    clean_gate: clean.Gate
    line_gate: structure._LineGate | None


@cache
def _read(pattern: re.Pattern[str]) -> _Read:
    return _Read(regexinfo.literal_gate(pattern), regexinfo.literal_options(pattern) or [],
                 regexinfo.literal_led_parts(pattern, 8), regexinfo.starts_anchored(pattern),
                 regexinfo.first_class([pattern]), regexinfo.last_class([pattern]), regexinfo.first_chars(pattern),
                 regexinfo.starts_pattern(pattern), regexinfo.scan_hint(pattern, 200),
                 regexinfo.alternative_starts(pattern, clean_rules._BROAD_FIRST), clean.Gate.of(pattern), structure._line_gate(pattern))


def _check_gates(pattern: re.Pattern[str], text: str) -> None:
    read = _read(pattern)
    matches = list(pattern.finditer(text))
    if matches:
        assert _admits(read.gate, text)
        for option in read.options:
            assert _admits(option, text), option
    if read.parts is not None:
        starts = [m.start() for part in read.parts if (m := part.search(text))]
        assert min(starts, default=None) == (matches[0].start() if matches else None)
    if read.anchored:
        assert all(m.start() == 0 for m in matches)
    assert read.clean_gate.finds(pattern, text) == bool(matches)
    for m in matches:
        if m.end() > m.start():
            _check_edges(read, text, m)
    line = text.split("\n", 1)[0]
    gate = read.line_gate
    if gate is not None and line and pattern.search(line):  # structure's gate of a line
        assert gate.holds(line) and _admits(None if gate.search is None else frozenset(gate.search), line)
        assert gate.last is None or gate.last.match(line[-1])


def _check_edges(read: _Read, text: str, m: re.Match[str]) -> None:
    """What a non-empty match starts and ends with."""
    start = m.start()
    assert read.first is None or re.match(read.first, text[start])
    assert read.last is None or re.match(read.last, text[m.end() - 1])
    assert read.chars is None or text[start] in read.chars
    assert read.starts is None or read.starts.match(text, start)
    assert read.hint is None or read.hint.chars.search(text, start, start + read.hint.reach + 1)
    assert read.alternatives is None or any(
        (lead is None or re.match(regexinfo.char_class(lead), text[start])) and _admits(gate, text)
        for lead, gate in read.alternatives)


@settings(max_examples=100, deadline=None)
@given(_texts(EXAMPLES))
def test_every_gate_admits_what_its_pattern_matches(text: str) -> None:
    for pattern in PATTERNS:
        _check_gates(pattern, text)


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:30])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_gates_admit_what_their_pattern_matches_near_its_examples(pattern: re.Pattern[str], data: st.DataObject) -> None:
    own = [text for text in EXAMPLES if pattern.search(text)]
    _check_gates(pattern, data.draw(_texts(own or EXAMPLES)))


@pytest.mark.parametrize("text", EXAMPLES)
def test_every_gate_admits_the_grammar_examples(text: str) -> None:
    for pattern in PATTERNS:
        _check_gates(pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab,;x ab"), max_size=30))
def test_gates_of_small_patterns(text: str) -> None:
    for source in [r"a(?=b)|x", r"(?:a|b)+;", r"[^a]b", r"(?>ab|a)x", r"a?b?$", r"\w{1,3}[,;]", r"(?<=a)b",
                   r"(a|b)\1", r"x*", r"(?i)ab", r"^a|^b", r"a{2,3}(?:b|,)"]:
        _check_gates(re.compile(source), text)


def test_the_helpers_read_the_shipped_patterns() -> None:
    """Each helper knows something about some shipped pattern: its checks above are not vacuous."""
    reads = [_read(pattern) for pattern in PATTERNS]
    for name in ("gate", "parts", "first", "last", "chars", "starts", "hint", "alternatives", "line_gate"):
        assert any(getattr(read, name) is not None for read in reads), name
    assert any(read.options for read in reads) and any(read.anchored for read in reads)
    assert any(read.clean_gate.strings for read in reads)


@pytest.mark.parametrize(
    ("pattern", "gate"),
    [
        (r"字(?:号|体)\s*", {"字号", "字体"}),
        (r"</?(?:b|i)>|/(?:b|i)>", {"<b>", "<i>", "/b>", "/i>"}),
        (r"a?b", {"b"}),
        (r"x*", None),
        (r"(?i)abc", None),
        (r"\?(?<= \?)(?= )", {" ?"}),
        (r"[^a]+", None),
    ],
)
def test_literal_gate(pattern: str, gate: set[str] | None) -> None:
    found = regexinfo.literal_gate(re.compile(pattern))
    assert (None if found is None else set(found)) == gate


@pytest.mark.parametrize(
    ("pattern", "parts"),
    [(r"(19|20)(?<=发..)(\d\d)号", 2), (r"[\[(（](?<=办[\[(（])\d+", 3), (r"</?b>|/b>", 2), (r"a\d", None), (r"[^a]b", None),
     (r"[发办](?:20)?\d|号\d", 3), (r"[^a]b|号", None)],
)
def test_literal_led_parts_find_what_the_pattern_finds(pattern: str, parts: int | None) -> None:
    compiled = re.compile(pattern)
    split = regexinfo.literal_led_parts(compiled, 8)
    assert (None if split is None else len(split)) == parts
    for text in ["甘政办发2022194号", "发2019号", "办(2020", "办（1", "a</b>", "x/b>", "<b>", "a1", "xb", ""]:
        _check_gates(compiled, text)


def test_first_and_last_characters() -> None:
    assert regexinfo.first_class([re.compile(r"^(?P<ord>[一二]、)"), re.compile(r"^\s*(?:第|\d)")]) == r"[\d\s一二第]"
    assert regexinfo.first_class([re.compile(r"[^a]b|c|[^\d,]")]) == r"[c]|[^\d,]|[^a]"
    assert regexinfo.first_class([re.compile(r"x?")]) is None  # can match empty text: no gate
    assert regexinfo.first_class([re.compile(r"(?i)a")]) is None
    assert regexinfo.last_class([re.compile(r"[甲乙]+[:：]\s*$")]) == r"[:\s：]"
    assert regexinfo.last_class([re.compile(r"[甲乙]+[:：]")]) is None  # not anchored at the end


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"(?=[ab])(?:a(?P<x>c)?d|b\s*e|x)", "ad acd b e b\u3000e x"),
        (r"(?<![0-9])(?:1[0-2]|0?[1-9])(?![0-9])月", "12月 1月 01月 112月"),
        (r"(?:[0-9]+|半)个?(?:年|月)内", "3年内 半年内 12个月内"),
        (r"a{3,}b|c?d", "aaab aab d cd"),
        (r"(?:x?y?){3}z", "z xz yz xyz xyxyz"),
    ],
)
def test_prefilter_finds_every_match_start(pattern: str, text: str) -> None:
    compiled = re.compile(pattern)
    starts = regexinfo.starts_pattern(compiled)
    assert starts is not None
    for match in compiled.finditer(text):
        assert starts.match(text, match.start()), (pattern, match)


def test_prefilter_gives_up_where_a_match_may_be_empty_or_start_anywhere() -> None:
    assert regexinfo.starts_pattern(re.compile(r"a?")) is None
    assert regexinfo.starts_pattern(re.compile(r".b")) is None
    assert regexinfo.starts_pattern(re.compile(r"[^a]b")) is None


def test_whitespace_class_is_every_space_character() -> None:
    assert regexinfo._whitespace() == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


def test_engine_scans_for_literal_and_class_leads() -> None:
    assert regexinfo.engine_lead(re.compile(r"(?:第)\d")) == "literal"
    assert regexinfo.engine_lead(re.compile(r"[第二]\d")) == "class"
    assert regexinfo.engine_lead(re.compile(r"(a|b)c")) == "class"
    assert regexinfo.engine_lead(re.compile(r"(?:ab|\d)c")) is None
    assert regexinfo.starts_anchored(re.compile(r"^a|^b"))  # the parser takes ^ out of the branches
    assert not regexinfo.starts_anchored(re.compile(r"^a|b"))
    assert regexinfo.starts_anchored(re.compile(r"\Aab"))
    assert not regexinfo.starts_anchored(re.compile(r"(?m)^ab"))


# ---- without the private parser: slower, never different ------------------------------------

SAMPLE_NAMES = ["lanzhou-2020-workpoints", "xixian-2017-plan-traditional"]


def _clear_caches() -> None:
    """Forget everything compiled from the grammars, so it is compiled again with what regexinfo has now."""
    for name, module in list(sys.modules.items()):
        if name.startswith("policyparse"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def _outputs() -> list[str]:
    return [to_json(pipeline.extract_string((SAMPLES / f"{name}.txt").read_text(encoding="utf-8")))
            for name in SAMPLE_NAMES]


class _BrokenParser:
    """A parser that cannot read anything (a future Python's, say)."""

    @staticmethod
    def parse(*_: object) -> object:
        raise re.error("unreadable")


@pytest.fixture
def plain_outputs() -> Iterator[list[str]]:
    _clear_caches()
    yield _outputs()
    _clear_caches()  # whatever the test patched in, later tests compile with the real parser


@pytest.mark.parametrize("parser", [None, _BrokenParser], ids=["missing", "unreadable"])
def test_pipeline_output_is_the_same_without_the_parser(monkeypatch: pytest.MonkeyPatch, plain_outputs: list[str],
                                                        parser: object) -> None:
    monkeypatch.setattr(regexinfo, "_sre_parse", parser)
    _clear_caches()
    assert clean.Gate.of(re.compile("(?:a|b)c")).parts is None  # no prefilters now
    assert regexinfo.prefixes(re.compile("ab")) is None
    assert _outputs() == plain_outputs


def test_a_python_without_the_private_modules_imports_and_runs() -> None:
    script = (  # an `re` package without _parser, _compiler and _constants, as a future Python may have it
        "import re, sys, types\n"
        "proxy = types.ModuleType('re')\n"
        "proxy.__dict__.update({k: v for k, v in vars(re).items() if k not in ('_parser', '_compiler', '_constants')})\n"
        "sys.modules.update({'re': proxy, 're._parser': None, 're._compiler': None, 're._constants': None})\n"
        "from policyparse import pipeline, regexinfo\n"
        "from policyparse.output import to_json\n"
        "assert regexinfo._sre_parse is None\n"
        "print(to_json(pipeline.extract_string(open(sys.argv[1], encoding='utf-8').read())), end='')\n"
    )
    path = SAMPLES / f"{SAMPLE_NAMES[0]}.txt"
    result = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == to_json(pipeline.extract_string(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("strings", [{"牵头", "主责", "个"}, {"a.b", "a", "(x"}, {"序 号", "序号"}])
def test_literal_finder_finds_what_in_finds(strings: set[str]) -> None:
    finder = regexinfo.literal_finder(strings)
    assert finder is not None
    for text in ["", "市发改委牵头", "10个部门", "a.b", "axb", "(x)", "序 号", "序\n号", "主", "x"]:
        assert (finder.search(text) is not None) == any(s in text for s in strings)
    assert regexinfo.literal_finder(()) is None
