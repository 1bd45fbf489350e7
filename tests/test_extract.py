"""The extract stage on small notices: each field shape, units, task levels."""

from __future__ import annotations

import pytest

from policyparse import extract_text
from policyparse.extract import split_units


@pytest.mark.parametrize(
    ("printed", "units"),
    [
        ("各园区管委会、各部门、各单位", ["各园区管委会", "各部门", "各单位"]),
        ("城乡建设和交通管理局、文化和旅游局", ["城乡建设和交通管理局", "文化和旅游局"]),
        ("财政局和税务局", ["财政局", "税务局"]),
        ("市场监督管理局等相关部门和单位", ["市场监督管理局", "相关部门和单位"]),
        ("财政局、招商局（双创办）、人力资源产业园", ["财政局", "招商局（双创办）", "人力资源产业园"]),
        ("财政局、财政局", ["财政局"]),
    ],
)
def test_split_units(grammars, printed: str, units: list[str]) -> None:
    assert split_units(printed, grammars) == units


def _tasks(text: str) -> list[dict]:
    data = extract_text(text).model_dump()
    return data["documents"][0]["tasks"]


def test_labelled_fields() -> None:
    tasks = _tasks("某区2020年工作要点\n二、主要任务\n（一）深化改革\n1.编制清单。认真承接。\n牵头单位:经济发展局\n"
                   "责任单位:各园区管委会、财政局\n完成时限:2020年8月底前\n2.推进事项。内容。\n责任单位:税务局\n")
    assert [t["number"] for t in tasks] == ["1", "2"]
    first = tasks[0]
    assert first["title"] == "编制清单"
    assert first["lead_units"] == ["经济发展局"]
    assert first["responsible_units"] == ["各园区管委会", "财政局"]
    assert first["deadline"]["kind"] == "by_date"
    assert first["deadline"]["end"] == "2020-08-31"
    assert first["section_path"] == ["二、主要任务", "（一）深化改革"]
    assert "牵头单位" not in first["text"]
    assert tasks[1]["lead_units"] == [] and tasks[1]["responsible_units"] == ["税务局"]


def test_closing_parenthetical() -> None:
    tasks = _tasks("某某实施方案\n二、主要任务\n（一）降门槛\n1.推行清单制度，让权力规范运行。内容。"
                   "(新区组织部牵头,各新城、管委会各部门参与,2017年9月底完成)\n"
                   "2.实施人才战略。内容。(新区人社局牵头,财政局、招商局(双创办)参与,2017年12月底完成)\n")
    assert tasks[0]["title"] == "推行清单制度，让权力规范运行"
    assert tasks[0]["lead_units"] == ["新区组织部"]
    assert tasks[0]["responsible_units"] == ["各新城", "管委会各部门"]
    assert tasks[0]["deadline"]["end"] == "2017-09-30"
    assert tasks[1]["responsible_units"] == ["财政局", "招商局（双创办）"]


def test_lead_responsible_by_function() -> None:
    tasks = _tasks("市工作方案\n三、重点任务\n（一）流程更优\n1.梳理事项。(市政务服务管理局牵头负责)\n"
                   "2.削减层级。(各有关部门按职能分工负责)\n3.取消条件。(市自然资源局等相关部门按职能分工牵头负责)\n")
    assert tasks[0]["lead_units"] == ["市政务服务管理局"] and tasks[0]["responsible_units"] == []
    assert tasks[1]["lead_units"] == [] and tasks[1]["responsible_units"] == ["各有关部门"]
    assert tasks[2]["lead_units"] == ["市自然资源局"] and tasks[2]["responsible_units"] == ["相关部门"]


def test_principles_safeguards_and_subitems_are_not_tasks() -> None:
    tasks = _tasks("某方案\n一、指导思想\n1.坚持原则。(甲局牵头)\n二、主要任务\n1.做好甲事。\n（1）子项一。\n（2）子项二。\n"
                   "牵头单位：甲局\n2.做好乙事。\n牵头单位：乙局\n三、保障措施\n1.加强领导。\n")
    assert [t["title"] for t in tasks] == ["做好甲事", "做好乙事"]
    assert "子项一" in tasks[0]["text"]


def test_quarterly_blocks_are_tasks() -> None:
    tasks = _tasks("为落实部署，特制定本方案。\n具体举措:持续扩展应用场景。推动融合。\n"
                   "推进计划:一季度,制定计划;二季度,推进下沉;三季度,互通共享;四季度,总结成效。\n"
                   "责任单位:政法委、文化和旅游局\n具体举措:深化改革。\n推进计划:一季度,完成改革;二、三、四季度,抓好落实。\n"
                   "(一)强化组织领导。各部门要加强领导。\n")
    assert [t["title"] for t in tasks] == ["持续扩展应用场景", "深化改革"]
    assert tasks[0]["responsible_units"] == ["政法委", "文化和旅游局"]
    assert tasks[0]["section_path"] == []


def test_news_article_has_no_tasks() -> None:
    text = "某区95条举措打造最优营商环境\n\n政务服务方面，新区将推行全域通办。\n\n市场准入方面，全面推行登记便利化改革。\n"
    assert _tasks(text) == []


def test_task_level_is_the_one_that_carries_fields() -> None:
    tasks = _tasks("某市重点任务分工方案\n一、总体要求\n坚持问题导向。\n二、重点任务\n"
                   "（一）深化审批改革。全面推行告知承诺制。（牵头单位：市发展改革委；责任单位：市财政局、市税务局；完成时限：2021年6月底前）\n"
                   "（二）优化政务服务。推进一网通办。责任单位：市政务服务中心，各县区政府；完成时限：2021年6月底前。\n"
                   "（三）加强监管。推进双随机。（市市场监管局牵头，市直各部门配合，持续推进）\n"
                   "（四）提升效率。压缩办理时限。（2021年9月底前完成）\n三、保障措施\n（一）加强组织领导。各部门要高度重视。\n")
    assert [t["number"] for t in tasks] == ["一", "二", "三", "四"]
    assert tasks[0]["lead_units"] == ["市发展改革委"]
    assert tasks[0]["responsible_units"] == ["市财政局", "市税务局"]
    assert tasks[1]["responsible_units"] == ["市政务服务中心", "各县区政府"]
    assert tasks[1]["text"].endswith("推进一网通办。")
    assert tasks[2]["deadline"]["kind"] == "ongoing"
    assert tasks[3]["deadline"]["end"] == "2021-09-30"
    assert tasks[0]["section_path"] == ["二、重点任务"]


def test_closing_role_sentence_without_brackets() -> None:
    tasks = _tasks("某市工作方案\n二、重点任务\n1.推行告知承诺制。全面梳理事项。由市发展改革委牵头，市财政局等部门配合。\n"
                   "2.压实责任。各部门要按照职责分工负责落实。\n3.优化服务。推进一网通办。市政务服务中心负责。\n")
    assert tasks[0]["lead_units"] == ["市发展改革委"] and tasks[0]["responsible_units"] == ["市财政局"]
    assert tasks[1]["lead_units"] == [] and tasks[1]["responsible_units"] == []
    assert tasks[2]["responsible_units"] == ["市政务服务中心"]


def test_attachment_list_items_are_not_tasks() -> None:
    tasks = _tasks("某市工作方案\n二、重点任务\n1.推行告知承诺制。（市发展改革委牵头）\n2.优化服务。（市政务服务中心牵头）\n"
                   "附件：1.重点任务分工表\n2.联系人名单\n")
    assert [t["title"] for t in tasks] == ["推行告知承诺制", "优化服务"]


def test_lead_marked_inside_a_responsible_list() -> None:
    tasks = _tasks("某市工作方案\n二、重点任务\n1.推行告知承诺制。\n责任单位：市发展改革委（牵头）、市财政局、市税务局\n"
                   "2.优化服务。\n责任单位：市政务服务中心\n")
    assert tasks[0]["lead_units"] == ["市发展改革委"]
    assert tasks[0]["responsible_units"] == ["市财政局", "市税务局"]


def test_unrecoverable_characters_are_warned_about() -> None:
    data = extract_text("某市工作方案\n一、重点任务\n1.推进\ufffd\ufffd改革。（市发展改革委牵头）\n").model_dump()
    warnings = data["documents"][0]["warnings"]
    assert warnings[0]["code"] == "text.unrecovered" and warnings[0]["message"].startswith("2 ")


def test_labelled_unit_list_continues_after_a_comma() -> None:
    tasks = _tasks("关于进一步优化营商环境的实施意见\n一、深化改革\n（一）推进审批服务便民化。全面推行告知承诺制，2023年6月底前完成事项梳理，"
                   "9月底前全面实施。（责任单位：市政务服务中心，各县（市、区）人民政府）\n"
                   "（二）加强监管。推行双随机监管。（责任单位：市市场监管局、市发展改革委）\n")
    assert tasks[0]["responsible_units"] == ["市政务服务中心", "各县（市、区）人民政府"]
    assert tasks[0]["deadline"]["kind"] == "milestones" and tasks[0]["deadline"]["end"] == "2023-09-30"


