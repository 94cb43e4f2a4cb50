"""The pytest plugin: thin ``hooks`` and fixtures; ``options`` and ``settings``; the
session objects split by role (``controller``, ``worker``, over a shared ``context``);
``collection`` of the benchmark items, xdist ``scheduling`` and the ``item_order`` that
lets conversations start early; behaviour ``snapshots``. Holds no statistics."""
