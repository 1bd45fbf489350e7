"""The structure stage alone: headings, documents and metadata on small texts."""

from __future__ import annotations

import random
import re

import pytest

from policyparse.regexinfo import scan_hint
from policyparse.structure import (
    _finditer,
    _line_gate,
    heading_title,
    match_heading,
    normalise_doc_number,
    parse_date_line,
    split_lines,
    structure,
    title_kind,
)


def test_headings_nest_by_family_order(grammars) -> None:
    text = "二、主要任务\n（一）深化改革\n1.编制清单。内容。\n（1）子项。\n2.第二项。\n（二）优化服务\n"
    found = structure(text, grammars)
    heads = found.documents[0].headings
    assert [h.ordinal for h in heads] == ["二、", "（一）", "1.", "（1）", "2.", "（二）"]
    parents = [heads[h.parent].ordinal if h.parent is not None else None for h in heads]
    assert parents == [None, "二、", "（一）", "1.", "（一）", "二、"]
    assert heads[2].title == "编制清单"


def test_nontask_sections_are_marked(grammars) -> None:
    text = "一、指导思想\n（一）坚持原则。\n二、主要任务\n（一）深化改革。\n三、保障措施\n（一）加强领导。\n"
    heads = structure(text, grammars).documents[0].headings
    assert [h.nontask for h in heads] == [True, True, False, False, True, True]


def test_print_wrapper_gives_the_plan_title_and_issuer(grammars) -> None:
    text = ("甲区管委会办公室关于印发《甲区2021年优化营商环境工作要点》的通知\n甲政办发〔2021〕5号\n"
            "各部门：\n现印发你们。\n甲区管委会办公室\n2021年3月2日\n甲区2021年优化营商环境工作要点\n一、主要任务\n")
    meta = structure(text, grammars).documents[0].meta
    assert meta.title == "甲区2021年优化营商环境工作要点"
    assert meta.kind == "工作要点"
    assert meta.doc_number == "甲政办发〔2021〕5号"
    assert meta.issuer == "甲区管委会办公室"
    assert meta.date == "2021-03-02"
    assert meta.recipients == ["各部门"]


def test_cited_numbers_are_not_the_doc_number(grammars) -> None:
    text = "某某实施方案\n一、总体要求\n按照《通知》（国办发〔2019〕58号）要求，落实甘政发〔2022〕57号。\n"
    meta = structure(text, grammars).documents[0].meta
    assert meta.doc_number is None
    assert meta.cited_documents == ["国办发〔2019〕58号", "甘政发〔2022〕57号"]


def test_news_headline_is_the_title_and_plan_without_title_has_none(grammars) -> None:
    assert structure("新事心办！某区改革举措\n\n正文。", grammars).documents[0].meta.title == "新事心办！某区改革举措"
    assert structure("为贯彻落实决策部署，特制定本方案。\n坚持问题导向。", grammars).documents[0].meta.title is None


def test_concatenated_notices_become_documents(grammars) -> None:
    text = "甲市工作方案\n一、重点任务\n1.做好甲事。\n乙市实施方案（试行）\n一、主要内容\n1.做好乙事。\n"
    docs = structure(text, grammars).documents
    assert [d.meta.title for d in docs] == ["甲市工作方案", "乙市实施方案（试行）"]


def test_date_lines_and_doc_numbers(grammars) -> None:
    assert parse_date_line("二〇二〇年四月二十九日", grammars) == "2020-04-29"
    assert parse_date_line("2020年4月29日前完成", grammars) is None
    assert normalise_doc_number("新政办发[2020]23号") == "新政办发〔2020〕23号"
    assert normalise_doc_number("国办发（2009） 第66号") == "国办发〔2009〕66号"


def test_title_wrapped_over_two_lines_starts_the_next_notice(grammars) -> None:
    text = ("甲市工作方案\n一、重点任务\n1.做好甲事。\n保障工作顺当推动。\n乙市推行企业投资项目承诺制改革\n实施方案（试行）\n"
            "为深化改革，制定本方案。\n一、主要内容\n1.做好乙事。\n")
    docs = structure(text, grammars).documents
    assert [d.meta.title for d in docs] == ["甲市工作方案", "乙市推行企业投资项目承诺制改革实施方案（试行）"]


def test_joint_notice_signs_with_several_issuers(grammars) -> None:
    text = "某某工作方案\n现印发给你们，请认真贯彻执行。\n市发展改革委\n市财政局\n2021年3月1日\n一、主要任务\n"
    meta = structure(text, grammars).documents[0].meta
    assert meta.issuer == "市发展改革委、市财政局"
    assert meta.date == "2021-03-01"