def test_label_with_its_value_on_the_next_line() -> None:
    tasks = _tasks("某市工作方案\n一、重点任务\n1.推行告知承诺制。全面梳理事项。\n牵头单位：\n市发展改革委\n责任单位：\n市财政局、市税务局\n"
                   "完成时限：\n2023年6月底前\n2.优化服务。\n牵头单位：市政务服务中心\n")
    assert tasks[0]["lead_units"] == ["市发展改革委"]
    assert tasks[0]["responsible_units"] == ["市财政局", "市税务局"]
    assert tasks[0]["deadline"]["end"] == "2023-06-30"
    assert tasks[0]["text"] == "推行告知承诺制。全面梳理事项。"


# ---------------------------------------------------------------- fast paths give what the plain forms give

_FAST_PATH_CHARS = "（）()〔〕【】[]、，,；;/ 　\t甲乙局牵头负责2020年月底前和及等"


def _random_texts(count: int, chars: str = _FAST_PATH_CHARS, longest: int = 24) -> list[str]:
    import random

    rnd = random.Random(20240601)
    return ["".join(rnd.choice(chars) for _ in range(rnd.randrange(longest))) for _ in range(count)]


def _groups_by_depth(text: str) -> list[tuple[int, int, str]]:
    """bracket_groups as first written: depth counted over every bracket of the text."""
    from policyparse.extract.brackets import _CLOSE, _OPEN

    groups, depth, start = [], 0, 0
    for pos, ch in enumerate(text):
        if ch in _OPEN:
            if depth == 0:
                start = pos
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                groups.append((start, pos + 1, text[start + 1:pos]))
    return groups


def test_bracket_groups_match_depth_counting() -> None:
    from policyparse.extract import bracket_groups

    for text in _random_texts(3000):
        assert bracket_groups(text) == _groups_by_depth(text), text


def test_top_level_split_matches_the_character_loop(grammars) -> None:  # type: ignore[no-untyped-def]
    from policyparse.extract.fields import _CLAUSES
    from policyparse.extract.units import _split_top_level, _split_top_level_by_char, _units

    units = _units(grammars).splitter
    assert units.split is not None and _CLAUSES.split is not None  # the plain-class fast path is in use
    for text in _random_texts(3000):
        for splitter in (units, _CLAUSES):
            assert _split_top_level(text, splitter) == _split_top_level_by_char(text, splitter.separators), text


def test_block_ends_match_a_scan_per_heading() -> None:
    import random

    from policyparse.extract.level import _block_ends
    from policyparse.structure import DocumentPart, Heading

    def scan(headings: list[Heading], index: int, part: DocumentPart) -> int:
        return next((h.line for h in headings[index + 1:] if h.rank <= headings[index].rank), part.last)

    rnd = random.Random(7)
    for _ in range(300):
        count = rnd.randrange(12)
        headings = [Heading(line=i * 2, ordinal="", rule="", rank=rnd.randrange(1, 5), title="", rest="")
                    for i in range(count)]
        part = DocumentPart(first=0, last=count * 2 + 1, headings=headings)
        assert _block_ends(part) == [scan(headings, i, part) for i in range(count)]


def test_prefix_factored_patterns_match_like_flat_alternations(grammars) -> None:  # type: ignore[no-untyped-def]
    import re

    from policyparse.extract.fields import _field_rules, _inline_suffixes, _label_table

    rules = _field_rules(grammars)
    table, _, anywhere = _label_table(grammars)
    words = sorted({s for s, _ in _inline_suffixes(grammars)} | set(table), key=len, reverse=True)
    flat_hint = re.compile("|".join(map(re.escape, words)))
    assert rules.anywhere is not anywhere  # the factored form is in use
    pieces = [*table, *words, "：", ":", " ", "。", "；", "甲局", "，", "（"]
    import random

    rnd = random.Random(3)
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(8)))
        assert bool(rules.hint.search(text)) == bool(flat_hint.search(text)), text
        assert [(m.span(), m.group("label")) for m in rules.anywhere.finditer(text)] == \
            [(m.span(), m.group("label")) for m in anywhere.finditer(text)], text


def test_bodies_the_date_gate_skips_hold_no_dated_target(grammars) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from policyparse import deadlines
    from policyparse.extract.tasks import _date_gate

    gate = _date_gate(grammars)
    assert gate is not None
    chars = "项目建设地点变更的，；。（）、每月起至内前后底旬季度半年上下第本今明次来去當來兩個時內週　０１２３４５６７８９" \
            "0123456789〇零一二两三四五六七八九十日号月年《》“”持续推进常态化长期按春节國国庆元旦中秋端午劳动節"
    skipped = 0
    for text in _random_texts(6000, chars, 12):
        if gate.search(text) is None:
            skipped += 1
            assert deadlines.find_in_text(text, year=2020, ref=date(2020, 5, 1)) is None, text
            assert deadlines.find_in_text(text) is None, text
    assert skipped > 100


def test_ordinal_numbers_match_the_regex() -> None:
    from policyparse.extract.tasks import _NOT_NUMBER, _number

    for ordinal in [*_random_texts(3000, "0123456789一二三四五六七八九十百①⑤⑳（）().．、第部分Ａa１ ", 6),
                    "1.", "（一）", "一、", "(1)", "①", "二十一、", "第一部分", ""]:
        assert _number(ordinal) == (_NOT_NUMBER.sub("", ordinal) or ordinal), ordinal


def test_clauses_ruled_out_as_deadlines_name_none() -> None:
    from datetime import date

    from policyparse import deadlines

    chars = "市财政局牵头负责按相关程序进行，、每月周年季度持续推进常态化长期按时限日内起前底" \
            "0123456789０１２３〇一二三四十《》“”　 "
    ruled_out = 0
    for text in [*_random_texts(6000, chars, 10), "", " ", "市财政局牵头", "持续推进", "每季度", "2018年底"]:
        if not deadlines.may_name_deadline(text):
            ruled_out += 1
            for year, ref in ((None, None), (2020, None), (2020, date(2020, 5, 1)), (2016, date(2016, 2, 29))):
                assert deadlines.normalise(text, year=year, ref=ref).kind == "none", text
    assert ruled_out > 500


def test_a_group_deadline_read_once_equals_normalising_it() -> None:
    from datetime import date

    from policyparse import deadlines
    from policyparse.extract import parse_group
    from policyparse.pipeline import grammars_for

    grammars = grammars_for(())
    for inner in ["新区财政局牵头，审计局配合，2018年12月底完成", "2019年6月底前", "市发改委牵头，持续推进",
                  "市发改委牵头，2018年9月底完成方案的制定、12月底前完成网络建设", "市发改委牵头，6个月内完成"]:
        for year, ref in ((2018, date(2018, 3, 1)), (2018, None), (None, None)):
            fields = parse_group(inner, grammars, year, at_end=True, ref=ref)
            assert fields is not None and fields.group_result is not None, inner
            assert fields.group_result == deadlines.normalise(fields.group_deadline, year=year, ref=ref), inner


def test_tidy_unit_lists_split_as_the_general_split(grammars) -> None:  # type: ignore[no-untyped-def]
    from policyparse.extract.brackets import _TRIM
    from policyparse.extract.units import _is_tidy, _split_tidy, _split_untidy, _units

    vocab = _units(grammars)
    pieces = ["财政局", "城乡建设", "和", "及", "以及", "交通管理局", "各", "各级", "由", "部门", "单位", "等",
              "、", "，", "/", "；", "税务局", "（", "）", " ", "：", "甲" * 41]
    import random

    rnd = random.Random(11)
    tidy = 0
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(9))).strip(_TRIM)
        if _is_tidy(text, vocab):
            tidy += 1
            assert _split_tidy(text, vocab) == _split_untidy(text, vocab), text
    assert tidy > 500


def test_groups_of_part_of_a_line_come_from_the_whole_line() -> None:
    import random

    from policyparse.extract.brackets import _groups_in, bracket_groups

    rnd = random.Random(5)
    for line in _random_texts(3000):
        known = bracket_groups(line)
        offset = rnd.randrange(len(line) + 1)
        text = line[offset:offset + rnd.randrange(len(line) - offset + 1)]
        assert _groups_in(line, offset, text, known) == bracket_groups(text), (line, offset, text)


def test_titles_from_known_groups_match_titles_found_afresh() -> None:
    from policyparse.extract import bracket_groups, task_title
    from policyparse.extract.tasks import _task_title

    for text in _random_texts(3000, "（）()〔〕甲乙局牵头。：、， 　1.一", 20):
        assert _task_title(text, bracket_groups(text)) == task_title(text), text


def test_subitems_run_into_their_parents_line_are_tasks_of_their_own() -> None:
    """A scraped page keeps `1.标题。（1）…（X牵头）（2）…` on one line: each sub-item keeps its own fields."""
    text = ("某市关于优化营商环境的实施意见\n一、减少审批事项\n1.深化商事制度改革。(1)全面实行多证合一。内容。"
            "(市市场监管局牵头负责)(2)完善全程电子化登记。内容。(市数据局牵头负责)(3)推进名称登记改革。内容。"
            "(市市场监管局牵头,市民政局配合,2018年6月底前完成)\n2.压减审批时限。内容。(市政务服务中心牵头负责)\n")
    tasks = _tasks(text)
    assert [t["title"] for t in tasks] == ["全面实行多证合一", "完善全程电子化登记", "推进名称登记改革", "压减审批时限"]
    assert [t["lead_units"] for t in tasks] == [["市市场监管局"], ["市数据局"], ["市市场监管局"], ["市政务服务中心"]]
    assert tasks[2]["responsible_units"] == ["市民政局"]
    assert tasks[2]["deadline"]["end"] == "2018-06-30"
    assert tasks[0]["deadline"]["kind"] == "none"
    assert tasks[0]["section_path"] == ["一、减少审批事项", "1.深化商事制度改革"]


