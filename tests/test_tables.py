"""Task tables: header recognition by column-name rules, group rows, continuations, sections."""

from __future__ import annotations

import importlib

import pytest

from policyparse.grammar import load_grammars
from policyparse.pipeline import extract_string
from policyparse.tables import header_roles

HEAD = "关于印发2020年重点工作任务分工方案的通知\n各部门：\n现印发给你们，请认真落实。\n"
TAIL = "\n某某办公室\n2020年3月1日\n"


def _tasks(text: str) -> list:  # type: ignore[type-arg]
    return extract_string(text).documents[0].tasks


def test_tables_grammar_corpus() -> None:
    """Every example of grammars/tables.yaml passes through its stage's checker."""
    grammars = load_grammars()
    grammar = grammars.by_name("tables")
    stage = importlib.import_module(f"policyparse.{grammar.spec.stage}")
    problems = []
    for rule in grammar.spec.rules:
        problems += [f"{rule.id}: {p}" for e in rule.examples if (p := stage.check_example(grammar, rule, e))]
        problems += [f"{rule.id}: {p}" for t in rule.not_matching if (p := stage.check_not_matching(grammar, rule, t))]
    assert problems == []


@pytest.mark.parametrize(("cells", "roles"), [
    (["序号", "工作任务", "牵头单位", "配合单位", "时间节点"], ["number", "task", "lead", "responsible", "deadline"]),
    (["具体措施", "完成时间", "责任单位"], ["task", "deadline", "responsible"]),
    (["序号", "重点任务"], None),
    (["姓名", "单位", "电话"], None),
])
def test_header_roles(cells: list[str], roles: list[str] | None) -> None:
    assert header_roles(cells, load_grammars()) == roles


def test_rows_become_tasks_with_group_sections_and_provenance() -> None:
    text = HEAD + "附件\n重点任务分工表\n序号\t重点任务\t牵头单位\t责任单位\t完成时限\n" \
        "一、优化审批服务\t一、优化审批服务\t一、优化审批服务\t一、优化审批服务\t一、优化审批服务\n" \
        "1\t推行电子证照。实现互认。\t政务服务局\t各园区管委会、财政局\t2020年9月底前\n" \
        "2\t压缩企业开办时间\t市场监督管理局\t税务局 公安局\t2020年6月底\n" \
        "\t至3个工作日\t\t\t\n" \
        "序号\t重点任务\t牵头单位\t责任单位\t完成时限\n" \
        "二、提升监管效能\t\t\t\t\n" \
        "3\t完善信用体系\t发展改革局\t\t持续推进" + TAIL
    tasks = _tasks(text)
    assert [t.number for t in tasks] == ["1", "2", "3"]
    assert [t.row for t in tasks] == [1, 2, 3] and {t.table for t in tasks} == {1}
    assert tasks[0].title == "推行电子证照" and tasks[0].text == "推行电子证照。实现互认。"
    assert tasks[0].responsible_units == ["各园区管委会", "财政局"]
    assert tasks[1].title == "压缩企业开办时间至3个工作日"
    assert tasks[1].responsible_units == ["税务局", "公安局"] or tasks[1].responsible_units == ["税务局 公安局"]
    assert [t.section_path for t in tasks] == [["一、优化审批服务"], ["一、优化审批服务"], ["二、提升监管效能"]]
    assert tasks[2].deadline.kind == "ongoing"


def test_table_in_body_takes_enclosing_heading_and_clips_the_item_above() -> None:
    text = HEAD + "一、主要任务\n（一）加强统筹。具体分工如下：\n" \
        "工作任务\t责任单位\t完成时间\n建立工作台账\t财政局\t2020年5月底前\n开展督查\t督查室\t2020年11月底前\n" \
        "（二）强化保障。各单位要落实。" + TAIL
    tasks = _tasks(text)
    table_tasks = [t for t in tasks if t.table]
    assert [t.title for t in table_tasks] == ["建立工作台账", "开展督查"]
    assert all(t.number is None for t in table_tasks)
    assert table_tasks[0].section_path == ["一、主要任务", "（一）加强统筹"]
    assert table_tasks[0].responsible_units == ["财政局"] and table_tasks[0].lead_units == []
    for task in tasks:
        if not task.table:
            assert "建立工作台账" not in task.text


def test_numbered_paragraphs_inside_cells_are_not_tasks() -> None:
    text = HEAD + "序号\t重点任务\t牵头单位\t完成时限\n" \
        "1\t1.建立机制。2.完善制度。\t财政局\t2020年6月底前\n" \
        "2\t\t\t\n\t1.加强宣传。\t宣传部\t2020年9月底前" + TAIL
    tasks = _tasks(text)
    assert [t.number for t in tasks] == ["1", "2"]
    assert all(t.table == 1 for t in tasks)


def test_whitespace_table_with_wrapped_cells() -> None:
    text = HEAD + "附件\n" \
        "序号  重点任务                    牵头单位        责任单位          完成时限\n" \
        "1     推行电子证照。实现电子证照  政务服务局      各园区管委会、    2020年9月底前\n" \
        "      跨部门互认共享。                            财政局\n" \
        "2     压缩企业开办时间            市场监督管理局  税务局            2020年6月底前\n" \
        "\n（本表由办公室负责解释）" + TAIL
    tasks = _tasks(text)
    assert [(t.number, t.title) for t in tasks] == [("1", "推行电子证照"), ("2", "压缩企业开办时间")]
    assert tasks[0].text == "推行电子证照。实现电子证照跨部门互认共享。"
    assert tasks[0].responsible_units == ["各园区管委会", "财政局"]
    assert tasks[1].lead_units == ["市场监督管理局"]


