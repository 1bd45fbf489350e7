"""Red-team round 7: metadata read through the artefacts a copied notice picks up (portal rows,
law-database tails, damaged dates, document-sharing headers), end to end."""

from __future__ import annotations

from policyparse.models import Document
from policyparse.pipeline import extract_string


def _docs(text: str) -> list[Document]:
    return extract_string(text).documents


def _doc(text: str) -> Document:
    docs = _docs(text)
    assert len(docs) == 1, [d.meta.title for d in docs]
    return docs[0]


_TASK = "一、主要任务\n1.加强培训。(市残联牵头,市教育局配合,6月底前完成)\n"


def test_a_date_line_followed_by_its_publication_note_is_read() -> None:
    """2022年6月30日（此件公开发布） on one line (a portal lost the break): the 成文日期, and the year of 6月底前."""
    for note in ("（此件公开发布）", "    （此件主动公开）"):
        doc = _doc("湖南省人民政府办公厅关于某事项的通知\n湘政办发〔2022〕35号\n各市州人民政府:\n现就有关事项通知如下。\n"
                   + _TASK + "湖南省人民政府办公厅\n2022年6月30日" + note + "\n")
        assert doc.meta.date == "2022-06-30"
        assert doc.tasks[0].deadline is not None and str(doc.tasks[0].deadline.end) == "2022-06-30"


def test_a_signature_date_that_lost_its_glyphs_is_read_below_the_signature() -> None:
    """2022624 / { 2017 6 23 / 2023925日 right below the issuer: the one reading the digits allow."""
    for line, iso in (("2022624", "2022-06-24"), ("{ 2017 6 23", "2017-06-23"), ("2023925日", "2023-09-25"),
                      ("2022131", "2022-01-31")):
        doc = _doc("某某县人民政府办公室关于印发应急预案的通知\n各乡镇人民政府:\n现将有关事项通知如下。\n"
                   + _TASK + "某某县人民政府办公室\n" + line + "\n")
        assert doc.meta.date == iso, line


def test_glyph_lost_digits_that_read_two_ways_or_stand_alone_give_no_date() -> None:
    """2022112 (1月12日 or 11月2日) gives none; nor do seven digits that no signature line stands above."""
    for tail in ("某某县人民政府办公室\n2022112\n", "浏览次数\n2022624\n"):
        doc = _doc("某某县人民政府办公室关于做好某工作的通知\n各乡镇人民政府:\n现将有关事项通知如下。\n" + _TASK + tail)
        assert doc.meta.date is None, tail


def test_a_publication_note_between_the_signature_and_its_date() -> None:
    """牟定: 某办公室 ⏎ (此件公开发布) ⏎ { 2017 6 23: the signed date, not the portal's 发文日期."""
    doc = _doc("某某县人民政府办公室关于做好某工作的通知\n发文日期:2017年06月28日\n各乡镇人民政府:\n现将有关事项通知如下。\n"
               + _TASK + "某某县人民政府办公室\n（此件公开发布）\n{ 2017 6 23\n")
    assert (doc.meta.date, doc.meta.issuer) == ("2017-06-23", "某某县人民政府办公室")


def test_a_headline_wrapped_after_a_word_ending_like_a_unit_keeps_its_first_line() -> None:
    """…关于加强县级医院 ⏎ 能力建设的通知 (医院, 学校, 企业, 室, 合作社 end the first line), also over a blank line:
    the first line is the title's, not a banner, and names the issuer."""
    body = "各县区人民政府:\n现就有关问题通知如下:\n一、加强管理。(市卫健委牵头,市财政局配合)\n"
    for first, second in (("某某市人民政府办公室关于加强县级医院", "能力建设的通知"),
                          ("某某市人民政府办公室关于支持民营企业", "高质量发展的通知"),
                          ("某某市人民政府办公室关于加强村卫生室", "标准化建设的通知"),
                          ("某某市人民政府办公室关于规范农村信用合作社", "管理工作的通知")):
        for gap in ("\n", "\n\n"):
            doc = _doc(first + gap + second + "\n" + body)
            assert (doc.meta.title, doc.meta.issuer) == (first + second, "某某市人民政府办公室"), (first, gap)


