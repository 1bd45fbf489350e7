"""Word (.docx) notices: paragraphs and tables in document order, automatic numbering rebuilt.

python-docx gives a paragraph's text without the number Word draws in front of it ("1." of an
automatic list), and numbered items are what the extract stage looks for, so the numbers are
rebuilt from numbering.xml: a paragraph's numPr (its own or its style's) names a list (numId) and a
level (ilvl); the list's abstractNum gives each level's start, numFmt and lvlText ("（%1）",
"%1.%2"); counters run per abstract list, and a level's counter restarts when a shallower level
advances. Headers, footers and footnotes are not read. Tables become one line per row, cells
separated by tabs, merged cells repeating their value; a one-column table is a layout box and its
paragraphs become ordinary lines.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from . import Loaded

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULLSTOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"


def _chinese(n: int, digits: str = _CN, ten: str = "十") -> str:
    """Chinese counting as Word draws it: 一 … 十, 十一, 二十一, 一百零五, 一百一十."""
    if n <= 0 or n >= 1000:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 100:
        tens = "" if n < 20 else digits[n // 10]
        return tens + ten + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    if rest == 0:
        tail = ""
    elif rest < 10:
        tail = digits[0] + digits[rest]
    else:
        tail = digits[rest // 10] + ten + (digits[rest % 10] if rest % 10 else "")
    return digits[n // 100] + "百" + tail


def _roman(n: int) -> str:
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
              (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in values:
        while n >= value:
            out += letters
            n -= value
    return out


def _letter(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _pick(table: str, n: int) -> str:
    return table[n - 1] if 1 <= n <= len(table) else str(n)


def format_number(n: int, fmt: str) -> str:
    """One counter value in a w:numFmt."""
    formats: dict[str, Any] = {
        "decimal": str, "decimalZero": lambda v: f"{v:02d}", "decimalHalfWidth": str,
        "decimalFullWidth": lambda v: str(v).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        "chineseCounting": _chinese, "chineseCountingThousand": _chinese, "japaneseCounting": _chinese,
        "taiwaneseCounting": _chinese, "taiwaneseCountingThousand": _chinese,
        "chineseLegalSimplified": lambda v: _chinese(v, _CN_LEGAL, "拾"),
        "ideographLegalTraditional": lambda v: _chinese(v, _CN_LEGAL, "拾"),
        "ideographDigital": lambda v: "".join(_CN[int(d)] for d in str(v)),
        "taiwaneseDigital": lambda v: "".join(_CN[int(d)] for d in str(v)),
        "ideographTraditional": lambda v: _pick(_TIANGAN, v), "ideographZodiac": lambda v: _pick(_DIZHI, v),
        "decimalEnclosedCircle": lambda v: _pick(_CIRCLED, v),
        "decimalEnclosedCircleChinese": lambda v: _pick(_CIRCLED, v),
        "ideographEnclosedCircle": lambda v: _pick(_CIRCLED, v),
        "decimalEnclosedParen": lambda v: _pick(_PAREN, v), "decimalEnclosedFullstop": lambda v: _pick(_FULLSTOP, v),
        "upperLetter": _letter, "lowerLetter": lambda v: _letter(v).lower(),
        "upperRoman": _roman, "lowerRoman": lambda v: _roman(v).lower(),
    }
    return str(formats.get(fmt, str)(n))


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None
    legal: bool = False


@dataclass
class Numbering:
    """The lists of numbering.xml and the running counters Word keeps while drawing them."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)
    style_links: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_element(cls, root: Any) -> Numbering:
        numbering = cls()
        links: dict[str, str] = {}  # abstractNum id → the numbering style it takes its levels from
        for abstract in root.iter(f"{_W}abstractNum"):
            link = abstract.find(f"{_W}numStyleLink")
            if link is not None and link.get(f"{_W}val"):
                links[abstract.get(f"{_W}abstractNumId", "")] = link.get(f"{_W}val", "")
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(f"{_W}lvl"):
                level = _Level()
                for child in lvl:
                    value = child.get(f"{_W}val")
                    tag = child.tag.removeprefix(_W)
                    if tag == "numFmt" and value:
                        level.fmt = value
                    elif tag == "lvlText" and value is not None:
                        level.text = value
                    elif tag == "start" and value and value.lstrip("-").isdigit():
                        level.start = int(value)
                    elif tag == "lvlRestart" and value and value.isdigit():
                        level.restart = int(value)
                    elif tag == "isLgl":
                        level.legal = value not in ("0", "false")
                levels[_level_index(lvl.get(f"{_W}ilvl"))] = level
            numbering.abstract[abstract.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iter(f"{_W}num"):
            num_id = num.get(f"{_W}numId", "")
            ref = num.find(f"{_W}abstractNumId")
            numbering.nums[num_id] = ref.get(f"{_W}val", "") if ref is not None else ""
            for override in num.iter(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                if start is not None and (start.get(f"{_W}val") or "").isdigit():
                    ilvl = _level_index(override.get(f"{_W}ilvl"))
                    numbering.overrides.setdefault(num_id, {})[ilvl] = int(start.get(f"{_W}val", "1"))
        numbering.style_links = links
        return numbering

    def resolve_links(self, styles: Any) -> None:
        """A list defined through a numbering style (numStyleLink) has no levels of its own: it
        draws those of the list the style names (w:style/w:pPr/w:numPr/w:numId)."""
        for abstract_id, style_id in self.style_links.items():
            if self.abstract.get(abstract_id):
                continue
            style = styles.find(f"{_W}style[@{_W}styleId='{style_id}']") if styles is not None else None
            num = style.find(f"{_W}pPr/{_W}numPr/{_W}numId") if style is not None else None
            target = self.nums.get(num.get(f"{_W}val", "")) if num is not None else None
            if target and target != abstract_id and self.abstract.get(target):
                self.abstract[abstract_id] = self.abstract[target]

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the list's counter at `ilvl` and return the number Word would draw."""
        abstract_id = self.nums.get(num_id)
        if abstract_id is None or abstract_id not in self.abstract:
            return ""
        levels = self.abstract[abstract_id]
        level = levels.get(ilvl, _Level())
        if level.fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:  # a list instance with startOverride restarts its levels
            self.started.add(num_id)
            for over_level, start in self.overrides.get(num_id, {}).items():
                counters[over_level] = start - 1
                for deeper in [k for k in counters if k > over_level]:
                    del counters[deeper]
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            # w:lvlRestart N (1-based): restart only after level N or a higher one; 0: never
            restart = levels.get(deeper, _Level()).restart
            if restart is None or ilvl < restart:
                del counters[deeper]

        def value(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            shown = levels.get(k, _Level())
            n = counters.get(k, shown.start)
            return format_number(n, "decimal" if level.legal and k != ilvl else shown.fmt)

        return re.sub(r"%([1-9])", value, level.text)


def _styles_element(document: Any) -> Any:
    try:
        return document.styles.element
    except (KeyError, NotImplementedError, AttributeError):
        return None


def _style_numpr(style: Any) -> tuple[str | None, int | None]:
    """numId/ilvl a paragraph style (or the style it is based on) gives its paragraphs."""
    seen = 0
    while style is not None and seen < 10:
        ppr = style.element.find(f"{_W}pPr")
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if numpr is not None:
            num = numpr.find(f"{_W}numId")
            lvl = numpr.find(f"{_W}ilvl")
            return (num.get(f"{_W}val") if num is not None else None,
                    _level_index(lvl.get(f"{_W}val")) if lvl is not None else None)
        style = style.base_style
        seen += 1
    return None, None


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIPPED = {f"{_W}del", f"{_W}delText", f"{_W}instrText", f"{_W}txbxContent", f"{_MC}Fallback",
            f"{_W}rPr", f"{_W}pPr", f"{_W}footnoteReference", f"{_W}commentReference"}
_BREAKS = {f"{_W}br", f"{_W}cr"}


def paragraph_text(p: Any) -> str:
    """A paragraph's text in reading order, wherever Word wrapped its runs: content controls, smart
    tags (a 成文日期 as chsdate), simple fields, tracked insertions, customXml. python-docx's
    Paragraph.text reads only direct runs and links, so a date in a date-picker control was lost.
    Deleted text, field codes and text boxes (read as lines of their own) are left out."""
    parts: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag in _SKIPPED or not isinstance(tag, str):
                continue
            if tag == _T:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in _BREAKS:
                parts.append("\n")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


_T, _TAB = f"{_W}t", f"{_W}tab"


def _text_boxes(p: Any) -> list[Any]:
    """The paragraphs of the text boxes anchored in a paragraph (a red-head 文号, a signature block,
    a PDF converted to Word), each box once (its VML fallback copy is skipped)."""
    found: list[Any] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{_MC}Fallback" or not isinstance(tag, str):
                continue
            if tag == f"{_W}txbxContent":
                found.extend(c for c in child.iter(f"{_W}p"))
            else:
                walk(child)

    walk(p)
    return found


def _level_index(value: str | None) -> int:
    """A list level (w:ilvl) as written; a damaged value (not 0–8) counts as the first level."""
    return int(value) if value is not None and value.isdigit() and int(value) <= _MAX_LEVEL else 0


_MAX_LEVEL = 8  # Word's list levels are 0–8


def _numbered(paragraph: Any, numbering: Numbering | None, empty_too: bool = False) -> str:
    """The paragraph's text with its automatic number in front (tabs become spaces: tabs mean cells).

    `empty_too`: an empty numbered paragraph shows its number too — a table's 序号 cell is often just
    that (Word draws 1. 2. 3. down the column)."""
    text = paragraph_text(paragraph._p).replace("\t", " ")
    if numbering is None:
        return text
    num_id, ilvl = None, None
    ppr = paragraph._p.pPr
    numpr = ppr.numPr if ppr is not None else None
    if numpr is not None:
        try:
            num_id = numpr.numId.val if numpr.numId is not None else None
            ilvl = numpr.ilvl.val if numpr.ilvl is not None else None
        except ValueError:  # a damaged numPr (w:numId="abc"): the paragraph is drawn without a number
            num_id, ilvl = None, None
    if num_id is None or ilvl is None:
        try:
            style_num, style_lvl = _style_numpr(paragraph.style)
        except (KeyError, AttributeError, ValueError):
            style_num, style_lvl = None, None
        num_id = num_id if num_id is not None else style_num
        ilvl = ilvl if ilvl is not None else style_lvl
    if num_id is None or str(num_id) == "0" or not (text.strip() or empty_too):
        return text
    return numbering.label(str(num_id), int(ilvl or 0)) + text.lstrip()


def _cell_text(cell: Any, numbering: Numbering | None) -> str:
    """A cell's paragraphs on one line (a paragraph break inside a cell becomes a space)."""
    parts = [_numbered(p, numbering, empty_too=True).strip() for p in cell.paragraphs]
    for inner in cell.tables:
        parts += [" ".join(_cell_text(c, numbering) for c in row.cells) for row in inner.rows]
    return " ".join(p for p in parts if p).replace("\n", " ")


def _table_lines(table: Any, numbering: Numbering | None) -> Iterator[str]:
    columns = len(table.columns)
    if columns <= 1:  # a layout box, not a data table
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield _numbered(paragraph, numbering)
        return
    for row in table.rows:
        cells = [""] * row.grid_cols_before + [_cell_text(c, numbering) for c in row.cells]
        cells += [""] * row.grid_cols_after
        if any(cells):
            yield "\t".join(cells)


def _blocks(parent: Any, document: Any, numbering: Numbering | None) -> Iterator[str]:
    """Lines of paragraphs and tables in document order (content controls opened)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in parent.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield from _numbered(Paragraph(child, document), numbering).split("\n")
            for boxed in _text_boxes(child):
                yield from paragraph_text(boxed).replace("\t", " ").split("\n")
        elif tag == f"{_W}tbl":
            yield from _table_lines(Table(child, document), numbering)
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content, document, numbering)


MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200


def _check_sizes(archive: zipfile.ZipFile, shown: str) -> None:
    """python-docx inflates every part into memory: refuse a zip bomb before it does."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_TOTAL_BYTES or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
            raise InputError(shown, f".docx member {info.filename} is too large or too compressed "
                             f"({info.file_size} bytes, ratio {ratio:.0f})", "this does not look like a Word document")


def load_docx(data: bytes, shown: str, digest: str) -> Loaded:
    """A .docx file → one line per paragraph / table row."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_sizes(archive, shown)
            if "word/document.xml" not in archive.namelist():
                raise InputError(shown, "not a Word document (no word/document.xml)",
                                 "open it in Word or WPS and save it as .docx")
        document = docx.Document(io.BytesIO(data))
    except InputError:
        raise
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError(shown, f"corrupt .docx file ({exc.__class__.__name__})",
                         "open it in Word or WPS and save it again as .docx") from exc
    except Exception as exc:  # lxml syntax errors and the like: a damaged package
        raise InputError(shown, f"corrupt .docx file ({exc.__class__.__name__}: {exc})",
                         "open it in Word or WPS and save it again as .docx") from exc
    numbering: Numbering | None = None
    try:
        numbering = Numbering.from_element(document.part.numbering_part.element)
        numbering.resolve_links(_styles_element(document))
    except (KeyError, NotImplementedError, AttributeError):
        numbering = None
    lines = list(_blocks(document.element.body, document, numbering))
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise InputError(shown, "the document has no text", "is the notice an image pasted into Word? run OCR first")
    return Loaded(path=shown, format="docx", sha256=digest, encoding=None, text=text + "\n")
