"""pdf/ofd page layout: running headers and page numbers dropped, paragraphs re-joined, tables joined."""

from __future__ import annotations

from pathlib import Path

from policyparse.load import load
from policyparse.load.layout import Page, TableBlock, TextLine, assemble

FIXTURES = Path(__file__).parent / "fixtures"


def _line(top: float, x0: float, text: str, size: float = 10.0) -> TextLine:
    return TextLine(top=top, bottom=top + size, size=size, runs=[(x0, x0 + size * len(text), text)])


def test_headers_page_numbers_and_broken_paragraphs() -> None:
    full = "甲" * 20
    pages = [Page(height=800, entries=[_line(20, 100, "某某市人民政府文件"), _line(100, 120, full[:18]),
                                       _line(120, 100, full), _line(140, 100, full), _line(780, 180, "— 1 —")]),
             Page(height=800, entries=[_line(20, 100, "某某市人民政府文件"), _line(100, 100, "乙乙乙。"),
                                       _line(120, 120, "新段落。"), _line(780, 160, "第2页 共2页")])]
    text = assemble(pages)
    assert text == full[:18] + full + full + "乙乙乙。\f新段落。"


def test_table_continued_on_next_page() -> None:
    header = ["序号", "重点任务", "牵头单位"]
    pages = [Page(height=800, entries=[TableBlock(top=100, rows=[header, ["1", "推行电子\n证照", "政务服务局"]])]),
             Page(height=800, entries=[TableBlock(top=50, rows=[header, ["", "并互认", ""],
                                                                ["2", "压缩时间", "市场局"]])])]
    assert assemble(pages) == "序号\t重点任务\t牵头单位\n1\t推行电子证照并互认\t政务服务局\f2\t压缩时间\t市场局"


def test_pdf_fixture_pages() -> None:
    loaded = load(FIXTURES / "notice.pdf")
    assert loaded.format == "pdf" and loaded.encoding is None
    pages = loaded.text.split("\f")
    assert len(pages) == 3
    assert "兰州新区管委会办公室文件" not in loaded.text and "— 2 —" not in loaded.text
    assert sum(line.startswith("序号\t") for line in loaded.text.splitlines()) == 1  # repeated header dropped
    assert "兰州新区管委会办公室关于印发2020年优化营商环境工作要点的通知" in pages[0].splitlines()


def test_ofd_fixture_reading_order() -> None:
    loaded = load(FIXTURES / "notice.ofd")
    assert loaded.format == "ofd" and "\f" in loaded.text
    lines = [ln.strip() for ln in loaded.text.replace("\f", "\n").splitlines()]
    assert lines[0] == "兰州新区管委会办公室关于印发2020年优化营商环境工作要点的通知"
    assert "新政办发〔2020〕23号" in lines
    assert not any(ln.startswith("—") for ln in lines)
