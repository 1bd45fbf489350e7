"""clean.repair and clean.tidy: small strings, the real samples, the grammar corpora, idempotence."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from policyparse import clean
from policyparse.clean import damage, layout, repair, tidy
from policyparse.clean import rules as clean_rules
from policyparse.convert import to_simplified
from policyparse.grammar import load_grammars
from policyparse.regexinfo import literal_gate

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PINYIN_LEFT = re.compile(r"[(（\[【] ?[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[1-5]? ?[)）\]】]")


def _sample(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def _pipeline(name: str) -> tuple[str, Counter[str], Counter[str], list[str]]:
    repaired, before = repair(_sample(name))
    simplified, _, _ = to_simplified(repaired)
    text, after, dropped = tidy(simplified)
    return text, before, after, dropped


# ---- grammar corpora (the files this stage reads) ----------------------------------------------

def _corpus() -> list[tuple[object, object, object, bool]]:
    cases = []
    for grammar in load_grammars().files:
        if grammar.spec.stage != "clean":
            continue
        for rule in grammar.spec.rules:
            cases += [pytest.param(grammar, rule, ex, True, id=f"{grammar.path.name}::{rule.id}::{i}")
                      for i, ex in enumerate(rule.examples)]
            cases += [pytest.param(grammar, rule, text, False, id=f"{grammar.path.name}::{rule.id}::not{i}")
                      for i, text in enumerate(rule.not_matching)]
    return cases


@pytest.mark.parametrize(("grammar", "rule", "item", "positive"), _corpus())
def test_grammar_corpus(grammar, rule, item, positive: bool) -> None:
    check = clean.check_example if positive else clean.check_not_matching
    assert check(grammar, rule, item) is None


def test_corpus_runner_catches_a_wrong_gold() -> None:
    grammar = load_grammars().by_name("artefacts")
    rule = grammar.rule("cjk-space")
    wrong = type(rule.examples[0])(text="昆明 市主城区", expect="昆明 市主城区")
    assert clean.check_example(grammar, rule, wrong) is not None
    assert clean.check_not_matching(grammar, rule, "昆明 市主城区") is not None


# ---- repair -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("各部门\x00\x07通知\u200b", "各部门通知"),
        ("（一）指導思想</strong>", "（一）指導思想"),
        ("第一行<br>第二行", "第一行\n第二行"),
        ("新區(qū)建設(shè)", "新區建設"),
        ("推廣(PPP)模式(試行)", "推廣(PPP)模式(試行)"),
    ],
)
def test_repair_small(text: str, expected: str) -> None:
    assert repair(text)[0] == expected


def test_repair_never_invents_without_guessing(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = clean_rules._rules()
    settings_off = {**rules.settings, "mojibake_guess": False}
    monkeypatch.setattr(damage, "_rules", lambda: type(rules)(**{**rules.__dict__, "settings": settings_off}))
    text, counts = repair(" ?。ㄒ唬┲笇\ue7a9枷?/strong>")
    assert text == " \ufffd（一）指導思\ufffd"
    assert counts["mojibake_unrecovered"] == 2 and not counts["mojibake_guessed"]


def test_xixian_repair_counts() -> None:
    text, counts = repair(_sample("xixian-2017-plan-traditional"))
    assert counts["pinyin_annotations"] == 580
    assert counts["mojibake"] == 4
    assert counts["mojibake_guessed"] == 5 and not counts["mojibake_unrecovered"]
    assert not PINYIN_LEFT.search(text)
    assert "?" not in text and "strong>" not in text
    lines = text.split("\n")
    assert lines[14].strip() == "（一）指導思想"
    assert lines[32].strip() == "（一）促進就業創業降門檻"
    assert "確保“放管服”改革工作有序開展" in lines[112]


@pytest.mark.parametrize("name", ["lanzhou-2020-workpoints", "ganyu-quarterly-plan",
                                  "jiayuguan-siyou-flattened-docx", "lanzhou-95-measures-news"])
def test_clean_samples_need_no_repair(name: str) -> None:
    text, counts = repair(_sample(name))
    assert text == _sample(name).replace("\r\n", "\n")
    assert not counts


@pytest.mark.parametrize(
    ("garbled", "expected"),
    [
        ("（一）指导思想，全面贯彻。".encode().decode("gbk", errors="replace").replace("\ufffd", ""), None),
        ("Í¨Öª", "通知"),
    ],
)
def test_other_mojibake_forms(garbled: str, expected: str | None) -> None:
    fixed, counts = repair(garbled)
    if expected is not None:
        assert fixed == expected
    assert counts["mojibake"] >= 1


# ---- tidy ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第１２条ＡＢ", "第12条AB"),
        ("各部门:\u3000\u3000请认真落实(试行)!", "各部门：  请认真落实（试行）！"),
        ("1,000元 a, b", "1,000元 a, b"),
        ("昆明 市主城区", "昆明市主城区"),
        ("a\n\n\n\nb  ", "a\n\nb"),
        ("甘政办发2022194号", "甘政办发〔2022〕194号"),
        ("国办发（2019）66号", "国办发〔2019〕66号"),
    ],
)
def test_tidy_small(text: str, expected: str) -> None:
    assert tidy(text)[0] == expected


def test_tidy_keeps_government_metadata_lines() -> None:
    lines = ["索引号:000014349/2020-00123", "发文字号:新政办发〔2020〕23号", "发布机构:兰州新区管委会办公室",
             "成文日期:2020年04月29日"]
    text, _, dropped = tidy("\n".join(lines))
    assert not dropped
    assert len(text.split("\n")) == 4


def test_lanzhou_chrome_dropped() -> None:
    text, _, _, dropped = _pipeline("lanzhou-2020-workpoints")
    assert dropped == ["无障碍", "来源： 兰州新区管委会办公室", "时间： 2020/05/13/ 15:25", "字号：[][][]"]
    assert "新政办发〔2020〕23号" in text.split("\n")


def test_lanzhou_news_source_dropped() -> None:
    _, _, after, dropped = _pipeline("lanzhou-95-measures-news")
    assert dropped == ["来源：兰州新区报"]
    assert not after["lines_joined"]


def test_jiayuguan_header_dropped_and_paragraphs_split() -> None:
    text, _, after, dropped = _pipeline("jiayuguan-siyou-flattened-docx")
    assert len(dropped) >= 17
    assert all(len(line) < 2000 for line in text.split("\n"))
    starts = text.split("\n")
    assert starts[0].startswith("市深化“放管服”改革打造")
    heads = ("三、重点任务", "（一）力行审批流程更优", "1.根据机构改革", "23.持续推动政务",
             "四、保障措施")
    for head in heads:
        assert any(line.startswith(head) for line in starts), head
    assert "甘政办发〔2022〕194号" in text
    assert after["doc_number_brackets"] == 7
    assert after["paragraphs_split"] > 100


def test_ganyu_broken_lines_joined_without_inserting() -> None:
    source = _sample("ganyu-quarterly-plan")
    text, _, after, _ = _pipeline("ganyu-quarterly-plan")
    assert after["lines_joined"] == 4
    assert "建立联席会议" in text
    assert "不断充实专班力量，保持优化营商环境" in text
    assert "加强风险管控；三季度" in text
    assert "服务支撑；优化审批服务系统" in text
    assert len(text.split("\n")) == len(source.strip("\n").split("\n")) - 4


def test_xixian_full_pipeline() -> None:
    text, _, after, dropped = _pipeline("xixian-2017-plan-traditional")
    assert text.startswith("各新城，新区管委会各部门")
    assert "陕西省西咸新区开发建设管理委员会" in text
    assert "（一）指导思想" in text.split("\n")
    assert not PINYIN_LEFT.search(text)
    assert not dropped and not after["lines_joined"]


def test_title_and_doc_number_are_not_joined() -> None:
    title = "关于印发兰州新区2020年深化放管服改革优化营商环境工作要点和配套政策措施的通知"
    text, counts, _ = tidy(f"{title}\n新政办发〔2020〕23号\n新区各园区管委会，各部门、各单位：")
    assert text.split("\n")[0] == title and not counts["lines_joined"]


def test_huge_single_line_is_linear() -> None:
    import time

    paragraph = "（一）深化改革，优化营商环境。 1.推进审批服务便民化（市政务服务管理局牵头负责） "
    big = paragraph * (5_000_000 // len(paragraph))
    start = time.perf_counter()
    _, counts, _ = tidy(big)
    assert time.perf_counter() - start < 10
    assert counts["paragraphs_split"] > 100_000


# ---- idempotence --------------------------------------------------------------------------------

PIECES = ["區(qū)", "甘政办发2022194号", "来源: 兰州", "1.", "無障礙", "\u3000（一）", "Í¨"]
CHARS = "各部门新区管委会推进改革建立联席会议一二三（）()、，,;；:：。 \n\u3000?"
ALPHABET = st.sampled_from([*CHARS, *PIECES])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=60).map("".join))
@example("各" * 24 + "甘政办发2022194号（,\n各")  # a mark that ends a joined line meets CJK only after the join
@example("部 部各部 门")  # a space removed unmakes the whole name after an earlier space
@example("（各\n(")  # a mark that begins a joined line meets CJK only after the join
def test_repair_and_tidy_are_idempotent(text: str) -> None:
    once = repair(text)[0]
    assert repair(once)[0] == once
    tidied = tidy(text)[0]
    assert tidy(tidied)[0] == tidied


@pytest.mark.parametrize("name", ["xixian-2017-plan-traditional", "jiayuguan-siyou-flattened-docx",
                                  "ganyu-quarterly-plan", "lanzhou-2020-workpoints"])
def test_samples_are_idempotent(name: str) -> None:
    text, _, _, _ = _pipeline(name)
    assert tidy(text)[0] == text
    assert repair(text)[0] == text


# ---- fast paths: each must decide exactly what the plain form decides ------------------------------

def _reference_strip_pinyin(text: str) -> tuple[str, int, int]:
    """strip_pinyin as first written: match any bracketed syllable, decide in Python."""
    grammars = load_grammars()
    tones = grammars.vocab_map("artefacts", "pinyin_tone_vowels")

    def spell(final: str) -> str:
        return "".join(f"[{re.escape(ch + tones[ch])}]" if ch in tones else re.escape(ch) for ch in final)

    initials = sorted(map(str, grammars.vocab("artefacts", "pinyin_initials")), key=len, reverse=True)
    finals = sorted(map(str, grammars.vocab("artefacts", "pinyin_finals")), key=len, reverse=True)
    syllable = f"(?:{'|'.join(map(re.escape, initials))})?(?:{'|'.join(map(spell, finals))})[1-5]?"
    opener = "[" + "".join(re.escape(str(c)) for c in grammars.vocab("artefacts", "pinyin_open")) + "]"
    closer = "[" + "".join(re.escape(str(c)) for c in grammars.vocab("artefacts", "pinyin_close")) + "]"
    toned = re.compile(f"[{re.escape(''.join(tones.values()))}1-5]")
    neutral = set(map(str, grammars.vocab("artefacts", "pinyin_neutral")))
    cjk = re.compile(f"[{clean.CJK}]")
    dropped = lost = 0

    def annotation(m: re.Match[str]) -> str:
        nonlocal dropped
        if m.start() == 0 or not cjk.match(m.string, m.start() - 1):
            return m.group(0)
        if toned.search(m.group(1)) is None and m.group(1) not in neutral:
            return m.group(0)
        dropped += 1
        return ""

    def orphan(m: re.Match[str]) -> str:
        nonlocal lost
        if not toned.search(m.group(1)):
            return m.group(0)
        lost += 1
        return "\ufffd"

    text = re.sub(f"{opener} ?({syllable}) ?{closer}", annotation, text)
    text = re.sub(rf"\?({syllable})\)", orphan, text)
    return text, dropped, lost


PINYIN_PIECES = ["區", "社會", "(", ")", "（", "）", "[", "]", "【", "】", " ", "?", "qū", "qu1", "huì", "zhe", "de",
                 "zhí", "e", "an", "PPP", "Ma", "ü", "x", "ng", "ián", "1", "9", "a"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PINYIN_PIECES), max_size=14).map("".join))
def test_strip_pinyin_matches_the_per_match_decision(text: str) -> None:
    repairs: Counter[str] = Counter()
    expected, dropped, lost = _reference_strip_pinyin(text)
    assert clean.strip_pinyin(text, repairs) == expected
    assert repairs["pinyin_annotations"] == dropped and repairs["pinyin_orphans"] == lost


def _strip_pinyin_with_whole_class(text: str) -> tuple[str, int]:
    """strip_pinyin's annotation and toneless passes with the patterns that open with any bracket."""
    rules = clean_rules._rules()
    text, dropped = rules.pinyin.subn("", text)
    found = rules.pinyin_toneless.findall(text)
    least = int(rules.settings.get("pinyin_toneless_min", 5))
    distinct = int(rules.settings.get("pinyin_toneless_distinct", 3))
    if len(found) >= least and len(set(found)) >= distinct:
        text, more = rules.pinyin_toneless.subn("", text)
        dropped += more
    return text, dropped