def test_print_wrapper_title_broken_across_lines(grammars) -> None:
    text = "某市人民政府办公室关于印发《某市深化“放管服”改革\n\n优化营商环境实施方案》的通知\n各县区人民政府：\n一、主要任务\n"
    meta = structure(text, grammars).documents[0].meta
    assert meta.title == "某市深化“放管服”改革优化营商环境实施方案"
    assert meta.issuer == "某市人民政府办公室"


def test_print_wrapper_without_book_marks_and_bracketed_recipients(grammars) -> None:
    text = ("某市人民政府办公室关于印发某市2023年优化营商环境攻坚行动方案的通知\n各县（市、区）人民政府，市政府各部门：\n"
            "现印发给你们。\n某市人民政府办公室\n2023年3月15日\n某市2023年优化营商环境攻坚行动方案\n一、重点任务\n")
    meta = structure(text, grammars).documents[0].meta
    assert meta.title == "某市2023年优化营商环境攻坚行动方案"
    assert meta.kind == "行动方案"
    assert meta.recipients == ["各县（市、区）人民政府", "市政府各部门"]
    assert meta.issuer == "某市人民政府办公室"


def test_doc_number_bracketed_after_the_title(grammars) -> None:
    text = "某市人民政府办公室关于印发《某市营商环境工作方案》的通知（某政办发〔2023〕12号）\n各部门：\n一、重点任务\n按照某发〔2022〕3号执行。\n"
    meta = structure(text, grammars).documents[0].meta
    assert meta.doc_number == "某政办发〔2023〕12号"
    assert meta.cited_documents == ["某发〔2022〕3号"]
    assert meta.title == "某市营商环境工作方案"


def test_title_line_with_its_number_in_brackets_names_number_kind_and_issuer(grammars) -> None:
    """A web page's headline `X关于…的实施意见（X政〔2017〕101号）`: no signature below, so X is the issuer."""
    text = "某市人民政府关于创优营商环境的实施意见（某政〔2017〕101号）\n为贯彻落实要求，现提出如下意见。\n一、减少审批\n"
    meta = structure(text, grammars).documents[0].meta
    assert meta.title == "某市人民政府关于创优营商环境的实施意见"
    assert meta.kind == "实施意见"
    assert meta.doc_number == "某政〔2017〕101号"
    assert meta.issuer == "某市人民政府"
    assert meta.cited_documents == []


def test_signature_issuer_wins_over_the_title_prefix(grammars) -> None:
    text = "某市人民政府关于创优营商环境的实施意见\n各部门：\n一、减少审批\n某市人民政府办公室\n2021年3月2日\n"
    meta = structure(text, grammars).documents[0].meta
    assert meta.issuer == "某市人民政府办公室"
    assert title_kind("某市实施方案（试行）（某政〔2017〕1号）", grammars) == "实施方案"
    assert title_kind("某区三年行动计划（2018—2020年）", grammars) == "行动计划"
    assert title_kind("某区工作要点（2023年度）", grammars) == "工作要点"


def test_a_numbered_sentence_ends_an_attachment_list(grammars) -> None:
    text = "某方案\n附件：1.分工表\n2.进度表\n\n3.说明。内容。\n二、保障措施\n（一）加强领导。\n"
    heads = structure(text, grammars).documents[0].headings
    assert [h.ordinal for h in heads] == ["3.", "二、", "（一）"]


def test_print_wrapper_with_a_book_title_inside_its_subject(grammars) -> None:
    text = "某省人民政府关于印发2021年省《政府工作报告》重点任务分工方案的通知\n某府〔2021〕22号\n各部门：\n一、目标\n"
    meta = structure(text, grammars).documents[0].meta
    assert meta.title == "2021年省《政府工作报告》重点任务分工方案"
    assert meta.kind == "任务分工方案"


def test_plan_printed_by_its_wrapper_is_the_same_notice(grammars) -> None:
    """The notice's own 一、二、 paragraphs come before the plan's title: still one document."""
    text = ("某区办公室关于印发2023年区重点任务责任分解方案的通知\n文号 某政办〔2023〕1号\n各部门：\n"
            "一、各责任单位要高度重视。\n二、加强考核。\n某区办公室\n2023年1月3日\n2023年区重点任务责任分解方案\n"
            "一、主要目标\n（一）生产总值增长7%\n责任单位：区发改局\n")
    documents = structure(text, grammars).documents
    assert len(documents) == 1
    meta = documents[0].meta
    assert meta.title == "2023年区重点任务责任分解方案"
    assert meta.doc_number == "某政办〔2023〕1号" and meta.cited_documents == []


def test_print_wrapper_with_nested_book_marks_and_a_space(grammars) -> None:
    text = "某市人民政府办公室关于印发 《2021年市〈政府工作报告〉任务分解方案》的通知\n各部门：\n一、目标\n"
    meta = structure(text, grammars).documents[0].meta
    assert meta.title == "2021年市《政府工作报告》任务分解方案"
    assert meta.kind == "任务分解方案"