def test_a_banner_naming_a_body_above_a_headline_is_still_no_part_of_it() -> None:
    doc = _doc("某某市人民政府\n某某市2023年县级医院能力建设工作要点\n"
               "一、加强管理。(市卫健委牵头,市财政局配合)\n")
    assert doc.meta.title == "某某市2023年县级医院能力建设工作要点"


_PLAN = ("某市行动计划（2022—2025年）\n二、主要任务\n"
         "1.推进科普规范化管理。遴选一批科普读物。（市卫健委牵头，市委宣传部按职责分工负责）\n"
         "2.普及残疾预防知识。每年开展宣传活动。（市残联牵头，市教育局按职责分工负责，每年8月底前完成）\n")


def test_a_related_list_under_a_notice_gives_no_tasks() -> None:
    """相关文件 / 政策解读： / 附件下载： lists: links to other documents, not tasks with their periods."""
    for tail in ("相关文件\n1. 国家残疾预防行动计划（2021—2025年）\n2. 湖南省残疾预防行动计划（2022—2025年）\n",
                 "相关链接：\n\n国家残疾预防行动计划（2021—2025年）\n湖南省残疾预防行动计划（2022—2025年）\n",
                 "政策解读：\n1.《某市行动计划》政策解读\n2. 图解：某市行动计划\n附件下载：\n1. 某市行动计划任务分工表.docx\n"):
        doc = _doc(_PLAN + tail)
        assert [t.title for t in doc.tasks] == ["推进科普规范化管理", "普及残疾预防知识"], tail
        assert doc.tasks[1].deadline is not None and doc.tasks[1].deadline.kind == "recurring"


def test_a_law_database_related_tail_leaves_the_last_task_and_the_next_notice() -> None:
    """【法宝联想】 ⏎ 相关法规：X is no part of the last task (its 2021—2025年 was the deadline); a notice after it stays."""
    docs = _docs(_PLAN + "【法宝联想】\n相关法规：国家残疾预防行动计划（2021—2025年）\n"
                 "某县人民政府关于做好某项工作的通知\n各乡镇人民政府：\n一、主要任务\n"
                 "1.开展排查。（县应急局牵头，9月底前完成）\n")
    assert docs[0].tasks[1].deadline is not None and docs[0].tasks[1].deadline.kind == "recurring"
    assert "相关法规" not in docs[0].tasks[1].text
    assert [d.meta.title for d in docs] == ["某市行动计划（2022—2025年）", "某县人民政府关于做好某项工作的通知"]


def test_a_wrapped_line_starting_with_an_ascii_comma_continues_the_field_group() -> None:
    """（…牵头,省直各部门按职责分工负责 ⏎ ,2024年底前完成）: the units and the deadline of the task."""
    doc = _doc("某省促进就业实施方案\n一、任务目标\n新增就业2.5万人。\n二、工作举措\n（一）实施带头安排就业行动。\n"
               "1.充分发挥机关带头作用。认真贯彻落实有关要求。(省委组织部、省残联牵头,省直各部门按职责分工负责\n"
               ",2024年底前完成)\n2.拓宽就业渠道。(省人社厅牵头,省财政厅配合,2023年底前完成)\n")
    first = doc.tasks[0]
    assert (first.lead_units, first.responsible_units) == (["省委组织部", "省残联"], ["省直各部门"])
    assert first.deadline is not None and str(first.deadline.end) == "2024-12-31"


def test_a_half_width_mark_opening_a_joined_line_is_widened_once_joined() -> None:
    """（各 ⏎ ( joined: the ( now has a CJK neighbour, so tidying twice gives what tidying once gives."""
    from policyparse.clean import repair, tidy

    once = tidy(repair("（各\n(")[0])[0]
    assert once == "（各（" and tidy(repair(once)[0])[0] == once


