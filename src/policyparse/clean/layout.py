"""After conversion: one layout for every notice, whatever site or file it came from.

`tidy` runs on simplified text. It gives digits, letters and punctuation one width, strips
indentation (keeping what carries table layout), splits a .docx flattened onto one line, drops
site chrome (boilerplate rules), joins lines broken mid-sentence and runs the grammar's tidy
substitutions (lost 〔〕 in document numbers …). Each step is linear in the text.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from itertools import accumulate, repeat

from ..numerals import chinese_number
from .rules import CJK, CleanRules, Counts, _rules, _run_subs

MAX_BOILERPLATE_LINE = 300
# a half-width mark beside CJK (after CJK or ）”, before CJK or （“) becomes full-width
_PUNCT_MARKS = (("(", "（"), (")", "）"), (",", "，"), (";", "；"), (":", "："), ("?", "？"), ("!", "！"))
_HALF_MARKS = "".join(half for half, _ in _PUNCT_MARKS)
_BRACKET_MARKS = "()"  # their full forms are the only ones that make a neighbour CJK-adjacent
_FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_FULLWIDTH_TO_ASCII = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
                       for c in range(r[0], r[1] + 1)}
_ODD_SPACE_CHARS = "\u3000\u00a0\u2002\u2003\u2009\u200a\u202f"
_BLANK_RUNS = re.compile(r"\n\n\n+")  # = \n{3,}, but literal-led: the engine scans for it at memchr speed
_OPENERS, _CLOSERS = "（(“《〔【[", "）)”》〕】]"
# a run of 2+ spaces with something on both sides on its line: maybe a space-aligned table row
_INNER_SPACES = re.compile(r"  (?<=[^ \n]  ) *[^ \n]")


# Patterns with a CJK class cost ~1.5 ms each to compile (re fills its charset table code point by
# code point): those only some texts need are compiled on first need, not at import.

@cache
def _punct_apart(index: int) -> re.Pattern[str]:
    """A literal-led pattern for one mark where it stays half-width (none found: every one changes)."""
    half = re.escape(_PUNCT_MARKS[index][0])
    return re.compile(rf"{half}(?<![{CJK}）”]{half})(?![{CJK}（“])")


@cache
def _split_space() -> re.Pattern[str]:
    """Spaces between paragraphs of a flattened document; space-led, a fast scan. A paragraph may end in
    a square bracket (四川's closing `〔X牵头，…〕`, a `【…】` note) as well as a round one."""
    return re.compile(rf" (?<=[{CJK}。；：！？）)〕】”》…] )(?=[{CJK}（(“《]|\d{{1,2}}[.．、])")


def tidy(text: str) -> tuple[str, Counts, list[str]]:
    """Normalise layout after conversion; return (text, repairs, dropped boilerplate lines)."""
    repairs: Counts = Counter()
    rules = _rules()
    text = normalise_widths(text, repairs)
    lines = _stripped_lines(text)
    if "|" in text and rules.pipe_row is not None:
        lines = pipe_rows_to_tabs(lines, rules, repairs)
    lines = split_flattened(lines, repairs, rules)
    lines, dropped = drop_boilerplate(lines, rules)
    if dropped:
        repairs["boilerplate_lines"] += len(dropped)
    lines = join_broken_lines(lines, repairs, rules)
    text = _tidy_subs(lines, rules, repairs)
    text = split_runin(text, rules, repairs)
    text = _BLANK_RUNS.sub("\n\n", text)  # its literal-led scan is faster than `in` on "\n\n\n"
    text = text.strip("\n")
    return text, repairs, dropped


def _stripped_lines(text: str) -> list[str]:
    """`_strip_lines` of the text's lines; without tabs or inner space runs, every line is just stripped."""
    if "\t" in text or _INNER_SPACES.search(text) is not None:
        return _strip_lines(text.split("\n"))
    lines = text.split("\n")
    if " " not in text:  # a memchr scan; `in` on " \n" would be a slower substring search
        return lines
    return list(map(str.strip, lines, repeat(" ")))  # a line without end spaces comes back as is


def _strip_lines(lines: list[str]) -> list[str]:
    """Indentation goes, except where it carries table layout.

    A table row's tabs stay (an empty first or last cell is information). A line with a run of
    2+ inner spaces may be a row of a space-aligned table: it keeps its leading spaces, and so do
    the indented lines right after it, which continue a wrapped cell in the column they start at.
    """
    out: list[str] = []
    in_table = False
    for line in lines:
        if line.count("\t") >= 2 or "\t" in line.strip(" \t"):
            out.append(line.strip(" "))
            continue
        stripped = line.strip(" \t")
        if "  " in stripped or (in_table and stripped and line[:1] in " \t"):
            out.append(line.rstrip(" \t"))
            in_table = True
            continue
        in_table = False
        out.append(stripped)
    return out


def _tidy_subs(lines: list[str], rules: CleanRules, repairs: Counts) -> str:
    """Text-level substitutions, except inside table rows (a space there separates cell items)."""
    text = "\n".join(lines)
    if "\t" not in text:
        return _run_subs(text, "tidy", rules, repairs)
    out: list[str] = []
    prose: list[str] = []
    for line in lines:
        if "\t" in line:
            if prose:
                out.append(_run_subs("\n".join(prose), "tidy", rules, repairs))
                prose = []
            out.append(line)
        else:
            prose.append(line)
    if prose:
        out.append(_run_subs("\n".join(prose), "tidy", rules, repairs))
    return "\n".join(out)


def normalise_widths(text: str, repairs: Counts) -> str:
    """One spelling for grammars: ASCII digits/letters, full-width punctuation beside CJK, no odd spaces."""
    if _FULLWIDTH_ALNUM.search(text) is not None:
        text, n = _FULLWIDTH_ALNUM.subn(lambda m: m.group(0).translate(_FULLWIDTH_TO_ASCII), text)
        repairs["fullwidth_alnum"] += n
    for space in _ODD_SPACE_CHARS:
        if space in text:
            text = text.replace(space, " ")
    return _punctuation_widths(text, repairs)


def _punctuation_widths(text: str, repairs: Counts) -> str:
    """Half-width marks beside CJK become full-width, until nothing changes.

    Only a new （ or ） can make a neighbour CJK-adjacent. The other marks run after the brackets
    and so have seen every bracket of their pass: a further pass starts with the brackets alone,
    and the others follow only if a bracket changed. A mark absent from the text is not scanned for.
    """
    present = [index for index, (half, _) in enumerate(_PUNCT_MARKS) if half in text]
    brackets = [index for index in present if _PUNCT_MARKS[index][0] in _BRACKET_MARKS]
    others = [index for index in present if index not in brackets]
    text, changed = _widen_each(text, brackets)
    text, count = _widen_each(text, others)
    count += changed
    while changed:
        text, changed = _widen_each(text, brackets)
        if changed:
            text, widened = _widen_each(text, others)
            count += changed + widened
    if count:
        repairs["punctuation_width"] += count
    return text


def _widen_each(text: str, indexes: list[int]) -> tuple[str, int]:
    total = 0
    for index in indexes:
        if _PUNCT_MARKS[index][0] in text:
            text, n = _widen(text, index)
            total += n
    return text, total


def _widen(text: str, index: int) -> tuple[str, int]:
    """One mark's pass: every occurrence beside CJK changes, the few apart from it stay.

    A C-speed replace of them all, then the apart ones (found by a literal-led scan of the text as
    it was) put back: the same as a subn of the near ones, without a replacement per match.
    """
    half, full = _PUNCT_MARKS[index]
    pattern = _punct_apart(index)
    first = pattern.search(text)
    if first is None:
        return text.replace(half, full), text.count(half)
    apart = [match.start() for match in pattern.finditer(text, first.start())]
    return _put_back(text.replace(half, full), apart, half), text.count(half) - len(apart)


def _put_back(text: str, positions: list[int], char: str) -> str:
    """`text` with the character at each position replaced by `char` (one-for-one, so positions hold)."""
    pieces: list[str] = []
    done = 0
    for position in positions:
        pieces += [text[done:position], char]
        done = position + 1
    pieces.append(text[done:])
    return "".join(pieces)


def split_flattened(lines: list[str], repairs: Counts, rules: CleanRules,
                    min_length: int | None = None, min_markers: int | None = None) -> list[str]:
    """A .docx flattened onto one line: split at spaces between paragraphs, not inside brackets."""
    settings = rules.settings
    if min_length is None and min_markers is None and lines:
        min_length, min_markers = _flat_thresholds(lines, settings)
    min_length = int(settings.get("split_min_length", 2000)) if min_length is None else min_length
    min_markers = int(settings.get("split_min_markers", 10)) if min_markers is None else min_markers
    window = int(settings.get("split_bracket_window", 200))
    if not lines or max(map(len, lines)) < min_length:
        return list(lines)
    out: list[str] = []
    for line in lines:
        if len(line) < min_length or len(rules.split_marker.findall(line)) < min_markers:
            out.append(line)
            continue
        pieces = _split_line(line, window)
        repairs["paragraphs_split"] += len(pieces) - 1
        out.extend(pieces)
    return out


def _flat_thresholds(lines: list[str], settings: dict[str, object]) -> tuple[int | None, int | None]:
    """A short notice flattened whole (one line holding nearly all its text) is split with the lower
    thresholds `split_flat_*`; any other text keeps the long-line ones (None: the defaults)."""
    longest = max(map(len, lines))
    share = float(str(settings.get("split_flat_share", 0.8)))
    least = int(str(settings.get("split_flat_min_length", 100)))
    if longest < least or longest < share * sum(map(len, lines)):
        return None, None
    return least, int(str(settings.get("split_flat_min_markers", 3)))


def pipe_rows_to_tabs(lines: list[str], rules: CleanRules, repairs: Counts) -> list[str]:
    """| 序号 | 任务 | 牵头单位 | rows → tab-separated rows, which the table reader knows; the
    |---|---| rule under the header goes."""
    row, separator = rules.pipe_row, rules.pipe_separator
    assert row is not None
    out: list[str] = []
    for line in lines:
        bare = line.strip()
        if "|" not in bare:
            out.append(line)
        elif separator is not None and separator.fullmatch(bare):
            repairs["pipe_rows"] += 1
        elif row.fullmatch(bare):
            cells = bare.split("|")
            if bare.startswith("|"):
                cells = cells[1:]
            while cells and not cells[-1].strip():  # a closing pipe, or trailing empty cells (|| at the end)
                cells.pop()
            out.append("\t".join(cell.strip() for cell in cells))
            repairs["pipe_rows"] += 1
        else:
            out.append(line)
    return out


def split_runin(text: str, rules: CleanRules, repairs: Counts) -> str:
    """Sub-items run into one line (`1.标题。（1）…。（2）…`) go back onto lines of their own.

    Scraped pages and some converters keep a parent item and its numbered sub-items on one line; the
    structure stage reads ordinals at line starts, so it would see one item carrying every
    sub-item's fields. Cuts only where a family's ordinals run on in order (see `_runin_cuts`).
    """
    cuts: list[int] = []
    for marker, requires in rules.runin_markers:
        if requires is None or requires.search(text) is not None:
            cuts += _marker_cuts(text, marker)
    if not cuts:
        return text
    cuts = sorted(set(cuts))
    repairs["runin_items_split"] += len(cuts)
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return "\n".join(pieces)


def _marker_cuts(text: str, marker: re.Pattern[str]) -> list[int]:
    """Where one marker's run-in ordinals cut their lines, line by line."""
    cuts: list[int] = []
    line_start, found = -1, []
    for hit in marker.finditer(text):
        start = text.rfind("\n", 0, hit.start()) + 1
        if start != line_start:
            cuts += _runin_cuts(text, line_start, found, marker)
            line_start, found = start, []
        found.append(hit)
    return cuts + _runin_cuts(text, line_start, found, marker)


def _runin_cuts(text: str, line_start: int, hits: list[re.Match[str]], marker: re.Pattern[str]) -> list[int]:
    """Where to cut one line: before each marker whose family numbers on from 1, or from the
    family's ordinal at the line start, in order; nothing unless two or more ordinals run on."""
    if not hits or "\t" in text[line_start:hits[0].start()]:
        return []
    lead = marker.match("。" + text[line_start:hits[0].start()], 1)  # the line's own ordinal, if one
    expected: dict[str, int] = {}
    if lead is not None:
        family, number = _runin_ordinal(lead)
        expected[family] = number + 1
    cuts: dict[str, list[int]] = {}
    for hit in hits:
        family, number = _runin_ordinal(hit)
        if number == expected.get(family, 1):
            expected[family] = number + 1
            cuts.setdefault(family, []).append(hit.start())
    lead_family = None if lead is None else _runin_ordinal(lead)[0]
    return sorted(cut for family, found in cuts.items()
                  if len(found) + (family == lead_family) >= 2 for cut in found)


def _runin_ordinal(hit: re.Match[str]) -> tuple[str, int]:
    """(family, number) of a marker match: the family is the name of the group holding the number."""
    family = hit.lastgroup or ""
    number = hit.group(family) if family else ""
    return family, chinese_number(number) or 0


def _open_depth(segment: str) -> int:
    return sum(segment.count(o) - segment.count(c) for o, c in zip(_OPENERS, _CLOSERS, strict=True))


def _split_line(line: str, window: int) -> list[str]:
    """Cut at each split space unless an opener before it, both within `window` and since the
    last cut, is still unclosed (`_open_depth` of those stretches).

    The stretches between split spaces come from one C-level split, their bracket balances from
    C-level counts; only where an opener since the last cut is open is the window looked at.
    """
    segments = _split_space().split(line)
    balances = list(accumulate(_balances(segments, line)))  # balance of line[:cut k] = balances[k]
    pieces: list[str] = []
    current = [segments[0]]
    start = start_balance = 0
    cut = len(segments[0])
    for segment, balance in zip(segments[1:], balances, strict=False):
        if balance - start_balance > 0 and _open_depth(line[max(start, cut - window):cut]) > 0:
            current.append(segment)  # the space stays inside the piece
        else:
            pieces.append(" ".join(current))
            current = [segment]
            start, start_balance = cut + 1, balance
        cut += 1 + len(segment)
    pieces.append(" ".join(current))
    return [p for p in pieces if p]


def _balances(segments: list[str], line: str) -> list[int]:
    """Openers minus closers in each segment, counted per bracket the line holds."""
    totals = [0] * len(segments)
    for chars, sign in ((_OPENERS, operator.add), (_CLOSERS, operator.sub)):
        for char in chars:
            if char in line:
                totals = list(map(sign, totals, map(str.count, segments, repeat(char))))
    return totals


def drop_boilerplate(lines: list[str], rules: CleanRules) -> tuple[list[str], list[str]]:
    """Site chrome and download-site blurb: whole short lines only, never content.

    Only the lines `rules.boilerplate_lines` finds in the joined text are tried.
    """
    found = rules.boilerplate_lines.lines("\n".join(lines))
    if found is None:
        drop = [i for i, line in enumerate(lines) if _is_boilerplate(line, rules, True)]
    else:
        candidates, worded = found
        drop = [i for i in candidates if _is_boilerplate(lines[i], rules, i in worded)]
    if drop and rules.related_heading is not None:
        drop = _with_related_items(lines, drop, rules)
    if drop and rules.page_label is not None:
        drop = _with_running_headers(lines, drop, rules)
    kept: list[str] = []
    dropped: list[str] = []
    begin = 0
    for index in drop:
        kept += lines[begin:index]
        dropped.append(lines[index])
        begin = index + 1
    kept += lines[begin:]
    return kept, dropped


_RELATED_REACH = 40  # lines a related list's items may run over below its heading


def _with_related_items(lines: list[str], drop: list[int], rules: CleanRules) -> list[int]:
    """A related list's heading (相关文件, 【法宝联想】 …) takes the item lines below it along: they are
    links to other documents, whose periods and numbers would read as tasks and deadlines. The
    items end at the first line that is none (the next notice's headline, a heading); blank lines
    between them stay. A heading right below a 序号 cell or an ordinal heading (`not_after`) is a
    table's cell or the body's sub-heading (政策解读 under 一、加强政策解读): it stays, with its lines."""
    heading, item, not_after = rules.related_heading, rules.related_item, rules.related_not_after
    assert heading is not None and item is not None
    extra: set[int] = set()
    kept: set[int] = set()
    for index in drop:
        if index in extra or not heading.fullmatch(lines[index]):
            continue
        above = next((line for line in reversed(lines[max(0, index - 3):index]) if line), "")
        if not_after is not None and not_after.fullmatch(above):
            kept.add(index)
            continue
        for below in range(index + 1, min(index + 1 + _RELATED_REACH, len(lines))):
            line = lines[below]
            if line and not item.fullmatch(line) and not heading.fullmatch(line):
                break
            if line:
                extra.add(below)
    if kept:
        drop = [index for index in drop if index not in kept]
    return sorted(extra.union(drop)) if extra else drop


_HEADER_MIN_CHARS = 6  # a running header repeats a title; a shorter repeated line may be anything
_HEADER_MARKS = frozenset("。；;！？：:")  # a sentence or a field (牵头单位：X) is no running header
_MASTHEAD_LINES = 5  # a running header may repeat one of a text's first non-empty lines (its masthead)
_TRAILING_BRACKET = re.compile(r"[（(][^（）()]*[）)]$")  # …行动计划（2022—2025年）: the kind is before it


def _with_running_headers(lines: list[str], drop: list[int], rules: CleanRules) -> list[int]:
    """A printed copy repeats its title (or masthead) at each page's top, next to the page label: the
    nearest non-empty line before or after a dropped page label that repeats an earlier line — one
    of the text's first lines, or a title ending in a document kind — is dropped too, so it starts
    no second notice and runs into no task."""
    page_label = rules.page_label
    assert page_label is not None
    labels = [index for index in drop if page_label.fullmatch(lines[index])]
    if not labels:
        return drop
    dropped = set(drop)
    first_seen: dict[str, int] = {}
    for index, line in enumerate(lines):
        first_seen.setdefault(line, index)
    masthead = set([line for line in lines if line][:_MASTHEAD_LINES])
    extra: set[int] = set()
    for label in labels:
        for step in (-1, 1):
            near = _nearest_kept(lines, label, step, dropped)
            if near is None:
                continue
            line = lines[near]
            if (len(line) >= _HEADER_MIN_CHARS and first_seen[line] < near and not _HEADER_MARKS.intersection(line)
                    and (line in masthead or _TRAILING_BRACKET.sub("", line).endswith(rules.title_kinds))):
                extra.add(near)
    return sorted(extra.union(drop)) if extra else drop


def _nearest_kept(lines: list[str], index: int, step: int, dropped: set[int]) -> int | None:
    """The nearest non-empty line from `index` in direction `step` that is not dropped (within 3 lines)."""
    for near in range(index + step, index + 4 * step, step):
        if not 0 <= near < len(lines):
            return None
        if lines[near] and near not in dropped:
            return near
    return None


def _is_boilerplate(line: str, rules: CleanRules, worded: bool) -> bool:
    """Also as the line will read once tidied, so that tidy is idempotent (a space is a gate word:
    a line holding one is `worded`)."""
    if not line or len(line) > MAX_BOILERPLATE_LINE:
        return False
    if rules.boilerplate_lines.fullmatch(line, worded):
        return True
    if not worded or " " not in line:
        return False
    tidied = _run_subs(line, "tidy", rules, Counter())
    return tidied != line and rules.boilerplate.fullmatch(tidied) is not None


def join_broken_lines(lines: list[str], repairs: Counts, rules: CleanRules) -> list[str]:
    """Join a line broken mid-sentence to the next one, adding nothing; chains, so it is idempotent."""
    min_length = int(rules.settings.get("join_min_length", 40))
    wrap: int | None = None  # the wrap width's threshold, read only once a short line asks for it
    joins: list[int] = []  # i: line i+1 is joined onto the line i ends
    current, current_end = "", -1
    for i in _join_candidates(lines, rules):
        head = current if current_end == i else lines[i]
        if wrap is None and len(head) < min_length:
            wrap = _wrap_length(lines, rules.settings)
            min_length = min(min_length, wrap)
        if _joins(head, lines[i + 1], min_length, rules):
            current, current_end = head + lines[i + 1], i + 1
            joins.append(i)
    if not joins:
        return list(lines)
    repairs["lines_joined"] += len(joins)
    out: list[str] = []
    begin = k = 0
    while k < len(joins):
        first = last = joins[k]
        while k + 1 < len(joins) and joins[k + 1] == last + 1:
            k += 1
            last += 1
        out += lines[begin:first]
        joined = "".join(lines[first:last + 2])
        if any(lines[j][-1:] in _HALF_MARKS or lines[j + 1][:1] in _HALF_MARKS for j in range(first, last + 1)):
            joined = _punctuation_widths(joined, repairs)  # a mark that ended or began a line now has a neighbour
        out.append(joined)
        begin = last + 2
        k += 1
    out += lines[begin:]
    return out


def _wrap_length(lines: list[str], settings: dict[str, object]) -> int:
    """The length a hard-wrapped text's full lines reach (minus the slack), or a large number when
    the line lengths show no wrap width (see artefacts.yaml `join_wrap_*`)."""
    lengths = Counter(map(len, lines))
    for short in [n for n in lengths if n < 16]:
        del lengths[short]
    total = sum(lengths.values())
    if not total:
        return 1 << 30
    width = max(lengths, key=lambda n: (lengths[n - 1] + lengths[n] + lengths[n + 1], n))
    near = lengths[width - 1] + lengths[width] + lengths[width + 1]
    share = float(str(settings.get("join_wrap_share", 0.3)))
    least = max(int(str(settings.get("join_wrap_min_lines", 5))), share * total)
    if near < least:
        return 1 << 30
    return width - 1 - int(str(settings.get("join_wrap_slack", 3)))


def _join_candidates(lines: list[str], rules: CleanRules) -> Iterable[int]:
    """Indexes i where lines i and i+1 may join: every one, unless the grammar's line-end and
    line-start tests are single character classes, when one scan finds the newlines between them."""
    if rules.join_boundary is None:
        return range(len(lines) - 1)
    text = "\n".join(lines)
    found: list[int] = []
    index = done = 0
    for match in rules.join_boundary.finditer(text):
        index += text.count("\n", done, match.start())
        done = match.end()
        found.append(index)
        index += 1
    return found


def _blocked(following: str, rules: CleanRules) -> bool:
    """`join_block.search(following)`, the ^-anchored blockers tried at the start only."""
    if rules.join_block_start is None and rules.join_block_rest is None:
        return rules.join_block.search(following) is not None
    return ((rules.join_block_start is not None and rules.join_block_start.match(following) is not None)
            or (rules.join_block_rest is not None and rules.join_block_rest.search(following) is not None))


def _joins(current: str, following: str, min_length: int, rules: CleanRules) -> bool:
    """Table rows (tab-separated cells) and page breaks are never joined: loaders put them there."""
    if "\t" in current or "\t" in following or "\f" in current or "\f" in following:
        return False
    if "  " in current.strip(" ") or following.startswith(" "):  # rows of a space-aligned table
        return False
    if following.startswith(current):  # a line printed twice (a law database repeats the title): no wrap;
        return False  # startswith, not ==, so that the copy joined to its own next line stays apart too
    if _in_open_bracket(current):  # a field group broken inside its brackets: （A局牵头，⏎B局配合）
        return _joins_in_bracket(current, following, rules) and not _metadata_line(current, rules)
    if rules.join_start.match(following) is None:
        return False
    if rules.join_end.search(current, len(current) - 1) is None:
        # 牵头单位：⏎县财政局, a field label wrapped after its colon
        return (rules.join_label_end.search(current) is not None
                and not _metadata_line(current, rules) and not _blocked(following, rules))
    if _metadata_line(current, rules):
        return False
    if rules.join_continuation is not None and rules.join_continuation.match(following):
        return True
    if _wrapped_recipients(current, following, rules):
        return True
    if rules.join_recipients_head.match(following) and rules.join_title_end.search(current) is not None:
        return False  # a title, then its addressees
    if current[-1] in _WRAP_OPENERS:  # 深化政务服务“ ⏎ 网上办”: an opening quote ends no line, however short
        return not _blocked(following, rules)
    return (not _blocked(following, rules)
            # judged as it will read once tidied (甘政办发2022194号 grows by 〔〕), so tidy is idempotent
            and (len(current) >= min_length or len(_run_subs(current, "tidy", rules, Counter())) >= min_length))


_WRAP_OPENERS = "“《"  # an opening quote or title mark ends no line: the text wraps after it


def _metadata_line(line: str, rules: CleanRules) -> bool:
    """A portal's metadata row (文号：X 发布日期：Y) is never a sentence the next line continues."""
    return rules.join_end_block is not None and rules.join_end_block.search(line) is not None


def _joins_in_bracket(current: str, following: str, rules: CleanRules) -> bool:
    """Inside a bracket the line opened, only an ordinal (or a date line) keeps the next line apart:
    a hard wrap may fall anywhere in a field group, before its date's digits or an inner （."""
    if rules.join_in_bracket_end.search(current, len(current) - 1) is None:
        return False
    if rules.join_in_bracket_start.match(following) is None:
        return False
    block = rules.join_in_bracket_block
    return block is None or block.match(following) is None


def _wrapped_recipients(current: str, following: str, rules: CleanRules) -> bool:
    """An addressee list wrapped at a fixed width (`…，南海新⏎区管委，市政府各部门：`): the addressee
    colon on the short last line would otherwise keep its first part apart."""
    return (rules.join_recipients_tail.match(following) is not None
            and rules.join_recipients_head.match(current) is not None)


def _in_open_bracket(line: str) -> bool:
    """Does the line end inside a bracket it opened (（ ( [ 【 after the last closing bracket)?"""
    close = max(line.rfind("）"), line.rfind(")"), line.rfind("]"), line.rfind("】"))
    tail = line[close + 1:]
    return "（" in tail or "(" in tail or "[" in tail or "【" in tail
