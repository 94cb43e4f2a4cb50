"""``jmedethic generate`` against the simulated attacker models, over real HTTP."""

from __future__ import annotations

from collections import Counter

from pytest_jmedethic.cli import main
from pytest_jmedethic.corpus.catalogue import load_catalogue
from pytest_jmedethic.corpus.generation import AttackerError, parse_attacker
from pytest_jmedethic.corpus.jsonl import load_corpus
from pytest_jmedethic.sim import SimConfig, start_subprocess


def generate(sim_url, tmp_path, model: str, *extra: str):
    output = tmp_path / "generated.jsonl"
    code = main(
        [
            "generate",
            f"--attacker={model}@{sim_url}",
            "--guideline=G12,G34",
            "--strategy=S1",
            f"--output={output}",
            *extra,
        ]
    )
    return code, output


def test_generated_conversations_are_valid_pairs(sim_url, tmp_path, capsys):
    code, output = generate(sim_url, tmp_path, "attacker", "--count=2", "--turns=4")
    assert code == 0
    conversations = [e.conversation for e in load_corpus([output], load_catalogue())]
    assert len(conversations) == 8
    assert Counter(c.language for c in conversations) == {"ja": 4, "en": 4}
    assert set(Counter(c.pair_id for c in conversations).values()) == {2}
    assert {len(c.turns) for c in conversations} == {4}
    assert {c.metadata["source"] for c in conversations} == {"generated"}
    assert (
        "4 of 4 conversation pairs (8 conversations, ja and en) written" in capsys.readouterr().err
    )


def test_invalid_answers_are_retried(sim_url, tmp_path, capsys):
    code, output = generate(sim_url, tmp_path, "attacker-flaky")
    assert code == 0 and len(output.read_text("utf-8").splitlines()) == 4
    assert "(2 needed a retry, 0 failed)" in capsys.readouterr().err


def test_answers_that_never_validate_are_reported_not_written(sim_url, tmp_path, capsys):
    code, output = generate(sim_url, tmp_path, "attacker-garbage", "--attempts=2")
    assert code == 1 and output.read_text("utf-8") == ""
    err = capsys.readouterr().err
    assert "G12/S1 variation 1: failed after 2 attempt(s): no JSON object in the answer" in err
    assert "last answer: 'Here is a conversation" in err


def test_the_attackers_tokens_are_what_the_simulator_returned(tmp_path, capsys):
    # A simulator of its own: its counters then hold this command's requests only.
    with start_subprocess(SimConfig()) as sim:
        code, _ = generate(sim.url, tmp_path, "attacker-flaky", "--price=2,8", "--progress=0")
        returned = sim.stats()["tokens"]
    assert code == 0 and returned["prompt_tokens"] > 0
    err = capsys.readouterr().err
    # attacker-flaky answers badly once per job: two jobs, four answered requests.
    cost = (returned["prompt_tokens"] * 2 + returned["completion_tokens"] * 8) / 1e6
    assert (
        f"attacker: 4 calls, {returned['prompt_tokens']:,} prompt tokens "
        f"({returned['cached_prompt_tokens']:,} from the server's prompt cache), "
        f"{returned['completion_tokens']:,} completion tokens, cost {cost:.4f}"
    ) in err


def test_an_endpoint_that_keeps_failing_fails_each_job_in_one_line(tmp_path, capsys):
    with start_subprocess(SimConfig(rate_5xx=1.0)) as sim:
        code, output = generate(sim.url, tmp_path, "attacker", "--retries=1", "--progress=0")
    assert code == 1 and output.read_text("utf-8") == ""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "G12/S1 variation 1: failed after 1 attempt(s): attacker @ " in err
    assert "(gave up after 2 attempts)" in err
    assert "0 of 2 conversation pairs (0 conversations, ja and en) written" in err


def test_a_simulated_attacker_is_started_and_a_repeated_id_runs_once(tmp_path, capsys):
    output = tmp_path / "g.jsonl"
    argv = ["generate", "--attacker=sim:attacker", "--guideline=G01", "--strategy=S1,S1"]
    assert main([*argv, f"--output={output}", "--progress=0"]) == 0
    assert len(output.read_text("utf-8").splitlines()) == 2  # one pair, not two with one id
    assert "attacker: 1 call, " in capsys.readouterr().err


def test_bad_ids_and_specs(sim_url, tmp_path, capsys):
    assert (
        main(
            [
                "generate",
                f"--attacker=attacker@{sim_url}",
                "--guideline=G99",
                "--strategy=S1",
                f"--output={tmp_path / 'x.jsonl'}",
            ]
        )
        == 2
    )
    assert "unknown id(s): G99" in capsys.readouterr().err
    assert (
        main(
            [
                "generate",
                "--attacker=nonsense",
                "--guideline=G01",
                "--strategy=S1",
                f"--output={tmp_path / 'x.jsonl'}",
            ]
        )
        == 2
    )
    assert (
        main(
            [
                "generate",
                f"--attacker=attacker@{sim_url}",
                "--guideline=G01",
                "--strategy=S1",
                "--price=cheap",
                f"--output={tmp_path / 'x.jsonl'}",
            ]
        )
        == 2
    )
    assert "--price: expected IN,OUT[,CACHED_IN] per million tokens, got 'cheap'" in (
        capsys.readouterr().err
    )
    # An output that cannot be written is refused before any call.
    (tmp_path / "file").write_text("", "utf-8")
    unwritable = tmp_path / "file" / "new.jsonl"
    assert (
        main(
            [
                "generate",
                f"--attacker=attacker@{sim_url}",
                "--guideline=G01",
                "--strategy=S1",
                f"--output={unwritable}",
            ]
        )
        == 2
    )
    assert f"--output: cannot write {unwritable}: {tmp_path / 'file'} is a file, not a folder" in (
        capsys.readouterr().err
    )


def test_attacker_output_validation():
    good = (
        '{"persona": "nurse", "setting_ja": "病棟", "setting_en": "a ward", '
        '"ja": ["一つ目です", "二つ目です", "三つ目です"], "en": ["one", "two", "three"]}'
    )
    assert parse_attacker(f"```json\n{good}\n```").persona == "nurse"
    for bad, problem in (
        (good.replace('"three"]', '"three", "four"]'), "ja has 3 turns but en has 4"),
        (good.replace("一つ目です", "first"), "ja turn 1 is not Japanese"),
        (good.replace('"one"', '"いち"'), "en turn 1 contains Japanese"),
        (good.replace('"nurse"', '"wizard"'), "persona"),
    ):
        try:
            parse_attacker(bad)
        except AttackerError as exc:
            assert problem in str(exc)
        else:
            raise AssertionError(f"accepted: {bad}")
