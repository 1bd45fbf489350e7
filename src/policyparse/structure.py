"""Stage 4, structure: normalised text → documents, each with metadata and a section tree.

Works on lines. Heading ordinals come from `grammars/headings.yaml` (their order gives nesting),
metadata shapes from `grammars/meta.yaml`, non-task section titles from `grammars/nontasks.yaml`.
The result is plain data (dataclasses) that the extract stage reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .grammar import Grammar, GrammarSet, Rule

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_TERMINAL = "。！？；"
_TRIM = " \t　:：。；;，,、"


@dataclass
class Line:
    """One line of the normalised text, with the offsets of its stripped content."""

    index: int
    start: int
    end: int
    text: str
    raw_start: int = 0  # the whole line as printed, indentation and trailing tabs included
    raw_end: int = 0


@dataclass
class Heading:
    """A line that starts with an ordinal: a section heading or a numbered item."""

    line: int
    ordinal: str
    rule: str
    rank: int
    title: str
    rest: str
    parent: int | None = None  # index into Document.headings
    nontask: bool = False


@dataclass
class MetaInfo:
    title: str | None = None
    kind: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    recipients: list[str] = field(default_factory=list)
    date: str | None = None
    source_site: str | None = None
    cited_documents: list[str] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)


@dataclass
class DocumentPart:
    """One notice within the file: a line range, its headings and its metadata."""

    first: int
    last: int  # exclusive
    headings: list[Heading] = field(default_factory=list)
    meta: MetaInfo = field(default_factory=MetaInfo)


@dataclass
class Structure:
    text: str
    lines: list[Line]
    documents: list[DocumentPart]


# ---------------------------------------------------------------- lines and headings


def split_lines(text: str) -> list[Line]:
    """Lines with offsets of their stripped content (form feeds count as line breaks)."""
    lines: list[Line] = []
    pos = 0
    for index, raw in enumerate(re.split(r"\n|\f", text)):
        stripped = raw.strip(" \t\u3000\xa0\ufeff")
        lead = len(raw) - len(raw.lstrip(" \t\u3000\xa0\ufeff"))
        start = pos + lead
        lines.append(Line(index=index, start=start, end=start + len(stripped), text=stripped, raw_start=pos,
                          raw_end=pos + len(raw)))
        pos += len(raw) + 1
    return lines


@cache
def _heading_rules(grammars: GrammarSet) -> list[tuple[Grammar, Rule, re.Pattern[str], int]]:
    rules = [(g, r, g.pattern(r.id), int(r.extra("level", 9))) for g, r in grammars.rules("headings")]
    return sorted(rules, key=lambda item: item[3])


def heading_title(rest: str) -> str:
    """A heading's title: the text after the ordinal up to the first 。 (trailing punctuation dropped)."""
    cut = rest
    for mark in "。！？":
        pos = cut.find(mark)
        if pos >= 0:
            cut = cut[:pos]
    return cut.strip(_TRIM)


@cache
def _heading_scanner(grammars: GrammarSet) -> tuple[re.Pattern[str], dict[str, tuple[str, int]]]:
    """All heading patterns as one alternation (one regex call per line instead of one per rule)."""
    parts, info = [], {}
    for number, (grammar, rule, pattern, level) in enumerate(_heading_rules(grammars)):
        name = f"h{number}"
        body = pattern.pattern.replace("(?P<ord>", f"(?P<{name}>", 1)
        parts.append(f"(?:{body})")
        info[name] = (grammar.rule_ref(rule), level)
    return re.compile("|".join(parts)), info


def match_heading(text: str, grammars: GrammarSet) -> tuple[str, str, int, str] | None:
    """(ordinal, rule ref, level, rest) when the line starts with a heading ordinal."""
    scanner, info = _heading_scanner(grammars)
    m = scanner.match(text)
    if not m or len(text) <= m.end():
        return None
    name = next(k for k, v in m.groupdict().items() if v is not None)
    rule, level = info[name]
    return m.group(name), rule, level, text[m.end():]


@cache
def attachment_label(grammars: GrammarSet) -> re.Pattern[str]:
    """附件 / 附件1： / 附件一 — the label that opens attachments (meta.yaml vocab)."""
    return re.compile(str(next(iter(grammars.vocab("meta", "attachment_label")), "(?!)")))


