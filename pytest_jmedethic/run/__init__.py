"""Running conversations: ``conversation`` drives one turn by turn (target, then the judge
panel on each reply while the target writes the next); ``engine`` runs many concurrently in
one process; ``results`` is what a run produces. Nothing here imports pytest."""