TONELESS_PIECES = ["农", "业", "局", "(", ")", "（", "）", "【", "】", " ", "nóng", "nong", "ye", "yè", "ju", "gong",
                   "an", "shi", "chang", "PPP", "2022"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TONELESS_PIECES), max_size=30).map("".join))
@example("农(nóng)（nong）业(yè)【ye】公(gōng)（gong）安(ān)（an）市(shì)（shi）场(chǎng)（chang）")
@example("农(nong)业(ye)公(gong)安(an)市(shi)场(chang)局(ju)")
@example("农(nóng)（nong）业(yè)（ye）公(gōng)（gong）安(ān)（an）市(shì)（shi）")
def test_pinyin_led_by_one_bracket_removes_what_the_whole_class_removes(text: str) -> None:
    """With one kind of bracket where annotations may start, strip_pinyin runs the patterns led by
    that bracket; dropping toned annotations can put another bracket after an ideograph (字(zì)（zi）),
    so the toneless pass asks the gates again."""
    repairs: Counter[str] = Counter()
    assert "?" not in text
    expected, dropped = _strip_pinyin_with_whole_class(text)
    assert damage.strip_pinyin(text, repairs) == expected
    assert repairs["pinyin_annotations"] == dropped


def test_xixian_pinyin_matches_the_per_match_decision() -> None:
    text = _sample("xixian-2017-plan-traditional")
    repairs: Counter[str] = Counter()
    expected, dropped, _ = _reference_strip_pinyin(text)
    assert clean.strip_pinyin(text, repairs) == expected
    assert repairs["pinyin_annotations"] == dropped == 580