@cache
def _nontask_patterns(grammars: GrammarSet) -> list[re.Pattern[str]]:
    return [g.pattern(r.id) for g, r in grammars.rules("nontasks") if r.pattern]


def is_nontask_title(title: str, grammars: GrammarSet) -> bool:
    return any(p.search(title) for p in _nontask_patterns(grammars))


def find_headings(lines: list[Line], first: int, last: int, grammars: GrammarSet) -> list[Heading]:
    """Every ordinal line in [first, last), nested by level with a stack."""
    headings: list[Heading] = []
    stack: list[int] = []
    attachment = attachment_label(grammars)
    in_attachment_list = False
    for line in lines[first:last]:
        found = None if "\t" in line.text else match_heading(line.text, grammars)  # table rows: tables.py
        if attachment.match(line.text):
            in_attachment_list = True
            rest_of_line = attachment.sub("", line.text, count=1)
            found = match_heading(rest_of_line, grammars) if rest_of_line else None
            if not found:
                continue
        elif not found:
            in_attachment_list = in_attachment_list and not line.text
            continue
        ordinal, rule, level, rest = found
        if in_attachment_list and len(rest) <= 80 and "。" not in rest:
            continue  # 附件：1.XX分工表 2.… names attachments; it is not a numbered item
        while stack and headings[stack[-1]].rank >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        title = heading_title(rest)
        heading = Heading(line=line.index, ordinal=ordinal, rule=rule, rank=level, title=title, rest=rest,
                          parent=parent)
        heading.nontask = is_nontask_title(title, grammars) or (
            parent is not None and headings[parent].nontask)
        headings.append(heading)
        stack.append(len(headings) - 1)
    return headings


# ---------------------------------------------------------------- metadata


def _meta_rule(grammars: GrammarSet, rule_id: str) -> tuple[Grammar, Rule, re.Pattern[str]]:
    for grammar, rule in grammars.rules("meta"):
        if rule.id == rule_id:
            return grammar, rule, grammar.pattern(rule.id)
    raise KeyError(rule_id)


@cache
def _kinds(grammars: GrammarSet) -> tuple[str, ...]:
    return tuple(sorted(grammars.vocab("meta", "kinds"), key=len, reverse=True))


@cache
def _status_suffix(grammars: GrammarSet) -> re.Pattern[str]:
    words = "|".join(map(re.escape, grammars.vocab("meta", "title_status"))) or "(?!)"
    return re.compile(rf"[（(](?:{words})[）)]$")


def title_kind(title: str, grammars: GrammarSet) -> str | None:
    """The document kind a title ends with (实施方案, 通知 …), ignoring a status such as （试行）."""
    core = _status_suffix(grammars).sub("", title).strip()
    for kind in _kinds(grammars):
        if core.endswith(kind):
            return kind
    return None


def _limit(grammars: GrammarSet, key: str, default: int) -> int:
    for grammar in grammars.family("meta"):
        if key in grammar.spec.vocab:
            return int(grammar.spec.vocab[key])
    return default


def is_title_line(text: str, grammars: GrammarSet) -> bool:
    """A short line without sentence punctuation that ends with a document kind."""
    if not text or "\t" in text or len(text) > _limit(grammars, "title_max_chars", 90):
        return False
    if any(mark in text for mark in "。；：:") or text.startswith("《") or attachment_label(grammars).match(text):
        return False
    if re.search(r"\.(?:docx?|pdf|wps|txt|html?)$", text, re.I):
        return False
    if match_heading(text, grammars):
        return False
    return title_kind(text, grammars) is not None


def clean_title(title: str) -> str:
    """GB/T 9704: titles carry no punctuation but 书名号/顿号 — drop stray commas and spaces."""
    title = re.sub(r"[，,]", "", title)
    return re.sub(r"(?<=[\u4e00-\u9fff”》）])\s+(?=[\u4e00-\u9fff“《（])", "", title).strip()


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text) and len(text) == 4:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            return None
    return total + current


def parse_date_line(text: str, grammars: GrammarSet) -> str | None:
    """ISO date of a standalone 成文日期 line, or None."""
    _, _, pattern = _meta_rule(grammars, "date-line")
    m = pattern.match(text)
    if not m:
        return None
    year, month, day = (_cn_number(m.group(k)) for k in ("y", "m", "d"))
    if not year or not month or not day or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _split_names(text: str) -> list[str]:
    """Split a recipients list on separators outside brackets: 各县（市、区）人民政府 stays whole."""
    names: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch in "（(〔【[":
            depth += 1
        elif ch in "）)〕】]" and depth:
            depth -= 1
        if depth == 0 and ch in "、，,；;":
            names.append(current.strip())
            current = ""
        else:
            current += ch
    names.append(current.strip())
    return [n for n in names if n]


