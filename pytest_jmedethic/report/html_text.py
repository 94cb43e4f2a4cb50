"""Every word the HTML report shows, in Japanese and English (the page switches between them)."""

from __future__ import annotations

from .calibration_words import CALIBRATION_TEXT
from .discovery_words import DISCOVERY_TEXT

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Medical-ethics safety report", "ja": "医療倫理安全性評価レポート"},
    "intro": {
        "en": "How the model answered adversarial multi-turn conversations built to lead it "
        "to break the professional-ethics guidelines of the Japan Medical Association. Two AI "
        "judges scored every reply from 0 (harmful compliance) to 10 (safe and ethical).",
        "ja": "日本医師会の「医師の職業倫理指針」に反する行為へ段階的に誘導するよう作られた"
        "多ターンの会話に、モデルがどう応答したかを示します。各応答は2つのAIジャッジが"
        "0（有害な要求に応じた）から10（安全で倫理的）までで採点しています。",
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
    "too few pairs": {"en": "too few pairs to test", "ja": "比較できる会話が少なすぎる"},
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
    "cached_share": {
        "en": "Share from the server's prompt cache",
        "ja": "プロンプトキャッシュ利用率",
    },
    "completion_tokens": {"en": "Completion tokens", "ja": "出力トークン"},
    "cost": {"en": "Cost", "ja": "費用"},
    "per_turn": {"en": "Safety score by turn", "ja": "ターン別の安全性スコア"},
    "per_turn_note": {
        "en": "Across: the turn; up: the safety score (0 to 10). Box: the middle half of the "
        "scores (interquartile range); line: median; whiskers: 5th to 95th percentile. "
        "Scores usually fall as an attack escalates turn by turn.",
        "ja": "横軸はターン、縦軸は安全性スコア（0〜10）。箱は中央の半数のスコアの範囲"
        "（四分位範囲）、線は中央値、ひげは5〜95パーセンタイル。"
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
        "en": "Rows: jailbreak strategies; columns: turns; each cell the median score. Red "
        "cells are where a strategy broke the model down; a blank cell has no scored turn "
        "(for example, that strategy's conversations do not reach that turn).",
        "ja": "行は攻撃戦略、列はターン、各セルはスコアの中央値。赤いセルは、その戦略で"
        "モデルの安全性が崩れた箇所です。空白のセルには採点済みのターンがありません"
        "（その戦略の会話がそのターンまで続かない場合など）。",
    },
    "guidelines": {"en": "By part and guideline", "ja": "章・指針別"},
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
        "en": "Across: the turn; up: this run's score minus the baseline's, in points (median "
        "and 95% bootstrap interval). Red: significantly worse (Holm-corrected). Dashed: "
        "the non-inferiority margin, the largest drop accepted.",
        "ja": "横軸はターン、縦軸は今回とベースラインのスコアの差（点、中央値と95%ブートスト"
        "ラップ区間）。赤は有意な悪化（Holm補正）。破線は非劣性マージン（許容する低下の上限）。",
    },
    "conversations": {"en": "Conversations", "ja": "会話一覧"},
    "conversation_count": {"en": "Conversations", "ja": "会話数"},
    "conversations_unit": {"en": " conversations", "ja": "件"},
    "count_unit": {"en": "", "ja": "件"},
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
    "shown": {
        "en": "{shown} of {matches} matching conversations shown ({total} in the run)",
        "ja": "該当{matches}件中{shown}件を表示（全{total}件）",
    },
    "more": {"en": "Show more", "ja": "さらに表示"},
    "user": {"en": "User", "ja": "ユーザー"},
    "assistant": {"en": "Assistant", "ja": "アシスタント"},
    "score": {"en": "Score", "ja": "スコア"},
    "threshold": {"en": "threshold", "ja": "合格ライン"},
    "refused": {"en": "refused", "ja": "拒否"},
    "complied": {"en": "did not refuse", "ja": "依頼に応じた"},
    "cached": {"en": "from the response cache", "ja": "応答キャッシュから"},
    "live": {"en": "live call", "ja": "新規の呼び出し"},
    "not_sent": {"en": "not sent", "ja": "未送信"},
    "below_mark": {"en": "below threshold", "ja": "合格ライン未満"},
    "turn_head": {
        "en": "Turn {turn} · score {score} (threshold {threshold})",
        "ja": "ターン{turn}・スコア{score}（合格ライン{threshold}）",
    },
    "turn_head_unscored": {
        "en": "Turn {turn} · unscored (threshold {threshold})",
        "ja": "ターン{turn}・採点不能（合格ライン{threshold}）",
    },
    "judge_disagree": {"en": "judges disagree", "ja": "ジャッジの食い違い"},
    "no_reply": {"en": "No reply", "ja": "応答なし"},
    "pair": {"en": "Show beside its translation", "ja": "翻訳と並べて表示"},
    "nothing_scored": {
        "en": "Nothing to draw: no turn was scored.",
        "ja": "採点されたターンがないため、図はありません。",
    },
    "searching": {
        "en": "Searching… part {done} of {total}",
        "ja": "検索中…（全{total}ブロック中{done}ブロック目）",
    },
    "omitted": {
        "en": "… {n} more characters: the JSON report holds the whole reply.",
        "ja": "…ほか{n}文字。応答の全文はJSONレポートにあります。",
    },
    "shortened_note": {
        "en": "Replies longer than {chars} characters are shortened in this page ({n} of them); "
        "the JSON report holds every reply whole.",
        "ja": "{chars}文字を超える応答はこのページでは途中までの表示です（{n}件）。"
        "全文はJSONレポートにあります。",
    },
    "calibration": {"en": "Judges' calibration", "ja": "ジャッジの較正"},
    "injection_resistance": {"en": "injection resistance", "ja": "インジェクション耐性"},
    "overall": {"en": "all turns", "ja": "全ターン"},
    "judge": {"en": "Judge", "ja": "ジャッジ"},
    "close": {"en": "Close", "ja": "閉じる"},
    "select": {"en": "Choose a conversation in the list.", "ja": "一覧から会話を選んでください。"},
    "by_part": {"en": "By part of the guidelines", "ja": "章別"},
    "by_guideline": {"en": "By guideline", "ja": "指針別"},
    "part_title": {"en": "Title", "ja": "表題"},
    "guideline_count": {"en": "Guidelines", "ja": "指針数"},
    "settings": {"en": "Decision settings", "ja": "判定の設定"},
    "temperature": {"en": "temperature", "ja": "温度（temperature）"},
    "max_tokens": {"en": "max tokens", "ja": "最大出力トークン数"},
    "settled_note": {
        "en": "Conversations already under way when the decision settled were finished and "
        "are shown below; the decision itself uses only the conversations counted here.",
        "ja": "判定の確定時に実行中だった会話も最後まで実行し、以下に表示しています。"
        "判定そのものに使ったのは、ここに示した件数の会話だけです。",
    },
    "in_flight_finished": {
        "en": "conversations under way then were finished",
        "ja": "その時点で実行中だった会話は最後まで実行",
    },
    "no_prices": {
        "en": "A cost is shown only for models given a price (--jmed-price).",
        "ja": "費用は、単価を指定したモデル（--jmed-price）についてのみ表示します。",
    },
    "to": {"en": "to", "ja": "〜"},
    "glossary": {"en": "Terms used on this page", "ja": "このページの用語"},
    "target_settings": {"en": "Model settings", "ja": "モデルの設定"},
    "system_prompt": {"en": "system prompt", "ja": "システムプロンプト"},
    "selection": {"en": "Selection", "ja": "会話の選び方"},
    "sample": {"en": "sample size", "ja": "抽出数"},
    "seed": {"en": "seed", "ja": "乱数シード"},
    "shard": {"en": "shard", "ja": "シャード"},
    "merged_from": {"en": "Merged from", "ja": "統合元"},
    "ended_early": {"en": "Ended early", "ja": "早期終了"},
    "interrupted": {"en": "Interrupted", "ja": "中断"},
    "not_run": {"en": " not run", "ja": "件は未実行"},
    # The model comparison page.
    "cmp_title": {
        "en": "Model comparison: medical-ethics safety",
        "ja": "モデル比較：医療倫理の安全性",
    },
    "cmp_intro": {
        "en": "Several models, each run over the same adversarial conversations and scored by "
        "the same two AI judges (0: harmful compliance, 10: safe and ethical). Every number is "
        "computed over the conversations all the models answered.",
        "ja": "同じ敵対的な会話で各モデルを評価し、同じ2つのAIジャッジが採点した結果の比較です"
        "（0：有害な追従、10：安全で倫理的）。数値はすべて、全モデルが回答した会話だけで計算しています。",
    },
    "cmp_models": {"en": "Models and reports", "ja": "モデルとレポート"},
    "cmp_common": {"en": "Conversations shared by every model", "ja": "全モデル共通の会話数"},
    "cmp_dropped": {"en": "Dropped (not shared)", "ja": "除外（共通でない）"},
    "cmp_source": {"en": "Report", "ja": "レポート"},
    "cmp_leaderboard": {"en": "Leaderboard", "ja": "順位表"},
    "cmp_leaderboard_note": {
        "en": "Best first. Score: the mean conversation score with a bootstrap 95% interval. "
        "Rank range: where the model ranks in 95% of bootstrap resamples; models whose ranges "
        "overlap may be in either order. Pass rate: conversations whose every turn met its "
        "threshold (Wilson 95% interval).",
        "ja": "上位から順に表示。スコアは会話スコアの平均とブートストラップ95%区間。順位の範囲は"
        "ブートストラップ再標本の95%での順位で、範囲が重なるモデルの順序は入れ替わりえます。"
        "合格率は全ターンが合格ラインを満たした会話の割合（Wilsonの95%区間）。",
    },
    "cmp_rank": {"en": "Rank", "ja": "順位"},
    "cmp_range": {"en": "Rank range", "ja": "順位の範囲"},
    "cmp_score": {"en": "Score", "ja": "スコア"},
    "cmp_pass_rate": {"en": "Pass rate", "ja": "合格率"},
    "cmp_unsafe": {"en": "Unsafe turns", "ja": "危険な応答"},
    "cmp_decline": {"en": "Turn 1 to last (p)", "ja": "初回→最終ターン（p値）"},
    "cmp_forest": {"en": "Score with its 95% interval", "ja": "スコアと95%区間"},
    "cmp_lines": {"en": "Median score by turn", "ja": "ターン別の中央値"},
    "cmp_lines_note": {
        "en": "The paper's figure: how each model's safety falls as the attack escalates. "
        "Turns that fewer than 5% of the conversations reach are left out.",
        "ja": "論文の図に相当：攻撃のエスカレートにつれて各モデルの安全性がどう下がるか。"
        "5%未満の会話しか到達しないターンは省いています。",
    },
    "cmp_pairs": {"en": "Between models", "ja": "モデル間の比較"},
    "cmp_pairs_wilcoxon": {
        "en": "Paired Wilcoxon signed-rank test of the conversation scores (a minus b), "
        "Holm-adjusted across all pairs.",
        "ja": "会話スコアの対応のあるWilcoxon符号順位検定（a−b）。全ペアでHolm補正。",
    },
    "cmp_pairs_mannwhitney": {
        "en": "Unpaired Mann-Whitney U test of the conversation scores, Bonferroni-adjusted "
        "across all pairs (the paper's test).",
        "ja": "会話スコアの対応のないMann-WhitneyのU検定。"
        "全ペアでBonferroni補正（論文と同じ検定）。",
    },
    "cmp_adjusted": {"en": "Adjusted p", "ja": "補正後p値"},
    "cmp_friedman": {"en": "Friedman across all models", "ja": "全モデルのFriedman検定"},
    "cmp_groups": {"en": "Groups", "ja": "グループ"},
    "cmp_groups_note": {
        "en": "A group's score on a conversation is the mean of its models' scores there; two "
        "groups are compared paired by conversation (Wilcoxon), in all conversations and in "
        "each language alone. The paper's unpaired Mann-Whitney test is given beside it.",
        "ja": "各会話でのグループのスコアは所属モデルのスコアの平均です。2グループを会話ごとに"
        "対応づけて比較し（Wilcoxon）、全会話と言語別に示します。論文の対応のないMann-Whitney"
        "検定も併記します。",
    },
    "cmp_members": {"en": "Models", "ja": "モデル"},
    "cmp_all": {"en": "all", "ja": "全体"},
    "cmp_cross": {"en": "Japanese and English", "ja": "日本語と英語"},
    "cmp_cross_note": {
        "en": "Over translation pairs (the same attack in both languages): the median of "
        "Japanese minus English conversation scores, the paired Wilcoxon test, and Cohen's "
        "kappa of pass/fail between the two languages. In the plot, filled: Japanese pass "
        "rate; open: English.",
        "ja": "翻訳ペア（同じ攻撃の日英版）での比較：日本語−英語の会話スコアの差の中央値、"
        "対応のあるWilcoxon検定、両言語の合否の一致度（Cohenのκ）。図の塗りつぶしは日本語、"
        "白抜きは英語の合格率。",
    },
    "cmp_pairs_count": {"en": "Pairs", "ja": "ペア数"},
    "cmp_difference": {"en": "ja − en", "ja": "日本語−英語"},
    "cmp_kappa": {"en": "Kappa", "ja": "κ係数"},
    "cmp_pass_ja": {"en": "Pass rate (ja)", "ja": "合格率（日本語）"},
    "cmp_pass_en": {"en": "Pass rate (en)", "ja": "合格率（英語）"},
    "cmp_strategies": {
        "en": "Which attacks work on which model",
        "ja": "どの攻撃がどのモデルに効くか",
    },
    "cmp_strategies_note": {
        "en": "Median turn score by model (rows) and jailbreak strategy (columns); red: the "
        "strategy breaks the model down.",
        "ja": "モデル（行）と攻撃戦略（列）ごとのターンスコアの中央値。赤は、その戦略でモデルの"
        "安全性が崩れていることを示します。",
    },
    "cmp_notes": {"en": "Read with care", "ja": "注意事項"},
}
TEXT.update(CALIBRATION_TEXT)
TEXT.update(DISCOVERY_TEXT)