def _grammar_patterns() -> list[re.Pattern[str]]:
    grammars = load_grammars()
    return [g.pattern(r.id) for fam in ("artefacts", "boilerplate") for g, r in grammars.rules(fam) if r.pattern]


GATE_PIECES = ["来源", "：", ":", " ", "字号", "[", "]", "打印", "关闭", "首页", ">", "-", "第", "3", "页", "ICP备",
               "x.docx", "甘政办发", "2022", "194", "号", "(", ")", "国办发", "无障碍", "<br/>", "&nbsp;", "</strong>",
               "?", "昆明", "市", "©", "|", "共"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(GATE_PIECES), max_size=12).map("".join))
def test_gates_admit_every_text_a_rule_matches(text: str) -> None:
    for pattern in _grammar_patterns():
        found = pattern.search(text) is not None
        assert clean.Gate.of(pattern).finds(pattern, text) == found, pattern.pattern
        if found:
            assert clean.Gate(literal_gate(pattern)).admits(text), pattern.pattern


@pytest.mark.parametrize(
    ("pattern", "parts"),
    [(r"(19|20)(?<=发..)(\d\d)号", 2), (r"[\[(（](?<=办[\[(（])\d+", 3), (r"</?b>|/b>", 2), (r"a\d", None), (r"[^a]b", None)],
)
def test_split_gates_find_what_the_pattern_finds(pattern: str, parts: int | None) -> None:
    compiled = re.compile(pattern)
    split = clean.Gate.of(compiled).parts
    assert (None if split is None else len(split)) == parts
    for text in ["甘政办发2022194号", "发2019号", "办(2020", "办（1", "a</b>", "x/b>", "<b>", "a1", "xb", ""]:
        assert clean.Gate.of(compiled).finds(compiled, text) == (compiled.search(text) is not None)


