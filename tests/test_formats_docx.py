"""docx: Word automatic numbering rebuilt from numbering.xml; body order; headers/footers ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.make_fixtures import add_list
from policyparse.load import load
from policyparse.load.docx import format_number


@pytest.mark.parametrize(("n", "fmt", "shown"), [
    (1, "decimal", "1"), (12, "chineseCounting", "十二"), (21, "chineseCountingThousand", "二十一"),
    (10, "chineseCounting", "十"), (3, "ideographTraditional", "丙"), (2, "decimalEnclosedCircle", "②"),
    (4, "upperRoman", "IV"), (2, "lowerLetter", "b"), (3, "chineseLegalSimplified", "叁"),
    (5, "decimalZero", "05"),
])
def test_number_formats(n: int, fmt: str, shown: str) -> None:
    assert format_number(n, fmt) == shown


def _numbered_docx(path: Path, levels: list[tuple[str, str]], items: list[tuple[int, int, str]],
                   restart_num: bool = False) -> None:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "页眉文字不应出现"
    add_list(document, 77, "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)))
    for num, ilvl, text in items:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr>'))
    document.save(str(path))


def test_multilevel_numbers_restart_deeper_levels(tmp_path: Path) -> None:
    path = tmp_path / "n.docx"
    _numbered_docx(path, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")], [
        (77, 0, "主要任务"), (77, 1, "深化改革"), (77, 2, "甲"), (77, 2, "乙"), (77, 1, "优化服务"), (77, 2, "丙"),
        (77, 0, "保障措施"), (78, 0, "重新开始"), (77, 2, "丁"),
    ])
    lines = load(path).text.splitlines()
    assert lines == ["一、主要任务", "（一）深化改革", "1.甲", "2.乙", "（二）优化服务", "1.丙", "二、保障措施",
                     "一、重新开始", "1.丁"]


def test_enclosed_and_legal_formats(tmp_path: Path) -> None:
    path = tmp_path / "c.docx"
    _numbered_docx(path, [("decimal", "%1."), ("decimalEnclosedCircle", "%2")], [
        (77, 0, "任务"), (77, 1, "第一步"), (77, 1, "第二步")])
    assert load(path).text.splitlines() == ["1.任务", "①第一步", "②第二步"]


def test_fixture_body_and_table_in_order() -> None:
    loaded = load(Path(__file__).parent / "fixtures" / "notice.docx")
    text = loaded.text
    assert loaded.format == "docx" and loaded.encoding is None
    assert "兰州新区管委会办公室文件" not in text and "— 1 —" not in text  # header/footer
    lines = text.splitlines()
    assert lines.index("（一）深化简政放权") < lines.index("附件") < lines.index("重点任务分工表")
    rows = [ln.split("\t") for ln in lines if "\t" in ln]
    assert rows[1] == ["一、优化审批服务"] * 5  # merged group row repeats its value
    assert rows[-1][2] == rows[-2][2] == "发展改革局"  # vertically merged 牵头单位
    assert "三、保障措施" in lines  # startOverride restarts the list under it
    assert any(line.startswith("（一）加强组织领导") for line in lines)


def test_empty_numbered_cells_show_their_numbers(tmp_path: Path) -> None:
    """A 序号 column numbered by Word (List Number, no text) draws 1. 2. …: each row is its own task."""
    from docx import Document

    from policyparse.pipeline import extract_file

    document = Document()
    document.add_paragraph("某县2023年优化营商环境重点任务分工表")
    rows = [["编制公布县级行政许可事项清单。", "县政务服务中心", "2023年6月底前"],
            ["全面推行“双随机、一公开”监管。", "县市场监管局", "2023年12月底前"]]
    table = document.add_table(rows=1 + len(rows), cols=4)
    for column, name in enumerate(["序号", "重点任务", "牵头单位", "完成时限"]):
        table.cell(0, column).text = name
    for r, values in enumerate(rows, start=1):
        table.cell(r, 0).paragraphs[0].style = document.styles["List Number"]
        for column, value in enumerate(values, start=1):
            table.cell(r, column).text = value
    path = tmp_path / "numbered-cells.docx"
    document.save(str(path))
    tasks = extract_file(path).documents[0].tasks
    assert [(t.number, t.lead_units, t.deadline.end) for t in tasks] == [
        ("1", ["县政务服务中心"], "2023-06-30"), ("2", ["县市场监管局"], "2023-12-31")]


def test_text_in_wrappers_and_text_boxes_is_read(tmp_path: Path) -> None:
    """A date in an inline content control, a unit in a tracked insertion, a 文号 in a text box (its
    VML fallback copy read once); deleted text and field codes left out."""
    from docx import Document
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    document = Document()
    dated = document.add_paragraph()
    dated._p.append(parse_xml(f'<w:sdt {w}><w:sdtContent><w:r><w:t>2023年3月28日</w:t></w:r></w:sdtContent></w:sdt>'))
    units = document.add_paragraph("责任单位：区发改局、")
    units._p.append(parse_xml(f'<w:ins {w} w:id="1" w:author="a"><w:r><w:t>区财政局</w:t></w:r></w:ins>'))
    units._p.append(parse_xml(f'<w:del {w} w:id="2" w:author="a"><w:r><w:delText>区旧局</w:delText></w:r></w:del>'))
    boxed = document.add_paragraph()
    box = "<w:txbxContent><w:p><w:r><w:t>鞍立政发〔2023〕2号</w:t></w:r></w:p></w:txbxContent>"
    boxed._p.append(parse_xml(
        f'<w:r {w} {mc}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>'))
    path = tmp_path / "wrapped.docx"
    document.save(str(path))
    lines = load(path).text.splitlines()
    assert "2023年3月28日" in lines
    assert "责任单位：区发改局、区财政局" in lines
    assert lines.count("鞍立政发〔2023〕2号") == 1


def test_lvl_restart_lets_a_level_run_on(tmp_path: Path) -> None:
    """w:lvlRestart 1 on the 1. level: it restarts after 一、 only, running on across （一）（二）."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    add_list(document, 77, '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
             '<w:lvlText w:val="%1、"/></w:lvl>'
             '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
             '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:lvlRestart w:val="1"/><w:numFmt w:val="decimal"/>'
             '<w:lvlText w:val="%3."/></w:lvl>')
    for ilvl, text in [(0, "任务"), (1, "甲"), (2, "一项"), (1, "乙"), (2, "二项"), (0, "保障"), (2, "三项")]:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="77"/></w:numPr>'))
    path = tmp_path / "restart.docx"
    document.save(str(path))
    assert load(path).text.splitlines() == ["一、任务", "（一）甲", "1.一项", "（二）乙", "2.二项", "二、保障", "1.三项"]


def test_a_list_defined_through_a_numbering_style_draws_its_levels(tmp_path: Path) -> None:
    """An abstractNum holding only numStyleLink takes the levels of the list its style names."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    add_list(document, 77, '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
             '<w:lvlText w:val="%1、"/></w:lvl>')
    add_list(document, 80, '<w:numStyleLink w:val="TaskList"/>')
    document.styles.element.append(parse_xml(
        f'<w:style {nsdecls("w")} w:type="numbering" w:styleId="TaskList"><w:name w:val="Task List"/>'
        '<w:pPr><w:numPr><w:numId w:val="77"/></w:numPr></w:pPr></w:style>'))
    for text in ["深化改革", "优化服务"]:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="80"/></w:numPr>'))
    path = tmp_path / "linked.docx"
    document.save(str(path))
    assert load(path).text.splitlines() == ["一、深化改革", "二、优化服务"]
