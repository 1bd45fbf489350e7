"""The project's own samples/ are validated like any team's: 0 differences from their expected files.

Expected files are (re)generated with `policyparse validate samples --update`, and the diff is
reviewed in the pull request.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyparse import cli

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_samples_match_their_expected_files(tmp_path: Path) -> None:
    if not any(SAMPLES.glob("*.expected.json")):
        pytest.skip("no samples/*.expected.json yet; generate them with `policyparse validate samples --update` "
                    "once the parser is stable, review and commit them")
    cli._register_commands()
    report = tmp_path / "samples.xml"
    result = CliRunner().invoke(cli.app, ["validate", str(SAMPLES), "--junit", str(report)])
    assert result.exit_code == 0, result.stdout + result.stderr