def _repair_looking_everywhere(text: str) -> tuple[str, Counter[str]]:
    """repair() without the one-scan shortcut: every byte-level step looks at the text."""
    rules = clean_rules._rules()
    repairs: Counter[str] = Counter()
    text = damage._NEWLINES.sub("\n", text)
    text, removed = damage._CONTROL.subn("", text)
    if removed:
        repairs["control_chars"] += removed
    text = damage._repair_mojibake(text, repairs, rules, None)
    text = clean_rules._run_subs(text, "repair", rules, repairs)
    return clean.strip_pinyin(text, repairs, rules), repairs


RARE_PIECES = ["a", "中文", "\x85", "\x01", "é", "è", "·", "\r", "\n", "\u200b", "锛堜竴", "锛夋寚瀵", "浏", "Í¨Öª", "±",
               "?", "。ㄒ唬┐龠M"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(RARE_PIECES), max_size=10).map("".join))
def test_rare_character_scan_misses_nothing(text: str) -> None:
    assert repair(text) == _repair_looking_everywhere(text)


# the tidy steps as first written, line by line: the fast forms must agree with them

_PUNCT_NEAR_CJK = tuple(
    (re.compile(rf"{re.escape(half)}(?:(?<=[{clean.CJK}）”]{re.escape(half)})|(?=[{clean.CJK}（“]))"), full)
    for half, full in layout._PUNCT_MARKS
)


def _reference_widths(text: str) -> tuple[str, Counter[str]]:
    repairs: Counter[str] = Counter()
    text, n = layout._FULLWIDTH_ALNUM.subn(lambda m: m.group(0).translate(layout._FULLWIDTH_TO_ASCII), text)
    if n:
        repairs["fullwidth_alnum"] += n
    text = re.sub(f"[{layout._ODD_SPACE_CHARS}]", " ", text)
    changed = True
    while changed:
        changed = False
        for pattern, full in _PUNCT_NEAR_CJK:
            text, n = pattern.subn(full, text)
            if n:
                repairs["punctuation_width"] += n
                changed = True
    return text, repairs


def _reference_split_line(line: str, window: int) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in re.finditer(rf"(?<=[{clean.CJK}。；：！？）)”》…]) (?=[{clean.CJK}（(“《]|\d{{1,2}}[.．、])", line):
        cut = match.start()
        if layout._open_depth(line[max(start, cut - window):cut]) > 0 and layout._open_depth(line[start:cut]) > 0:
            continue
        pieces.append(line[start:cut])
        start = cut + 1
    pieces.append(line[start:])
    return [p for p in pieces if p]


def _reference_drop(lines: list[str]) -> tuple[list[str], list[str]]:
    rules = clean_rules._rules()
    drop = {i for i, line in enumerate(lines)
            if line and len(line) <= clean.MAX_BOILERPLATE_LINE and (
                rules.boilerplate.fullmatch(line)
                or (" " in line and rules.boilerplate.fullmatch(clean_rules._run_subs(line, "tidy", rules, Counter()))))}
    drop -= _reference_related_kept(lines, drop, rules)
    drop |= _reference_related_items(lines, drop, rules)
    drop |= _reference_running_headers(lines, drop, rules)
    return [line for i, line in enumerate(lines) if i not in drop], [lines[i] for i in sorted(drop)]


def _reference_related_kept(lines: list[str], drop: set[int], rules: clean.CleanRules) -> set[int]:
    """Related headings right below a 序号 cell or an ordinal heading (within 3 lines): cells, not lists."""
    heading, not_after = rules.related_heading, rules.related_not_after
    if heading is None or not_after is None:
        return set()
    return {i for i in drop if heading.fullmatch(lines[i])
            and not_after.fullmatch(next((x for x in reversed(lines[max(0, i - 3):i]) if x), ""))}