def test_group_rows_are_sections_with_ids() -> None:
    from policyparse import extract_text

    text = HEAD + "附件\n重点任务分工表\n序号\t重点任务\t牵头单位\t责任单位\t完成时限\n" \
        "一、优化审批服务\t一、优化审批服务\t一、优化审批服务\t一、优化审批服务\t一、优化审批服务\n" \
        "1\t推行电子证照。\t政务服务局\t财政局\t2020年9月底前\n" + TAIL
    document = extract_text(text).documents[0]
    row = next(t for t in document.tasks if t.table == 1)
    section = next(s for s in document.sections if s.id == row.section_id)
    assert section.title == "优化审批服务" and row.section_path[-1] == "一、优化审批服务"


def test_fragment_texts_are_the_texts_of_fragments() -> None:
    from policyparse.tables import _fragment_texts, _fragments

    for raw in ["序号  重点任务                    牵头单位        责任单位", "  1     推行电子证照。  政务服务局  ",
                "a\tb  c\u3000\u3000d", "", "   ", "一、优化审批服务", "x  \u3000 y"]:
        for gap in (1, 2, 3):
            assert _fragment_texts(raw, gap) == [text for _, text in _fragments(raw, gap)], (raw, gap)


def test_spaced_lines_are_the_lines_that_hold_a_space_or_tab() -> None:
    import random
    from types import SimpleNamespace

    from policyparse.structure import split_lines
    from policyparse.tables import _spaced_lines

    rnd = random.Random(9)
    for _ in range(500):
        text = "".join(rnd.choice("甲乙 \t\u3000\n\r\f") for _ in range(rnd.randrange(40)))
        lines = split_lines(text)
        found = SimpleNamespace(text=text, lines=lines)  # the two fields _spaced_lines reads
        for first in range(len(lines)):
            for last in range(first, len(lines) + 1):
                expected = [i for i in range(first, last)
                            if any(ch in text[lines[i].raw_start:lines[i].raw_end] for ch in "\t \u3000")]
                assert _spaced_lines(found, first, last) == expected, (text, first, last)  # type: ignore[arg-type]


def test_rows_under_one_merged_number_add_their_cells_as_items() -> None:
    """A rowspan 序号/任务 over two rows (repeated into each row by the loaders): one task, the rows'
    units and deadlines listed, not run together (市公安局各县区政府)."""
    text = HEAD + ("序号\t重点任务\t牵头单位\t责任单位\t完成时限\n"
                   "1\t提升开办便利度\t市市场监管局\t市税务局、市公安局\t2023年6月底前\n"
                   "1\t提升开办便利度\t市市场监管局\t各县区政府\t持续推进\n"
                   "2\t优化纳税服务\t市税务局\t\t2023年12月底前") + TAIL
    tasks = _tasks(text)
    assert [t.number for t in tasks] == ["1", "2"]
    assert tasks[0].responsible_units == ["市税务局", "市公安局", "各县区政府"]
    assert tasks[0].deadline.text == "2023年6月底前；持续推进"


def test_pipe_table_rows_are_tasks() -> None:
    text = HEAD + ("| 序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限 |\n|---|---|---|---|---|\n"
                   "|1|推进企业开办一日办结|区市场监管局|区税务局、区公安分局|2020年6月底前|\n"
                   "|2|开展营商环境评价|区营商局|区直各部门|每季度|") + TAIL
    tasks = _tasks(text)
    assert [(t.number, t.title, t.lead_units) for t in tasks] == [
        ("1", "推进企业开办一日办结", ["区市场监管局"]), ("2", "开展营商环境评价", ["区营商局"])]
    assert tasks[0].deadline.end == "2020-06-30" and tasks[1].deadline.kind == "recurring"


def test_cells_word_their_roles_as_prose_does() -> None:
    """A 责任单位 column holding 市市场监管局（牵头）… or X牵头，Y配合 names the lead; X等部门按职责分工负责 names X."""
    text = ("某市2023年优化营商环境重点任务分工表\n序号\t重点任务\t责任单位\t完成时限\n"
            "1\t压缩企业开办时间。\t市市场监管局（牵头）、市税务局、市公安局\t2023年6月底前\n"
            "2\t推行电子营业执照。\t市市场监管局牵头，市政务服务中心配合\t2023年12月底前\n"
            "3\t规范涉企执法。\t市司法局等部门按职责分工负责\t2023年9月底前\n")
    assert [(t.lead_units, t.responsible_units) for t in _tasks(text)] == [
        (["市市场监管局"], ["市税务局", "市公安局"]),
        (["市市场监管局"], ["市政务服务中心"]),
        ([], ["市司法局"]),
    ]


def test_ditto_cells_repeat_the_row_above() -> None:
    text = ("某市2023年重点任务分工表\n序号\t重点任务\t牵头单位\t责任单位\t完成时限\n"
            "1\t推进事项一。\t市发展改革委\t市直有关部门\t2023年6月底前\n"
            "2\t推进事项二。\t同上\t〃\t同上\n")
    second = _tasks(text)[1]
    assert (second.lead_units, second.responsible_units, second.deadline.end) == (
        ["市发展改革委"], ["市直有关部门"], "2023-06-30")


