"""Analysis: pure numpy/scipy functions over plain results. ``stats`` (tests and
descriptions), ``summary`` (over a ``turn_table``), ``non_inferiority`` (the baseline
comparison), ``gates`` and the ``release_decision``, and ``number_format`` (how each is written).
Knows nothing of pytest, HTTP or files."""