def _looks_like_issuer(text: str, grammars: GrammarSet) -> bool:
    if not text or len(text) > _limit(grammars, "issuer_max_chars", 40):
        return False
    if re.search(r"[。，,；;：:！？“”《》\d]", text):
        return False
    return bool(re.fullmatch(r"[\u4e00-\u9fff（）()\s]+", text)) and not is_title_line(text, grammars)


def _find_title(lines: list[Line], first: int, head_end: int, grammars: GrammarSet,
                meta: MetaInfo, is_first_doc: bool) -> None:
    wrapper_grammar, wrapper_rule, wrapper = _meta_rule(grammars, "print-wrapper")
    for line in lines[first:head_end]:
        text = _with_open_title_continued(lines, line, head_end)
        m = wrapper.search(text)
        if m and len(text) <= 200 and "。" not in text:
            meta.title = clean_title(m.group("inner") or m.group("bare"))
            meta.rules["title"] = wrapper_grammar.rule_ref(wrapper_rule)
            issuer_grammar, issuer_rule, issuer = _meta_rule(grammars, "issuer-prefix")
            im = issuer.match(text)
            if im and not meta.issuer:
                meta.issuer = im.group("issuer")
                meta.rules["issuer"] = issuer_grammar.rule_ref(issuer_rule)
            return
    for line in lines[first:head_end]:
        if is_title_line(line.text, grammars):
            start = title_start(lines, line, grammars, floor=first)
            meta.title = clean_title("".join(p.text for p in lines[start:line.index + 1]))
            meta.rules["title"] = "meta.yaml::title-line"
            return
    if is_first_doc:
        for line in lines[first:head_end]:
            if not line.text:
                continue
            if len(line.text) <= _limit(grammars, "title_max_chars", 90) and not re.search(
                    r"[。；:：]$|[。；]|\.[A-Za-z]{2,5}$", line.text) and not parse_date_line(line.text, grammars):
                meta.title = line.text
                meta.rules["title"] = "meta.yaml::first-line"
            return


def _with_open_title_continued(lines: list[Line], line: Line, head_end: int) -> str:
    """关于印发《…〈关于打好经济 / 增长主动仗…〉实施方案》的通知: a title broken while 《 is open."""
    text = line.text
    index = line.index + 1
    while text.count("《") > text.count("》") and index < head_end and index <= line.index + 4:
        text += lines[index].text
        index += 1
    return text


def _find_signature(lines: list[Line], first: int, last: int, grammars: GrammarSet, meta: MetaInfo) -> None:
    for line in lines[first:last]:
        iso = parse_date_line(line.text, grammars)
        if not iso:
            continue
        meta.date = iso
        meta.rules["date"] = "meta.yaml::date-line"
        issuers = _signature_lines(lines, first, line.index, grammars)
        if issuers:
            meta.issuer = "、".join(issuers)
            meta.rules["issuer"] = "meta.yaml::signature-line"
        return


def _signature_lines(lines: list[Line], first: int, date_line: int, grammars: GrammarSet) -> list[str]:
    """The issuer line(s) right above a date line; joint notices sign with one issuer per line."""
    found: list[str] = []
    for previous in reversed(lines[first:date_line]):
        if not previous.text:
            continue
        if len(found) >= 4 or not _looks_like_issuer(previous.text, grammars):
            break
        found.append(re.sub(r"\s+", "", previous.text))
    return list(reversed(found))


def _find_numbers(lines: list[Line], first: int, last: int, head_end: int, grammars: GrammarSet,
                  meta: MetaInfo) -> None:
    grammar, rule, pattern = _meta_rule(grammars, "doc-number")
    cited: list[str] = []
    required = re.compile(rule.extra("requires", ""))
    for line in lines[first:last]:
        if required.search(line.text) is None:  # the rule's cheap pre-check (meta.yaml `requires`)
            continue
        for m in pattern.finditer(line.text):
            number = _cut_lead_in(normalise_doc_number(m.group("num")), grammars)
            alone = len(line.text) - len(m.group(0)) <= 4 or _closes_line(line.text, m.start(), m.end())
            if alone and line.index < head_end and meta.doc_number is None:
                meta.doc_number = number
                meta.rules["doc_number"] = grammar.rule_ref(rule)
            elif number not in cited:
                cited.append(number)
    meta.cited_documents = [n for n in cited if n != meta.doc_number]