def test_group_rows_as_pages_paste_them() -> None:
    """`一 | 深化简政放权` (ordinal in 序号, title across the rest) and a colspan row that lost its tabs
    (`二、深化改革` alone on its line) are groups; the table goes on below them."""
    text = ("某县2023年优化营商环境重点任务分工表\n序号\t重点任务\t牵头单位\t责任单位\t完成时限\n"
            "一\t深化简政放权\n"
            "1\t编制公布县级行政许可事项清单。\t县政务服务中心\t县直各部门\t2023年6月底前\n"
            "二、加强事中事后监管\n"
            "2\t全面推行“双随机、一公开”监管。\t县市场监管局\t县直各执法部门\t2023年12月底前\n"
            "3\t推进信用分级分类监管。\t县发展改革局\t县直各部门\t2023年12月底前\n")
    document = extract_string(text).documents[0]
    assert [(s.ordinal, s.title) for s in document.sections] == [("一、", "深化简政放权"), ("二、", "加强事中事后监管")]
    assert [(t.number, t.section_id) for t in document.tasks] == [("1", "s1"), ("2", "s2"), ("3", "s2")]
    assert all(t.lead_units for t in document.tasks)


def test_a_cell_broken_over_two_lines_joins_its_row() -> None:
    text = ("某区2025年重点工作任务分解\n序号\t重点工作\t牵头单位\t责任单位\n"
            "1\t一般公共预算收入增长5%。\t区财政局\t区政府有关部门，\n各乡镇人民政府\n"
            "2\t固定资产投资增长7.5%。\t区发改委\t区工信局\n")
    tasks = _tasks(text)
    assert [t.responsible_units for t in tasks] == [["区政府有关部门", "各乡镇人民政府"], ["区工信局"]]


def test_a_table_copied_one_cell_a_line() -> None:
    """序号 ⏎ 重点任务 ⏎ 牵头单位 … then each row's number alone on a line and its cells below; a heading
    between rows is a group; an empty cell left out still puts the deadline in its column."""
    text = ("某区2023年优化营商环境重点任务分工表\n序号\n重点任务\n牵头单位\n责任单位\n完成时限\n"
            "一、深化简政放权\n1\n推行企业开办“一网通办”。\n区市场监管局\n区税务局、区人社局\n2023年6月底前\n"
            "2\n深化工程建设项目审批制度改革。\n区住建局\n2023年12月底前\n"
            "区人民政府办公室\n2023年3月1日\n")
    document = extract_string(text).documents[0]
    assert [(t.number, t.lead_units, t.responsible_units, t.deadline.end, t.section_id) for t in document.tasks] == [
        ("1", ["区市场监管局"], ["区税务局", "区人社局"], "2023-06-30", "s1"),
        ("2", ["区住建局"], [], "2023-12-31", "s1"),
    ]
    assert document.meta.date == "2023-03-01"


def test_a_two_row_header_names_the_columns() -> None:
    """责任单位 merged over 牵头单位 | 配合单位: the second header row decides, and makes no task."""
    text = ("某市2023年重点任务分工表\n序号\t重点任务\t责任单位\t责任单位\t完成时限\n"
            "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
            "1\t动态调整行政许可事项清单。\t市政府办公室\t市直有关部门、各县区政府\t2023年6月底前\n")
    tasks = _tasks(text)
    assert [(t.lead_units, t.responsible_units) for t in tasks] == [(["市政府办公室"], ["市直有关部门", "各县区政府"])]


def test_a_measures_column_makes_one_task_per_measure() -> None:
    """重点任务 merged over two 具体措施 rows: each measure is a task, titled by the measure."""
    text = ("某市2023年优化营商环境重点任务分工表\n序号\t重点任务\t具体措施\t牵头单位\t完成时限\n"
            "1\t提升企业开办便利度\t压缩企业开办时间至1个工作日以内。\t市市场监管局\t2023年6月底前\n"
            "1\t提升企业开办便利度\t全面推行电子营业执照跨领域应用。\t市市场监管局\t2023年12月底前\n")
    tasks = _tasks(text)
    assert [(t.number, t.title, t.deadline.end) for t in tasks] == [
        ("1", "压缩企业开办时间至1个工作日以内", "2023-06-30"), ("1", "全面推行电子营业执照跨领域应用", "2023-12-31")]
    assert tasks[0].text.startswith("提升企业开办便利度")


def test_a_row_missing_its_merged_cell_is_realigned() -> None:
    """A browser leaves out a 牵头单位 cell merged over two rows: the row's cells are set right-aligned
    (its deadline in 完成时限, not a unit) and the left-out cell is the one above."""
    text = ("某市2023年优化营商环境重点任务分工表\n序号\t重点任务\t牵头单位\t责任单位\t完成时限\n"
            "1\t压缩企业开办时间。\t市市场监管局\t市税务局\t2023年6月底前\n"
            "2\t推行电子营业执照。\t市政务服务中心\t2023年12月底前\n")
    second = _tasks(text)[1]
    assert (second.lead_units, second.responsible_units, second.deadline.end) == (
        ["市市场监管局"], ["市政务服务中心"], "2023-12-31")


def test_a_pipe_row_may_hold_a_colon_inside_a_cell() -> None:
    text = ("某市2025年重点工作任务分解\n序号 | 工作任务 | 牵头责任单位 | 责任单位 |\n"
            "(1) | 实施“三大行动”：扩大有效投资。 | 市发展改革委 | 各县市区政府 |\n"
            "(2) | 社会消费品零售总额增长5%左右。 | 市商务局 | 各县市区政府 |\n")
    assert [t.lead_units for t in _tasks(text)] == [["市发展改革委"], ["市商务局"]]