@pytest.mark.parametrize("group", [
    "【牵头单位：市住建局　责任单位：市发改委、市自然资源局　完成时限：2022年6月30日】",
    "（牵头单位：市住建局 责任单位：市发改委、市自然资源局 完成时限：2022年6月30日）",
    "（牵头单位：市住建局责任单位：市发改委、市自然资源局完成时限：2022年6月30日）",
])
def test_labels_parted_by_spaces_inside_one_group(group: str) -> None:
    tasks = _tasks(f"某市工作要点\n一、重点任务\n1.推进审批制度改革。内容。{group}\n2.优化服务。（市政务服务中心牵头）\n")
    assert tasks[0]["lead_units"] == ["市住建局"]
    assert tasks[0]["responsible_units"] == ["市发改委", "市自然资源局"]
    assert tasks[0]["deadline"]["end"] == "2022-06-30"


def test_one_character_and_close_bracket_ordinals_are_items() -> None:
    tasks = _tasks("某县工作方案\n一、主要任务\n（一）提升开办效率\n⑴压缩开办时间。内容。（县市场监管局牵头，2021年6月底前完成）\n"
                   "⑵推行电子营业执照。（县市场监管局牵头，县税务局配合）\n（二）优化审批\n1）精简审批材料。（县行政审批局牵头，持续推进）\n"
                   "2）推行容缺受理。（县行政审批局牵头）\n")
    assert [(t["number"], t["title"]) for t in tasks] == [
        ("1", "压缩开办时间"), ("2", "推行电子营业执照"), ("1", "精简审批材料"), ("2", "推行容缺受理")]
    assert tasks[1]["responsible_units"] == ["县税务局"]
    assert tasks[2]["section_path"] == ["一、主要任务", "（二）优化审批"]


def test_division_label_is_read_as_roles_and_officials_are_not_units() -> None:
    tasks = _tasks("某省重点任务分工方案\n一、主要预期目标\n1.地区生产总值增长6%以上。\n分管省领导：张某\n"
                   "部门分工：省发展改革委牵头，各地、各部门配合。\n2.进出口实现正增长。\n分管省领导：李某\n部门分工：省商务厅牵头。\n")
    assert [(t["lead_units"], t["responsible_units"]) for t in tasks] == [
        (["省发展改革委"], ["各地", "各部门"]), (["省商务厅"], [])]
    assert tasks[0]["text"] == "地区生产总值增长6%以上。"


@pytest.mark.parametrize(("printed", "units"), [
    ("（责任单位：各有关部门按职能分工负责）", ["各有关部门"]),
    ("〔责任单位：省发展改革委、商务厅按职责分工负责。具体任务均涉及相关市（州）人民政府，不再做分工，下同。〕",
     ["省发展改革委", "商务厅"]),
])
def test_labelled_unit_list_ends_at_its_sentence_and_role_phrase(printed: str, units: list[str]) -> None:
    tasks = _tasks(f"某方案\n一、任务\n1.推进甲事。内容。{printed}\n2.推进乙事。（市财政局负责）\n")
    assert tasks[0]["responsible_units"] == units


@pytest.mark.parametrize(("printed", "units"), [
    ("各市、州、县人民政府，省政府各部门", ["各市、州、县人民政府", "省政府各部门"]),
    ("市直各委、办、局（公司），自贸区管委会", ["市直各委、办、局（公司）", "自贸区管委会"]),
    ("各部门、各单位", ["各部门", "各单位"]),
    ("各县、市、区人民政府\ue000", ["各县", "市", "区人民政府\ue000"]),  # the stand-in character is never assumed absent
])
def test_distributed_collective_names_stay_whole(grammars, printed: str, units: list[str]) -> None:
    assert split_units(printed, grammars) == units


def test_release_marker_is_not_part_of_the_title_and_safeguard_variants_are_not_tasks() -> None:
    data = extract_text("某市人民政府办公室\n2022年3月1日\n（此件公开发布）\n某市2022年优化营商环境工作要点\n"
                        "一、重点任务\n1.推进甲事。（市发改委牵头）\n2.推进乙事。（市财政局、市税务局分别牵头）\n"
                        "二、强化保障\n1.强化督查考核。（市督查室负责）\n").model_dump()["documents"][0]
    assert data["meta"]["title"] == "某市2022年优化营商环境工作要点"
    assert [t["title"] for t in data["tasks"]] == ["推进甲事", "推进乙事"]
    assert data["tasks"][1]["lead_units"] == ["市财政局", "市税务局"]


@pytest.mark.parametrize(("group", "lead", "responsible"), [
    ("（各县区根据职责分工负责）", [], ["各县区"]),
    ("（市法院、市检察院支持配合）", [], ["市法院", "市检察院"]),
    ("（市商务局为牵头单位，市财政局配合）", ["市商务局"], ["市财政局"]),
    ("（责任单位：市商务局为牵头单位、市财政局）", ["市商务局"], ["市财政局"]),
])
def test_role_phrase_variants(group: str, lead: list[str], responsible: list[str]) -> None:
    tasks = _tasks(f"某方案\n一、任务\n1.推进甲事。内容。{group}\n2.推进乙事。（市发改委牵头）\n")
    assert (tasks[0]["lead_units"], tasks[0]["responsible_units"]) == (lead, responsible)


def test_items_with_fields_on_their_own_line_are_tasks_even_when_few_are() -> None:
    """Only some 1. items print a group: the 1. items are still the tasks, not their 一、 sections."""
    tasks = _tasks("某县2022年政务公开工作要点\n一、加强政策解读\n1.做好政策解读。\n2.开展宣讲。\n"
                   "3.完善问答库。（县政务公开办负责）\n二、强化平台建设\n1.优化网站。\n2.整合新媒体。（县融媒体中心负责）\n")
    assert [t["title"] for t in tasks] == ["做好政策解读", "开展宣讲", "完善问答库", "优化网站", "整合新媒体"]
    assert tasks[2]["responsible_units"] == ["县政务公开办"]


def test_field_group_broken_by_a_hard_wrap_keeps_its_fields() -> None:
    tasks = _tasks("某县2022年工作方案\n一、任务\n1.推进事项。（县发改局牵头）\n2.推进证照分离。（县市场监管局牵头，\n"
                   "县直有关部门配合，6月底前完成）\n3.优化服务。（牵头单位：县政务中心；\n责任单位：各乡镇；\n完成时限：2022年9月底前）\n")
    assert [(t["lead_units"], t["responsible_units"], t["deadline"]["end"]) for t in tasks] == [
        (["县发改局"], [], None), (["县市场监管局"], ["县直有关部门"], "2022-06-30"),
        (["县政务中心"], ["各乡镇"], "2022-09-30")]


@pytest.mark.parametrize(("group", "lead", "responsible", "deadline"), [
    ("（市商务局牵头，市口岸办配合。2022年6月底前完成）", ["市商务局"], ["市口岸办"], "2022年6月底前完成"),
    ("（市财政局牵头，市税务局配合。）", ["市财政局"], ["市税务局"], None),
    ("（责任单位：A局、B局，各县区政府、园区管委会。以下措施均需落实，不再单独列出）", [],
     ["A局", "B局", "各县区政府", "园区管委会"], None),
])
def test_a_sentence_end_inside_a_group_ends_a_clause(group: str, lead: list[str], responsible: list[str],
                                                      deadline: str | None) -> None:
    tasks = _tasks(f"某方案\n一、任务\n1.推进甲事。内容。{group}\n2.推进乙事。（市发改委牵头）\n")
    assert (tasks[0]["lead_units"], tasks[0]["responsible_units"], tasks[0]["deadline"]["text"]) == (
        lead, responsible, deadline)


@pytest.mark.parametrize(("printed", "lead", "responsible"), [
    ("（责任单位：市发改委牵头，市财政局配合）", ["市发改委"], ["市财政局"]),
    ("（责任单位：市人社局牵头，市医保局、市财政局）", ["市人社局"], ["市医保局", "市财政局"]),
    ("（责任单位：市人社局、市医保局按职责分工负责）", [], ["市人社局", "市医保局"]),
])
def test_a_lead_phrase_inside_a_responsible_label_marks_the_lead(printed: str, lead: list[str],
                                                                  responsible: list[str]) -> None:
    tasks = _tasks(f"某方案\n一、任务\n1.推进甲事。内容。{printed}\n2.推进乙事。（市发改委牵头）\n")
    assert (tasks[0]["lead_units"], tasks[0]["responsible_units"]) == (lead, responsible)