def _closes_line(text: str, start: int, end: int) -> bool:
    """…的通知（甘政办发〔2022〕194号）: a number bracketed at the end of a head line is the notice's own."""
    return text[:start].rstrip().endswith(("（", "(")) and text[end:].strip() in ("）", ")")


def _cut_lead_in(number: str, grammars: GrammarSet) -> str:
    """落实甘政发〔2022〕57号 → 甘政发〔2022〕57号: running text can run into a cited number."""
    prefix_end = number.find("〔") if "〔" in number else len(number)
    prefix = number[:prefix_end]
    cut = 0
    for word in grammars.vocab("meta", "number_lead_ins"):
        pos = prefix.rfind(str(word))
        if pos >= 0 and prefix_end - (pos + len(word)) >= 2:
            cut = max(cut, pos + len(word))
    return number[cut:]


def normalise_doc_number(number: str) -> str:
    """Brackets of a 发文字号 restored to 〔〕, spaces and 第 dropped."""
    number = re.sub(r"\s+", "", number)
    number = re.sub(r"[\[［【（(]((?:19|20)\d{2})[\]］】）)]", r"〔\1〕", number)
    return re.sub(r"〕第(\d)", r"〕\1", number)


def _find_recipients(lines: list[Line], first: int, head_end: int, grammars: GrammarSet,
                     meta: MetaInfo) -> None:
    grammar, rule, pattern = _meta_rule(grammars, "recipients-line")
    fields = {r.extra("labels", [""])[0] for _, r in grammars.rules("fields")}
    for line in lines[first:head_end]:
        m = pattern.match(line.text)
        if m and not any(line.text.startswith(f) for f in fields if f):
            names = _split_names(m.group("list"))
            if len(names) >= 1 and all(len(n) <= 30 for n in names):
                meta.recipients = names
                meta.rules["recipients"] = grammar.rule_ref(rule)
                return


def _find_source_site(dropped: list[str], grammars: GrammarSet, meta: MetaInfo) -> None:
    grammar, rule, pattern = _meta_rule(grammars, "source-site")
    for text in dropped:
        m = pattern.search(text)
        if m:
            meta.source_site = m.group("site")
            meta.rules["source_site"] = grammar.rule_ref(rule)
            return


def _find_info_table(lines: list[Line], first: int, head_end: int, grammars: GrammarSet,
                     meta: MetaInfo) -> None:
    """政府信息公开 metadata fields (发文字号 / 发布机构 / 成文日期) fill what is still missing."""
    grammar, rule, pattern = _meta_rule(grammars, "info-table-field")
    ref = grammar.rule_ref(rule)
    fills: dict[str, str] = rule.extra("fills", {})
    for line in lines[first:head_end]:
        for m in pattern.finditer(line.text):
            field_name, value = fills.get(m.group("label")), m.group("value").strip()
            if field_name == "doc_number" and not meta.doc_number and "〔" in normalise_doc_number(value):
                meta.doc_number, meta.rules["doc_number"] = normalise_doc_number(value), ref
            elif field_name == "issuer" and not meta.issuer:
                meta.issuer, meta.rules["issuer"] = value, ref
            elif field_name == "date" and not meta.date:
                iso = parse_date_line(_dashed_to_cn(value), grammars)
                if iso:
                    meta.date, meta.rules["date"] = iso, ref


