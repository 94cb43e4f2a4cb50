"""Settings are validated once, without pytest: the CLI reuses the same validation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_jmedethic.analysis.decision_settings import DEFAULT_ALPHA, DEFAULT_MARGIN
from pytest_jmedethic.cli import main
from pytest_jmedethic.judging.bands import Bands
from pytest_jmedethic.judging.thresholds import Thresholds
from pytest_jmedethic.plugin.options import (
    OPTIONS,
    OPTIONS_BY_NAME,
    SettingsError,
    convert,
    defaults,
)
from pytest_jmedethic.plugin.settings import Settings, decision_settings_from_values

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports"


def settings(**values: object) -> Settings:
    return Settings.from_values({**defaults(), **values}, root=Path("/run"), rootpath=Path("/r"))


def test_settings_are_built_from_plain_values_without_a_pytest_config() -> None:
    built = settings(model="sim:wearing", thresholds="8,7", report="out.json", seed=3)
    assert built.target is not None and built.target.model == "wearing"
    assert [j.model for j in built.judges] == ["judge-a", "judge-b"]  # the simulator's judges
    assert built.thresholds == Thresholds((8.0, 7.0))
    assert built.report == Path("/run/out.json")  # relative to where the run started
    assert built.cache_path == Path("/r/.jmedethic/cache.sqlite")  # relative to the rootdir
    assert built.decision.seed == built.servers.sim_seed == 3


def test_one_place_holds_every_default() -> None:
    values = defaults()
    assert set(values) == {option.name for option in OPTIONS}
    decision = decision_settings_from_values(values)
    assert (decision.margin, decision.alpha) == (DEFAULT_MARGIN, DEFAULT_ALPHA)
    assert decision.bands == Bands() and decision.min_median is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"gate-max-unsafe": 1.5}, "--jmed-gate-max-unsafe: a share between 0 and 1, got 1.5"),
        ({"alpha": 2.0}, "--jmed-alpha: a share between 0 and 1"),
        ({"margin": -1.0}, "--jmed-margin: must be at least 0"),
        ({"bands": "9,3"}, "--jmed-bands: bands: need 0 <= 9 <= 3 <= 10"),
        ({"gate-min-median": "x"}, "--jmed-gate-min-median: thresholds: entry 1"),
        ({"model": "m@http://h/v1", "judge": ["j@http://h/v1"]}, "--jmed-judge: give exactly two"),
        ({"language": ["fr"]}, "--jmed-language: unknown language(s) ['fr']"),
        ({"shard": "3/2"}, "--jmed-shard: need 1 <= K <= N"),
        ({"concurrency": 0}, "--jmed-concurrency: must be at least 1, got 0"),
        ({"alpha": 0.0}, "--jmed-alpha: a share between 0 and 1, both excluded, got 0"),
        ({"gate-min-median": "8,,6"}, "--jmed-gate-min-median: thresholds: an entry is empty"),
        ({"price": ["m=nan,1"]}, "--jmed-price: expected MODEL=IN,OUT[,CACHED_IN]"),
    ],
)
def test_a_bad_value_names_its_option(values: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        settings(**values)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("margin", "nan", "must be a finite number, got 'nan'"),
        ("timeout", "inf", "must be a finite number, got 'inf'"),
        ("temperature", "-0.5", "must not be negative, got '-0.5'"),
        ("seed", "-1", "must not be negative, got '-1'"),
        ("retry-budget", "-1", "must not be negative, got '-1'"),
        ("progress", "-1", "must not be negative, got '-1'"),
        ("report", "", "is empty"),
    ],
)
def test_values_that_would_fail_only_at_the_end_are_refused_at_once(
    name: str, text: str, message: str
) -> None:
    # nan and inf pass every comparison made of them; they used to end the run in a
    # traceback when the report was written, after every call had been paid for.
    with pytest.raises(SettingsError) as raised:
        convert(OPTIONS_BY_NAME[name], text)
    assert str(raised.value) == f"--jmed-{name}: {message}"


def test_the_cli_validates_its_gate_flags_with_the_same_code(capsys, tmp_path) -> None:
    report = str(FIXTURES / "report-v1.json")
    assert main(["report", report, "--gate-max-unsafe", "1.5"]) == 2
    assert "jmedethic report: --gate-max-unsafe: a share between 0 and 1, got 1.5" in (
        capsys.readouterr().err
    )
    assert main(["report", report, "--bands", "nonsense"]) == 2
    assert "--bands: bands: expected two numbers" in capsys.readouterr().err
    assert main(["report", report, "--margin", "lots"]) == 2
    assert "--margin: 'lots' is not a valid float" in capsys.readouterr().err
    assert main(["report", report, "--margin", "nan"]) == 2
    assert "--margin: must be a finite number, got 'nan'" in capsys.readouterr().err
    assert main(["compare", f"a={report}", f"b={report}", "--seed", "-1"]) == 2
    assert "jmedethic compare: --seed: must not be negative, got -1" in capsys.readouterr().err


def test_every_option_named_anywhere_is_an_option_the_plugin_has() -> None:
    # Messages, pages, the README and the workflows name options for people to type; a
    # renamed option must not live on in them.
    root = Path(__file__).parents[2]
    places = [*root.joinpath("pytest_jmedethic").rglob("*.py")]
    places += [*root.joinpath("pytest_jmedethic").rglob("*.html")]
    places += [root / "README.md", *root.joinpath(".github").rglob("*.yml")]
    known = {option.name for option in OPTIONS}
    unknown = [
        f"{path.relative_to(root)}: --jmed-{name}"
        for path in places
        for name, wildcard in re.findall(r"--jmed-([a-z0-9-]+)(\*?)", path.read_text("utf-8"))
        if not wildcard and name not in known
    ]
    assert unknown == []