def test_space_separated_unit_list_under_a_label() -> None:
    tasks = _tasks("某方案\n一、任务\n1.推进甲事。\n牵头单位：市发改委\n责任单位：市财政局 市商务局 市税务局\n"
                   "2.推进乙事。（市发改委牵头）\n")
    assert tasks[0]["responsible_units"] == ["市财政局", "市商务局", "市税务局"]


def test_an_item_without_sub_items_that_prints_its_own_fields_is_a_task() -> None:
    tasks = _tasks("某市实施意见\n一、任务\n1.深化审批改革。\n（1）精简事项。（市审批局牵头）\n（2）压缩时限。（市审批局牵头）\n"
                   "2.优化服务。\n（1）推行网办。（市数据局牵头）\n3.推进双随机监管。（市市场监管局牵头，市直各执法部门配合）\n")
    assert [t["title"] for t in tasks] == ["精简事项", "压缩时限", "推行网办", "推进双随机监管"]
    assert tasks[3]["lead_units"] == ["市市场监管局"] and tasks[3]["section_path"] == ["一、任务"]


@pytest.mark.parametrize(("group", "lead", "responsible"), [
    ("（市审批局牵头，市财政局、市税务局，各县区人民政府配合）", ["市审批局"], ["市财政局", "市税务局", "各县区人民政府"]),
    ("（市发改委牵头，市高新区、某某海关、某某机场配合）", ["市发改委"], ["市高新区", "某某海关", "某某机场"]),
    ("（牵头单位∶县市场监管局；协作单位∶县税务局）", ["县市场监管局"], ["县税务局"]),
    ("（牵头：县司法局；配合：县直各部门）", ["县司法局"], ["县直各部门"]),
])
def test_unit_groups_labels_and_colon_variants(group: str, lead: list[str], responsible: list[str]) -> None:
    tasks = _tasks(f"某方案\n一、任务\n1.推进甲事。内容。{group}\n2.推进乙事。（市发改委牵头）\n")
    assert (tasks[0]["lead_units"], tasks[0]["responsible_units"]) == (lead, responsible)


def test_items_opening_with_a_date_or_5g_and_spaced_dates() -> None:
    tasks = _tasks("某市2023年优化营商环境工作方案\n一、任务\n1.推进一网通办。（市政务服务局牵头）\n"
                   "2.2023年底前完成系统升级。（市市场监管局牵头）\n3.12月底前实现全覆盖。（市数据局牵头）\n"
                   "4.5G基站建设提速。（市工信局牵头，2023 年 9 月底前完成）\n")
    assert [t["number"] for t in tasks] == ["1", "2", "3", "4"]
    assert [t["deadline"]["end"] for t in tasks] == [None, "2023-12-31", "2023-12-31", "2023-09-30"]


def test_a_labelled_deadline_runs_on_over_its_date_clauses() -> None:
    tasks = _tasks("某市2023年工作方案\n一、任务\n1.推进不动产登记。（牵头单位：市自然资源局；完成时限：2023年6月底前完成试点，"
                   "12月底前全面推开）\n2.开展评价。（牵头单位：市发改委；完成时限：2023年6月底前完成，市统计局配合）\n")
    assert tasks[0]["deadline"]["kind"] == "milestones" and tasks[0]["deadline"]["end"] == "2023-12-31"
    assert tasks[1]["deadline"]["text"] == "2023年6月底前完成" and tasks[1]["responsible_units"] == ["市统计局"]


def test_a_dated_deadline_without_any_year_is_warned_about() -> None:
    data = extract_text("某县工作方案\n一、任务\n1.推进甲事。（县发改局牵头，6月底前完成）\n2.推进乙事。（县财政局牵头）\n"
                        ).model_dump()["documents"][0]
    assert data["tasks"][0]["deadline"]["end"] is None
    assert [(w["code"], w["task_id"]) for w in data["warnings"]] == [("deadline.no_year", "t1")]
    dated = extract_text("某县2022年工作方案\n一、任务\n1.推进甲事。（县发改局牵头，6月底前完成）\n").model_dump()
    assert dated["documents"][0]["warnings"] == []


def test_tasks_without_a_lead_take_their_sections_lead() -> None:
    tasks = _tasks("某市2023年优化营商环境工作方案\n一、重点任务\n（一）提升政务服务效能（牵头单位：市政务服务局）\n"
                   "1.推进一网通办。（责任单位：市直各部门）\n2.推进帮办代办。（责任单位：各县区政府）\n"
                   "（二）优化市场环境（市市场监管局牵头）\n3.推进证照分离。（责任单位：市直各部门）\n"
                   "4.推进信用监管。（市发改委牵头，市直各部门配合）\n")
    assert [t["lead_units"] for t in tasks] == [["市政务服务局"], ["市政务服务局"], ["市市场监管局"], ["市发改委"]]
    assert extract_text("某方案\n一、任务\n（一）甲（牵头单位：市政务服务局）\n1.推进甲事。（责任单位：A局）\n"
                        "2.推进乙事。（责任单位：B局）\n", explain=True).model_dump()["documents"][0]["tasks"][0][
        "rules"]["lead_units"].startswith("section-lead")


def test_short_forms_of_people_s_organisations_are_units() -> None:
    """市残联 / 市科协 / 市工商联 end in no office suffix: one of them used to empty the whole group."""
    from policyparse.pipeline import extract_string

    text = ("东莞市2021年稳就业实施意见\n一、减轻企业负担\n"
            "1.继续征收残疾人就业保障金。落实分档征收政策。（市残联、市财政局、市税务局负责）\n"
            "2.加强科普服务。内容。（市科协牵头，市侨联、市文联配合）\n"
            "3.推进某项改革。（国家发展改革委牵头，各省、自治区、直辖市人民政府按职责分工负责）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.lead_units, t.responsible_units) for t in tasks] == [
        ([], ["市残联", "市财政局", "市税务局"]),
        (["市科协"], ["市侨联", "市文联"]),
        (["国家发展改革委"], ["各省、自治区、直辖市人民政府"]),
    ]


def test_a_wrapper_s_own_items_before_the_plan_it_prints_are_no_tasks() -> None:
    """1.明确任务，压实责任 … in the notice that prints a plan are its 工作要求; the plan's rows are the tasks."""
    from policyparse.pipeline import extract_string

    text = ("某市人民政府办公室关于印发2021年市政府工作报告任务分解和责任分工方案的通知\n各县区人民政府，市政府各部门：\n"
            "现将《2021年市政府工作报告任务分解和责任分工方案》印发给你们，并就抓好落实通知如下：\n"
            "1.明确任务，压实责任。各牵头单位的具体推进实施方案务于2021年2月3日前报送分管市领导。\n"
            "2.加强督考，狠抓落实。各牵头单位要于每月28日前将工作任务进展情况报送市政府督考办。\n"
            "某市人民政府办公室\n2021年1月25日\n2021年市政府工作报告任务分解和责任分工方案\n"
            "序号\t工作任务\t牵头单位\t责任单位\t完成时限\n1\t地区生产总值增长7%左右。\t市发展改革委\t各县区政府\t2021年12月底前\n")
    (document,) = extract_string(text).documents
    assert [(t.title, t.section_id) for t in document.tasks] == [("地区生产总值增长7%左右", None)]


def test_a_stated_first_is_lead_convention_names_the_lead() -> None:
    """（列第一位者为工作牵头单位，下同） is a note, not part of a name, and makes the first unit the lead."""
    from policyparse.pipeline import extract_string

    text = ("某市2023年工作要点\n一、优化服务\n"
            "1.支持企业发展。内容。\n责任单位：市经信局、市财政局、市发展改革委（列第一位者为工作牵头单位或汇总单位，下同）\n"
            "2.推进企业上云。内容。\n责任单位：市工信局、市财政局\n"
            "3.深化网上办。（牵头单位：市行政审批服务局；责任单位：市直有关部门、单位，各区市政府。"
            "以下任务均需各区市政府落实，不再一一列出）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.lead_units, t.responsible_units) for t in tasks] == [
        (["市经信局"], ["市财政局", "市发展改革委"]),
        (["市工信局"], ["市财政局"]),
        (["市行政审批服务局"], ["市直有关部门、单位", "各区市政府"]),
    ]
    plain = extract_string(text.replace("（列第一位者为工作牵头单位或汇总单位，下同）", "")).documents[0].tasks
    assert plain[0].lead_units == [] and plain[0].responsible_units == ["市经信局", "市财政局", "市发展改革委"]


def test_a_stated_responsible_lead_convention_makes_every_listed_unit_lead() -> None:
    """注：无牵头单位的，责任单位即为牵头单位 — a table's tasks with only 责任单位 lead with all of them;
    tasks that name a lead keep it, and role phrases (X配合) are not listed units."""
    from policyparse.pipeline import extract_string

    text = ("某县2023年优化营商环境任务分工\n注：无牵头单位的，责任单位即为牵头单位。\n"
            "序号\t工作任务\t牵头单位\t责任单位\t完成时限\n"
            "1\t推进企业开办。\t\t县市场监管局、县税务局\t2023年6月底前\n"
            "2\t推进工程审批。\t县住建局\t县自然资源局\t2023年9月底前\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.lead_units, t.responsible_units) for t in tasks] == [
        (["县市场监管局", "县税务局"], []),
        (["县住建局"], ["县自然资源局"]),
    ]
    explained = extract_string(text, explain=True).model_dump()["documents"][0]["tasks"]
    assert explained[0]["rules"]["lead_units"] == "units.yaml::responsible-lead"
    plain = extract_string(text.replace("注：无牵头单位的，责任单位即为牵头单位。\n", "")).documents[0].tasks
    assert plain[0].lead_units == [] and plain[0].responsible_units == ["县市场监管局", "县税务局"]


