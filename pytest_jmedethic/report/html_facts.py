"""The run's facts on the HTML report in words of both languages: the thresholds, the calls,
the token table's roles and the release gates as options (the page's switch swaps them)."""

from __future__ import annotations

from ..analysis.release_decision import ReleaseDecision
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
    sent = f"{run.calls_sent:,}"
    return {
        "en": (
            f"{sent} sent; target replies: {run.replies_live:,} live, {run.replies_cached:,} "
            f"from the response cache; verdicts: {run.verdicts_live:,} live, "
            f"{run.verdicts_cached:,} from the response cache"
        ),
        "ja": (
            f"{sent}回送信（評価対象の応答：新規{run.replies_live:,}件・応答キャッシュから"
            f"{run.replies_cached:,}件、採点：新規{run.verdicts_live:,}件・応答キャッシュから"
            f"{run.verdicts_cached:,}件）"
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
