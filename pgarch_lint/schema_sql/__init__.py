"""``pgarch-lint schema --format sql``: the replayed history squashed into one DDL file.

The run replays the files into a :class:`SchemaRecorder` (a catalog that also keeps what it
cannot model); :func:`render_sql` then writes every object the catalog holds, in dependency
order and sorted by name, followed by the statements it does not model, each with its file and
line (applied when it is DDL on an object the catalog does not model, commented out with the
reason otherwise). Replaying the file gives the same catalog (``schema --format json``) as the
history, up to the limits listed in ``docs/schema-sql.md``.

==================  ===========================================================================
module              holds
==================  ===========================================================================
``recorder``        ``SchemaRecorder``: the catalog that remembers unmodelled statements,
                    defining statements of routines, roles, range types and views, and the
                    parse trees of exclusion constraints
``sqltext``         quoting of names, types and literals
``tables``          tables, columns, constraints, indexes, policies
``objects``         roles, types, sequences, routines, views, grants, comments
``unmodelled``      the closing section: what the catalog does not model
``writer``          the order of it all (``schema_sql``)
==================  ===========================================================================
"""

from __future__ import annotations

from collections.abc import Callable

from pgarch_lint.catalog import Loc
from pgarch_lint.schema_sql.recorder import Recorded, SchemaRecorder
from pgarch_lint.schema_sql.writer import prerequisites, schema_sql

__all__ = ["Recorded", "SchemaRecorder", "prerequisites", "render_sql"]


def render_sql(cat: SchemaRecorder, source: Callable[[str], str | None]) -> str:
    """The schema file of the replayed catalog ``cat``; ``source(path)`` gives the text of a
    replayed file (the statements the catalog does not model are copied from it)."""
    texts: dict[str, str] = {}

    def text(path: str) -> str:
        if path not in texts:
            texts[path] = source(path) or ""
        return texts[path]

    def text_of(loc: Loc) -> str:
        return text(loc.path)[loc.start : loc.end]

    def line_of(loc: Loc) -> int:
        return text(loc.path).count("\n", 0, loc.start) + 1

    return schema_sql(cat, text_of, line_of)