def test_plain_items_under_headings_that_name_units_are_the_tasks() -> None:
    """一、强化科技创新（区科技局牵头） over plain （一）（二） items: the items are the tasks and take the
    heading's lead, responsible units and 完成时限 (section-lead); the headings are sections."""
    from policyparse.pipeline import extract_string

    text = ("某区2025年若干政策举措\n一、强化科技创新（区科技局牵头）\n推进创新链产业链深度融合。\n"
            "（一）加强科创平台效能建设。加快建设研究院。\n（二）支持企业加大研发投入。内容。\n"
            "二、扩大有效投资（牵头单位：区发改局；配合单位：区财政局；完成时限：2025年6月底前）\n"
            "（一）加快重大项目建设。内容。\n")
    document = extract_string(text).documents[0]
    assert [s.ordinal for s in document.sections] == ["一、", "二、"]
    assert [(t.title, t.lead_units, t.responsible_units, t.deadline.end) for t in document.tasks] == [
        ("加强科创平台效能建设", ["区科技局"], [], None),
        ("支持企业加大研发投入", ["区科技局"], [], None),
        ("加快重大项目建设", ["区发改局"], ["区财政局"], "2025-06-30"),
    ]


def test_a_heading_with_fields_stays_the_task_when_its_items_print_their_own() -> None:
    from policyparse.pipeline import extract_string

    text = ("某市2023年工作要点\n一、提升政务服务水平\n"
            "（一）深化“一网通办”改革（牵头单位：市政务服务中心）\n1.推进全程网办。\n2.拓展跨省通办。（市公安局配合）\n"
            "（二）优化企业开办服务（牵头单位：市市场监管局）\n1.压缩开办时间。\n")
    tasks = extract_string(text).documents[0].tasks
    assert [t.number for t in tasks] == ["一", "二"]


def test_a_plan_for_next_year_issued_late_takes_the_title_year() -> None:
    """A 2023 plan signed 2022-12-28: 6月底前 is 2023-06-30, not a day before the plan was issued."""
    from policyparse.pipeline import extract_string

    def ends(title: str, signed: str) -> list[str | None]:
        text = (f"某县人民政府办公室关于印发{title}的通知\n各乡镇人民政府：\n现将《{title}》印发给你们。\n"
                f"某县人民政府办公室\n{signed}\n{title}\n一、重点任务\n1.推进甲事。（县发改局牵头，6月底前完成）\n"
                "2.推进乙事。（县财政局牵头，年底前完成）\n")
        return [t.deadline.end for t in extract_string(text).documents[0].tasks]

    assert ends("某县2023年优化营商环境工作要点", "2022年12月28日") == ["2023-06-30", "2023-12-31"]
    assert ends("某县2023年优化营商环境工作要点", "2023年2月1日") == ["2023-06-30", "2023-12-31"]
    assert ends("某县优化营商环境行动计划（2023—2025年）", "2022年12月28日") == ["2022-06-30", "2022-12-31"]
    assert ends("某县2023年优化营商环境工作要点", "2022年6月28日") == ["2022-06-30", "2022-12-31"]


def test_provisions_of_rules_and_contingency_plans_are_no_tasks() -> None:
    """Numbered articles of a 工作规则 or chapters of an 应急预案 without task fields are provisions."""
    from policyparse.pipeline import extract_string

    rules = ("某县人民政府工作规则\n第一章 总则\n一、根据有关法律，制定本规则。\n二、县政府工作的准则是依法行政。\n"
             "第二章 职能\n三、县政府由县长、副县长组成。\n")
    assert extract_string(rules).documents[0].tasks == []
    plan = "某市重污染天气应急预案\n1.总则\n2.应急组织机构及职责\n3.预警\n"
    assert extract_string(plan).documents[0].tasks == []
    fielded = "某市重污染天气应急预案\n1.建立预警机制。（牵头单位：市生态环境局）\n2.完善应急预案。（牵头单位：市应急局）\n"
    assert [t.lead_units for t in extract_string(fielded).documents[0].tasks] == [["市生态环境局"], ["市应急局"]]


def test_a_letter_about_next_year_keeps_its_own_year() -> None:
    from policyparse.pipeline import extract_string

    text = ("某县人民政府办公室关于做好2024年元旦春节期间安全生产工作的通知\n各乡镇人民政府：\n"
            "一、全面排查隐患。各乡镇于12月28日前完成排查。（县应急局牵头）\n某县人民政府办公室\n2023年12月5日\n")
    assert [t.deadline.end for t in extract_string(text).documents[0].tasks] == ["2023-12-28"]


