"""The GitHub workflows: valid for actionlint, and the release gate uses the real CLI."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_jmedethic.cli import build_parser

WORKFLOWS = Path(__file__).parents[2] / ".github" / "workflows"
GATE = WORKFLOWS / "jmedethic-release-gate.yml"


def actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent)
    )
    if found is None:
        pytest.fail("actionlint is not installed: pip install -e '.[test]'")
    return found


def test_workflows_pass_actionlint():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert GATE in files
    result = subprocess.run(
        [actionlint(), *map(str, files)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _folded_command(text: str, starts: str) -> list[str]:
    """The words of a folded (>) run: block that starts with ``starts``."""
    match = re.search(rf"\n( *)run: >\n(( +){starts}.*\n)", text)
    assert match, starts
    lines = [match[2]]
    for line in text[match.end() :].splitlines():  # the block: lines indented deeper
        if not line.startswith(match[3]):
            break
        lines.append(line)
    return shlex.split(" ".join(line.strip() for line in lines))


def test_the_release_gate_shards_merges_and_summarises_with_real_options():
    text = GATE.read_text("utf-8")
    assert "matrix:" in text and "upload-artifact" in text and "GITHUB_STEP_SUMMARY" in text
    merge = _folded_command(text, "jmedethic merge")
    args = build_parser().parse_args(
        [word for word in merge[1:] if "*" not in word] + ["reports/a.json"]
    )
    assert args.html is not None and args.html_link == "$RUN_URL" and args.markdown is not None
    shard = _folded_command(text, "pytest")
    assert "--jmed-shard=$SHARD/8" in shard and "--jmed-report=reports/shard-$SHARD.json" in shard


def test_the_model_comparison_runs_a_matrix_and_compares_with_real_options():
    text = (WORKFLOWS / "jmedethic-compare-models.yml").read_text("utf-8")
    assert "fromJSON(vars.JMED_MODELS_JSON)" in text and "GITHUB_STEP_SUMMARY" in text
    words = _folded_command(text, "jmedethic compare")
    reports = ["reports/base.json", "reports/ft-v1.json"]
    groups = ["--group", "medical=ft-v1", "--group", "general=base"]
    flags = [w for w in words[2:] if "*" not in w and w != "$GROUPS"]
    args = build_parser().parse_args(["compare", *reports, *groups, *flags])
    assert args.html is not None and args.markdown is not None and args.html_link == "$RUN_URL"
    assert args.reports == reports and args.group == ["medical=ft-v1", "general=base"]
    run = _folded_command(text, "pytest")
    assert "--jmed-report=reports/$NAME.json" in run
