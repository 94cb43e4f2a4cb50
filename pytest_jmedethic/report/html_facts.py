"""The run's facts on the HTML report in words of both languages: the thresholds, the calls,
the token table's roles and the release gates as options (the page's switch swaps them)."""

from __future__ import annotations

import re

from ..analysis.gates import GateResult
from ..analysis.non_inferiority import BaselineComparison
from ..analysis.number_format import count, number, percent, pvalue, signed
from ..analysis.release_decision import ReleaseDecision
from ..judging.bands import Bands
from ..judging.thresholds import Thresholds
from .model import RunFacts

Words = dict[str, str]  # {"en": ..., "ja": ...}


def thresholds_words(text: str) -> Words:
    """``8,7,6`` as "turn 1 >= 8, ..., turn 3+ >= 6" and its Japanese."""
    thresholds = Thresholds.parse(text)
    *head, last = thresholds.values
    ja = [f"ターン{turn} ≥ {value:g}" for turn, value in enumerate(head, start=1)]
    ja.append(f"ターン{len(thresholds.values)}以降 ≥ {last:g}")
    return {"en": thresholds.describe(), "ja": "、".join(ja)}


def calls_words(run: RunFacts) -> Words:
    """Requests sent, and how many replies and verdicts came from the response cache."""
    sent, live, cached = count(run.calls_sent), count(run.replies_live), count(run.replies_cached)
    judged, kept = count(run.verdicts_live), count(run.verdicts_cached)
    return {
        "en": (
            f"{sent} sent; target replies: {live} live, {cached} from the response cache; "
            f"verdicts: {judged} live, {kept} from the response cache"
        ),
        "ja": (
            f"{sent}回送信（評価対象の応答：新規{live}件・応答キャッシュから{cached}件、"
            f"採点：新規{judged}件・応答キャッシュから{kept}件）"
        ),
    }


ROLES = {
    "target": {"en": "target", "ja": "評価対象"},
    "attacker": {"en": "attacker", "ja": "攻撃モデル"},
    "total": {"en": "total", "ja": "合計"},
}


def role_words(role: str) -> Words:
    """A token row's role: target, judge N, attacker or total."""
    if role.startswith("judge "):
        return {"en": role, "ja": f"ジャッジ{role.removeprefix('judge ')}"}
    return ROLES.get(role, {"en": role, "ja": role})


def gate_options(decision: ReleaseDecision) -> str:
    """The release gates of the run as the options that set them (the same in both
    languages: they are what an engineer types)."""
    settings = decision.settings
    options = []
    if settings.min_median is not None:
        options.append(f"--jmed-gate-min-median={settings.min_median}")
    if settings.max_unsafe is not None:
        options.append(f"--jmed-gate-max-unsafe={settings.max_unsafe:g}")
    if settings.max_unscored is not None:
        options.append(f"--jmed-gate-max-unscored={settings.max_unscored:g}")
    options += [
        f"--jmed-bands={settings.bands}",
        f"--jmed-margin={settings.margin:g}",
        f"--jmed-alpha={settings.alpha:g}",
    ]
    if settings.sequential:
        options += ["--jmed-sequential", f"--jmed-inconclusive={settings.inconclusive}"]
    if settings.require_calibration:
        options.append("--jmed-require-calibration")
    return " ".join(options)


# The run's own English messages that a page shows, and their Japanese. A message that
# matches none (a future one) is shown as it is in both languages.
_REASONS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"the budget of (?P<n>[\d,]+) calls? was reached \((?P<sent>[\d,]+) sent\)"),
        "呼び出し数の上限{n}回に達しました（送信{sent}回）",
    ),
    (
        re.compile(r"the budget of (?P<n>[\d.e+-]+) was reached \((?P<spent>[\d.e+-]+) spent\)"),
        "費用の上限{n}に達しました（使用額{spent}）",
    ),
    (
        re.compile(r"the release decision settled \((?P<o>\w+)\) after (?P<n>\d+) conversations"),
        "リリース判定は{n}件の会話で確定しました（{o}）",
    ),
    (
        re.compile(
            r"the run was interrupted(?: by (?P<by>\w+))?: (?P<n>\d+) conversations have no result"
        ),
        "実行が中断されました（{by}）：{n}件の会話に結果がありません",
    ),
    (
        re.compile(r"(?P<n>\d+) selected conversations have no result"),
        "選ばれた会話のうち{n}件に結果がありません",
    ),
]
_OUTCOMES_JA = {"failed": "不合格", "passed": "合格"}


def reason_words(text: str) -> Words:
    """Why a run ended early or is incomplete, in both languages."""
    cut = re.fullmatch(r"the run was cut short: (?P<why>.*); (?P<n>\d+) not run", text)
    if cut is not None:
        why = reason_words(cut["why"])["ja"]
        return {
            "en": text,
            "ja": f"予算に達したため実行を打ち切りました：{why}。{cut['n']}件は未実行",
        }
    for pattern, japanese in _REASONS:
        found = pattern.fullmatch(text)
        if found is not None:
            values = {k: v or "" for k, v in found.groupdict().items()}
            values["o"] = _OUTCOMES_JA.get(values.get("o", ""), values.get("o", ""))
            return {"en": text, "ja": japanese.format(**values).replace("（）", "")}
    return {"en": text, "ja": text}


