"""False-positive hunt over round 7's prose and metadata rules: ordinary notices they must leave alone."""

from __future__ import annotations

from policyparse.models import Document
from policyparse.pipeline import extract_string


def _doc(text: str) -> Document:
    docs = extract_string(text).documents
    assert len(docs) == 1, [d.meta.title for d in docs]
    return docs[0]


def test_a_sentence_about_the_duties_of_units_is_no_label() -> None:
    """责任单位是本项工作的责任主体 / 完成时间为3个月: duties and durations, not 责任单位： / 完成时间： fields."""
    doc = _doc("某县2023年优化营商环境重点任务\n一、重点任务\n"
               "1.优化不动产登记。推进不动产登记便利化。责任单位是本项工作的责任主体，要落实到人。\n"
               "2.推进工程建设项目审批改革。完成时间为3个月，审批时限为20个工作日。（牵头单位：县住建局）\n"
               "3.提升纳税便利度。县税务局牵头，县财政局配合。责任单位为各乡镇，完成时限为2023年底。\n")
    first, second, third = doc.tasks
    assert (first.lead_units, first.responsible_units) == ([], [])
    assert second.deadline is None or second.deadline.text is None or "审批时限" not in second.deadline.text
    assert third.responsible_units == ["各乡镇", "县财政局"] and third.deadline is not None
    assert str(third.deadline.end) == "2023-12-31"


def test_a_related_heading_below_a_row_number_or_a_heading_is_no_related_list() -> None:
    """政策解读 / 相关文件 as a table's category cell (below its 序号) or the body's sub-heading: kept,
    with the task lines under it (they were dropped as links, the table's columns shifted)."""
    table = _doc("某县2023年政务公开工作任务分解表\n序号\n工作任务\n具体内容\n责任单位\n完成时限\n"
                 "1\n政策解读\n做好重大政策解读\n县政府办公室\n2023年6月底前\n"
                 "2\n相关文件\n做好规范性文件公开\n县司法局\n2023年9月底前\n")
    assert [t.responsible_units for t in table.tasks] == [["县政府办公室"], ["县司法局"]]
    body = _doc("某县2023年政务公开工作要点\n一、加强政策解读\n政策解读\n"
                "1.县政府办公室要加强重大政策解读（责任单位：县政府办公室，2023年6月底前）\n"
                "2.各部门要做好政策解读回应工作（责任单位：县直各部门，2023年12月底前）\n"
                "二、做好重点领域信息公开\n相关文件\n1.做好规范性文件公开（责任单位：县司法局，2023年9月底前）\n"
                "某县人民政府办公室\n2023年3月1日\n")
    assert [t.responsible_units for t in body.tasks] == [["县政府办公室"], ["县直各部门"], ["县司法局"]]


def test_a_portal_info_line_ending_in_a_label_after_a_gap_names_no_recipients() -> None:
    """浏览次数： 来源：X   背景色： (a portal's info row): 背景色 is no 主送机关."""
    doc = _doc("2025年县政府重点工作任务一季度完成情况\n\n浏览次数： 来源：某县政府办公室时间：2025-06-16 16:01"
               "    文字大小：[ ]   背景色：\n一、重点任务\n1.推进甲事。（责任单位：县发改委，2025年6月底前）\n")
    assert doc.meta.recipients == []


def test_a_numbered_item_with_fields_after_a_table_note_is_a_task() -> None:
    """注：1.各牵头单位每季度末报送… ⏎ 2.推进丙事。（牵头单位：X，…）: the note ends where an item with its own
    fields starts (the items were taken for notes and the section was lost)."""
    doc = _doc("某县2023年重点工作任务\n一、重点任务\n序号\t工作任务\t牵头单位\t责任单位\t完成时限\n"
               "1\t推进甲事\t县发改局\t县财政局\t2023年6月底前\n2\t推进乙事\t县住建局\t县自然资源局\t2023年9月底前\n"
               "注：1.各牵头单位每季度末报送进展情况。\n2.推进丙事。（牵头单位：县农业农村局，2023年12月底前）\n"
               "3.推进丁事。（县水利局牵头，县财政局配合，2023年12月底前）\n")
    assert [t.title for t in doc.tasks] == ["推进甲事", "推进乙事", "推进丙事", "推进丁事"]
    assert [s.title for s in doc.sections] == ["重点任务"]


def test_a_first_is_lead_footnote_covers_only_its_own_attachment() -> None:
    """注：责任单位中列第一位的为牵头单位 at the end of 附件2: its tasks get a lead, not the cover letter's nor 附件1's."""
    doc = _doc("某县人民政府办公室关于做好2023年重点工作的通知\n各乡镇人民政府，县直各单位：\n现就有关工作通知如下：\n"
               "一、强化资金保障。（责任单位：县财政局、县审计局，2023年6月底前）\n"
               "附件：1.某县2023年民生实事清单\n2.某县2023年重点项目清单\n某县人民政府办公室\n2023年3月1日\n"
               "附件1\n某县2023年民生实事清单\n1.推进教育发展。（责任单位：县教育局、县财政局，2023年12月底前）\n"
               "附件2\n某县2023年重点项目清单\n1.推进项目建设。（责任单位：县发改局、县住建局，2023年12月底前）\n"
               "注：责任单位中列第一位的为牵头单位。\n")
    leads = {t.title: t.lead_units for t in doc.tasks}
    assert leads == {"强化资金保障": [], "推进教育发展": [], "推进项目建设": ["县发改局"]}


def test_an_opening_sentence_ending_in_a_colon_is_no_recipients_line() -> None:
    """为切实做好防汛工作，现就有关事项通知如下： is the opening; the colon-less line above it is the 主送机关."""
    doc = _doc("某市人民政府办公室关于做好防汛工作的通知\n各县区人民政府\n为切实做好防汛工作，现就有关事项通知如下：\n"
               "一、落实防汛责任。（责任单位：市水务局，2023年6月底前）\n某市人民政府办公室\n2023年5月10日\n")
    assert doc.meta.recipients == ["各县区人民政府"]
    doc = _doc("某市人民政府关于加强安全生产工作的意见\n根据省政府部署，现提出如下意见：\n"
               "一、落实企业主体责任。（责任单位：市应急管理局，2023年6月底前）\n某市人民政府\n2023年2月10日\n")
    assert doc.meta.recipients == []