def test_portal_header_chrome_gives_fields_not_a_title() -> None:
    """A gov portal's header: version switches, a bulleted 索引号 line, 文号 run into the next line or
    in a pipe table. The title is the notice's own line; the number is cut at its 号."""
    from policyparse.pipeline import extract_string

    text = ("• 无障碍\n  • 长辈版\n• 索引号：1134/202301-00044 组配分类：工作任务\n"
            "名称：某县人民政府关于分解落实政府工作报告目标任务的通知 文号：某政〔2023〕1号\n"
            "某县人民政府关于分解落实政府工作报告目标任务的通知\n各乡镇人民政府：\n一、细化任务。\n"
            "某县人民政府\n2023年1月28日\n")
    meta = extract_string(text).documents[0].meta
    assert (meta.title, meta.doc_number) == ("某县人民政府关于分解落实政府工作报告目标任务的通知", "某政〔2023〕1号")
    piped = "文 号: | 某府办发〔2022〕10号 | 是否有效: | |\n发布机构: | 生成日期: | 2022-12-02 |\n某市行动方案\n一、目标\n"
    meta = extract_string(piped).documents[0].meta
    assert (meta.doc_number, meta.issuer) == ("某府办发〔2022〕10号", None)


def test_a_place_alone_before_guanyu_is_no_issuer(grammars) -> None:
    meta = structure("泰州关于印发《某市营商环境工作方案》的通知\n各部门：\n一、任务\n", grammars).documents[0].meta
    assert meta.title == "某市营商环境工作方案" and meta.issuer is None


def test_print_wrapper_title_wrapped_over_lines(grammars) -> None:
    text = "关于印发2017年某区政务公开\n工作要点的通知\n某政办发〔2017〕3号\n各部门：\n现印发给你们。\n一、任务\n"
    meta = structure(text, grammars).documents[0].meta
    assert (meta.title, meta.kind) == ("2017年某区政务公开工作要点", "工作要点")


def test_a_title_edition_on_a_line_of_its_own(grammars) -> None:
    meta = structure("某市优化营商环境若干政策举措\n（2025年版）\n为进一步优化营商环境，制定本举措。\n一、任务\n",
                     grammars).documents[0].meta
    assert (meta.title, meta.kind) == ("某市优化营商环境若干政策举措（2025年版）", "举措")


def test_title_wrapped_over_four_lines_stops_at_the_doc_number(grammars) -> None:
    text = ("某政办发〔2021〕5号\n县人民政府办公室关于\n对县《政府工作报告》确定的2021年\n重点工作及涉及本县的\n"
            "重点事项进行责任分解的通知\n各部门：\n一、任务\n")
    meta = structure(text, grammars).documents[0].meta
    assert meta.title == "县人民政府办公室关于对县《政府工作报告》确定的2021年重点工作及涉及本县的重点事项进行责任分解的通知"
    assert meta.doc_number == "某政办发〔2021〕5号"


# ---------------------------------------------------------------- speed paths keep the plain semantics


def _reference_lines(text: str) -> list[tuple[int, int, int, str, int, int]]:
    """split_lines written the obvious way, one line at a time."""
    found, pos = [], 0
    for index, raw in enumerate(re.split(r"\n|\f", text)):
        stripped = raw.strip(" \t\u3000\xa0\ufeff")
        start = pos + len(raw) - len(raw.lstrip(" \t\u3000\xa0\ufeff"))
        found.append((index, start, start + len(stripped), stripped, pos, pos + len(raw)))
        pos += len(raw) + 1
    return found


def test_split_lines_offsets_match_a_line_by_line_split() -> None:
    rnd = random.Random(5)
    pieces = ["一、", "甲", "乙方案", "\n", "\f", " ", "\t", "\u3000", "\xa0", "\ufeff", "\r", "。"]
    for _ in range(500):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 30)))
        got = [(ln.index, ln.start, ln.end, ln.text, ln.raw_start, ln.raw_end) for ln in split_lines(text)]
        assert got == _reference_lines(text), repr(text)


def test_headings_on_indented_and_form_feed_lines_but_not_table_rows(grammars) -> None:
    text = "\u3000\u3000一、主要任务\f（一）深化改革。\n1.\t编制清单\t市财政局\n  2.做好服务。\n一、"
    found = structure(text, grammars)
    heads = found.documents[0].headings
    assert [(h.line, h.ordinal, h.title) for h in heads] == [(0, "一、", "主要任务"), (1, "（一）", "深化改革"),
                                                             (3, "2.", "做好服务")]
    assert found.lines[0].start == 2 and found.lines[3].text == "2.做好服务。"