def _reference_related_items(lines: list[str], drop: set[int], rules: clean.CleanRules) -> set[int]:
    """A related list's heading takes the item lines below it (up to 40 lines; blank lines stay)."""
    heading, item = rules.related_heading, rules.related_item
    extra: set[int] = set()
    for i in sorted(drop):
        if heading is None or item is None or not heading.fullmatch(lines[i]):
            continue
        for j in range(i + 1, min(i + 41, len(lines))):
            if lines[j] and not (item.fullmatch(lines[j]) or heading.fullmatch(lines[j])):
                break
            if lines[j]:
                extra.add(j)
    return extra


def _reference_running_headers(lines: list[str], drop: set[int], rules: clean.CleanRules) -> set[int]:
    """The nearest kept non-empty line (within 3) on either side of a page label that repeats an earlier line."""
    label = rules.page_label
    extra: set[int] = set()
    for i in sorted(drop):
        if label is None or not label.fullmatch(lines[i]):
            continue
        for step in (-1, 1):
            near = next((j for j in range(i + step, i + 4 * step, step)
                         if 0 <= j < len(lines) and lines[j] and j not in drop), None)
            if any(not 0 <= j < len(lines) for j in range(i + step, (near if near is not None else i + 4 * step), step)):
                near = None
            if (near is not None and len(lines[near]) >= 6 and lines[near] in lines[:near]
                    and not any(mark in lines[near] for mark in "。；;！？：:")
                    and (lines[near] in [line for line in lines if line][:5]
                         or re.sub(r"[（(][^（）()]*[）)]$", "", lines[near]).endswith(rules.title_kinds))):
                extra.add(near)
    return extra


def _reference_join(lines: list[str]) -> tuple[list[str], int]:
    rules = clean_rules._rules()
    out: list[str] = []
    joined = 0
    min_length = min(40, _reference_wrap(lines))
    rewiden: set[int] = set()  # joined lines where a half-width mark ended a piece: it has a neighbour now
    for line in lines:
        if out and _reference_joins(out[-1], line, rules, min_length):
            if out[-1][-1:] in layout._HALF_MARKS or line[:1] in layout._HALF_MARKS:
                rewiden.add(len(out) - 1)
            out[-1] += line
            joined += 1
        else:
            out.append(line)
    return [_reference_widths(line)[0] if i in rewiden else line for i, line in enumerate(out)], joined


def _reference_wrap(lines: list[str]) -> int:
    """The wrap width rule written out: the most common length of lines of 16+ characters (±1)."""
    long = [len(line) for line in lines if len(line) >= 16]
    if not long:
        return 1 << 30
    near = {n: sum(1 for m in long if abs(m - n) <= 1) for n in set(long)}
    width = max(near, key=lambda n: (near[n], n))
    return width - 4 if near[width] >= 5 and near[width] >= 0.3 * len(long) else 1 << 30


def _reference_joins(current: str, following: str, rules: clean.CleanRules, min_length: int = 40) -> bool:
    if "\t" in current or "\t" in following or "\f" in current or "\f" in following:
        return False
    if "  " in current.strip(" ") or following.startswith(" "):
        return False
    if following.startswith(current):
        return False
    if re.search(r"(?:文\s{0,4}号|索\s?引\s?号|发布机构|发布日期|发布时间|成文日期|发文日期|主题分类|组配分类)\s*[:：]?", current):
        return False  # a portal's metadata line
    tail = current[max(current.rfind("）"), current.rfind(")"), current.rfind("]"), current.rfind("】")) + 1:]
    if any(opener in tail for opener in "（([【"):  # inside a bracket it opened: only an ordinal keeps lines apart
        return (re.search(r"[\u3400-\u9fff、，；,;\d（(\[【：:“]$", current) is not None
                and re.match(r"[\u3400-\u9fff\d（(“《、，；。）\]】,;]", following) is not None
                and re.match(r"\d{4}年\d{1,2}月\d{1,2}日$|\d{1,3}$|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|"
                             r"\d+[.．、]|第[一二三四五六七八九十百\d]+[章节条部分]|[①-⑳⑴-⒇]", following) is None)
    if re.search(r"(?:牵头单位|责任单位|配合单位|协办单位|参与单位|完成时限|完成时间)\s*[:：]$", current):
        return rules.join_start.match(following) is not None and rules.join_block.search(following) is None
    if rules.join_end.search(current, len(current) - 1) is None or rules.join_start.match(following) is None:
        return False
    if following[:1] in "、，；。）,;":  # no paragraph starts so
        return True
    if (re.fullmatch(r"[^。：:；;！？\t]{1,30}[：:]", following)
            and re.fullmatch(r"(?=[^。：:；;！？]*[，,])(?:各|[^。：:；;！？]*[，,、]各)[^。：:；;！？]*", current)):
        return True  # an addressee list wrapped at a fixed width
    if (re.search(r"(?:通知|意见|方案|要点|办法|规定|细则|计划|决定|通报|报告|批复|函)$", current)
            and re.fullmatch(r"(?=[^。：:；;！？]*[，,])(?:各|[^。：:；;！？]*[，,、]各)[^。：:；;！？]*", following)):
        return False  # a title, then its addressees
    if current[-1] in "“《":  # an opening quote ends no line
        return rules.join_block.search(following) is None
    return (rules.join_block.search(following) is None
            and (len(current) >= min_length
                 or len(clean_rules._run_subs(current, "tidy", rules, Counter())) >= min_length))