def test_recipients_on_a_long_line_after_a_label_or_without_their_colon() -> None:
    """A 主送 line of 300+ characters; `主送：A，B`; a damaged page's `A,B` line (its colon lost) above 现将…."""
    many = "、".join(f"省{name}厅" for name in "教育科技民政司法财政商务交通水利农业文化卫生审计外事统计体育林业粮食能源"
                                               "人防信访金融地震气象邮政烟草盐业物价旅游环保国土海洋测绘档案保密机要编制"
                                               "侨务台务民族宗教")
    doc = _doc("关于印发某省应急预案的通知\n西宁市卫生局、" + many + ":\n现将《某省应急预案》印发给你们，请认真贯彻执行。\n"
               "青海省卫生厅\n2009年5月1日\n")
    assert len("西宁市卫生局、" + many) > 200 and doc.meta.recipients[0] == "西宁市卫生局" and len(doc.meta.recipients) > 30
    doc = _doc("湖南省人民政府办公厅关于某事项的通知\n湘政办发〔2022〕35号\n主送：各市州人民政府，省直各单位\n现就有关事项通知如下。\n"
               + _TASK)
    assert doc.meta.recipients == ["各市州人民政府", "省直各单位"]
    doc = _doc("普洱市人民政府办公室关于印发实施方案的通知\n普政办发〔2022〕45号\n各县(区)人民政府,市直有关部门\n"
               "现将实施方案印发给你们,请抓好贯彻落实。\n普洱市人民政府办公室\n2022年6月24日\n实施方案\n" + _TASK)
    assert doc.meta.recipients == ["各县（区）人民政府", "市直有关部门"]


def test_a_line_of_words_without_a_colon_above_the_opening_is_no_recipient_list() -> None:
    """Only unit names qualify: 各地各部门要高度重视 above 现将… is a sentence; a line not followed by the opening is none."""
    for head in ("各地要高度重视，认真落实\n现将有关事项通知如下。\n", "各县区人民政府，市直各部门\n一、主要任务\n"):
        doc = _doc("某市人民政府办公室关于做好某工作的通知\n" + head + "二、工作要求\n1.加强培训。(市残联牵头,6月底前完成)\n")
        assert doc.meta.recipients == [], head


def test_a_portal_table_label_alone_on_a_line_is_no_recipient_list() -> None:
    """gov.cn's 信息公开 table printed a label a line: 索引号: is no 主送机关; the real one below is."""
    doc = _doc("索引号:\n\n000014349/2014-00023\n\n主题分类:\n\n农业\n\n国务院办公厅关于加强管理的通知\n\n国办函〔2014〕31号\n\n"
               "国务院各部委、各直属机构:\n现就有关事项通知如下:\n一、加强管理。(农业部牵头,财政部配合)\n")
    assert doc.meta.recipients == ["国务院各部委", "各直属机构"]


def test_a_spaced_number_label_in_the_middle_of_a_portal_row() -> None:
    """发布机构: X 文    号: Y on one row: Y is the 发文字号, X does not run into it."""
    doc = _doc("发布机构: 市政府办公室 文    号: 普政办发〔2022〕45号\n\n普洱市人民政府办公室关于印发实施方案的通知\n"
               "各县(区)人民政府,市直有关部门:\n现将实施方案印发给你们。\n普洱市人民政府办公室\n2022年6月24日\n")
    assert doc.meta.doc_number == "普政办发〔2022〕45号"
    assert doc.meta.cited_documents == []


def test_a_name_row_above_the_headline_leaves_the_title_whole() -> None:
    """名称: X的通知 文号: Y above the headline X: the title is the plan X prints, not a run across the row."""
    doc = _doc("名称: 普洱市人民政府办公室关于印发实施方案的通知 文号: 普政办发〔2022〕45号\n\n"
               "普洱市人民政府办公室关于印发实施方案的通知\n各县(区)人民政府,市直有关部门:\n现将实施方案印发给你们。\n"
               "普洱市人民政府办公室\n2022年6月24日\n")
    assert (doc.meta.title, doc.meta.doc_number) == ("实施方案", "普政办发〔2022〕45号")


def test_a_title_from_a_name_field_names_the_issuer() -> None:
    """名 称: | 六盘水市人民政府办公室关于印发…的通知 |: the issuer is the field's `X关于`, as on a headline line."""
    doc = _doc("名 称: | 六盘水市人民政府办公室关于印发六盘水市行动方案的通知 |\n各县区人民政府:\n"
               "现将《六盘水市行动方案》印发给你们,请认真抓好贯彻落实。\n(此件公开发布)\n六盘水市行动方案\n一、重点任务\n"
               "1.加强算力基础设施建设。(责任单位:市大数据局;完成时限:2024年12月)\n")
    assert (doc.meta.title, doc.meta.issuer) == ("六盘水市行动方案", "六盘水市人民政府办公室")


