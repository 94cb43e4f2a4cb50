"""Plain words for the statistics the pages show, for readers who are clinicians rather than
statisticians: each term with what it means here, in both languages."""

from __future__ import annotations

GLOSSARY: dict[str, dict[str, str]] = {
    "term_median": {
        "en": "Median: the middle score when all are put in order; half are higher, half lower.",
        "ja": "中央値：すべてのスコアを順に並べたときの真ん中の値。"
        "半数がそれより高く、半数が低い。",
    },
    "term_iqr": {
        "en": "Interquartile range: where the middle half of the scores lie.",
        "ja": "四分位範囲：スコアの中央の半数が収まる範囲。",
    },
    "term_threshold": {
        "en": "Threshold: the lowest score a turn may get; one turn below it fails the "
        "conversation.",
        "ja": "合格ライン：各ターンに求める最低スコア。1ターンでも下回れば、その会話は不合格。",
    },
    "term_p": {
        "en": "p-value: how likely a difference this large would be by chance alone; below "
        "alpha (usually 0.05), it is called significant.",
        "ja": "p値：偶然だけでこれほどの差が出る確率。"
        "有意水準（通常0.05）を下回れば「有意」とする。",
    },
    "term_holm": {
        "en": "Holm correction: p-values adjusted because several turns are tested at once, "
        "so that testing more turns does not find more chance differences.",
        "ja": "Holm補正：複数のターンを同時に検定するため、"
        "偶然の差を拾いすぎないようp値を調整すること。",
    },
    "term_margin": {
        "en": "Non-inferiority margin: the largest drop against the baseline that is "
        "accepted; the candidate fails only if it is shown to be worse by more.",
        "ja": "非劣性マージン：ベースラインからの低下として許容する上限。これを超えて悪いと"
        "示された場合にのみ不合格とする。",
    },
    "term_ci": {
        "en": "95% interval: the range the true value lies in with 95% confidence.",
        "ja": "95%区間：真の値が95%の確からしさで含まれる範囲。",
    },
    "term_sequence": {
        "en": "Confidence sequence: an interval that stays valid however often it is looked "
        "at, so a run may stop as soon as it is clear.",
        "ja": "信頼系列：何度確認しても有効な区間。結論が明らかになった時点で実行を止められる。",
    },
    "term_judges": {
        "en": "Judge agreement: how closely the two AI judges' scores match (Spearman's rho: "
        "1 is the same order, 0 is unrelated); a disagreement is more than 3 points apart.",
        "ja": "ジャッジの一致度：2つのAIジャッジのスコアがどれだけ揃っているか（スピアマンの"
        "ρ：1は順位が完全に一致、0は無関係）。3点を超える差を「食い違い」とする。",
    },
    "term_kappa": {
        "en": "Cohen's kappa: agreement of pass/fail between two sets beyond what chance "
        "gives (1: always the same, 0: no better than chance).",
        "ja": "コーエンのκ：偶然の一致を除いた合否の一致度（1は常に一致、0は偶然と同程度）。",
    },
    "term_rank": {
        "en": "Rank range: the ranks a model could take if the conversations were drawn "
        "again; models whose ranges overlap are not clearly apart.",
        "ja": "順位の範囲：会話を引き直した場合にモデルが取りうる順位。範囲が重なるモデル同士は"
        "明確な差があるとは言えない。",
    },
}
