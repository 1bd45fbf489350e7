"""html: encoding from BOM / meta / detection, site chrome dropped, blocks and tables kept."""

from __future__ import annotations

from pathlib import Path

from policyparse.load import load
from policyparse.load.html import decode_html


def test_meta_charset_gbk() -> None:
    loaded = load(Path(__file__).parent / "fixtures" / "notice.html")
    assert loaded.format == "html" and loaded.encoding == "gb2312"
    text = loaded.text
    for chrome in ("首页", "当前位置", "字号", "分享到", "打印本页", "关闭窗口", "版权所有", "不是正文"):
        assert chrome not in text
    assert "来源：兰州新区管委会办公室" in text
    assert "2020年4月29日" in text.splitlines()


def test_bom_and_undeclared_encodings() -> None:
    assert decode_html("\ufeff<p>通知</p>".encode())[1] == "utf-8-sig"
    assert decode_html("<p>关于印发工作要点的通知</p>".encode())[1] == "utf-8"
    text, encoding = decode_html(("<html><body><p>" + "关于进一步优化营商环境的实施方案，请认真贯彻落实。" * 5
                                  + "</p></body></html>").encode("gb18030"))
    assert "优化营商环境" in text and encoding.lower().replace("-", "").startswith(("gb", "cp936"))


def test_br_blocks_and_spans(tmp_path: Path) -> None:
    page = ("<html><body><div id='nav'><a>首页</a></div><div>一、总体要求<br>（一）指导思想</div>"
            "<table><tr><th>序号</th><th>工作任务</th><th>责任单位</th></tr>"
            "<tr><td rowspan='2'>1</td><td>建立\n台账</td><td>财政局</td></tr><tr><td>开展督查</td><td>督查室</td></tr>"
            "</table><p>打印本页</p></body></html>")
    path = tmp_path / "p.html"
    path.write_text(page, encoding="utf-8")
    lines = load(path).text.splitlines()
    assert lines == ["一、总体要求", "（一）指导思想", "序号\t工作任务\t责任单位", "1\t建立台账\t财政局",
                     "1\t开展督查\t督查室"]


def test_breaks_drawn_inside_a_cell_keep_units_apart(tmp_path: Path) -> None:
    """<br> and <p> in a cell are breaks the page drew (one unit per line); a source newline is not."""
    page = ("<table><tr><td>序号</td><td>工作任务</td><td>牵头单位</td></tr>"
            "<tr><td>1</td><td>建立\n台账</td><td>市人力资源社会保障局<br>市农业农村局</td></tr>"
            "<tr><td>2</td><td>开展督查</td><td><p>市发展改革委</p><p>市生态环境局</p></td></tr></table>")
    path = tmp_path / "cells.html"
    path.write_text(page, encoding="utf-8")
    assert load(path).text.splitlines()[1:] == [
        "1\t建立台账\t市人力资源社会保障局 市农业农村局", "2\t开展督查\t市发展改革委 市生态环境局"]


def test_a_colspan_headline_cell_gives_the_title_once(tmp_path: Path) -> None:
    from policyparse.pipeline import extract_file

    page = ("<table><tr><td>发文机关：</td><td>某市人民政府办公室</td><td>成文日期：</td><td>2023年03月13日</td></tr>"
            "<tr><td>标题：</td><td colspan='3'>某市人民政府办公室关于印发某市营商环境实施方案的通知</td></tr></table>"
            "<p>各县区人民政府：</p><p>现将《某市营商环境实施方案》印发给你们。</p>")
    path = tmp_path / "info.html"
    path.write_text(page, encoding="utf-8")
    assert extract_file(path).documents[0].meta.title == "某市营商环境实施方案"
