"""Saved web pages: encoding from BOM / meta charset / detection; main text without site chrome.

The page is parsed into a small tree (stdlib html.parser, which tolerates broken markup) and
rendered block by block: <p>, <div>, <br>, <li>, headings each give their own line, and a data
table (no nested table, 2+ columns) gives one line per row with tab-separated cells, rowspan and
colspan repeating the merged cell's value. Layout tables (old sites lay out whole pages in tables)
render as ordinary blocks. Site chrome is dropped twice: elements that cannot hold the notice
(script, nav, footer, elements whose id/class says menu, breadcrumb, share…), then short lines that
are page controls (字号 大 中 小, 打印本页, 关闭窗口, 分享到…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..errors import InputError
from . import Loaded

_VOID = {"br", "img", "meta", "link", "input", "hr", "area", "base", "col", "embed", "source", "wbr", "param"}
_SKIP = {"script", "style", "noscript", "head", "title", "nav", "footer", "aside", "select", "button", "iframe",
         "object", "svg", "template", "textarea", "map"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "blockquote",
          "pre", "dd", "dt", "dl", "center", "form", "header", "main", "figure", "figcaption", "address", "caption",
          "table", "tr", "tbody", "thead", "tfoot", "body", "html"}
_CHROME_ATTR = re.compile(r"(?:^|[-_\s])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|share|bdshare|toolbar|"
                          r"sidebar|copyright|topbar|search|login|fontsize|print-?btn|related|relate|xgwj|xgxx|left-?nav|leftbar)"
                          r"(?:$|[-_\s\d])", re.I)
_CHROME_LINE = re.compile(
    r"^[【\[]?\s*(?:字号|字体|打印本页|打印|关闭窗口|关闭|分享到|分享|返回顶部|收藏|扫一扫|当前位置|您现在的位置|"
    r"您当前的位置|浏览次数|访问次数|阅读次数|上一篇|下一篇|相关链接|相关文章|网站地图|版权所有|ICP备|网站标识码|"
    r"联系我们|设为首页|加入收藏|保存本页|【?大】?\s*【?中】?\s*【?小】?)")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
MAX_DEPTH = 200  # deeper elements are flattened into their ancestor: rendering recurses once per level


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A forgiving element tree: unclosed tags close with their parent, stray end tags are ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li", "tr", "td", "th", "dt", "dd") and self.stack[-1].tag == tag == "p":
            self.stack.pop()
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID and len(self.stack) < MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _is_chrome(node: _Node) -> bool:
    if node.tag in _SKIP:
        return True
    marker = f"{node.attrs.get('id', '')} {node.attrs.get('class', '')}"
    return bool(_CHROME_ATTR.search(marker)) or "display:none" in node.attrs.get("style", "").replace(" ", "")


_CELL_BREAK = "\u2029"  # a <br> or block inside a table cell: a break the page drew, not a source wrap


def _inline_text(node: _Node | str) -> str:
    if isinstance(node, str):
        return node
    if _is_chrome(node):
        return ""
    if node.tag == "br":
        return _CELL_BREAK
    inner = "".join(_inline_text(c) for c in node.children)
    return f"{_CELL_BREAK}{inner}{_CELL_BREAK}" if node.tag in _BLOCK else inner


def _has(node: _Node, tag: str) -> bool:
    return any(isinstance(c, _Node) and (c.tag == tag or _has(c, tag)) for c in node.children)


def _rows(table: _Node) -> list[list[_Node]]:
    rows: list[list[_Node]] = []

    def walk(node: _Node) -> None:
        for child in node.children:
            if isinstance(child, _Node):
                if child.tag == "tr":
                    rows.append([c for c in child.children if isinstance(c, _Node) and c.tag in ("td", "th")])
                elif child.tag in ("thead", "tbody", "tfoot"):
                    walk(child)

    walk(table)
    return rows


_ARTICLE_CELL_CHARS = 300  # a cell this long is a page's body, not a data cell …
_ARTICLE_PARAGRAPHS_CHARS = 100  # … and so is one holding paragraphs that long (units one a <p> are short)


def _holds_an_article(cell: _Node) -> bool:
    """Old portals lay a notice out in a table: a cell with several paragraphs, or a long one, is the
    article (its table is read as blocks), not a data cell (a task table's cells are short)."""
    paragraphs = sum(1 for c in cell.children if isinstance(c, _Node) and c.tag in ("p", "div"))
    length = len(_inline_text(cell))
    return length > _ARTICLE_CELL_CHARS or (paragraphs >= 2 and length > _ARTICLE_PARAGRAPHS_CHARS)


def _span(node: _Node, name: str) -> int:
    value = re.match(r"\d+", node.attrs.get(name, "1") or "1")
    return max(1, min(int(value.group(0)) if value else 1, 50))


def _table_lines(table: _Node) -> list[str] | None:
    """A data table's rows as tab lines (merged cells repeated), or None for a layout table."""
    rows = _rows(table)
    if _has(table, "table") or not rows or any(_holds_an_article(cell) for row in rows for cell in row):
        return None
    grid: dict[tuple[int, int], str] = {}
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in grid:
                c += 1
            text = _one_line(_inline_text(cell))
            for dr in range(_span(cell, "rowspan")):
                for dc in range(_span(cell, "colspan")):
                    grid.setdefault((r + dr, c + dc), text)
            c += _span(cell, "colspan")
    width = max(c for _, c in grid) + 1
    if width < 2:
        return None
    lines = ["\t".join(grid.get((r, c), "") for c in range(width)) for r in range(len(rows))]
    return [ln for ln in lines if ln.strip()]


def _one_line(text: str) -> str:
    """A cell's text on one line: a source wrap between ideographs goes, a drawn break (<br>, <p>)
    becomes a space, so that units printed one per line (市财政局<br>市税务局) stay apart."""
    text = re.sub(rf"(?<=[{_CJK}])[ \t\r]*\n\s*(?=[{_CJK}])", "", text)
    return re.sub(r"\s+", " ", text.replace(_CELL_BREAK, " ")).strip()


def _render(node: _Node, out: list[str]) -> None:
    """Append the node's text to `out`, one string per line (blocks start new lines)."""
    for child in node.children:
        if isinstance(child, str):
            out[-1] += child
            continue
        if _is_chrome(child):
            continue
        if child.tag == "br":
            out.append("")
        elif child.tag == "table":
            lines = _table_lines(child)
            out.append("")
            if lines is None:
                for row in _rows(child):
                    for cell in row:
                        if not _is_chrome(cell):  # <td class="menu">: a layout table's navigation cell
                            _render(cell, out)
                            out.append("")
            else:
                out.extend(lines)
            out.append("")
        elif child.tag in _BLOCK or child.tag in ("td", "th"):
            out.append("")
            _render(child, out)
            out.append("")
        else:
            _render(child, out)


def decode_html(data: bytes) -> tuple[str, str]:
    """Bytes → text: BOM, then the declared meta charset, then strict UTF-8, then detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        codec = "gb18030" if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk") else name
        try:
            return data.decode(codec), name
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    return data.decode("gb18030", errors="replace"), "gb18030"


def _web_archive_page(data: bytes, shown: str) -> bytes:
    """A page saved as one file (.mht, MIME multipart/related): its HTML part, decoded."""
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                charset = part.get_content_charset()
                if charset and b"charset" not in payload[:2048].lower():  # keep the part's charset
                    payload = f'<meta charset="{charset}">'.encode() + payload
                return payload
    raise InputError(shown, "a web archive (.mht) without an HTML page in it")


_MIME_HEAD = re.compile(rb"\s*(?:[\w-]+:[^\n]*\n)*?mime-version:", re.I)


_BINARY_SHARE = 0.05  # undecodable or control characters in a page's first 4,000: no page
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def _looks_binary(text: str) -> bool:
    head = text[:4000]
    return bool(head) and len(_CONTROL.findall(head)) > _BINARY_SHARE * len(head)


def load_html(data: bytes, shown: str, digest: str) -> Loaded:
    """A saved web page → one line per paragraph / table row, without the site's chrome."""
    if _MIME_HEAD.match(data[:4096]) or data[:4096].lower().find(b"multipart/related") >= 0:
        data = _web_archive_page(data, shown)
    text, encoding = decode_html(data)
    if _looks_binary(text):
        raise InputError(shown, "binary data, not a web page", "check that the download is the page itself")
    builder = _TreeBuilder()
    try:
        builder.feed(text)
        builder.close()
    except Exception as exc:  # html.parser rarely fails; if it does, the page is unusable
        raise InputError(shown, f"cannot parse the HTML ({exc})") from exc
    out = [""]
    _render(builder.root, out)
    lines: list[str] = []
    for raw in out:
        line = raw if "\t" in raw else _one_line(raw)
        if not line.strip() or (len(line) <= 60 and _CHROME_LINE.match(line)):
            continue
        lines.append(line)
    if not lines:
        raise InputError(shown, "the page has no text", "save the page again with its content (not a frame)")
    return Loaded(path=shown, format="html", sha256=digest, encoding=encoding, text="\n".join(lines) + "\n")