def sources_words(sources: list[str], selected: int, loaded: int) -> Words:
    """Where the conversations came from and how many of them ran."""
    ja = []
    for source in sources:
        found = re.fullmatch(r"(?P<name>.*) \((?P<n>\d+) conversations\)", source)
        if found is None:
            ja.append(source)
            continue
        name = "組み込みコーパス" if found["name"] == "builtin" else found["name"]
        ja.append(f"{name}（{found['n']}件）")
    return {
        "en": f"{count(selected)} of {count(loaded)} conversations loaded from "
        f"{', '.join(sources)}",
        "ja": f"{'、'.join(ja)}から読み込んだ{count(loaded)}件のうち{count(selected)}件",
    }


SHARE_GATES = ("max unsafe share", "max unscored share")


def gate_value(gate: GateResult, comparison: BaselineComparison | None) -> str:
    """A gate's value as a reader compares it with the limit: shares in percent, and the
    baseline gate as the median difference (its p-value and turns are on the next line)."""
    if gate.gate in SHARE_GATES:
        return percent(gate.value, 1)
    if gate.gate == "baseline non-inferiority" and comparison is not None:
        return signed(comparison.overall.median_difference)
    return number(gate.value, 3)


def gate_limit(gate: GateResult, comparison: BaselineComparison | None) -> str:
    if gate.gate in SHARE_GATES:
        return percent(gate.limit, 1)
    if gate.gate == "baseline non-inferiority" and comparison is not None:
        return signed(-comparison.margin)
    return number(gate.limit, 3)


def baseline_words(comparison: BaselineComparison) -> Words:
    """What the baseline gate found, in a sentence a clinician can read."""
    overall = comparison.overall
    margin = number(comparison.margin)
    low, high = signed(overall.ci_low), signed(overall.ci_high)
    whole_en = (
        f"Over whole conversations the median difference is "
        f"{signed(overall.median_difference)} points (95% CI {low} to {high}; "
        f"p={pvalue(overall.pvalue)})."
    )
    whole_ja = (
        f"会話全体での差の中央値は{signed(overall.median_difference)}点"
        f"（95%信頼区間 {low}〜{high}、p={pvalue(overall.pvalue)}）。"
    )
    if comparison.conclusion == "too few pairs":
        return {
            "en": f"Only {overall.n} conversations pair up with the baseline: too few for the "
            "test to find the candidate worse, so it cannot pass. Check that the baseline "
            "report covers this run's conversations.",
            "ja": f"ベースラインと対応する会話が{overall.n}件しかなく、悪化を検出できる件数に"
            "足りないため合格にできません。ベースラインのレポートが今回の会話を含んでいるか"
            "確認してください。",
        }
    if comparison.worse_turns:
        turns = ", ".join(map(str, comparison.worse_turns))
        return {
            "en": f"Worse than the baseline by more than {margin} points at turn {turns} "
            f"(Holm-corrected, alpha {number(comparison.alpha)}). {whole_en}",
            "ja": f"ターン{turns.replace(', ', '・')}でベースラインより{margin}点を超えて悪化"
            f"しています（Holm補正、有意水準{number(comparison.alpha)}）。{whole_ja}",
        }
    if comparison.conclusion == "worse":
        return {
            "en": f"Worse than the baseline by more than {margin} points over whole "
            f"conversations. {whole_en}",
            "ja": f"会話全体でベースラインより{margin}点を超えて悪化しています。{whole_ja}",
        }
    return {
        "en": f"No turn is significantly worse than the baseline by more than {margin} "
        f"points. {whole_en}",
        "ja": f"ベースラインより{margin}点を超えて有意に悪化したターンはありません。{whole_ja}",
    }


def bands_words(bands: Bands | str) -> Words:
    """What "unsafe" and "safe" mean on this page: the score bands."""
    bands = Bands.parse(bands) if isinstance(bands, str) else bands
    low, high = number(bands.unsafe_below), number(bands.safe_from)
    return {
        "en": f"A turn is unsafe when its score is below {low}, borderline from {low} to "
        f"below {high}, and safe from {high} (--jmed-bands).",
        "ja": f"スコア{low}未満のターンを「危険」、{low}以上{high}未満を「境界」、"
        f"{high}以上を「安全」としています（--jmed-bands）。",
    }


_JUDGED = re.compile(
    r"(?P<a>.+?) was scored by (?P<x>.+?) under rubric (?P<r1>\S+), "
    r"(?P<b>.+?) by (?P<y>.+?) under rubric (?P<r2>\S+)"
)


def note_words(note: str) -> Words:
    """A comparison's note (other judges, an incomplete run) in both languages; the names
    and models it quotes stay as they are."""
    different = "DIFFERENT JUDGES: "
    if note.startswith(different):
        what = note.removeprefix(different).removesuffix("; the scores are not on one scale")
        found = _JUDGED.fullmatch(what)
        if found is not None:
            what = (
                f"{found['a']}は{found['x']}（採点基準 {found['r1']}）、"
                f"{found['b']}は{found['y']}（採点基準 {found['r2']}）で採点"
            )
        return {"en": note, "ja": f"ジャッジが異なります：{what}。スコアは同じ尺度ではありません"}
    name, colon, reason = note.partition(": ")
    said = reason_words(reason)["ja"] if colon else note
    return {"en": note, "ja": f"{name}：{said}" if colon and said != reason else note}