TIDY_PIECES = ["各部门", "建立联", "席会议", "（一）", "(", ")", "（", "）", ",", ":", "：", "，", "、", " ", "  ", "\n", "\n",
               "\t", "\u3000", "１２", "来源", "时间", "2020-05-13", "字号", "[]", "无障碍", "第3页", "- 3 -", "x.docx", "ICP备",
               "甘政办发", "2022194号", "1.", "一、", "附件", "责任单位", "。", "“", "”", "a", "…", "\f", "牵头单位：", "首页 >"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TIDY_PIECES), max_size=40).map("".join))
def test_tidy_steps_match_the_line_by_line_forms(text: str) -> None:
    rules = clean_rules._rules()
    repairs: Counter[str] = Counter()
    widened = clean.normalise_widths(text, repairs)
    assert (widened, repairs) == _reference_widths(text)
    lines = layout._stripped_lines(widened)
    assert lines == layout._strip_lines(widened.split("\n"))
    assert clean.drop_boilerplate(lines, rules) == _reference_drop(lines)
    counts: Counter[str] = Counter()
    assert (clean.join_broken_lines(lines, counts, rules), counts["lines_joined"]) == _reference_join(lines)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["改革", "（一）", "（", "）", "(", ")", " ", "1.", "12.", "。", "“", "”", "》", "a"]),
                max_size=60).map("".join), st.integers(min_value=1, max_value=30))
def test_split_line_matches_the_plain_depth_counts(line: str, window: int) -> None:
    assert layout._split_line(line, window) == _reference_split_line(line, window)


@pytest.mark.parametrize("name", ["lanzhou-2020-workpoints", "ganyu-quarterly-plan", "jiayuguan-siyou-flattened-docx",
                                  "lanzhou-95-measures-news", "xixian-2017-plan-traditional"])
def test_tidy_steps_match_on_the_samples(name: str) -> None:
    rules = clean_rules._rules()
    simplified, _, _ = to_simplified(repair(_sample(name))[0])
    widened = clean.normalise_widths(simplified, Counter())
    assert widened == _reference_widths(simplified)[0]
    lines = clean.split_flattened(layout._stripped_lines(widened), Counter(), rules)
    assert clean.drop_boilerplate(lines, rules) == _reference_drop(lines)
    kept = clean.drop_boilerplate(lines, rules)[0]
    assert clean.join_broken_lines(kept, Counter(), rules) == _reference_join(kept)[0]
    long_lines = [line for line in layout._stripped_lines(widened) if len(line) >= 2000]
    for line in long_lines:
        assert layout._split_line(line, 200) == _reference_split_line(line, 200)


@pytest.mark.parametrize("template", [r"〔\1\2〕\3号", r"\g<1>-\g<year>", "plain", r"\n\1", r"\12", r"\g<0>!"])
def test_compiled_templates_expand_like_re(template: str) -> None:
    pattern = re.compile(r"(?P<year>\d\d)(\d)?(x)?(\d)")
    match = pattern.search("ab 2023 cd")
    assert match is not None
    sub = clean.Substitution("t", pattern, template, "t", clean.Gate(None), clean_rules._compile_template(template, pattern))
    try:
        expected = match.expand(template)
    except (re.error, IndexError):
        return
    assert sub.expand(match) == expected


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("1.改革。（1）甲。（A局牵头）（2）乙。", "1.改革。\n（1）甲。（A局牵头）\n（2）乙。"),
        ("（2）甲。（3）乙。（4）丙。", "（2）甲。\n（3）乙。\n（4）丙。"),  # runs on from the line's own ordinal
        ("（一）甲。（二）乙。（1）子。", "（一）甲。\n（二）乙。（1）子。"),  # a lone （1） is not a run
        ("改革。（1）甲。（3）乙。", "改革。（1）甲。（3）乙。"),  # not in order
        ("见第（1）项和（2）项。", "见第（1）项和（2）项。"),  # not after a sentence end
        ("1\t改革。（1）甲。（2）乙。", "1\t改革。（1）甲。（2）乙。"),  # table rows keep their cells
    ],
)
def test_runin_subitems_go_onto_lines_of_their_own(text: str, expect: str) -> None:
    out, repairs, _ = tidy(text)
    assert out == expect
    assert repairs.get("runin_items_split", 0) == expect.count("\n") - text.count("\n")


def test_hard_wrapped_text_joins_at_its_wrap_width() -> None:
    """A PDF copied as text wraps every line at one width (公文: 28 characters): those lines join
    though shorter than join_min_length; a line starting with ， continues the one before."""
    paragraph = "为深入推进放管服改革优化营商环境进一步激发市场主体活力结合本县实际制定本方案各部门要认真贯彻落实确保各项任务按期完成" * 3
    wrapped = "\n".join(paragraph[i:i + 28] for i in range(0, len(paragraph), 28))
    out, repairs, _ = tidy("某县工作方案\n" + wrapped + "\n，并报县政府。\n一、任务")
    assert out == "某县工作方案\n" + paragraph + "，并报县政府。\n一、任务"
    assert repairs["lines_joined"] == wrapped.count("\n") + 1
    short = tidy("某县工作方案\n一段二十个字符左右的短行文本内容在此结束了\n下一段文字")[0]
    assert short.count("\n") == 2  # no wrap width: short lines stay apart