def test_without_a_number_column_a_task_cell_carries_its_own_number() -> None:
    text = ("某市2023年重点任务分工表\n工作任务\t责任单位\t完成时限\n"
            "1.编制公布市级行政许可事项清单。\t市政务服务中心\t2023年3月底前\n"
            "2.全面推行“双随机、一公开”监管。\t市市场监管局\t2023年底前\n")
    assert [(t.number, t.title) for t in _tasks(text)] == [
        ("1", "编制公布市级行政许可事项清单"), ("2", "全面推行“双随机、一公开”监管")]


def test_a_second_task_like_column_of_one_row_tasks_adds_to_the_text() -> None:
    text = ("某县2023年重点工作任务分解表\n序号\t重点工作\t主要内容\t牵头单位\t完成时限\n"
            "1\t推进企业开办便利化\t压缩企业开办时间至1个工作日。\t县市场监管局\t6月底前\n"
            "2\t优化纳税服务\t推行非接触式办税。\t县税务局\t年底前\n")
    tasks = _tasks(text)
    assert [t.title for t in tasks] == ["推进企业开办便利化", "优化纳税服务"]
    assert tasks[0].text == "推进企业开办便利化\n压缩企业开办时间至1个工作日。"


def test_a_table_copied_one_cell_a_line_may_name_other_columns() -> None:
    """责任领导 has no role but belongs to the header; a cell 年底前 is not joined to the unit above it."""
    text = ("某开发区2025年重点工作及责任清单\n序号\n重点工作\n责任领导\n责任单位\n完成时限\n"
            "1\n优化重点项目直通车工作机制。\n叶林\n招商工作部、安商工作部\n6月底前\n"
            "2\n盘活存量土地400亩。\n马振明\n改革办\n年底前\n")
    tasks = _tasks(text)
    assert [(t.responsible_units, t.deadline.text) for t in tasks] == [
        (["招商工作部", "安商工作部"], "6月底前"), (["改革办"], "年底前")]


def test_every_unit_column_is_read_in_column_order() -> None:
    """责任单位 | 配合单位 are both responsible; 牵头单位 | 责任单位 | 配合单位 keeps the third column too."""
    two = ("某区2023年重点任务分工表\n序号\t重点任务\t责任单位\t配合单位\t完成时限\n"
           "1\t推行企业开办“一网通办”。\t区市场监管局\t区税务局、区人社局\t2023年6月底前\n")
    assert _tasks(two)[0].responsible_units == ["区市场监管局", "区税务局", "区人社局"]
    three = ("某区2023年重点任务分工表\n序号\t重点任务\t牵头单位\t责任单位\t配合单位\t完成时限\n"
             "1\t推行企业开办“一网通办”。\t区市场监管局\t区政务服务中心\t区税务局、区人社局\t2023年6月底前\n")
    task = _tasks(three)[0]
    assert (task.lead_units, task.responsible_units) == (["区市场监管局"], ["区政务服务中心", "区税务局", "区人社局"])
    first = ("某区2023年重点任务分工表\n序号\t重点任务\t第一责任单位\t其他责任单位\t完成时限\n"
             "1\t推行企业开办“一网通办”。\t区市场监管局\t区税务局、区人社局\t2023年6月底前\n")
    task = _tasks(first)[0]
    assert (task.lead_units, task.responsible_units) == (["区市场监管局"], ["区税务局", "区人社局"])


@pytest.mark.parametrize("header", [
    "序号\t整改任务\t责任单位\t完成日期",
    "序号\t重点任务（措施）\t责任单位\t时间",
    "序号\t细化措施\t支持单位\t截止日期",
    "序号\t工作任务及目标\t配合\t推进时间",
])
def test_header_names_of_rectification_and_measure_tables(header: str) -> None:
    text = f"某区2023年整改任务清单\n{header}\n1\t推行企业开办“一网通办”。\t区市场监管局\t2023年6月底前\n"
    tasks = _tasks(text)
    assert [(t.responsible_units, t.deadline.end) for t in tasks] == [(["区市场监管局"], "2023-06-30")]


def test_a_continuation_row_keeps_unit_and_deadline_cells_apart() -> None:
    """A row with an empty 序号 carries on the row above: its units are further units, not the rest
    of the names above (区市场监管局区政务服务中心)."""
    text = ("某区2023年重点任务分工表\n序号\t重点任务\t牵头单位\t责任单位\t完成时限\n"
            "1\t推行企业开办“一网通办”，压缩企业开办时间至1个工作日以内，\t区市场监管局\t区税务局\t2023年6月底前\n"
            "\t全面推行电子营业执照。\t区政务服务中心\t区人社局\t\n"
            "2\t深化工程建设项目审批制度改革。\t区住建局\t区自然资源局\t2023年12月底前\n")
    first = _tasks(text)[0]
    assert first.title.endswith("全面推行电子营业执照")
    assert (first.lead_units, first.responsible_units) == (["区市场监管局", "区政务服务中心"], ["区税务局", "区人社局"])