def test_numbered_lines_after_an_attachment_label_name_attachments(grammars) -> None:
    text = "一、主要任务\n1.做好甲事。\n附件：1.任务分工表\n2.进度安排表\n\n正文继续。\n3.做好乙事\n"
    heads = structure(text, grammars).documents[0].headings
    assert [h.ordinal for h in heads] == ["一、", "1.", "3."]  # a line of text ends the list of attachments


def test_match_heading_keeps_the_rest_of_a_multi_line_text(grammars) -> None:
    assert match_heading("一、主要任务\n下一行", grammars) == ("一、", "headings.yaml::chinese-comma", 1, "主要任务\n下一行")
    assert match_heading("一、", grammars) is None
    assert heading_title("深化改革！持续推进。其他") == "深化改革"


def test_title_kind_prefers_the_longest_kind_and_ignores_a_status(grammars) -> None:
    assert title_kind("某市优化营商环境实施方案（试行）", grammars) == "实施方案"
    assert title_kind("某市工作要点 ", grammars) == "工作要点"
    assert title_kind("某市关于做好工作的函", grammars) == "函"
    assert title_kind("某市工作", grammars) is None


def test_gates_are_read_from_the_patterns() -> None:
    gate = _line_gate(re.compile(r"^(?P<list>[甲乙，]{2,20})[:：]\s*$"))
    assert gate is not None and gate.search is None and gate.checks == ("乙甲，", ":：")
    assert gate.last is not None and gate.last.match("：") and not gate.last.match("\n")
    gate = _line_gate(re.compile(r"[〔（](?:19|20)\d{2}[〕）]\d+号"))  # 〔19, 〔20 …: no one-character check
    assert gate is not None and gate.search == ("号",) and gate.checks == ("〕）",)
    assert _line_gate(re.compile(r"\d+")) is None


def test_hinted_scan_finds_what_finditer_finds() -> None:
    rnd = random.Random(9)
    for source, alphabet in [(r"[\u4e00-\u9fff]{1,12}[〔（]20\d{2}[〕）]\d{1,3}号", "甲乙〔（〕）2019号 "),
                             (r"x?[ab]c", "abcx "), (r"(?<=a)b", "ab "), (r"\w{1,3}[,;]", "ab,; ")]:
        pattern = re.compile(source)
        hint = scan_hint(pattern, 200)
        assert hint is not None
        for _ in range(2000):
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 40)))
            assert [m.span() for m in _finditer(pattern, hint, text)] == [m.span() for m in pattern.finditer(text)]
    assert scan_hint(re.compile(r"\d*x"), 200) is None  # unbounded before the first literal


# --- notices seen in the wild: closing formula, quoted bodies, national collective recipients ----


def _meta(text: str):  # type: ignore[no-untyped-def]
    from policyparse.pipeline import extract_string

    documents = extract_string(text).documents
    assert len(documents) == 1
    return documents[0].meta


def test_a_closing_formula_without_its_stop_is_no_title_and_no_issuer() -> None:
    """特此通知 printed without 。 ended with a kind word: it opened a second document that took the date."""
    meta = _meta("某县人民政府办公室关于做好春季防火工作的通知\n各乡镇人民政府：\n现将有关事项通知如下：\n"
                 "一、各乡镇要于3月底前完成隐患排查。\n特此通知\n某县人民政府办公室\n2023年3月1日\n")
    assert (meta.title, meta.issuer, meta.date) == (
        "某县人民政府办公室关于做好春季防火工作的通知", "某县人民政府办公室", "2023-03-01")


def test_quoted_words_in_issuer_and_recipients() -> None:
    meta = _meta("某市深化“放管服”改革领导小组办公室关于印发某市2023年“放管服”改革工作要点的通知\n"
                 "各县区“放管服”改革领导小组办公室，市“放管服”改革领导小组各成员单位：\n"
                 "现将《某市2023年“放管服”改革工作要点》印发给你们，请认真贯彻落实。\n"
                 "某市深化“放管服”改革领导小组办公室\n2023年4月10日\n")
    assert meta.issuer == "某市深化“放管服”改革领导小组办公室"
    assert meta.recipients == ["各县区“放管服”改革领导小组办公室", "市“放管服”改革领导小组各成员单位"]


def test_national_collective_recipients_stay_whole() -> None:
    meta = _meta("国务院办公厅关于做好某项工作的通知\n国办发〔2022〕10号\n"
                 "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n现将有关事项通知如下。\n"
                 "国务院办公厅\n2022年3月1日\n")
    assert meta.recipients == ["各省、自治区、直辖市人民政府", "国务院各部委", "各直属机构"]