def test_first_is_lead_holds_from_its_note_on_and_for_listed_units_only() -> None:
    """A convention stated for an attachment table does not reach the prose above it, and X配合 stays
    responsible whatever the notice says of first units."""
    from policyparse.pipeline import extract_string

    text = ("某市2023年优化营商环境工作要点\n一、提升政务服务\n1.推进一网通办。内容。（责任单位：市政务服务局、市大数据局）\n"
            "2.推进帮办代办。内容。（市财政局、市税务局配合）\n"
            "附件：重点指标任务分工表（责任单位中列第一位的为牵头单位）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [t.lead_units for t in tasks] == [[], []]


def test_headings_with_fields_but_sub_items_that_are_their_parts_stay_tasks() -> None:
    from policyparse.pipeline import extract_string

    text = ("某市制造业高质量发展三年行动方案\n一、实施产业链提升行动（牵头单位：市工信局；配合单位：市发改委）\n"
            "1.工作目标。到2025年，培育10条重点产业链。\n2.主要举措。实施链长制。\n"
            "二、加强安全生产（牵头单位：市应急局）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.number, t.lead_units) for t in tasks] == [("一", ["市工信局"]), ("二", ["市应急局"])]


def test_the_printed_plan_s_items_nest_under_none_of_the_notice_s_headings() -> None:
    from policyparse.pipeline import extract_string

    text = ("某县人民政府办公室关于印发某县2023年营商环境工作要点的通知\n各乡镇人民政府：\n"
            "现将《某县2023年营商环境工作要点》印发给你们，并提出如下要求：\n一、高度重视。各单位要明确任务。\n"
            "二、强化督查。县政府督查室要跟踪问效。\n某县人民政府办公室\n2023年3月1日\n某县2023年营商环境工作要点\n"
            "1.推行一网通办。（牵头单位：县政务服务中心）\n2.推进帮办代办。（牵头单位：县政务服务中心）\n")
    (document,) = extract_string(text).documents
    assert [(t.number, t.section_id) for t in document.tasks] == [("1", None), ("2", None)]


def test_a_responsible_list_each_of_which_leads() -> None:
    """责任单位：A、B分别牵头 — every unit listed leads (units.yaml shared_lead_markers)."""
    from policyparse.pipeline import extract_string

    text = ("市政府工作报告重点工作责任分解（2023年）\n一、主要预期目标\n1.城乡居民收入增速保持全省领先。\n"
            "责任单位：市人力社保局、市农业农村局分别牵头\n2.新增就业完成省定任务。\n责任单位：市人力社保局牵头，市财政局\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.lead_units, t.responsible_units) for t in tasks] == [
        (["市人力社保局", "市农业农村局"], []), (["市人力社保局"], ["市财政局"])]


def test_the_last_task_text_stops_at_the_notice_s_closing_lines() -> None:
    """附件：…, a signature block, 抄送：, the 印发 line and （此件公开发布） are not the last task's text —
    unless a task field follows them inside the block (then the block is the task's own)."""
    from policyparse.pipeline import extract_string

    body = ("某县2023年优化营商环境工作要点\n一、重点任务\n1.推进甲事。加快推进。（县发改局牵头，2023年6月底前完成）\n"
            "2.推进乙事。加快推进乙事工作。（县财政局牵头）\n")
    for tail in ("附件：1.某县重点项目清单\n2.某县任务台账\n", "某县人民政府办公室\n2023年3月5日\n（此件公开发布）\n",
                 "抄送：县委办公室，县人大常委会办公室。\n某县人民政府办公室 2023年3月6日印发\n", "特此通知。\n"):
        tasks = extract_string(body + tail).documents[0].tasks
        assert [t.text for t in tasks][-1] == "推进乙事。加快推进乙事工作。（县财政局牵头）", tail
    kept = extract_string(body + "附件：申报表\n完成时限：2023年9月底前\n").documents[0].tasks[-1]
    assert "附件：申报表" in kept.text and kept.deadline.end == "2023-09-30"


def test_items_with_units_under_a_section_that_assigns_targets_are_tasks() -> None:
    """一、总体要求和主要预期目标 of a 政府工作报告 division: its items carrying （X牵头，Y负责） are tasks;
    those of 保障措施, or plain ones, are not."""
    from policyparse.pipeline import extract_string

    text = ("某市关于落实《政府工作报告》重点工作的任务分工\n一、总体要求和主要预期目标\n"
            "1.完成年度城镇新增就业目标任务。（市人社局牵头，各区人民政府负责，年内持续推进）\n"
            "2.坚持稳中求进工作总基调。\n二、重点任务\n3.推进丙项工作。（市财政局负责）\n"
            "三、保障措施\n4.加强组织领导。（市政府办公室负责）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.number, t.lead_units) for t in tasks] == [("1", ["市人社局"]), ("3", [])]


def test_a_line_of_role_clauses_under_a_paragraph_names_the_task_s_units() -> None:
    """市发改委牵头落实 / A、B分别牵头落实 / 市财政局负责 alone on the line after a task's paragraph; a short
    line of plain words is still body text."""
    from policyparse.pipeline import extract_string

    text = ("某市2017年政务公开工作要点\n一、以政务公开助力稳增长\n1.加强预期引导。及时宣传解读经济政策。\n市发改委牵头落实\n"
            "2.加强金融政策信息公开。加大货币政策宣传。\n市金融办、人民银行某市中心支行分别牵头落实\n"
            "3.加强财政政策信息公开。按月公开财政收支。\n市财政局负责\n4.做好解读。\n认真抓好落实\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.lead_units, t.responsible_units) for t in tasks] == [
        (["市发改委"], []), (["市金融办", "人民银行某市中心支行"], []), ([], ["市财政局"]), ([], [])]
    assert tasks[0].text == "加强预期引导。及时宣传解读经济政策。" and "认真抓好落实" in tasks[3].text


def test_a_section_titled_by_its_lead_unit_gives_its_items_the_lead() -> None:
    """一、县示范区管委会牵头工作（2项） over plain 1. items: the items are tasks led by that unit; a section
    titled by an official (甲省长负责的工作) names no unit."""
    from policyparse.pipeline import extract_string

    text = ("2025年县政府工作报告任务清单\n一、县示范区管委会牵头工作（2项）\n1.建设养殖基地。\n2.打造生产基地。\n"
            "二、县发改局牵头工作（1项）\n3.争取国债项目10个以上。\n")
    tasks = extract_string(text, explain=True).model_dump()["documents"][0]["tasks"]
    assert [(t["number"], t["lead_units"]) for t in tasks] == [
        ("1", ["县示范区管委会"]), ("2", ["县示范区管委会"]), ("3", ["县发改局"])]
    assert tasks[0]["rules"]["lead_units"] == "section-lead (一、县示范区管委会牵头工作（2项）) fields.yaml::section-lead-title"
    officials = extract_string("某省工作目标责任分解\n一、甲省长负责的工作\n1.推进甲事。\n2.推进乙事。\n").documents[0].tasks
    assert [t.lead_units for t in officials] == [[], []]
    nested = extract_string("某省工作目标责任分解\n一、甲省长负责的工作\n（一）省监察厅牵头的工作\n加强行政监察工作。\n"
                            "（二）省编办牵头的工作\n1.深化行政管理体制改革。\n2.推进乡镇机构改革。\n协同单位：省财政厅。\n"
                            ).documents[0].tasks
    assert [(t.number, t.lead_units, t.responsible_units) for t in nested] == [
        ("一", ["省监察厅"], []), ("1", ["省编办"], []), ("2", ["省编办"], ["省财政厅"])]


def test_a_role_phrase_whose_units_are_not_recognised_is_warned_about() -> None:
    from policyparse.pipeline import extract_string

    text = ("某省稳增长若干措施\n一、推进建设\n1.推进民航建设。开工建设机场。（某某机场建设指挥组、伊春、黑河市负责）\n"
            "2.推进乙事。加快推进。（市财政局负责）\n3.推进丙事。加快推进。（2023年底前完成）\n")
    document = extract_string(text).documents[0]
    assert [(w.code, w.task_id) for w in document.warnings] == [("units.unread", "t1")]


def test_paragraphs_each_closed_by_a_role_line_are_tasks_of_their_own() -> None:
    """A flattened 主要内容 | 责任单位 table: under （一）, each paragraph and the role line after it is one
    task; the heading is their section."""
    from policyparse.pipeline import extract_string

    text = ("某市2017年政务公开工作要点实施方案\n一、以政务公开助力稳增长\n（一）加强预期引导\n"
            "围绕经济政策执行情况，及时宣传解读。\n市发改委牵头落实\n围绕就业创业政策，加强信息公开。\n市人社局牵头落实\n"
            "（二）加强财政信息公开\n按月公开财政收支。\n市财政局负责\n")
    document = extract_string(text).documents[0]
    assert [(t.number, t.title, t.lead_units, t.responsible_units, t.section_id) for t in document.tasks] == [
        (None, "围绕经济政策执行情况，及时宣传解读", ["市发改委"], [], "s1.1"),
        (None, "围绕就业创业政策，加强信息公开", ["市人社局"], [], "s1.1"),
        ("二", "加强财政信息公开", [], ["市财政局"], "s1"),
    ]


def test_an_undated_plan_with_a_title_period_takes_its_first_year() -> None:
    """三年行动方案（2021—2023年） without a 成文日期: the year is 2021, not 2023, so 2021 targets are
    kept and a year-less 6月底前 is 2021-06-30 (undated reposts and attachments are common)."""
    from policyparse.pipeline import extract_string

    def deadlines(title: str, signed: str = "") -> list[tuple[str, str | None]]:
        text = (f"{title}\n{signed}\n二、重点任务\n1.建设视频会议系统。2021年9月底前建成。（市大数据局牵头）\n"
                "2.建设政务云平台。2021年6月底前完成招标，12月底前建成投用；2022年6月底前完成系统迁移。（市大数据局牵头）\n"
                "3.建设数据中心。（市大数据局牵头，6月底前完成）\n")
        return [(t.deadline.kind, t.deadline.end) for t in extract_string(text).documents[0].tasks]

    expected = [("by_date", "2021-09-30"), ("milestones", "2022-06-30"), ("by_date", "2021-06-30")]
    for period in ("（2021—2023年）", "（2021-2023年）", "（2021～2023年）", "（2021年—2023年）"):
        assert deadlines(f"某市数字政府建设三年行动方案{period}") == expected
    # a copy signed inside the period: its own earlier steps are still targets, relative dates take the signing year
    assert deadlines("某市数字政府建设三年行动方案（2021—2023年）", "2022年3月1日") == [
        ("by_date", "2021-09-30"), ("milestones", "2022-06-30"), ("by_date", "2022-06-30")]
    # without a period a past year is still background
    assert deadlines("某市数字政府建设行动方案", "2022年3月1日")[0] == ("none", None)


def test_a_closing_time_phrase_that_is_not_read_keeps_its_text_and_warns() -> None:
    """（县水利局牵头，2022年汛期前完成）: neither 2022-12-31 nor dropped without trace."""
    from policyparse.pipeline import extract_string

    text = ("某县2022年防汛工作要点\n某县人民政府办公室\n2022年3月1日\n一、重点任务\n"
            "1.开展河道清障。清除行洪障碍。（县水利局牵头，2022年汛期前完成）\n"
            "2.推进甲事。落实甲事举措。（市发改委牵头，2022年度）\n"
            "3.推进丙事。落实丙事举措。（市发改委牵头，常年开展）\n"
            "4.推进丁事。落实丁事举措。（市发改委牵头，7月1日起实施）\n"
            "5.推进戊事。落实戊事举措。（市发改委牵头，同步推进）\n"
            "6.推进己事。落实己事举措。（市发改委牵头，各县区同步推进）\n")
    document = extract_string(text).documents[0]
    got = [(t.deadline.text, t.deadline.kind, t.deadline.end) for t in document.tasks]
    assert got == [("2022年汛期前完成", "none", None), ("2022年度", "by_date", "2022-12-31"),
                   ("常年开展", "ongoing", None), ("7月1日起实施", "ongoing", None), ("同步推进", "none", None),
                   (None, "none", None)]
    assert [t.lead_units for t in document.tasks] == [["县水利局"]] + [["市发改委"]] * 5
    assert [(w.code, w.task_id) for w in document.warnings] == [("deadline.unparsed", "t1"), ("deadline.unparsed", "t5")]


def test_a_deadline_text_stops_before_a_following_label_or_unit() -> None:
    """The deadline text is what people read in spreadsheets: no label, no unit after it; a group
    after a 完成时间 value's sentence end still names the lead."""
    from policyparse.pipeline import extract_string

    text = ("某市2022年深化“放管服”改革工作要点\n一、深化简政放权\n"
            "1.推进电子证照应用。扩大应用范围。完成时间：2022年12月底前。（市大数据局牵头）\n"
            "2.推进电子发票应用。扩大应用范围。时间：2022年11月底前，责任单位：市税务局。\n"
            "3.推进电子档案应用。（2022年6月底前，市档案馆牵头）\n"
            "4.推进电子印章应用。（2022年6月底前完成试点，12月底前全面推开，市档案馆牵头）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.deadline.text, t.deadline.end) for t in tasks] == [
        ("2022年12月底前", "2022-12-31"), ("2022年11月底前", "2022-11-30"), ("2022年6月底前", "2022-06-30"),
        ("2022年6月底前完成试点，12月底前全面推开", "2022-12-31")]
    assert [t.lead_units for t in tasks] == [["市大数据局"], [], ["市档案馆"], ["市档案馆"]]
    assert tasks[1].responsible_units == ["市税务局"]


def test_a_time_label_value_goes_on_over_the_step_lines_below_it() -> None:
    """时间节点： with its steps one per line, or a 完成时限 value ending in ，: the end is the last step,
    never the first line's (an end earlier than the real deadline is the bad error)."""
    from policyparse.pipeline import extract_string

    text = ("某区2023年城市更新攻坚行动方案\n某区人民政府办公室\n2023年2月20日\n二、重点任务\n"
            "1.实施老旧小区改造。完成32个老旧小区改造任务。\n牵头单位：区住建局\n时间节点：\n"
            "2023年3月底前，完成项目谋划和方案设计；\n2023年6月底前，全部开工建设；\n2023年11月底前，完成改造任务。\n"
            "2.推进城市体检。开展年度城市体检。\n牵头单位：区住建局\n完成时限：2023年6月底前完成体检报告，\n"
            "2023年底前完成问题整改。\n"
            "3.推进背街小巷整治。整治背街小巷20条。\n牵头单位：区城管局\n推进计划：\n一季度：制定整治方案。\n"
            "二季度：启动整治。\n三季度：完成50%。\n四季度：全面完成。\n"
            "4.推进燃气改造。完成燃气管网改造。\n完成时限：2023年6月底前，\n牵头单位：区住建局\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.deadline.kind, t.deadline.end, [m.end for m in t.deadline.milestones]) for t in tasks] == [
        ("milestones", "2023-11-30", ["2023-03-31", "2023-06-30", "2023-11-30"]),
        ("milestones", "2023-12-31", ["2023-06-30", "2023-12-31"]),
        ("milestones", "2023-12-31", ["2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31"]),
        ("by_date", "2023-06-30", [])]
    assert [t.text for t in tasks] == ["实施老旧小区改造。完成32个老旧小区改造任务。", "推进城市体检。开展年度城市体检。",
                                       "推进背街小巷整治。整治背街小巷20条。", "推进燃气改造。完成燃气管网改造。"]
    assert [t.lead_units for t in tasks] == [["区住建局"], ["区住建局"], ["区城管局"], ["区住建局"]]


def test_a_field_line_ending_in_a_semicolon_does_not_take_the_body_below() -> None:
    from policyparse.pipeline import extract_string

    text = ("某县2022年城乡环境整治工作方案\n一、重点任务\n（一）开展河道清理。\n"
            "牵头单位：县水利局；责任单位：各乡镇；完成时限：2022年9月底前；\n"
            "全面清理河道垃圾，建立河长巡河制度，到2023年底实现河道长治久清。\n")
    (task,) = extract_string(text).documents[0].tasks
    assert (task.deadline.text, task.deadline.end) == ("2022年9月底前", "2022-09-30")
    assert "全面清理河道垃圾" in task.text


def test_new_rules_stay_quiet_on_ordinary_prose() -> None:
    """Precision of the role-line, assigning-section and 1。 rules on ordinary notices."""
    from policyparse.pipeline import extract_string

    one_line = ("某县2023年安全生产工作要点\n一、重点工作\n（一）深化专项整治。全面开展三年行动。\n"
                "（二）强化隐患排查。建立台账。\n相关部门按职责分工负责。\n（三）加强应急管理。完善预案。\n"
                "二、强化基础\n（一）加强宣传教育。开展安全生产月活动。\n（二）推进信息化建设。建设监管平台。\n")
    assert len(extract_string(one_line).documents[0].tasks) == 5  # one role line is no evidence of the level
    safeguard = ("某县2023年优化营商环境工作方案\n一、重点任务\n（一）推进企业开办。（县市场监管局牵头）\n"
                 "（二）推进审批改革。（县住建局牵头）\n二、强化保障，确保各项目标任务落到实处\n"
                 "（一）加强组织领导。（县政府办公室牵头）\n（二）强化督查考核。（县督查室负责）\n")
    assert [t.number for t in extract_string(safeguard).documents[0].tasks] == ["一", "二"]
    wrapped = ("某县2023年重点工作任务分解方案\n一、重点任务\n（一）推进项目建设。竣工项目达到3\n"
               "5。加快推进前期工作。（县发改局牵头，2023年12月底前完成）\n（二）推进招商引资。（县商务局牵头）\n")
    assert [t.number for t in extract_string(wrapped).documents[0].tasks] == ["一", "二"]
    notes = ("某县2023年人居环境整治方案\n一、重点任务\n（一）推进污水治理。新建设施20处。\n具体工作由县生态环境分局负责。\n"
             "（二）提升村容村貌。开展清洁行动。\n以上工作均由县农业农村局牵头。\n")
    tasks = extract_string(notes).documents[0].tasks
    assert [(t.lead_units, t.responsible_units) for t in tasks] == [([], ["县生态环境分局"]), ([], [])]


def test_a_single_section_of_paragraphs_closed_by_role_lines_still_gives_its_tasks() -> None:
    """Two role lines or more are evidence of where the tasks are, even under one （一） alone."""
    from policyparse.pipeline import extract_string

    text = ("某市2017年政务公开工作要点实施方案\n一、以政务公开助力稳增长\n（一）加强预期引导\n"
            "围绕经济政策执行情况，及时宣传解读。\n市发改委牵头落实\n围绕就业创业政策，加强信息公开。\n市人社局牵头落实\n")
    assert [t.lead_units for t in extract_string(text).documents[0].tasks] == [["市发改委"], ["市人社局"]]


def test_a_closing_group_of_unit_names_alone_gives_the_responsible_units() -> None:
    """…。（市发展改革委，各县〔市、区〕政府）: no role word, every name a unit — responsible units. An alias
    after a name (县政府办公室（县政府督查室）), a name's tail (各镇（园区）) or unparsed labels are no list."""
    from policyparse.pipeline import extract_string

    text = ("某市2023年政府工作报告重点工作分工\n一、重点工作\n1.地区生产总值增长7%以上。（市发展改革委，各县〔市、区〕政府）\n"
            "2.研发投入强度超过2.4%。（市科技局）\n3.按时报送材料，报送县政府办公室（县政府督查室）。\n"
            "4.推进丁事。（牵头单位 市发改委 责任单位 市财政局）\n5.推进戊事，覆盖各镇（园区）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.lead_units, t.responsible_units) for t in tasks] == [
        ([], ["市发展改革委", "各县〔市、区〕政府"]), ([], ["市科技局"]), ([], []), ([], []), ([], [])]


def test_a_label_printed_as_a_sentence_reads_as_the_label() -> None:
    """责任单位为X / 完成时限为Y: the label with 为 instead of a colon, at a clause start only."""
    from policyparse.pipeline import extract_string

    text = ("某市2022年优化营商环境工作要点\n一、深化改革\n（一）推进政务服务标准化。全面梳理事项清单。"
            "（责任单位为市政务服务中心，2022年6月底前完成）\n（二）压缩企业开办时间。压缩至1个工作日内。"
            "牵头单位为市市场监管局，配合单位为市公安局、市税务局。完成时限为2022年12月底。\n"
            "（三）压缩审批时间。明确责任单位为各县区政府，办理时限为3个工作日。\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.lead_units, t.responsible_units, t.deadline.end) for t in tasks] == [
        ([], ["市政务服务中心"], "2022-06-30"), (["市市场监管局"], ["市公安局", "市税务局"], "2022-12-31"),
        ([], [], None)]


def test_role_qualifiers_and_angle_brackets_keep_the_unit_whole() -> None:
    """按属地原则负责 / 各司其职 close a list; 〈含…〉 after a name is its inner bracket, not a split."""
    from policyparse.pipeline import extract_string

    text = ("某市2022年目标任务责任分解方案\n一、重点工作\n（一）稳定就业。（市人社局牵头，各县区政府按属地原则负责）\n"
            "（二）增加收入。（牵头单位：市财政局；责任单位：市税务局，各区人民政府〈含开发区、风景区管委会〉）\n"
            "（三）稳定物价。（市发改委牵头，市级有关部门各司其职）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [t.responsible_units for t in tasks] == [
        ["各县区政府"], ["市税务局", "各区人民政府（含开发区、风景区管委会）"], ["市级有关部门"]]


def test_a_role_sentence_before_the_dated_target_gives_the_units() -> None:
    """X牵头，Y配合。6月底前出台… — a sentence of role clauses inside the body, not only the last one;
    the title's own sentence (督办落实。) is never one."""
    from policyparse.pipeline import extract_string

    text = ("某市深化改革实施方案\n某市人民政府办公室\n2023年3月20日\n一、主要任务\n"
            "（一）建立评价机制。市发展改革委牵头，市统计局配合。6月底前出台评价办法。\n"
            "（二）督办落实。代办服务要全程严格管理。\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.lead_units, t.responsible_units, t.deadline.end) for t in tasks] == [
        (["市发展改革委"], ["市统计局"], "2023-06-30"), ([], [], None)]


def test_a_date_clause_after_a_labelled_unit_list_is_the_deadline() -> None:
    """责任单位：县卫健局，2019年9月底前完成 — the date clause is no unit; it is the task's deadline."""
    from policyparse.pipeline import extract_string

    text = ("某县2019年工作要点\n一、重点任务\n1.推进甲事。内容。责任单位为县卫健局，2019年9月底前完成。\n"
            "2.推进乙事。内容。\n责任单位：县卫健局，县财政局\n完成时限：2019年6月底\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.responsible_units, t.deadline.end) for t in tasks] == [
        (["县卫健局"], "2019-09-30"), (["县卫健局", "县财政局"], "2019-06-30")]


def test_a_yearless_deadline_before_the_notice_is_flagged_not_moved() -> None:
    """2月底前 in a notice of 2023-10-16 reads 2023-02-28 (the notice's year) with deadline.before_issue;
    a stated year (2023年3月底前) or a date after the notice is no such case."""
    from policyparse.pipeline import extract_string

    text = ("某区城市更新实施方案\n某区人民政府办公室\n2023年10月16日\n一、重点任务\n1.建立长效机制。（区住建局牵头，2月底前）\n"
            "2.制定规划。（区自然资源局牵头，2023年3月底前完成）\n3.启动试点。（区住建局牵头，11月底前）\n")
    doc = extract_string(text).documents[0]
    assert [t.deadline.end for t in doc.tasks] == ["2023-02-28", "2023-03-31", "2023-11-30"]
    assert [(w.code, w.task_id) for w in doc.warnings if w.code.startswith("deadline")] == [("deadline.before_issue", "t1")]


def test_a_first_is_lead_footnote_after_every_task_speaks_of_those_above() -> None:
    """注：…列第一位的为牵头单位 after the last task covers the tasks above it; a 下同 note or an 附件
    title's aside holds only from where it is printed."""
    from policyparse.pipeline import extract_string

    head = "某县2023年重点工作任务分工方案\n一、重点任务\n1.推进甲事。\n责任单位：县发改局、县财政局\n2.推进乙事。\n责任单位：县住建局、县自然资源局\n"
    footnote = extract_string(head + "注：责任单位中列第一位的为牵头单位。\n").documents[0].tasks
    assert [t.lead_units for t in footnote] == [["县发改局"], ["县住建局"]]
    aside = extract_string(head + "附件：重点指标任务分工表（责任单位中列第一位的为牵头单位）\n").documents[0].tasks
    assert [t.lead_units for t in aside] == [[], []]


def test_task_pages_follow_the_form_feeds() -> None:
    """pdf/ofd text separates pages with form feeds: a task's page is 1 + the form feeds before it."""
    from policyparse.output import _form_feeds
    from policyparse.pipeline import extract_string

    assert _form_feeds("") == [] and _form_feeds("\f\fa\f") == [0, 1, 3]
    text = ("关于印发2023年工作要点的通知\n\f一、加强调度\n（一）建立台账。（市发改委牵头，2023年6月底前完成）\n\f"
            "（二）完善机制。（市财政局牵头，2023年9月底前完成）\n\f\f（三）开展评估。（市统计局牵头，2023年12月底前完成）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.title, t.page) for t in tasks] == [("建立台账", 2), ("完善机制", 3), ("开展评估", 5)]


def test_a_cover_letter_without_its_plan_has_no_tasks() -> None:
    """关于印发《X》的通知 whose plan is not in the text: the letter's 一、二、 paragraphs are its 工作要求;
    the same paragraphs with task fields, or items below the signature, are still tasks."""
    from policyparse.pipeline import extract_string

    letter = ("某县人民政府办公室关于印发某县2023年优化营商环境工作方案的通知\n各乡镇人民政府，县直各部门：\n"
              "现将《某县2023年优化营商环境工作方案》印发给你们，请认真抓好落实。\n"
              "一、加强组织领导。各部门要高度重视。\n二、强化督查考核。县政府督查室要定期督查。\n"
              "某县人民政府办公室\n2023年3月1日\n")
    assert extract_string(letter).documents[0].tasks == []
    inline = letter.replace("一、加强组织领导。各部门要高度重视。", "一、推进企业开办。压缩开办时间。（县市场监管局牵头）")
    assert [t.number for t in extract_string(inline).documents[0].tasks] == ["一", "二"]
    below = letter + "一、推进一网通办。内容。\n二、推进跨省通办。内容。\n"
    assert [t.title for t in extract_string(below).documents[0].tasks][-2:] == ["推进一网通办", "推进跨省通办"]


def test_lead_qualifiers_square_bracket_marks_and_role_copulas() -> None:
    """按职责牵头 / 按职能牵头 close a lead list (四川 style); 〔牵头〕 marks the lead inside a 责任单位
    list like （牵头）; X为牵头单位，Y为配合单位 gives Y as responsible."""
    from policyparse.pipeline import extract_string

    text = ("某省2020年工作要点\n一、深化改革\n（一）精简许可事项。再取消下放一批事项。"
            "〔省政府办公厅、省委编办、商务厅按职责牵头，省直有关部门（单位）按职责分工负责〕\n"
            "（二）推进信息归集。全面归集信息。（市发展改革委、市大数据局按职能牵头，市各有关部门配合）\n"
            "（三）推进一件事。上线一批一件事。（责任单位：市政务服务局〔牵头〕、市公安局、市人社局）\n"
            "（四）推进电子证照。扩大应用场景。（市大数据局为牵头单位，市直有关部门为配合单位）\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.lead_units, t.responsible_units) for t in tasks] == [
        (["省政府办公厅", "省委编办", "商务厅"], ["省直有关部门（单位）"]),
        (["市发展改革委", "市大数据局"], ["市各有关部门"]),
        (["市政务服务局"], ["市公安局", "市人社局"]),
        (["市大数据局"], ["市直有关部门"])]


def test_a_heading_run_into_its_first_item_gives_that_item_back() -> None:
    """（一）…再造1.推动… ⏎ 2.… — a page printed the heading and its first item as one paragraph: the item is
    a task under that heading, not part of the heading's title."""
    from policyparse.pipeline import extract_string

    text = ("某区2020年工作要点\n二、重点工作任务\n（一）从能办向好办转变，推进业务流程再造1.推动一件事落实落地。"
            "梳理编制清单。（牵头单位：区政务办；配合单位：区相关部门）\n2.实行两个免于提交。做好系统改造。"
            "（牵头单位：区政务办；配合单位：区相关部门）\n")
    doc = extract_string(text).documents[0]
    assert [s.title for s in doc.sections] == ["重点工作任务", "从能办向好办转变，推进业务流程再造"]
    assert [(t.number, t.title, t.lead_units) for t in doc.tasks] == [
        ("1", "推动一件事落实落地", ["区政务办"]), ("2", "实行两个免于提交", ["区政务办"])]


def test_an_attached_ledger_without_its_table_leaves_the_plan_its_tasks() -> None:
    """附件：X重点任务清单 ⏎ … ⏎ 附件 ⏎ X重点任务清单 as the page's last lines (the table an image or a file of
    its own): the plan the cover letter prints keeps its numbered tasks; a cover letter that prints the
    attachment itself (关于印发《X》的通知) still has no tasks of its own."""
    from policyparse.pipeline import extract_string

    text = ("某区人民政府关于印发某区数字政府建设三年行动计划的通知\n各街道办事处，区政府各部门：\n"
            "现将《某区数字政府建设三年行动计划》印发给你们，请认真组织实施。\n附件：某区数字政府建设重点任务清单\n"
            "某区人民政府\n2023年4月10日\n某区数字政府建设三年行动计划\n一、主要任务\n（一）推进政务服务一网通办。深化改革。\n"
            "（二）推进城市运行一网统管。建设平台。（区城管局牵头）\n二、保障措施\n（一）加强组织领导。统筹推进。\n"
            "附件\n某区数字政府建设重点任务清单\n")
    assert [t.title for t in extract_string(text).documents[0].tasks] == ["推进政务服务一网通办", "推进城市运行一网统管"]
    cover = ("某县人民政府办公室关于印发某县安全生产专项整治实施方案的通知\n各乡镇人民政府：\n"
             "现将《某县安全生产专项整治实施方案》印发给你们，并通知如下：\n一、提高思想认识。各单位要高度重视。\n"
             "二、加强督促检查。县安委办要定期督查。\n附件：某县安全生产专项整治实施方案\n某县人民政府办公室\n2021年4月2日\n"
             "附件\n某县安全生产专项整治实施方案\n")
    assert extract_string(cover).documents[0].tasks == []


def test_a_section_s_lead_is_not_also_a_responsible_unit_of_its_task() -> None:
    """一、县发改局牵头的工作 ⏎ 1.…（县发改局负责，县财政局配合）: 县发改局 leads, 县财政局 is responsible."""
    from policyparse.pipeline import extract_string

    text = "某县2023年重点工作分工方案\n一、县发改局牵头的工作\n1.推进项目建设。（县发改局负责，县财政局配合）\n"
    task = extract_string(text).documents[0].tasks[0]
    assert (task.lead_units, task.responsible_units) == (["县发改局"], ["县财政局"])