def test_a_flattened_measure_row_is_a_task_of_its_own() -> None:
    """重点任务 | 具体措施 flattened to tabs: the second measure's row has empty 序号 and 重点任务 (a
    rowspan lost); it is its own task, as the HTML and DOCX forms give, with the merged lead."""
    text = ("某市2022年重点任务清单\n序号\t重点任务\t具体措施\t牵头单位\t配合单位\t完成时限\n"
            "1\t全面实施行政许可事项清单管理\t编制并公布市、县两级行政许可事项清单。\t市政府办公室\t市级各有关部门\t2022年10月底前\n"
            "\t\t对清单内事项逐项编制完成行政许可实施规范。\t\t各县市区政府\t2022年12月底前\n"
            "2\t持续深化相对集中行政许可权改革\t梳理规范改革事项划转目录。\t市行政审批服务局\t市委编办\t持续推进\n")
    tasks = _tasks(text)
    assert [(t.number, t.lead_units, t.responsible_units, t.deadline.end) for t in tasks] == [
        ("1", ["市政府办公室"], ["市级各有关部门"], "2022-10-31"),
        ("1", ["市政府办公室"], ["各县市区政府"], "2022-12-31"),
        ("2", ["市行政审批服务局"], ["市委编办"], None)]
    assert tasks[1].title == "对清单内事项逐项编制完成行政许可实施规范"


def test_without_a_deadline_column_the_task_cell_states_its_date() -> None:
    text = ("某县2024年重点任务清单\n序号\t任务内容\t牵头单位\t责任单位\n"
            "1\t全面实施行政许可事项清单管理，2024年10月底前编制并公布县级行政许可事项清单。\t县行政审批服务局\t县司法局\n"
            "2\t推行企业开办“一网通办”。\t县市场监管局\t县税务局\n")
    tasks = _tasks(text)
    assert [(t.deadline.kind, t.deadline.end) for t in tasks] == [("by_date", "2024-10-31"), ("none", None)]


def test_a_two_row_header_reads_the_end_column_of_a_start_and_end_pair() -> None:
    """时间节点 spanning 开始时间 | 完成时间 (an HTML colspan, repeated by the loader)."""
    text = ("某县2024年重点工作台账\n序号\t工作任务\t责任单位\t时间节点\t时间节点\n"
            "序号\t工作任务\t责任单位\t开始时间\t完成时间\n"
            "1\t编制公布县级行政许可事项清单。\t县政务服务中心\t2024年3月\t2024年6月底\n")
    assert [t.deadline.end for t in _tasks(text)] == ["2024-06-30"]


@pytest.mark.parametrize("two_rows", [False, True])
def test_quarter_columns_of_a_ledger_are_milestones(two_rows: bool) -> None:
    header = "序号\t重点任务\t牵头单位\t一季度\t二季度\t三季度\t四季度\n"
    if two_rows:
        header = "序号\t重点任务\t牵头单位\t时间节点\t时间节点\t时间节点\t时间节点\n" + header
    text = (f"某县2024年重点工作台账\n{header}"
            "1\t编制公布县级行政许可事项清单。\t县政务服务中心\t制定工作方案\t完成清单梳理\t\t\n")
    deadline = _tasks(text)[0].deadline
    assert deadline.kind == "milestones" and deadline.end == "2024-06-30"
    assert [(m.period, m.text) for m in deadline.milestones] == [("2024-Q1", "制定工作方案"), ("2024-Q2", "完成清单梳理")]


NESTED = ("某市2021年重点任务分解表\n序号\t重点任务\t牵头单位\t完成时限\n{top}\n{sub}\n"
          "1\t实施亿元以上重点项目400个以上。\t市发展改革委\t2021年12月底前\n{sub2}\n"
          "2\t社会消费品零售总额增长10%。\t市商务局\t2021年12月底前\n")


@pytest.mark.parametrize("merged", [False, True])
def test_nested_group_rows_are_nested_sections(merged: bool) -> None:
    """一、 then （一） (tab-less lines of a pasted table, or rows merged across it): both are sections."""
    def row(value: str) -> str:
        return "\t".join([value] * 4) if merged else value
    text = NESTED.format(top=row("一、稳增长"), sub=row("（一）扩大有效投资"), sub2=row("（二）促进消费"))
    result = extract_string(text).documents[0]
    assert [(t.number, t.lead_units, t.section_path) for t in result.tasks] == [
        ("1", ["市发展改革委"], ["一、稳增长", "（一）扩大有效投资"]),
        ("2", ["市商务局"], ["一、稳增长", "（二）促进消费"])]
    assert [(s.ordinal, s.level) for s in result.sections] == [("一、", 1), ("（一）", 2), ("（二）", 2)]


def test_a_heading_alone_in_the_task_cell_is_a_group_row() -> None:
    text = ("某区2023年重点任务分工表\n序号\t重点任务\t牵头单位\t完成时限\n一、主要预期目标\t\t\t\n"
            "1\t地区生产总值增长6.2%左右。\t区发改局\t2023年12月底前\n\t二、深化改革\t\t\n"
            "2\t编制公布区级行政许可事项清单。\t区政务服务中心\t2023年6月底前\n")
    tasks = _tasks(text)
    assert [(t.text, t.section_path) for t in tasks] == [
        ("地区生产总值增长6.2%左右。", ["一、主要预期目标"]), ("编制公布区级行政许可事项清单。", ["二、深化改革"])]


def test_header_cells_broken_over_lines_are_joined() -> None:
    """A Word cell's paragraphs pasted as text: 牵头 ⏎ 单位 is one column name, not a first row."""
    text = ("某市2023年重点任务分工表\n序号\t重点任务\t牵头\n单位\t配合\n单位\t完成\n时限\n"
            "1\t编制公布市级行政许可事项清单。\t市政务服务中心\t市直各部门\t2023年3月底前\n")
    tasks = _tasks(text)
    assert [(t.number, t.lead_units, t.responsible_units, t.deadline.end) for t in tasks] == [
        ("1", ["市政务服务中心"], ["市直各部门"], "2023-03-31")]


