"""The report: the typed ``model`` (the one data contract of a run), its ``json_file``,
merging shard reports (``merge``), and every rendering of it: ``terminal``, ``markdown``.
Renders what analysis computed; computes nothing it renders."""
