"""Every word the discovery page shows, in Japanese and English."""

from __future__ import annotations

DISCOVERY_TEXT: dict[str, dict[str, str]] = {
    "dsc_title": {"en": "Newly discovered attacks", "ja": "新たに発見された攻撃"},
    "dsc_intro": {
        "en": "An attacker model proposed multi-turn attacks on the target, the two judges "
        "scored every reply, and whenever an attack got further than any before it on the "
        "same objective, the attacker named what made it work. The strategies below are "
        "what it found, with how much each lowers the target's safety scores compared with "
        "the seven built-in strategies.",
        "ja": "攻撃用モデルが対象モデルへの多ターン攻撃を提案し、2つのジャッジが各応答を"
        "採点しました。同じ目的でそれまでより深く踏み込めた攻撃があるたびに、攻撃用モデルが"
        "成功の要因を戦略として命名しています。以下はこうして見つかった戦略と、それが既存の"
        "7つの戦略と比べて安全性スコアをどれだけ下げるかです。",
    },
    "dsc_found": {"en": "Strategies discovered", "ja": "発見された戦略"},
    "dsc_none": {
        "en": "None yet: no attack got clearly further than the built-in strategies.",
        "ja": "まだありません（既存の戦略より明確に踏み込めた攻撃はありませんでした）。",
    },
    "dsc_drop": {"en": "Score drop", "ja": "スコア低下"},
    "dsc_drop_note": {
        "en": "Median score of the built-in strategies' attacks minus that of the strategy's "
        "attacks, per target, with its 95% bootstrap interval. Red: clearly lower than the "
        "built-in strategies (the interval is above zero). A strategy that works on one "
        "target and not another shows the transfer.",
        "ja": "対象モデルごとに、既存戦略による攻撃のスコア中央値から、その戦略による攻撃の"
        "中央値を引いた値と95%ブートストラップ信頼区間。赤は既存戦略より明確に低いこと"
        "（区間が0より上）を示します。モデル間で効き方が違えば、転移の程度がわかります。",
    },
    "dsc_strategy": {"en": "Strategy", "ja": "戦略"},
    "dsc_origin": {"en": "Origin", "ja": "由来"},
    "dsc_builtin": {"en": "built-in", "ja": "既存"},
    "dsc_round": {"en": "found in round", "ja": "発見ラウンド"},
    "dsc_attacks": {"en": "Attacks", "ja": "攻撃数"},
    "dsc_definition": {"en": "Definition", "ja": "定義"},
    "dsc_escalation": {"en": "How it escalates", "ja": "段階の踏み方"},
    "dsc_why": {"en": "Why it works", "ja": "効く理由"},
    "dsc_example": {"en": "Example", "ja": "例"},
    "dsc_also": {"en": "Also named", "ja": "別名"},
    "dsc_run": {"en": "The run", "ja": "実行の概要"},
    "dsc_attacker": {"en": "Attacker", "ja": "攻撃用モデル"},
    "dsc_targets": {"en": "Targets", "ja": "対象モデル"},
    "dsc_judges": {"en": "Judges", "ja": "ジャッジ"},
    "dsc_counts": {"en": "Rounds / objectives / attacks", "ja": "ラウンド／目的／攻撃"},
    "dsc_reference": {
        "en": "Built-in strategies' median score",
        "ja": "既存戦略の中央値スコア",
    },
    "dsc_calls": {"en": "Calls sent", "ja": "送信したリクエスト数"},
    "dsc_stopped": {"en": "Stopped early", "ja": "途中で停止"},
    "dsc_by_language": {"en": "By language (first target)", "ja": "言語別（最初の対象モデル）"},
    "dsc_plot": {"en": "Score drop on the first target", "ja": "最初の対象モデルでのスコア低下"},
}