def test_every_substitution_is_led_by_what_the_engine_scans_for() -> None:
    """A substitution runs over every notice: a pattern that starts with a look-behind (or anything
    the engine cannot scan for) is tried at every position, ~50× slower (a 2 ms step on the samples).
    Each must start with a literal or a class (a literal gate is not enough: 年 or a space is in
    every notice)."""
    from policyparse.regexinfo import engine_lead

    slow = [sub.rule_id for subs in clean_rules._rules().subs.values() for sub in subs
            if engine_lead(sub.pattern) is None]
    assert slow == []
    assert engine_lead(re.compile(r"(?<=\d) (?=[年月日])|(?<=[年月]) (?=\d)")) is None  # the shape this catches


def test_a_date_broken_after_its_digits_joins() -> None:
    """2022年10 ⏎ 月底前: whatever the line lengths, a line cannot start with 月底前."""
    from policyparse.pipeline import normalise_text

    text = "1.全面实施清单管理。2022年10\n月底前编制并公布清单。\n2.推进帮办代办。"
    assert "2022年10月底前编制" in normalise_text(text)[0]


def test_a_portal_metadata_line_without_colons_joins_nothing() -> None:
    """索引号 … 发文日期 2023-01-03 ends in a digit but is a metadata row: the next row stays apart."""
    from policyparse.pipeline import normalise_text

    text = "索 引 号 MB1534522/2023-05475 发文日期 2023-01-03\n发布机构 区人民政府办公室 文    号 蔡政办〔2023〕1号\n"
    lines = [line for line in normalise_text(text)[0].splitlines() if line]
    assert len(lines) == 2


