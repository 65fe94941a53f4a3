"""Sketches: what ALTER TABLE reveals about tables the replay never saw created.

A migration usually alters tables whose ``CREATE TABLE`` is not among the files read (no
``--context``). The catalog does not invent such a table: its columns, indexes and other
constraints are unknown, and rules that find a table in the catalog read it as known (its
columns complete, its indexes all there). Yet some of what the migration does to it is
certain, and later statements depend on it: ``ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT
VALID`` then ``VALIDATE CONSTRAINT c`` proves ``col`` to a later ``SET NOT NULL``; a ``VALIDATE``
of a constraint added ``NOT VALID`` earlier in the same transaction scans under the lock the
``ADD`` still holds.

A :class:`Sketches` keeps, per table key, the constraints ALTER TABLE statements added to a
table the catalog does not hold, apart from the tables (``CatalogQueries.constraints_of``
answers with them; nothing else reads them). It keeps only **named CHECK and FOREIGN KEY**
constraints (the kinds ``VALIDATE CONSTRAINT`` applies to): PostgreSQL names an unnamed
constraint after the table's other constraints, which are unknown here, so a guessed name
could pin a later ``VALIDATE`` on the wrong constraint. The replay changes a sketch when a
statement validates, alters, drops or renames one of its constraints, drops or renames a
column it mentions, or renames or moves the table; ``CREATE TABLE`` or ``DROP TABLE`` of the
name (and ``DROP SCHEMA ... CASCADE``) forget it. Sketch constraints are stamped with their
statement (origin, file) but count as no change of the catalog (``first_change_in``).

Known gaps: partitions and inheritance children of a sketched table are not sketched, a
``DROP COLUMN ... CASCADE`` of a column that a sketched foreign key on another table
references does not drop that foreign key, and CHECK expressions are not rewritten when a
column they mention is renamed (their column lists are).
"""

from __future__ import annotations

from pgarch_lint.catalog.names import Key
from pgarch_lint.catalog.objects import Constraint

__all__ = ["Sketches"]


class Sketches:
    """Named CHECK / FOREIGN KEY constraints of tables the catalog does not hold, by key."""

    def __init__(self) -> None:
        self._by_table: dict[Key, dict[str, Constraint]] = {}

    def constraints(self, key: Key) -> list[Constraint]:
        """The sketched constraints of the table ``key`` (empty when none)."""
        return list(self._by_table.get(key, {}).values())

    def get(self, key: Key, name: str) -> Constraint | None:
        return self._by_table.get(key, {}).get(name)

    def put(self, key: Key, c: Constraint) -> None:
        """Record ``c`` (replacing a constraint of that name)."""
        self._by_table.setdefault(key, {})[c.name] = c

    def drop(self, key: Key, name: str) -> None:
        cons = self._by_table.get(key)
        if cons is not None:
            cons.pop(name, None)

    def rename(self, key: Key, old: str, new: str) -> None:
        """``ALTER TABLE ... RENAME CONSTRAINT old TO new``."""
        cons = self._by_table.get(key)
        c = cons.pop(old, None) if cons is not None else None
        if cons is not None and c is not None:
            c.name = new
            cons[new] = c

    def drop_column(self, key: Key, column: str) -> None:
        """``DROP COLUMN column``: PostgreSQL drops the table's constraints that use it."""
        cons = self._by_table.get(key)
        if cons is None:
            return
        for c in list(cons.values()):
            if column in c.columns:
                del cons[c.name]

    def rename_column(self, key: Key, old: str, new: str) -> None:
        """``RENAME COLUMN old TO new``: the constraints follow the column."""
        for c in self._by_table.get(key, {}).values():
            c.columns = [new if x == old else x for x in c.columns]
            c.proves_not_null = [new if x == old else x for x in c.proves_not_null]

    def move(self, old: Key, new: Key) -> None:
        """The table ``old`` was renamed or moved to ``new``."""
        self._by_table.pop(new, None)
        cons = self._by_table.pop(old, None)
        if cons:
            for c in cons.values():
                c.table = f"{new[0]}.{new[1]}"
            self._by_table[new] = cons

    def move_schema(self, old: str, new: str) -> None:
        """The schema ``old`` was renamed ``new``."""
        for k in [k for k in self._by_table if k[0] == old]:
            self.move(k, (new, k[1]))

    def forget(self, key: Key) -> None:
        """The name ``key`` now holds a table the catalog knows, or nothing."""
        self._by_table.pop(key, None)

    def forget_schema(self, name: str) -> None:
        for k in [k for k in self._by_table if k[0] == name]:
            del self._by_table[k]
