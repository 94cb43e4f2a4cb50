"""Every word the judges' calibration page shows, in Japanese and English; merged into the
words every page's language switch reads."""

from __future__ import annotations

CALIBRATION_TEXT: dict[str, dict[str, str]] = {
    "cal_title": {"en": "Judges' calibration", "ja": "ジャッジの較正"},
    "cal_intro": {
        "en": "Before their scores decide a release, the two AI judges scored a labelled set "
        "of replies whose correct score under the rubric is known: refusals, hedges, leaks, "
        "compliance, legitimate medical help, replies that are harmful only in the context of "
        "the conversation, and replies that try to talk the judge into a high score. This page "
        "shows how close they came and where they went wrong.",
        "ja": "ジャッジのスコアでリリースを判定する前に、採点基準に照らした正解スコアが"
        "わかっている応答（断り方、曖昧な回答、情報の漏えい、全面的な追従、正当な医療情報の提供、"
        "会話の流れの中でのみ有害になる応答、評価者を操作して高得点を得ようとする応答）を"
        "2つのAIジャッジに採点させました。どこまで正確だったか、どこで誤ったかを示します。",
    },
    "cal_passed": {
        "en": "PASSED: these judges can be trusted with this rubric",
        "ja": "合格：この採点基準でこのジャッジを信頼できます",
    },
    "cal_failed": {
        "en": "FAILED: do not let these judges decide a release",
        "ja": "不合格：このジャッジにリリース判定を任せないでください",
    },
    "cal_what": {"en": "What was checked", "ja": "検査の対象"},
    "cal_judges": {"en": "Judges", "ja": "ジャッジ"},
    "cal_settings": {"en": "Judge settings", "ja": "ジャッジの設定"},
    "cal_versions": {"en": "Rubric / judge prompt", "ja": "採点基準／ジャッジプロンプト"},
    "cal_set": {"en": "Calibration set", "ja": "較正セット"},
    "cal_created": {"en": "Calibrated at", "ja": "実施日時"},
    "cal_metrics": {
        "en": "Each judge against the labels",
        "ja": "正解ラベルとの一致（ジャッジ別）",
    },
    "cal_metrics_note": {
        "en": "MAE: mean distance from the correct score (0 is perfect). Weighted kappa: "
        "agreement with the labels beyond chance, large misses weighing more (1 is perfect, 0 "
        "is chance). Within range: share of items scored inside the accepted range. The three "
        "checks: injection items not scored too high, legitimate help not scored too low, "
        "context-dependent items not scored too high. Combined: the mean of the two judges, "
        "as a run uses it. Red: a limit is not met.",
        "ja": "MAE：正解スコアからの平均的なずれ（0が完全一致）。重み付きκ：偶然を超えた"
        "一致度で、大きなずれほど重く数えます（1が完全一致、0は偶然の水準）。許容範囲内：許容"
        "範囲内で採点された項目の割合。3つの検査は、操作を試みる応答を高く採点しないこと、"
        "正当な医療情報の提供を低く採点しないこと、文脈上有害な応答を高く採点しないことを"
        "確かめます。「合成」は実際の評価で使う2ジャッジの平均です。赤字は基準を満たしていない"
        "値です。",
    },
    "cal_judge": {"en": "Judge", "ja": "ジャッジ"},
    "cal_mae": {"en": "MAE", "ja": "MAE"},
    "cal_kappa": {"en": "Weighted kappa", "ja": "重み付きκ"},
    "cal_within": {"en": "Within range", "ja": "許容範囲内"},
    "cal_injection": {"en": "Injection resistance", "ja": "操作への耐性"},
    "cal_legitimate": {"en": "Legitimate help kept", "ja": "正当な回答の保護"},
    "cal_context": {"en": "Context sensitivity", "ja": "文脈の考慮"},
    "cal_unscored": {"en": "Unscored", "ja": "採点不能"},
    "cal_limit": {"en": "limit", "ja": "基準"},
    "cal_between": {"en": "The two judges against each other", "ja": "ジャッジ間の一致"},
    "cal_between_note": {
        "en": "ICC(2,1), as the paper reports for its judges, and Krippendorff's alpha "
        "(interval). Judges can agree with each other and still both be wrong: the table above "
        "is what says whether they are right.",
        "ja": "論文が報告しているICC(2,1)と、Krippendorffのα（間隔尺度）。2つのジャッジが"
        "互いに一致していても、両方とも誤っていることはあり得ます。正しいかどうかは上の表で"
        "判断してください。",
    },
    "cal_failures": {"en": "Limits not met", "ja": "満たしていない基準"},
    "cal_categories": {"en": "By kind of reply", "ja": "応答の種類別"},
    "cal_categories_note": {
        "en": "The combined score on each kind of reply. Bias: mean of the given minus the "
        "correct score; positive means too lenient (unsafe replies look safer than they are), "
        "negative means too harsh.",
        "ja": "応答の種類ごとの合成スコア。偏り：付けたスコアから正解を引いた平均。正は甘すぎる"
        "（危険な応答を実際より安全と見る）、負は厳しすぎることを示します。",
    },
    "cal_category": {"en": "Kind of reply", "ja": "応答の種類"},
    "cal_items": {"en": "Items", "ja": "項目数"},
    "cal_bias": {"en": "Bias", "ja": "偏り"},
    "cal_bands": {
        "en": "Bands, correct (rows) against given by the combined score (columns)",
        "ja": "帯域別：正解（行）と合成スコア（列）",
    },
    "cal_plot_matrix": {
        "en": "Correct score (rows) against the combined score given (columns)",
        "ja": "正解スコア（行）と合成スコア（列）",
    },
    "cal_plot_bias": {
        "en": "Bias by kind of reply, with its mean absolute error",
        "ja": "応答の種類別の偏りと平均絶対誤差",
    },
    "cal_misses": {"en": "Items scored outside their range", "ja": "許容範囲外で採点された項目"},
    "cal_misses_note": {
        "en": "Each with the conversation, the correct score and range, what each judge gave "
        "and why the label is what it is. Largest misses first.",
        "ja": "会話、正解スコアと許容範囲、各ジャッジのスコア、正解の理由を示します。ずれの"
        "大きい順です。",
    },
    "cal_no_misses": {"en": "None: every item is within its range.", "ja": "ありません。"},
    "cal_expected": {"en": "Correct", "ja": "正解"},
    "cal_accepted": {"en": "Accepted", "ja": "許容範囲"},
    "cal_given": {"en": "Given", "ja": "採点"},
    "cal_why": {"en": "Why", "ja": "理由"},
    "cal_language": {"en": "Language", "ja": "言語"},
    "cal_all_items": {"en": "Every item", "ja": "全項目"},
    "cal_filter_category": {"en": "Kind", "ja": "種類"},
    "cal_filter_language": {"en": "Language", "ja": "言語"},
    "cal_filter_outcome": {"en": "Outcome", "ja": "結果"},
    "cal_outcome_all": {"en": "all", "ja": "すべて"},
    "cal_outcome_miss": {"en": "outside range", "ja": "範囲外"},
    "cal_outcome_hit": {"en": "within range", "ja": "範囲内"},
    "cal_shown": {"en": "shown", "ja": "件を表示"},
    "refusal_with_alternative": {
        "en": "Refusal with an alternative",
        "ja": "代替案を示した拒否",
    },
    "bare_refusal": {"en": "Bare refusal", "ja": "理由のない拒否"},
    "vague_hedge": {"en": "Vague hedge", "ja": "曖昧な回答"},
    "partial_leak": {"en": "Partial leak", "ja": "一部の漏えい"},
    "token_caveats": {"en": "Compliance with token caveats", "ja": "形だけの注意を付けた追従"},
    "full_compliance": {"en": "Full compliance", "ja": "全面的な追従"},
    "legitimate_help": {"en": "Help with a legitimate request", "ja": "正当な依頼への回答"},
    "context_dependent": {"en": "Harmful in context", "ja": "文脈上有害"},
    "injection": {"en": "Addresses the judge (injection)", "ja": "評価者への操作（注入）"},
    "language_mismatch": {"en": "Answered in the other language", "ja": "別の言語での応答"},
    "combined": {"en": "combined", "ja": "合成"},
}
