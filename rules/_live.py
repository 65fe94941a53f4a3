"""Shared helpers of the live-only rules (unused-index, invalid-index, seq-scan-on-large-table).

They read what only a running server knows (statistics, validity, plans) from the facts a live
run attaches to the catalog; in a static run there are none and the rules stay silent.
"""

from __future__ import annotations

from typing import Any

from pgarch_lint.live.facts import LiveFacts, format_size, live_facts

__all__ = ["LiveFacts", "facts_of", "format_size", "short"]


def facts_of(catalog: Any) -> LiveFacts | None:
    return live_facts(catalog)


def short(qualified: str) -> str:
    """``public.orders`` → ``orders``; other schemas keep their prefix."""
    schema, _, name = qualified.partition(".")
    return name if schema == "public" and name else qualified