def test_new_kinds_name_titles() -> None:
    meta = _meta("2023年市政府工作报告重点工作任务分工\n一、主要任务\n1.推动工业经济稳中提质。（牵头单位：市工信局）\n")
    assert (meta.title, meta.kind) == ("2023年市政府工作报告重点工作任务分工", "任务分工")


def test_a_portal_info_line_keeps_its_fields_apart() -> None:
    """发文机关：X 成文日期：Y on one line: the space before a label is no PDF wrap; 标题：X is a title."""
    meta = _meta("发文机关：某市人民政府办公室 成文日期：2023年03月13日\n标题：某市人民政府办公室关于做好春耕工作的通知\n"
                 "发文字号：某政办发〔2023〕5号 发布日期：2023年03月21日\n各县区人民政府：\n现通知如下。\n")
    assert (meta.title, meta.issuer, meta.date, meta.doc_number) == (
        "某市人民政府办公室关于做好春耕工作的通知", "某市人民政府办公室", "2023-03-13", "某政办发〔2023〕5号")


def test_joint_issuers_parted_by_spaces_in_a_headline() -> None:
    meta = _meta("某市发展和改革委员会 中共某市委社会工作部 某市规划和自然资源局 关于印发某市社区服务设施建设实施方案的通知\n"
                 "各区县政府：\n现将《某市社区服务设施建设实施方案》印发给你们，请认真贯彻落实。\n")
    assert meta.issuer == "某市发展和改革委员会、中共某市委社会工作部、某市规划和自然资源局"
    from policyparse.grammar import load_grammars
    from policyparse.structure import _names_bodies

    assert not _names_bodies("无障碍 某市人民政府办公室", load_grammars(()))  # site chrome before a headline


def test_smaller_metadata_shapes_from_portals() -> None:
    """A column tag before a headline, a seal note, an empty 来源, a number-only first line, dates
    with a Latin O or 元月, and a 发文字号 with spaces inside its brackets."""
    tagged = _meta("政务服务丨济宁市人民政府关于持续深化改革的实施意见\n各县（市、区）人民政府：\n现提出如下实施意见。\n")
    assert (tagged.title, tagged.issuer) == ("济宁市人民政府关于持续深化改革的实施意见", "济宁市人民政府")
    sealed = _meta("某市2023年优化营商环境工作要点\n各县区人民政府：\n现印发给你们。\n"
                   "某市优化营商环境领导小组办公室\n（代章）\n二O二三年元月五日\n")
    assert (sealed.issuer, sealed.date) == ("某市优化营商环境领导小组办公室", "2023-01-05")
    numbered = _meta("甘政发〔 2022 〕9号\n各市、自治州人民政府，省政府各部门：\n现将有关事项通知如下：\n")
    assert (numbered.title, numbered.doc_number) == (None, "甘政发〔2022〕9号")


def test_an_empty_source_field_takes_no_label_as_its_value() -> None:
    from policyparse.pipeline import extract_string

    text = "来源:   作者:   编辑:徐可\n某市人民政府办公厅关于做好某项工作的通知\n各区县人民政府：\n现通知如下。\n"
    assert extract_string(text).documents[0].meta.source_site is None


def test_headline_shapes_of_reposts() -> None:
    """A print-wrapper headline with its number after it, a title wrapped in 《》, a 若干政策 kind."""
    wrapped = _meta("广东省人民政府关于印发2021年省《政府工作报告》重点任务分工方案的通知 (粤府〔2021〕22号)\n"
                    "各地级以上市人民政府：\n现印发给你们，请认真贯彻执行。\n广东省人民政府\n2021年3月21日\n")
    assert (wrapped.title, wrapped.doc_number) == ("2021年省《政府工作报告》重点任务分工方案", "粤府〔2021〕22号")
    quoted = _meta("《关于进一步帮助市场主体纾困解难的具体实施细则》\n为深入贯彻落实，制定如下实施细则。\n")
    assert (quoted.title, quoted.kind) == ("关于进一步帮助市场主体纾困解难的具体实施细则", "实施细则")
    policies = _meta("嵊州市人民政府\n您当前的位置：投资政策\n加快推进工业经济高质量发展若干政策\n为加快发展，制定本政策。\n")
    assert policies.title == "加快推进工业经济高质量发展若干政策"