def test_a_field_group_wrapped_anywhere_inside_its_bracket_joins() -> None:
    """A hard wrap inside （牵头单位：…） or [牵头单位：…] falls after the label's colon, before an inner
    （粮食局） or before the date's digits: only an ordinal keeps the next line apart there."""
    from policyparse.pipeline import extract_string

    text = ("某县2022年优化营商环境工作要点\n一、提升政务服务效能\n"
            "1.推进证照分离改革。[牵头单位：县发改局\n（粮食局）；责任单位：各镇人民政府]\n"
            "2.推进惠企政策直达。（牵头单位：\n县财政局；责任单位：县税务局）\n"
            "3.推进不动产登记便利化。（县科经局牵头，\n2022年9月底前完成）\n"
            "4.推进工程建设项目审批改革。（县住建局牵头，2022年\n12月底前完成）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [t.lead_units for t in tasks] == [["县发改局（粮食局）"], ["县财政局"], ["县科经局"], ["县住建局"]]
    page_number = extract_string(text.replace("（牵头单位：\n县财政局", "（牵头单位：县财政\n3\n局")).documents[0]
    assert page_number.tasks[1].lead_units != ["县财政3局"]  # a bare page number is not part of the group
    assert [t.deadline.end for t in tasks][2:] == ["2022-09-30", "2022-12-31"]


def test_a_field_label_wrapped_after_its_colon_joins_but_an_addressee_does_not() -> None:
    out = tidy("（一）推进工作。\n牵头单位：\n县财政局\n各区人民政府：\n经研究，现通知如下。")[0]
    assert out == "（一）推进工作。\n牵头单位：县财政局\n各区人民政府：\n经研究，现通知如下。"


def test_a_wrapped_addressee_list_joins_but_not_onto_the_title() -> None:
    """…南海新⏎区管委，市政府各部门、单位： is one addressee line; the title before it stays apart."""
    text = ("威海市人民政府办公室关于印发数字威海建设2023年工作要点的通知\n"
            "各区市人民政府，国家级开发区管委，综保区管委，南海新\n区管委，市政府各部门、单位：\n"
            "《数字威海建设2023年工作要点》已经市政府同意，现印发给你们。")
    lines = tidy(text)[0].split("\n")
    assert lines[1] == "各区市人民政府，国家级开发区管委，综保区管委，南海新区管委，市政府各部门、单位："
    wrapped = tidy("立山区人民政府关于印发某方案的通知\n立山经济开发区，各街道办事处，各有关单\n位：\n正文")[0]
    assert wrapped.split("\n")[:2] == ["立山区人民政府关于印发某方案的通知", "立山经济开发区，各街道办事处，各有关单位："]


def test_an_ordinal_printed_with_the_ideographic_stop_is_an_item() -> None:
    """News reposts print 1. as 1。: read at a line start, the items were lost without a warning."""
    from policyparse.pipeline import extract_string

    text = ("某市2020年重点工作任务分工\n一、主要任务\n1。完成年度目标任务。（市人社局牵头，年内持续推进）\n"
            "2。推进甲项工作。（市发改委负责，2020年底前）\n")
    assert [t.number for t in extract_string(text).documents[0].tasks] == ["1", "2"]


@pytest.mark.parametrize("printed", ["甘政办发〔2022194号", "甘政办发2022〕194号", "甘政办发 〔2022〕 194号",
                                     "甘政办发?2022?194号", "甘政办发〖2022〗194号", "甘政办发 (2022) 194号"])
def test_a_damaged_document_number_is_read(printed: str) -> None:
    """A lost bracket, spaces around the brackets, 〖〗 or a GBK page's ? for 〔〕: still the 发文字号."""
    from policyparse.pipeline import extract_string

    meta = extract_string(f"{printed}\n各市州人民政府：\n现印发给你们。\n").documents[0].meta
    assert (meta.doc_number, meta.title) == ("甘政办发〔2022〕194号", None)


def test_a_spaced_document_number_is_never_the_title() -> None:
    from policyparse.pipeline import extract_string

    meta = extract_string("许政 [2020] 20号\n各县（市、区）人民政府：\n现将任务予以分解。\n").documents[0].meta
    assert (meta.doc_number, meta.title) == ("许政〔2020〕20号", None)
    lost = extract_string("中共赣州市委\n赣市发〔201737\n各县人民政府：\n现印发给你们。\n").documents[0].meta
    assert lost.doc_number == "赣市发〔2017〕37号"


def test_toneless_pinyin_goes_only_from_a_text_annotated_throughout() -> None:
    """农(nong)业(ye) / 局(ju)(ju): a repost annotating every character loses its annotations; a lone
    (e) or (an) after a character, or (PPP) / (2022), stays."""
    annotated = "牵头单位：农(nong)业(ye)农村部；配合单位：公(gong)安(an)部、市(shi)场(chang)监管局(ju)(ju)"
    assert repair(annotated)[0] == "牵头单位：农业农村部；配合单位：公安部、市场监管局"
    kept = "选项(e)和选项(an)，推广政府和社会资本合作(PPP)模式(2022)"
    assert repair(kept)[0] == kept


@pytest.mark.parametrize("chrome", [
    "北大法宝\n【法宝引证码】CLI.12.5678901\n【发布日期】2021.05.12\n【时效性】现行有效\n【效力级别】地方工作文件\n",
    "百度文库\n128人阅读 | 9次下载\n县人民政府办公室关于对2021年重点工作进行责任分解的通知_百度文库\n",
    "今天:\n>> 专题专栏 >> 归档专题 >> 2023市政府重点工作(已归档)\n",
])
def test_law_database_and_document_site_chrome_is_no_metadata(chrome: str) -> None:
    """Record fields of a law database, a document site's header, a portal's empty date widget and a
    bare breadcrumb were read as the title, the issuer or the recipients."""
    from policyparse.pipeline import extract_string

    title = "县人民政府办公室关于对2021年重点工作进行责任分解的通知"
    body = f"{title}\n{title}\n各镇人民政府，县政府各部门：\n现将重点工作责任分解给你们。\n"
    meta = extract_string(chrome + body).documents[0].meta
    assert (meta.title, meta.issuer, meta.recipients) == (title, "县人民政府办公室", ["各镇人民政府", "县政府各部门"])


def test_a_line_ending_in_an_opening_quote_joins_the_next_however_short() -> None:
    """深化政务服务“ ⏎ — 2 — ⏎ 网上办”: a page label between the halves is dropped and the halves meet."""
    from policyparse.pipeline import extract_string

    text = ("数字某市建设2023年工作要点\n一、着力构建数字政府\n1.深化政务服务“\n— 2 —\n网上办”。全面深化提升工程。"
            "（牵头单位：市行政审批服务局）\n2.推进《\n条例》实施。（牵头单位：市司法局）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [t.title for t in tasks] == ["深化政务服务“网上办”", "推进《条例》实施"]


def test_a_short_notice_flattened_whole_is_split_back() -> None:
    """One line holding nearly all of a short notice, with three ordinals or more, is split as a long
    flattened line is; a recipients line after a paragraph gap (`…的通知   各乡镇：`) reads its list."""
    from policyparse.pipeline import extract_string

    text = ("某县2023年优化营商环境工作要点 为进一步优化营商环境，制定本要点。 一、重点任务 1.压缩企业开办时间。"
            "（县市场监管局牵头，2023年6月底前完成） 2.推进一网通办。（县政务服务中心牵头，2023年9月底前完成） "
            "3.推行双随机抽查。（县市场监管局牵头，年底前完成） 二、保障措施 各部门要加强领导。\n")
    doc = extract_string(text).documents[0]
    assert doc.meta.title == "某县2023年优化营商环境工作要点"
    assert [t.deadline.end for t in doc.tasks] == ["2023-06-30", "2023-09-30", "2023-12-31"]
    gap = "关于印发某方案的通知   各乡镇人民政府，县直各部门：\n现将方案印发给你们。\n一、重点任务\n1.推进甲事。（县财政局牵头）\n"
    assert extract_string(gap).documents[0].meta.recipients == ["各乡镇人民政府", "县直各部门"]