def test_a_wrapped_unit_of_a_whitespace_table_stays_one_name() -> None:
    text = ("2023年优化营商环境重点任务分工表\n"
            "序号   重点任务                          牵头单位  配合单位          完成时限\n"
            " 1     动态调整行政许可事项清单。        市政府    市直有关部门      2023年6月底前\n"
            "                                         办公室\n"
            " 2     深化“一网通办”改革。              市数据局  市直有关部门      2023年12月底前\n")
    assert [t.lead_units for t in _tasks(text)] == [["市政府办公室"], ["市数据局"]]


def test_a_table_copied_one_cell_a_line_with_a_pipe_after_each_cell() -> None:
    text = ("某开发区2025年重点工作及责任清单\n序号 |\n重点工作 |\n责任领导 |\n责任单位 |\n完成时限 |\n"
            "1 |\n优化重点项目直通车工作机制。 |\n叶林 |\n招商工作部、安商工作部 |\n6月底前 |\n"
            "2 |\n盘活存量土地400亩。 |\n马振明 |\n改革办 |\n年底前 |\n")
    tasks = _tasks(text)
    assert [(t.title, t.responsible_units, t.deadline.text) for t in tasks] == [
        ("优化重点项目直通车工作机制", ["招商工作部", "安商工作部"], "6月底前"),
        ("盘活存量土地400亩", ["改革办"], "年底前")]


def test_an_empty_cell_in_a_column_the_others_fill_is_warned_about() -> None:
    text = ("某区2023年重点工作任务分工表\n序号\t重点任务\t牵头单位\t责任单位\t完成时限\n"
            "1\t地区生产总值增长6.2%左右。\t区发改局\t立山经济开发区\t2023年12月底前\n"
            "2\t固定资产投资增长15%左右。\t\t各街道\t2023年12月底前\n"
            "3\t一般公共预算收入增长8%左右。\t区财政局\t税务局\t2023年12月底前\n")
    document = extract_string(text).documents[0]
    assert [(w.code, w.task_id) for w in document.warnings] == [("table.empty_cell", "t2")]
    assert document.tasks[1].lead_units == []


def test_a_header_with_no_row_read_is_warned_about() -> None:
    text = "某区2023年重点任务分工表\n序号\t重点任务\t牵头单位\t完成时限\n\n请各单位认真落实。\n"
    assert [w.code for w in extract_string(text).documents[0].warnings] == ["table.unread"]


def test_a_category_column_groups_its_rows() -> None:
    """类别 merged over its rows (repeated by the loader): its value is the rows' section."""
    text = ("2024年政府工作报告目标任务分工方案\n类别\t任务内容\t牵头领导\t责任单位\n"
            "主要预期目标\t地区生产总值增长6%以上。\t张建国\t县发改局\n"
            "主要预期目标\t一般公共预算收入增长5%左右。\t李明\t县财政局\n"
            "深化改革开放\t持续深化相对集中行政许可权改革。\t王强\t县行政审批服务局\n")
    document = extract_string(text).documents[0]
    assert [t.section_path for t in document.tasks] == [["主要预期目标"], ["主要预期目标"], ["深化改革开放"]]
    assert [s.title for s in document.sections] == ["主要预期目标", "深化改革开放"]


def test_a_whitespace_header_wrapped_over_two_lines() -> None:
    """牵头 / 单位 and 完成 / 时限 printed on two lines of a PDF's header: the columns keep their roles."""
    text = ("2023年优化营商环境重点任务分工表\n"
            "序号   重点任务                          牵头      配合单位          完成\n"
            "                                         单位                        时限\n"
            " 1     动态调整行政许可事项清单。        市政府    市直有关部门      2023年6月底前\n"
            "                                         办公室\n"
            " 2     深化“一网通办”改革。              市数据局  市直有关部门      2023年12月底前\n")
    assert [(t.lead_units, t.deadline.end) for t in _tasks(text)] == [
        (["市政府办公室"], "2023-06-30"), (["市数据局"], "2023-12-31")]


def test_agendas_project_lists_and_indicator_quarters_are_no_task_tables() -> None:
    """A meeting agenda (日期 | 时间 | 主要内容) and a project list (项目名称 | 起止时间) name no unit column: no
    task table; an indicator's quarter columns hold numbers, no steps; 类型 (续建/新建) is no group."""
    from policyparse.pipeline import extract_string

    agenda = ("某县安全生产培训班日程\n日期\t时间\t主要内容\t主讲人\n4月12日\t9:00—11:30\t法律法规解读\t县应急局\n"
              "4月12日\t14:30—17:00\t危险化学品监管\t市应急局专家\n")
    assert extract_string(agenda).documents[0].tasks == []
    projects = "某县科技项目立项清单\n序号\t项目名称\t承担单位\t起止时间\n1\t智能农机研发\t某公司\t2022.6-2024.5\n"
    assert extract_string(projects).documents[0].tasks == []
    indicators = ("某县2022年指标分解表\n序号\t指标名称\t全年目标\t一季度\t上半年\t责任单位\n"
                  "1\t地区生产总值增速\t7.5\t6.5\t7\t县发改局\n2\t工业增加值增速\t9\t8\t8.5\t县工信局\n")
    tasks = extract_string(indicators).documents[0].tasks
    assert [(t.responsible_units, t.deadline.kind) for t in tasks] == [(["县发改局"], "none"), (["县工信局"], "none")]
    typed = ("某县重点项目表\n序号\t类型\t项目名称\t责任单位\t完成时限\n1\t续建\t第二水厂\t县水务局\t2022年10月底前\n"
             "2\t新建\t棚户区改造\t县住建局\t2022年12月底前\n")
    assert extract_string(typed).documents[0].sections == []