def test_a_plan_named_by_the_body_s_print_sentence_stays_one_notice() -> None:
    """现将《X》印发给你们 and X's title below it: one notice, even after the notice's own 一、二、."""
    from policyparse.pipeline import extract_string

    text = ("标 题：某区人民政府办公室关于印发2020年政府工作报告重点工作任务分解表的通知\n各乡镇人民政府：\n"
            "现将《某区2020年度政府工作报告重点工作任务分解表》印发给你们，请认真抓好落实。\n"
            "一、高度重视，夯实责任。各责任单位要明确任务。\n二、主动作为，强化协作。要加强沟通联系。\n"
            "某区人民政府办公室\n2020年4月8日\n某区2020年度政府工作报告重点工作任务分解表\n"
            "序号\t重点工作任务\t责任单位\t完成时限\n1\t地区生产总值增长7.5%左右。\t区发改委\t2020年12月底\n")
    (document,) = extract_string(text).documents
    assert document.meta.title == "2020年政府工作报告重点工作任务分解表"
    assert [t.title for t in document.tasks] == ["地区生产总值增长7.5%左右"]


def test_a_wrapper_headline_printed_a_line_a_paragraph() -> None:
    meta = _meta("广东省人民政府办公厅关于印发广东省\n\n进一步加大力度支持民间投资发展\n\n实施方案的通知\n\n"
                 "各地级以上市人民政府：\n\n现将《广东省进一步加大力度支持民间投资发展实施方案》印发给你们。\n")
    assert (meta.title, meta.kind) == ("广东省进一步加大力度支持民间投资发展实施方案", "实施方案")


