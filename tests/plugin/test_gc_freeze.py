"""The heap policy that keeps the garbage collector off the session's long-lived objects."""

from __future__ import annotations

import gc

from pytest_jmedethic.plugin import gc_freeze


def test_bulk_allocation_freezes_what_it_made_until_thawed() -> None:
    gc_freeze.thaw()
    before = gc.get_freeze_count()
    try:
        with gc_freeze.bulk_allocation():
            assert not gc.isenabled()
            made = [[i] for i in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= before + len(made)
    finally:
        gc_freeze.thaw()
    assert gc.get_freeze_count() == 0


def test_bulk_allocation_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gc_freeze.bulk_allocation():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc_freeze.thaw()
