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