def test_closing_lines_are_found_from_each_shape_s_rarest_literal(grammars, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 印发 line is found by 印发, not by its year digits; a shape without literals tries every line."""
    from policyparse import structure as st

    printed = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:印发|印制)$")
    assert st._rarest_literals(printed) == ("印制", "印发")
    assert st._rarest_literals(re.compile(r"^\d+$")) == ("",)
    gs = grammars
    text = "某方案\n一、任务\n1.推进甲事。\n12\n某县人民政府办公室\n2023年3月5日\n"
    found = st.structure(text, gs)
    assert st.tail_starts(found, found.documents[0], gs) == [4]
    monkeypatch.setattr(st, "_tail_shapes", lambda grammars: (((re.compile(r"^\d+$"), ("",)),), None))
    assert st.tail_starts(found, found.documents[0], gs) == [3, 4]


@pytest.mark.parametrize("printed", ["2022.5.10", "2022-05-10", "2022/5/10", "20220510"])
def test_a_signature_date_in_digits_is_the_notice_date(printed: str) -> None:
    """A repost prints the 成文日期 in digits: it dates the notice (and so every relative deadline)
    when it sits under the issuer line; alone, such a line may be a portal's timestamp."""
    from policyparse.pipeline import extract_string

    head = "甘肃省人民政府办公厅关于印发某方案的通知\n各市州人民政府：\n现印发给你们，请认真贯彻落实。\n"
    body = "某方案\n一、重点任务\n1.深化商事制度改革。（牵头单位：省市场监管局；完成时限：6月底前）\n"
    doc = extract_string(head + "甘肃省人民政府办公厅\n" + printed + "\n" + body).documents[0]
    assert doc.meta.date == "2022-05-10"
    assert doc.tasks[0].deadline.end == "2022-06-30"
    assert extract_string(head + printed + "\n" + body).documents[0].meta.date is None


def test_joint_issuers_apart_by_spaces_on_signature_lines_are_each_an_issuer() -> None:
    """Joint notices sign several issuers on one line, apart by spaces (a PDF's single space, or a
    layout gap): each is an issuer, not one glued name."""
    from policyparse.pipeline import extract_string

    head = "关于印发《2024年全国农资打假和监管工作要点》的通知\n各省农业农村厅：\n现将要点印发你们，请认真贯彻执行。\n"
    signed = "农业农村部 最高人民法院 最高人民检察院\n国家市场监督管理总局 中华全国供销合作总社\n2024年3月20日\n"
    meta = extract_string(head + signed).documents[0].meta
    assert meta.issuer == "农业农村部、最高人民法院、最高人民检察院、国家市场监督管理总局、中华全国供销合作总社"
    gap = extract_string(head + "中共赣州市委      赣州市人民政府\n2017年12月28日\n").documents[0].meta
    assert gap.issuer == "中共赣州市委、赣州市人民政府"


def test_a_headline_set_over_a_blank_line_is_one_title(grammars) -> None:
    text = "关于落实国务院《政府工作报告》\n\n重点工作的任务分工\n\n一、重点任务\n1.推进甲事。（市人社局牵头）\n"
    assert structure(text, grammars).documents[0].meta.title == "关于落实国务院《政府工作报告》重点工作的任务分工"
    alone = "某市人民政府\n\n某市2023年工作要点\n\n一、重点任务\n1.推进甲事。（市人社局牵头）\n"
    assert structure(alone, grammars).documents[0].meta.title == "某市2023年工作要点"


def test_a_page_number_between_an_attachment_label_and_its_title_splits_no_notice(grammars) -> None:
    """附件1 ⏎ 2 ⏎ title: the 2 is a PDF's page number; the attachment stays in the notice."""
    text = ("嘉政办发〔2021〕5号\n"
            "县人民政府办公室关于\n"
            "对县《政府工作报告》确定的2021年\n"
            "重点工作及市《政府工作报告》涉及嘉鱼的\n"
            "重点事项进行责任分解的通知\n"
            "各镇人民政府,县政府各部门,嘉鱼经济开发区、武汉新港潘湾工业园:\n"
            "经县人民政府同意,现将县第十八届人民代表大会第五次会议审议通过的县\n"
            "《政府工作报告》确定的2021年重点工作,以及市《政府工作报告》涉\n"
            "及嘉鱼的重点事项责任分解给你们,请你们对照目标任务确定的重点工作、\n"
            "1\n"
            "重点事项,建立健全推进机制,强化协调配合,夯实责任体系,狠抓工作落\n"
            "实。县政府政务督查室将对各单位的贯彻落实情况开展专项督查,对工作进\n"
            "展缓慢、落实不力、推诿扯皮、弄虚作假的单位和相关责任人予以通报,并\n"
            "根据相关规定严肃追责问责。\n"
            "附件:1.县《政府工作报告》确定的2021年重点工作责任分解\n"
            "2.市《政府工作报告》涉及嘉鱼的重点事项责任分解\n"
            "2021年5月12日\n"
            "(此件公开发布)\n"
            "附件1\n"
            "2\n"
            "县《政府工作报告》确定的2021年重点工作责任分解\n"
            "一、2021年经济社会发展主要目标\n"
            "(一)地区生产总值增长11%。[牵头单位:县发改局(粮食局);责任\n"
            "单位:各镇人民政府,嘉鱼经济开发区]\n")
    assert len(structure(text, grammars).documents) == 1


def test_signature_and_title_rules_stay_quiet_on_look_alikes(grammars) -> None:
    cells = ("某县2022年重点工作任务清单\n一、稳增长\n1.全年实施重点项目100个。\n县发改局\n2022.12.31\n"
             "2.新增规上工业企业10家。\n县工信局\n2022.9.30\n")
    meta = structure(cells, grammars).documents[0].meta
    assert (meta.issuer, meta.date) == (None, None)  # a flattened table's unit and date cells
    link = "关于我们\n\n某县2023年优化营商环境工作要点\n一、重点任务\n（一）推进企业开办。（县市场监管局牵头）\n"
    assert structure(link, grammars).documents[0].meta.title == "某县2023年优化营商环境工作要点"
    office = ("关于印发某县2023年重点工作任务的通知\n各乡镇人民政府：\n现将《某县2023年重点工作任务》印发给你们。\n"
              "某县人民政府   办公室\n2023年3月1日\n某县2023年重点工作任务\n一、重点任务\n（一）推进甲事。（县税务局牵头）\n")
    assert structure(office, grammars).documents[0].meta.issuer == "某县人民政府办公室"


def test_the_print_line_dates_a_notice_without_a_signature_date(grammars) -> None:
    text = ("某县2023年优化营商环境工作要点\n一、重点任务\n1.推进甲事。（县发改局牵头，6月底前完成）\n抄送：县委办公室。\n"
            "某县人民政府办公室 2023年3月6日印发\n")
    assert structure(text, grammars).documents[0].meta.date == "2023-03-06"
    signed = text.replace("抄送", "某县人民政府办公室\n2023年3月5日\n抄送")
    assert structure(signed, grammars).documents[0].meta.date == "2023-03-05"  # the 成文日期 wins


def test_a_document_number_glued_before_the_addressees_or_the_headline_is_the_notice_s(grammars) -> None:
    glued = ("某县人民政府办公室关于印发某县优化营商环境行动方案的通知\n某政办发〔2025〕26号各乡镇人民政府，县政府各部门：\n"
             "现印发给你们，请认真抓好落实。\n某县人民政府办公室\n2025年6月4日\n")
    meta = structure(glued, grammars).documents[0].meta
    assert (meta.doc_number, meta.recipients, meta.cited_documents) == (
        "某政办发〔2025〕26号", ["各乡镇人民政府", "县政府各部门"], [])
    headline = "金政发〔2021〕1号关于印发2021年金乡县政府重要工作事项责任分工的通知\n\n各镇政府，县政府各部门：\n现印发给你们。\n"
    meta = structure(headline, grammars).documents[0].meta
    assert (meta.doc_number, meta.title) == ("金政发〔2021〕1号", "2021年金乡县政府重要工作事项责任分工")


def test_a_number_cited_as_a_file_is_not_the_notice_s_own(grammars) -> None:
    text = ("某市人民政府关于印发2022年重点工作及责任清单的通知\n各县区人民政府：\n现印发给你们。\n2022年3月4日\n"
            "2022年重点工作及责任清单\n序号\n重点工作\n牵头责任单位\n任务来源\n1\n全面延伸双招双引。\n市政府办\n皖政〔2022〕9号文件\n")
    meta = structure(text, grammars).documents[0].meta
    assert (meta.doc_number, meta.cited_documents) == (None, ["皖政〔2022〕9号"])


def test_an_info_table_s_issuer_completes_the_headline_s(grammars) -> None:
    text = ("县人民政府办公室关于印发某县2024年重点工作责任分解方案的通知\n主题分类：政务督查 发文单位：某县人民政府办公室\n"
            "各镇人民政府，县政府各部门：\n现印发给你们。\n一、重点工作\n1.推进项目建设。（县发改局牵头）\n")
    assert structure(text, grammars).documents[0].meta.issuer == "某县人民政府办公室"


def test_one_character_ordinals_and_pdf_radicals() -> None:
    """⒈ and ㈠ are the ordinals 1. and （一） printed as one character; ⼈⽉ from a PDF's text layer are 人月."""
    from policyparse.pipeline import extract_string

    text = ("湖南省⼈⺠政府办公厅关于印发某⾏动计划的通知\n一、深化改革\n㈠优化审批服务\n⒈推行告知承诺制。（县行政审批局牵头，6⽉底前完成）\n"
            "⒉推进一网通办。（县政务服务中心牵头，9月底前完成）\n㈡强化监管\n⒊推行双随机抽查。（县市场监管局牵头）\n"
            "湖南省⼈⺠政府办公厅\n2022年6⽉30⽇\n")
    doc = extract_string(text).documents[0]
    assert (doc.meta.issuer, doc.meta.date) == ("湖南省人民政府办公厅", "2022-06-30")
    assert [(t.number, t.section_path[-1], t.deadline.end) for t in doc.tasks] == [
        ("1", "㈠优化审批服务", "2022-06-30"), ("2", "㈠优化审批服务", "2022-09-30"), ("3", "㈡强化监管", None)]


def test_cover_items_before_an_attached_plan_named_by_its_attachment_label() -> None:
    """附件 alone on a line above the plan's title, the title named by the notice (印发 sentence or
    附件：X): the notice's own 一、二、 requirement paragraphs are no tasks, the table's rows are."""
    from policyparse.pipeline import extract_string

    table = "附件\n2020年重点工作任务分解表\n序号\t重点工作任务\t牵头单位\t配合单位\t完成时限\n" \
            "1\t规上工业增加值增长8%以上\t区经信局\t区统计局\t2020年12月\n"
    cover = ("一、高度重视，夯实责任。各责任单位要将所承担任务进一步明确、细化。\n"
             "二、加强督查，严格考核。区政府督查室每季度通报一次。\n")
    printed = ("某区人民政府办公室关于印发2020年重点工作任务分解表的通知\n区政府各部门：\n"
               "现将《2020年重点工作任务分解表》印发给你们，请认真抓好落实。\n" + cover +
               "某区人民政府办公室\n2020年4月8日\n" + table)
    named = ("某区人民政府办公室关于做好2020年重点工作的通知\n区政府各部门：\n为抓好落实，通知如下：\n" + cover +
             "附件：2020年重点工作任务分解表\n某区人民政府办公室\n2020年4月8日\n" + table)
    for text in (printed, named):
        assert [t.number for t in extract_string(text).documents[0].tasks] == ["1"]


def test_a_title_whose_last_line_is_its_kind_alone_over_a_blank_line() -> None:
    """2022年市《政府工作报告》目标任务 ⏎ ⏎ 责任分解方案: one headline; a longer line after a blank is no part of it."""
    from policyparse.pipeline import extract_string

    text = ("2022年市《政府工作报告》目标任务\n\n责任分解方案\n\n一、主要预期目标\n"
            "（一）地区生产总值增长7.5%。（牵头单位：市发改委；责任单位：各区人民政府）\n")
    assert extract_string(text).documents[0].meta.title == "2022年市《政府工作报告》目标任务责任分解方案"


def test_recipients_run_into_the_opening_sentence_are_read() -> None:
    """各市（州）人民政府，省政府各部门：现将《X》印发给你们… on one line: the addressees are read."""
    from policyparse.pipeline import extract_string

    text = ("四川省人民政府办公厅关于印发某省优化营商环境实施方案的通知\n川办发〔2020〕31号\n"
            "各市（州）人民政府，省政府各部门、各直属机构：现将《某省优化营商环境实施方案》印发给你们，请认真贯彻执行。\n"
            "四川省人民政府办公厅\n2020年3月30日\n")
    assert extract_string(text).documents[0].meta.recipients == ["各市（州）人民政府", "省政府各部门", "各直属机构"]