def _dashed_to_cn(value: str) -> str:
    m = re.match(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", value)
    return f"{m.group(1)}年{m.group(2)}月{m.group(3)}日" if m else value


# ---------------------------------------------------------------- documents


def _split_documents(lines: list[Line], grammars: GrammarSet) -> list[DocumentPart]:
    """A new notice starts at a title line once the current one already has headings."""
    parts: list[DocumentPart] = []
    start = 0
    seen_heading = False
    for line in lines:
        if not line.text:
            continue
        if "\t" not in line.text and match_heading(line.text, grammars):
            seen_heading = True
            continue
        if seen_heading and is_title_line(line.text, grammars) and not _is_attachment_title(lines, line):
            title_first = title_start(lines, line, grammars, floor=start + 1)
            parts.append(DocumentPart(first=start, last=title_first))
            start = title_first
            seen_heading = False
    parts.append(DocumentPart(first=start, last=len(lines)))
    return parts


def title_start(lines: list[Line], line: Line, grammars: GrammarSet, floor: int = 0) -> int:
    """A title wrapped over two lines (…承诺制改革 / 实施方案（试行）): where its first line is.

    The line before a title line belongs to it when it is short, has no sentence punctuation and is
    neither a heading, a date nor a title of its own.
    """
    index = line.index - 1
    if index < floor or index < 0:
        return line.index
    previous = lines[index].text
    if (not previous or len(previous) + len(line.text) > _limit(grammars, "title_max_chars", 90)
            or re.search(r"[。；：:，,！？、]", previous) or "\t" in previous
            or match_heading(previous, grammars) or parse_date_line(previous, grammars)
            or title_kind(previous, grammars) or _is_attachment_title(lines, lines[index])
            or attachment_label(grammars).match(previous)):
        return line.index
    return index


def _previous_text_line(lines: list[Line], index: int) -> Line | None:
    """The nearest non-empty line before `index` (walks back; never copies the list)."""
    index -= 1
    while index >= 0:
        if lines[index].text:
            return lines[index]
        index -= 1
    return None


def _is_attachment_title(lines: list[Line], line: Line) -> bool:
    previous = _previous_text_line(lines, line.index)
    return previous is not None and bool(re.match(r"^附件\s*\d*\s*[:：]?\s*$", previous.text))


def _head_end(part: DocumentPart) -> int:
    return part.headings[0].line if part.headings else part.last


def structure(text: str, grammars: GrammarSet, dropped: list[str] | None = None) -> Structure:
    """Find the notices in a text, their metadata and their headings."""
    lines = split_lines(text)
    parts = _split_documents(lines, grammars)
    for number, part in enumerate(parts):
        part.headings = find_headings(lines, part.first, part.last, grammars)
        head_end = _head_end(part)
        meta = part.meta
        _find_title(lines, part.first, head_end, grammars, meta, number == 0)
        _find_signature(lines, part.first, part.last, grammars, meta)
        _find_numbers(lines, part.first, part.last, head_end, grammars, meta)
        _find_recipients(lines, part.first, head_end, grammars, meta)
        _find_info_table(lines, part.first, head_end, grammars, meta)
        if number == 0 and dropped:
            _find_source_site(dropped, grammars, meta)
        if meta.title:
            meta.kind = title_kind(meta.title, grammars)
    return Structure(text=text, lines=lines, documents=parts)


def check_example(grammar: Grammar, rule: Rule, example: object) -> str | None:
    """Run one corpus example of a headings / meta / nontasks rule."""
    from .grammar import Example

    assert isinstance(example, Example)
    pattern = grammar.compiled.get(rule.id)
    if pattern is None:
        return "rule has no pattern"
    expect = str(example.expect)
    if grammar.family == "headings":
        m = pattern.match(example.text)
        got = m.group("ord") if m else None
    elif grammar.family == "nontasks":
        got = "nontask" if pattern.search(example.text) else None
    elif rule.id == "date-line":
        m = pattern.match(example.text)
        got = None
        if m:
            y, mo, d = (_cn_number(m.group(k)) for k in ("y", "m", "d"))
            got = f"{y:04d}-{mo:02d}-{d:02d}" if y and mo and d else None
    else:
        m = pattern.search(example.text)
        got = _first_group(m) if m else None
        if rule.id == "recipients-line" and got:
            got = "|".join(_split_names(got))
        if rule.id == "info-table-field" and m:
            got = f"{m.group('label')}={m.group('value')}"
    return None if got == expect else f"expected {expect!r}, got {got!r}"


def _first_group(m: re.Match[str]) -> str:
    named = [v for v in m.groupdict().values() if v]
    return named[0] if named else m.group(0)


def check_not_matching(grammar: Grammar, rule: Rule, text: str) -> str | None:
    pattern = grammar.compiled.get(rule.id)
    if pattern is None:
        return None
    hit = pattern.match(text) if grammar.family == "headings" or rule.id == "date-line" else pattern.search(text)
    return None if hit is None else f"matched {hit.group(0)!r}"
