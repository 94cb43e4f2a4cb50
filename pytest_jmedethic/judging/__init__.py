"""Judging: the versioned ``rubric``, judge ``prompts`` (ja/en), ``verdicts`` and their
parsing, asking one ``judge``, and the two-judge ``panel`` that turns two verdicts into the
turn's score, disagreement and threshold decision. ``thresholds`` and ``bands`` say what a
score means. Nothing here imports pytest or xdist."""
