"""What every process of a session shares: the settings, the catalogue, the selected corpus
and the selection markers. The controller's and the workers' session objects build on it."""

from __future__ import annotations

import pytest

from ..corpus.catalogue import Catalogue
from ..corpus.selected import SelectedCorpus, load_selected
from .collection import marker_names
from .gc_freeze import bulk_allocation
from .settings import Settings

NO_TARGET = (
    "no target model: pass --jmed-model=MODEL@BASE_URL (or sim:PROFILE) to run the benchmark"
)


class PluginContext:
    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self._corpus: SelectedCorpus | None = None
        self._catalogue: Catalogue | None = None
        self._markers_registered = False

    @property
    def catalogue(self) -> Catalogue:
        """The built-in catalogue, and the strategies ``jmedethic discover`` wrote beside
        any conversations file the run reads (so discovered conversations run unchanged)."""
        if self._catalogue is None:
            from ..corpus.selected import catalogue_for
            from ..corpus.strategy_library import LibraryError

            try:
                catalogue = catalogue_for(self.settings.corpus_sources, self.settings.root)
            except LibraryError as exc:
                raise pytest.UsageError(f"jmedethic: --jmed-conversations: {exc}") from None
            self._catalogue = catalogue
        return self._catalogue

    @property
    def is_worker(self) -> bool:
        """An xdist worker (it runs items the controller hands it)."""
        return hasattr(self.config, "workerinput")

    @property
    def distributes(self) -> bool:
        """This process hands items to xdist workers and runs none itself."""
        config = self.config
        if self.is_worker or config.option.collectonly:
            return False
        try:
            return config.getoption("dist") != "no" and bool(config.getoption("tx"))
        except ValueError:  # xdist not loaded (-p no:xdist)
            return False

    @property
    def will_run(self) -> bool:
        """Whether conversations are driven this session (not only collected)."""
        return self.settings.target is not None and not self.config.option.collectonly

    def corpus(self) -> SelectedCorpus:
        if self._corpus is None:
            with bulk_allocation():
                self._corpus = load_selected(
                    self.settings.corpus_request,
                    self.catalogue,
                    interleave=self.settings.decision.sequential,
                )
        return self._corpus

    def register_markers(self) -> None:
        """Register the selection markers (before any is used, for --strict-markers)."""
        if not self._markers_registered:
            for name, description in marker_names(self.catalogue):
                self.config.addinivalue_line("markers", f"{name}: {description}")
            self._markers_registered = True

    def unknown_filter_ids(self) -> str | None:
        """Describe guideline or strategy ids in the selection options that do not exist."""
        selection = self.settings.selection
        if not (selection.guidelines or selection.strategies):
            return None  # nothing to check: the catalogue need not even be read
        catalogue = self.catalogue
        problems = []
        for option, wanted, known in (
            ("--jmed-guideline", selection.guidelines, catalogue.guidelines),
            ("--jmed-strategy", selection.strategies, catalogue.strategies),
        ):
            unknown = sorted(wanted - set(known))
            if unknown:
                problems.append(f"{option}: unknown id(s) {', '.join(unknown)}")
        return "; ".join(problems) or None