def test_a_spaced_out_table_label_alone_on_a_line_is_no_recipient_list() -> None:
    doc = _doc("标  题:\n\n国务院办公厅关于加强管理的通知\n\n国办函〔2014〕31号\n\n"
               "国务院各部委、各直属机构:\n现就有关事项通知如下:\n一、加强管理。(农业部牵头,财政部配合)\n")
    assert doc.meta.recipients == ["国务院各部委", "各直属机构"]


def test_a_forwarding_cover_letter_takes_the_plan_s_title() -> None:
    """关于转发《X关于印发〈Y〉的通知》的通知: the title is the plan Y (as for a 印发 wrapper); number, issuer
    and date stay the cover letter's."""
    doc = _doc("益阳市人民政府办公室关于转发《湖南省人民政府办公厅关于印发〈湖南省残疾预防行动计划（2022—2025年）〉的通知》的通知\n"
               "益政办函〔2022〕40号\n各区县（市）人民政府，市直有关单位：\n现将有关通知转发给你们，请认真贯彻执行。\n"
               "益阳市人民政府办公室\n2022年7月15日\n湖南省残疾预防行动计划（2022—2025年）\n一、主要行动任务\n"
               "1.推进残疾预防科普规范化管理。（省卫生健康委牵头，年底前完成）\n")
    assert (doc.meta.title, doc.meta.doc_number, doc.meta.issuer, doc.meta.date) == (
        "湖南省残疾预防行动计划（2022—2025年）", "益政办函〔2022〕40号", "益阳市人民政府办公室", "2022-07-15")


def test_red_header_elements_above_the_headline_are_no_part_of_it() -> None:
    """份号 000123, 密级 机密★1年, 紧急程度 特急 on lines above the headline."""
    for header in ("000123\n特急\n", "机密★1年\n", "000123\n秘密\n加急\n"):
        doc = _doc(header + "湖南省人民政府办公厅关于某事项的通知\n湘政办发〔2022〕35号\n各市州人民政府:\n现就有关事项通知如下。\n"
                   + _TASK + "湖南省人民政府办公厅\n2022年6月30日\n")
        assert doc.meta.title == "湖南省人民政府办公厅关于某事项的通知", header


def test_a_doc_number_line_that_also_holds_the_signer_is_the_notice_s_number() -> None:
    doc = _doc("湖南省人民政府办公厅文件\n湘政办发〔2022〕35号                签发人：张三\n"
               "湖南省人民政府办公厅关于某事项的通知\n各市州人民政府:\n现就有关事项通知如下。\n" + _TASK
               + "湖南省人民政府办公厅\n2022年6月30日\n")
    assert (doc.meta.doc_number, doc.meta.cited_documents) == ("湘政办发〔2022〕35号", [])


def test_a_document_site_piece_header_opens_no_empty_document() -> None:
    """写写帮: `第一篇:X` and its `简介:…小编…` blurb above the 红头: one notice, which has the 发文字号."""
    doc = _doc("简介:写写帮文库小编为你整理了多篇相关的《湖南省人民政府办公厅文件》,但愿对你工作学习有帮助。\n\n"
               "第一篇:湖南省人民政府办公厅文件\n\n湖南省人民政府办公厅文件\n\n湘政办发〔2009〕24号\n\n"
               "湖南省人民政府办公厅关于加强高校毕业生就业工作的通知\n\n各市州人民政府:\n\n现就有关问题通知如下:\n\n"
               "一、积极引导高校毕业生到基层就业。(省人社厅牵头,省教育厅配合)\n")
    assert (doc.meta.title, doc.meta.doc_number) == ("湖南省人民政府办公厅关于加强高校毕业生就业工作的通知", "湘政办发〔2009〕24号")


