"""Stage 5, extract: tasks with their title, text, lead and responsible units, and deadline.

Which numbered level holds the tasks is decided by evidence: the level whose items carry task
fields (labelled lines, closing parentheticals) is the task level; sub-items below it are part of
a task's body, and items under guiding-principle or safeguard sections are not tasks. Documents
without numbered tasks may use 具体举措/推进计划 blocks. All labels and role phrases come from
`grammars/fields.yaml`, unit splitting from `grammars/units.yaml`.

The stage is a package so that each step has a module of its own; data flows one way:
`brackets` (bracket characters and groups) → `units` (unit lists → names) → `fields` (labels,
groups and role sentences → task fields) → `level` (which level holds the tasks) → `tasks`
(blocks → `RawTask`s); `checks` runs the grammar corpus examples. Other stages and the grammar
corpus use the names re-exported here.
"""

from __future__ import annotations

from .brackets import bracket_groups
from .checks import check_example, check_not_matching
from .fields import parse_group
from .level import choose_task_rank
from .tasks import DocumentTasks, RawTask, document_year, extract_tasks, task_title
from .units import split_units

__all__ = [
    "DocumentTasks",
    "RawTask",
    "bracket_groups",
    "check_example",
    "check_not_matching",
    "choose_task_rank",
    "document_year",
    "extract_tasks",
    "parse_group",
    "split_units",
    "task_title",
]