def test_a_one_cell_a_line_table_may_name_a_qualified_leader_column() -> None:
    """序号 ⏎ 重点工作 ⏎ 市政府分管领导 ⏎ 牵头单位 ⏎ 配合单位: the leader column (a listed name with a qualifier
    in front) is no unit column, and the table is read."""
    from policyparse.pipeline import extract_string

    text = ("2021年市政府工作报告部署工作责任分工\n序号\n重点工作\n市政府分管领导\n牵头单位\n配合单位\n"
            "1\n加快建设科技创新轴。\n王东\n市科技局\n市发展改革委\n2\n做好实验室筹建保障。\n王东\n市科技局\n市财政局\n")
    tasks = extract_string(text).documents[0].tasks
    assert [(t.lead_units, t.responsible_units) for t in tasks] == [
        (["市科技局"], ["市发展改革委"]), (["市科技局"], ["市财政局"])]


@pytest.mark.parametrize(("lead_name", "other_name"), [
    ("区级牵头单位", "区级配合部门"), ("牵头（责任）单位", "配合（参与）单位"), ("责任单位（牵头）", "配合单位"),
    ("总牵头单位", "相关责任单位"), ("主抓单位", "承办单位"), ("牵头单位", "责任（配合）单位"),
])
def test_unit_headers_with_a_level_or_a_bracketed_role(lead_name: str, other_name: str) -> None:
    """区级牵头单位 / 责任（配合）单位 / 责任单位（牵头）: a level prefix or a role in brackets keeps the column."""
    text = (f"2022年重点任务分工表\n序号\t重点任务\t{lead_name}\t{other_name}\t完成时限\n"
            "1\t推进企业开办全程网办\t区市场监管局\t区税务局、区公安分局\t2022年6月底前\n")
    document = extract_string(text).documents[0]
    assert [(t.lead_units, t.responsible_units) for t in document.tasks] == [
        (["区市场监管局"], ["区税务局", "区公安分局"])]
    assert document.warnings == []


def test_level_columns_of_province_city_and_county() -> None:
    text = ("2022年重点任务分工表\n序号\t重点任务\t省级牵头单位\t市级责任单位\t县级责任单位\t完成时限\n"
            "1\t推进企业开办全程网办\t省市场监管局\t市市场监管局\t县市场监管局、县税务局\t2022年6月底前\n")
    task = _tasks(text)[0]
    assert (task.lead_units, task.responsible_units) == (["省市场监管局"], ["市市场监管局", "县市场监管局", "县税务局"])


def test_a_unit_column_of_no_known_name_is_warned_about() -> None:
    text = ("2022年重点任务分工表\n序号\t重点任务\t牵头单位\t督办单位\t完成时限\n"
            "1\t推进企业开办全程网办\t区市场监管局\t区督查室\t2022年6月底前\n")
    assert [w.code for w in extract_string(text).documents[0].warnings] == ["table.unknown_column"]


def test_a_measuring_unit_column_is_no_unknown_unit_column() -> None:
    """An indicator table's 单位 (万人, 所) names a measuring unit, not an organisation: no warning."""
    text = ("2023年主要指标\n序号\t指标名称\t单位\t2022年基数\t2023年目标\t责任单位\n"
            "1\t城镇新增就业\t万人\t5.2\t5.5\t市人社局\n"
            "2\t新建改建公办幼儿园\t所\t12\t15\t市教育局\n")
    document = extract_string(text).documents[0]
    assert [t.responsible_units for t in document.tasks] == [["市人社局"], ["市教育局"]]
    assert document.warnings == []


@pytest.mark.parametrize("subs", [("1.1", "1.2", "2.1"), ("1-1", "1-2", "2-1"), ("（1）", "（2）", "（1）"), ("", "", "")])
def test_measure_rows_under_a_numbered_task_row(subs: tuple[str, str, str]) -> None:
    """1 | 提升… | (no measure) | 牵头 then 1.1 | | 推行… | 牵头 | 配合 | 时限: each measure row is a task (its
    own units and deadline, the measure its title), the parent row none; also with 序号 left empty."""
    first, second, third = subs
    text = ("2022年优化营商环境重点任务清单\n序号\t重点任务\t具体措施\t牵头单位\t配合单位\t完成时限\n"
            "1\t提升开办企业便利度\t—\t县市场监管局\t—\t—\n"
            f"{first}\t\t推行企业开办“一网通办”。\t县市场监管局\t县数据资源局\t2022年6月底前\n"
            f"{second}\t\t推广电子营业执照应用。\t县市场监管局\t县税务局\t2022年12月底前\n"
            "2\t提升办理建筑许可便利度\t\t县住建局\t\t\n"
            f"{third}\t\t推行“多测合一”。\t县自然资源局\t县住建局\t2022年9月底前\n")
    tasks = _tasks(text)
    assert [(t.title, t.lead_units, t.responsible_units, t.deadline.end) for t in tasks] == [
        ("推行企业开办“一网通办”", ["县市场监管局"], ["县数据资源局"], "2022-06-30"),
        ("推广电子营业执照应用", ["县市场监管局"], ["县税务局"], "2022-12-31"),
        ("推行“多测合一”", ["县自然资源局"], ["县住建局"], "2022-09-30")]
    assert tasks[2].text.startswith("提升办理建筑许可便利度")