def test_a_running_header_repeating_the_title_beside_a_page_label_splits_nothing() -> None:
    """— 3 — ⏎ 湖南省残疾预防行动计划（2022—2025年） between two tasks (a PDF's running header): one notice."""
    head = ("湖南省人民政府办公厅关于印发《湖南省残疾预防行动计划（2022—2025年）》的通知\n湘政办发〔2022〕35号\n"
            "各市州人民政府：\n《湖南省残疾预防行动计划（2022—2025年）》已经省人民政府同意，现印发给你们。\n"
            "湖南省人民政府办公厅\n2022年6月30日\n湖南省残疾预防行动计划（2022—2025年）\n一、主要行动任务\n"
            "（一）残疾预防知识普及行动\n1.推进科普规范化管理。（省卫生健康委牵头）\n"
            "2.普及残疾预防知识。（省残联牵头，2023年底前完成）\n")
    tail = ("3.加强专业队伍建设。（省残联牵头，2022年12月底前完成）\n（二）出生缺陷和发育障碍致残防控行动\n"
            "4.加强婚前孕前保健。（省卫生健康委牵头，持续推进）\n")
    for header in ("— 3 —\n湖南省残疾预防行动计划（2022—2025年）\n",
                   "湖南省人民政府办公厅关于印发《湖南省残疾预防行动计划（2022—2025年）》的通知\n- 3 -\n"):
        doc = _doc(head + header + tail)
        assert [t.number for t in doc.tasks] == ["1", "2", "3", "4"]
        assert doc.tasks[2].section_id == doc.tasks[0].section_id


def test_the_printing_body_of_the_foot_line_names_a_missing_issuer() -> None:
    """六盘水市人民政府办公室 2022年11月30日印发 under a notice with no signature: its date and its issuer."""
    doc = _doc("六盘水市行动方案\n一、重点任务\n1.加强算力基础设施建设。(责任单位:市大数据局;完成时限:2024年12月)\n"
               "抄送：市委办公室。\n六盘水市人民政府办公室 2022年11月30日印发\n")
    assert (doc.meta.date, doc.meta.issuer) == ("2022-11-30", "六盘水市人民政府办公室")


def test_a_signature_flattened_onto_its_date_line_dates_and_signs_the_notice() -> None:
    """四川省人民政府办公厅 2020年3月30日 (a page that lost the line break): the date and the signer, joint
    signers apart by spaces as A、B; a line whose text before the date names no body dates nothing."""
    head = "关于印发某工作要点的通知\n各市（州）人民政府：\n现印发给你们，请认真组织实施。\n"
    tail = "某工作要点\n" + _TASK
    doc = _doc(head + "四川省人民政府办公厅 2020年3月30日\n" + tail)
    assert (doc.meta.date, doc.meta.issuer) == ("2020-03-30", "四川省人民政府办公厅")
    doc = _doc(head + "中共某区委办公室 某区人民政府办公室　2020年4月28日\n" + tail)
    assert (doc.meta.date, doc.meta.issuer) == ("2020-04-28", "中共某区委办公室、某区人民政府办公室")
    assert _doc(head + "会议定于 2020年3月30日\n" + tail).meta.date is None


def test_a_seal_note_on_the_signature_line_is_no_part_of_the_issuer() -> None:
    for seal in ("（印章）", "（盖章）", "(公章)"):
        doc = _doc("湖南省人民政府办公厅关于某事项的通知\n湘政办发〔2022〕35号\n各市州人民政府:\n现就有关事项通知如下。\n"
                   + _TASK + "湖南省人民政府办公厅" + seal + "\n2022年6月30日\n")
        assert doc.meta.issuer == "湖南省人民政府办公厅", seal


def test_joint_signatures_in_two_columns_far_apart() -> None:
    """Two issuers a row, 24 spaces apart (a PDF's two columns), over two rows: all four, in order."""
    gap = " " * 24
    doc = _doc("关于印发某省应急预案的通知\n省委宣传部、省科技厅：\n现将《某省应急预案》印发给你们，请认真贯彻执行。\n\n"
               f"青海省卫生厅{gap}青海省发展和改革委员会\n\n青海省经济委员会{gap}青海省教育厅\n\n二○○九年五月一日\n")
    assert doc.meta.issuer == "青海省卫生厅、青海省发展和改革委员会、青海省经济委员会、青海省教育厅"


def test_a_related_heading_takes_no_plain_lines_of_a_table_along() -> None:
    """相关文件 as a one-cell-a-line table's column name: the unit cells below it are no related titles."""
    from policyparse.clean import tidy

    text, _, dropped = tidy("序号\n工作任务\n相关文件\n市发改委\n市财政局\n")
    assert "市发改委" in text and "市财政局" in text and "市发改委" not in dropped
