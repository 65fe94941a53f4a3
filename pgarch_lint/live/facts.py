"""The catalog a live run builds, carrying what the server told us (:class:`LiveCatalog`).

The facts themselves (sizes, index usage, validity, plans) are plain data that rules read:
they live in :mod:`pgarch_lint.analysis.live`, re-exported here for the live package.
"""

from __future__ import annotations

from pgarch_lint.analysis.live import (
    IndexFacts,
    LiveFacts,
    SeqScan,
    TableFacts,
    format_rows,
    format_size,
    live_facts,
    parse_size,
)
from pgarch_lint.catalog import Catalog

__all__ = [
    "IndexFacts",
    "LiveCatalog",
    "LiveFacts",
    "SeqScan",
    "TableFacts",
    "format_rows",
    "format_size",
    "live_facts",
    "parse_size",
]


class LiveCatalog(Catalog):
    """A catalog built from a live database, carrying the :class:`LiveFacts`."""

    def __init__(self, facts: LiveFacts) -> None:
        super().__init__()
        self.live_facts = facts