def test_placeholder_cells_are_no_units_and_no_deadline() -> None:
    text = ("2022年重点任务清单\n序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
            "1\t编制行政许可事项清单\t县政府办\t—\t2022年6月底前\n"
            "2\t开展营商环境评价\t县发改委\t/\t—\n"
            "3\t清理规范中介服务\t县发改委\t无\t－\n")
    document = extract_string(text).documents[0]
    assert [(t.responsible_units, t.deadline.text, t.deadline.kind) for t in document.tasks] == [
        ([], "2022年6月底前", "by_date"), ([], None, "none"), ([], None, "none")]
    assert document.warnings == []


def test_numbered_notes_under_a_table_are_no_sections() -> None:
    """注：1.… ⏎ 2.… under a table: both lines are notes; the next table's tasks get no section from them."""
    text = ("2022年重点任务清单\n附表1\n序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
            "1\t编制行政许可事项清单\t县政府办\t县司法局\t2022年6月底前\n"
            "注：1.各牵头单位每季度末报送进展情况。\n2.标“*”的为市考核任务。\n3.未标注的为县级任务。\n"
            "附表2\n序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
            "1\t推进政务服务“跨省通办”\t县数据资源局\t县直各部门\t2022年9月底前\n")
    document = extract_string(text).documents[0]
    assert document.sections == []
    assert [t.section_path for t in document.tasks] == [[], []]


def test_a_schedule_cell_merged_over_quarters_is_one_step() -> None:
    """A colspan over 三季度 | 四季度 (repeated per column by the loader) is one milestone, Q3-Q4; one
    over every quarter is the row's deadline phrase (全年持续推进: ongoing, no four milestones) when it
    reads as one; other words under every quarter (举办1场) are one step a quarter."""
    text = ("2022年重点工作台账\n序号\t工作任务\t牵头单位\t一季度\t二季度\t三季度\t四季度\n"
            "1\t推进楼宇经济提质增效\t区商务局\t摸底调查\t出台扶持政策\t完成年度目标\t完成年度目标\n"
            "2\t优化企业服务专员制度\t区经信局\t全年持续推进\t全年持续推进\t全年持续推进\t全年持续推进\n"
            "3\t组织招聘活动\t区人社局\t举办1场\t举办1场\t举办1场\t举办1场\n")
    first, second, third = _tasks(text)
    assert [(m.period, m.text) for m in first.deadline.milestones] == [
        ("2022-Q1", "摸底调查"), ("2022-Q2", "出台扶持政策"), ("2022-Q3-Q4", "完成年度目标")]
    assert (second.deadline.text, second.deadline.kind) == ("全年持续推进", "ongoing")
    # the same duty under every quarter of a plain-text ledger: one step a quarter
    assert [m.period for m in third.deadline.milestones] == ["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"]


def test_a_person_after_a_unit_under_a_header_naming_one() -> None:
    """牵头单位（责任人）: 区市场监管局（王海） is the unit and its person; a role marker stays a marker."""
    text = ("2022年重点任务清单\n序号\t重点任务\t牵头单位（责任人）\t配合单位\t完成时限\n"
            "1\t推行企业开办全程网办\t区市场监管局（王海）\t区税务局\t2022年6月底前\n"
            "2\t不动产登记5个工作日内办结\t区自然资源局（副局长周兵）\t区税务局\t2022年12月底前\n")
    assert [t.lead_units for t in _tasks(text)] == [["区市场监管局"], ["区自然资源局"]]


def test_a_bracket_naming_a_unit_under_a_person_header_stays() -> None:
    """Under 牵头单位（责任人）, a bracket that names a unit or a division (各乡镇（街道）, an alias
    县委组织部（县委人才办）) is part of the name; only a person's bracket goes."""
    text = ("2023年重点任务清单\n序号\t重点任务\t牵头单位（责任人）\t配合单位\t完成时限\n"
            "1\t开展村庄清洁行动\t各乡镇（街道）\t县农业农村局\t2023年12月底前\n"
            "2\t加强人才保障\t县委组织部（县委人才办）\t县人社局\t2023年9月底前\n"
            "3\t强化资金保障\t县财政局（局长）\t县发改局\t2023年6月底前\n")
    assert [t.lead_units for t in _tasks(text)] == [["各乡镇（街道）"], ["县委组织部（县委人才办）"], ["县财政局"]]


def test_a_total_row_is_no_task() -> None:
    text = ("2022年重点任务清单\n序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
            "1\t编制行政许可事项清单\t县政府办\t县司法局\t2022年6月底前\n"
            "2\t开展营商环境评价\t县发改委\t县直各部门\t2022年12月底前\n"
            "3\t推进政务服务“跨省通办”\t县数据资源局\t县直各部门\t2022年9月底前\n"
            "合计\t共3项\t\t\t\n")
    document = extract_string(text).documents[0]
    assert [t.number for t in document.tasks] == ["1", "2", "3"] and document.warnings == []


def test_a_mark_beside_a_row_number_is_no_part_of_it() -> None:
    text = ("2022年重点任务清单\n序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
            "1*\t编制行政许可事项清单\t县政府办\t县司法局\t2022年6月底前\n"
            "★2\t开展营商环境评价\t县发改委\t县直各部门\t2022年12月底前\n"
            "注：标“*”“★”的为市考核任务。\n")
    assert [t.number for t in _tasks(text)] == ["1", "2"]
