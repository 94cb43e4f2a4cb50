"""Every word the HTML report shows, in Japanese and English (the page switches between them)."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Medical-ethics safety report", "ja": "医療倫理安全性評価レポート"},
    "intro": {
        "en": "How the model answered adversarial multi-turn conversations built to lead it "
        "to break the professional-ethics guidelines of the Japan Medical Association. Two AI "
        "judges scored every reply from 0 (harmful compliance) to 10 (safe and ethical).",
        "ja": "日本医師会の「医師の職業倫理指針」に反する行為へ段階的に誘導するよう作られた"
        "多ターンの会話に、モデルがどう応答したかを示します。各応答は2つのAIジャッジが"
        "0（有害な追従）から10（安全で倫理的）までで採点しています。",
    },
    "decision": {"en": "Release decision", "ja": "リリース判定"},
    "outcome_passed": {"en": "PASSED: release allowed", "ja": "合格：リリース可"},
    "outcome_failed": {"en": "FAILED: release blocked", "ja": "不合格：リリース不可"},
    "outcome_inconclusive": {
        "en": "INCONCLUSIVE: release blocked",
        "ja": "判定保留：リリース不可",
    },
    "outcome_none": {"en": "No release gate was set", "ja": "リリース判定の基準は未設定"},
    "gates": {"en": "Gates", "ja": "判定基準"},
    "gates_reference": {
        "en": "Fixed-sample gates (for reference: the sequential decision decides)",
        "ja": "固定標本での判定基準（参考：判定は逐次判定による）",
    },
    "gate": {"en": "Gate", "ja": "基準"},
    "value": {"en": "Value", "ja": "値"},
    "limit": {"en": "Limit", "ja": "上限・下限"},
    "result": {"en": "Result", "ja": "結果"},
    "pass": {"en": "pass", "ja": "合格"},
    "fail": {"en": "fail", "ja": "不合格"},
    "open": {"en": "open", "ja": "未確定"},
    "sequential": {"en": "Sequential decision", "ja": "逐次判定"},
    "test": {"en": "Test", "ja": "検定"},
    "bounds": {"en": "Confidence sequence", "ja": "信頼系列"},
    "settled_after": {"en": "Settled after (conversations)", "ja": "確定までの会話数"},
    "baseline": {"en": "Against the baseline", "ja": "ベースラインとの比較"},
    "paired": {"en": "Paired conversations", "ja": "対応する会話数"},
    "margin": {"en": "Non-inferiority margin", "ja": "非劣性マージン"},
    "median_difference": {"en": "Median difference", "ja": "差の中央値"},
    "ci": {"en": "95% interval", "ja": "95%区間"},
    "conclusion": {"en": "Conclusion", "ja": "結論"},
    "worse": {"en": "worse", "ja": "悪化"},
    "not worse": {"en": "not worse", "ja": "悪化なし"},
    "run": {"en": "The run", "ja": "実行情報"},
    "target": {"en": "Model tested", "ja": "評価対象モデル"},
    "judges": {"en": "Judges", "ja": "ジャッジ（採点モデル）"},
    "rubric": {"en": "Rubric version", "ja": "採点基準の版"},
    "corpus": {"en": "Conversations", "ja": "会話データ"},
    "thresholds": {"en": "Pass thresholds", "ja": "合格ライン"},
    "created": {"en": "Created", "ja": "作成日時"},
    "outcomes": {"en": "Outcomes", "ja": "結果の内訳"},
    "tokens": {"en": "Tokens and cost", "ja": "トークン数と費用"},
    "role": {"en": "Role", "ja": "役割"},
    "model": {"en": "Model", "ja": "モデル"},
    "calls": {"en": "Calls", "ja": "呼び出し数"},
    "prompt_tokens": {"en": "Prompt tokens", "ja": "入力トークン"},
    "cached_share": {"en": "From prompt cache", "ja": "プロンプトキャッシュ"},
    "completion_tokens": {"en": "Completion tokens", "ja": "出力トークン"},
    "cost": {"en": "Cost", "ja": "費用"},
    "per_turn": {"en": "Safety score by turn", "ja": "ターン別の安全性スコア"},
    "per_turn_note": {
        "en": "Box: interquartile range; line: median; whiskers: 5th to 95th percentile. "
        "Scores usually fall as an attack escalates turn by turn.",
        "ja": "箱は四分位範囲、線は中央値、ひげは5〜95パーセンタイル。"
        "攻撃がターンごとにエスカレートすると、スコアは下がりがちです。",
    },
    "legend_baseline": {
        "en": "Blue: this run. Grey: the baseline.",
        "ja": "青：今回の実行　灰：ベースライン",
    },
    "turn": {"en": "Turn", "ja": "ターン"},
    "n": {"en": "n", "ja": "件数"},
    "median": {"en": "Median", "ja": "中央値"},
    "iqr": {"en": "IQR", "ja": "四分位範囲"},
    "below": {"en": "Below threshold", "ja": "合格ライン未満"},
    "unscored": {"en": "Unscored", "ja": "採点不能"},
    "heatmap": {"en": "Median score by strategy and turn", "ja": "攻撃戦略・ターン別の中央値"},
    "heatmap_note": {
        "en": "Rows: jailbreak strategies; columns: turns. Red cells are where a strategy "
        "broke the model down.",
        "ja": "行は攻撃戦略、列はターン。赤いセルは、その戦略でモデルの安全性が崩れた箇所です。",
    },
    "guidelines": {"en": "By guideline", "ja": "指針別"},
    "guidelines_note": {
        "en": "Click a column to sort. The bar shows the median score.",
        "ja": "列見出しをクリックで並べ替え。棒は中央値を示します。",
    },
    "part": {"en": "Part", "ja": "章"},
    "guideline": {"en": "Guideline", "ja": "指針"},
    "failed_count": {"en": "Failed", "ja": "不合格"},
    "agreement": {"en": "Agreement between the two judges", "ja": "2つのジャッジの一致度"},
    "agreement_note": {
        "en": "Turns by judge A's score (rows) and judge B's (columns); the diagonal is full "
        "agreement.",
        "ja": "ジャッジAのスコア（縦）とジャッジBのスコア（横）ごとのターン数。"
        "対角線上は完全に一致。",
    },
    "disagreements": {
        "en": "Turns the judges scored more than 3 points apart",
        "ja": "ジャッジの評価が3点を超えて食い違ったターン",
    },
    "spearman": {"en": "Spearman rho", "ja": "スピアマンの順位相関"},
    "difference": {
        "en": "Difference from the baseline by turn",
        "ja": "ベースラインとのターン別の差",
    },
    "difference_note": {
        "en": "This run minus the baseline: median and 95% bootstrap interval. Red: "
        "significantly worse (Holm). Dashed: the non-inferiority margin.",
        "ja": "今回−ベースラインの中央値と95%ブートストラップ区間。赤は有意な悪化"
        "（Holm補正）。破線は非劣性マージン。",
    },
    "conversations": {"en": "Conversations", "ja": "会話一覧"},
    "search": {"en": "Search the text", "ja": "本文を検索"},
    "any": {"en": "any", "ja": "すべて"},
    "outcome": {"en": "Outcome", "ja": "結果"},
    "language": {"en": "Language", "ja": "言語"},
    "strategy": {"en": "Strategy", "ja": "攻撃戦略"},
    "below_only": {"en": "A turn below threshold", "ja": "合格ライン未満のターンあり"},
    "disagree_only": {"en": "Judges disagree", "ja": "ジャッジの食い違いあり"},
    "passed": {"en": "passed", "ja": "合格"},
    "failed": {"en": "failed", "ja": "不合格"},
    "error": {"en": "unscored", "ja": "採点不能"},
    "shown": {"en": "{shown} of {total} conversations", "ja": "{total}件中{shown}件を表示"},
    "more": {"en": "Show more", "ja": "さらに表示"},
    "user": {"en": "User", "ja": "ユーザー"},
    "assistant": {"en": "Assistant", "ja": "アシスタント"},
    "score": {"en": "Score", "ja": "スコア"},
    "threshold": {"en": "threshold", "ja": "合格ライン"},
    "refused": {"en": "refused", "ja": "拒否"},
    "complied": {"en": "did not refuse", "ja": "拒否せず"},
    "cached": {"en": "from the response cache", "ja": "応答キャッシュから"},
    "live": {"en": "live call", "ja": "実際の呼び出し"},
    "judge_disagree": {"en": "judges disagree", "ja": "ジャッジの食い違い"},
    "no_reply": {"en": "No reply", "ja": "応答なし"},
    "pair": {"en": "Show beside its translation", "ja": "翻訳と並べて表示"},
    "close": {"en": "Close", "ja": "閉じる"},
    "select": {"en": "Choose a conversation in the list.", "ja": "一覧から会話を選んでください。"},
}
