"""Which rules run on which node: the engine's dispatch tables.

A :class:`Runner` is a rule as the engine runs it (its check function resolved and its options
built on first use, so that a rule whose nodes never occur is never imported); a
:class:`Dispatch` maps each node type (or event) to the runners of the rules that asked for it,
and gives each file that table minus the rules ``per-file-ignores`` turns off for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any  # Any: a rule's options

from pgarch_lint.api import CheckFn, EndOfRun, RuleLike, SuppressionDirective
from pgarch_lint.config import Settings, rule_options

LAZY: Any = object()  # options not built yet

Table = dict[type, tuple["Runner", ...]]


@dataclass(slots=True)
class Runner:
    """A rule as the engine runs it: its check function resolved (and its module imported)
    on first use, its options built once."""

    rule: RuleLike
    name: str
    category: str
    check: CheckFn | None = None
    options: Any = LAZY  # the rule's options (an instance of Rule.options), or LAZY

    def resolve(self, settings: Settings) -> tuple[CheckFn, Any]:
        """The check function (importing the rule's module the first time: RegistryError
        names a broken pack) and the options."""
        if self.check is None:
            self.check = self.rule.check
        if self.options is LAZY:
            self.options = rule_options(self.rule, settings)
        return self.check, self.options


class Dispatch:
    """The rules of a run by the node types they want. ``rules`` maps each type to the rules,
    ``table`` to their runners; :meth:`for_ignored` leaves out ignored rules and categories.

    ``static``: no live database; rules that need one (``live_only``) read facts only a live
    catalog carries and stay silent, so they are not dispatched at all (which spares importing
    their modules)."""

    __slots__ = ("_per_ignored", "rules", "settings", "table")

    def __init__(self, rules: Sequence[RuleLike], settings: Settings, static: bool) -> None:
        self.settings = settings
        self.rules: dict[type, list[RuleLike]] = {}
        runners: dict[str, Runner] = {}
        for r in rules:
            # options of a rule whose module is not imported yet are built when it first runs
            # (their defaults cannot fail); configured ones now, so a bad value fails up front
            lazy = (
                getattr(r, "loaded", True) is False
                and r.qualified_name not in settings.rule_options
            )
            runners[r.qualified_name] = Runner(
                r,
                r.qualified_name,
                r.category.value,
                options=LAZY if lazy else rule_options(r, settings),
            )
            if r.live_only and static:
                continue
            for t in r.nodes:
                self.rules.setdefault(t, []).append(r)
        self.table: Table = {
            t: tuple(runners[r.qualified_name] for r in rs) for t, rs in self.rules.items()
        }
        self._per_ignored: dict[frozenset[str], Table] = {}

    def for_ignored(self, ignored: frozenset[str]) -> Table:
        """The table without the rules (or categories) ignored for a file."""
        if not ignored:
            return self.table
        table = self._per_ignored.get(ignored)
        if table is None:
            table = self._per_ignored[ignored] = {
                t: tuple(x for x in rs if x.name not in ignored and x.category not in ignored)
                for t, rs in self.table.items()
            }
        return table

    def statement_rules(self) -> int:
        """How many rules check statements (or events of a file), not only the end of the run:
        the work a parallel run can hand to its workers."""
        return len(
            {
                r.qualified_name
                for t, rs in self.rules.items()
                if t is not EndOfRun and t is not SuppressionDirective
                for r in rs
            }
        )

    def prepare(self) -> None:
        """Import every dispatched rule's module and build its options now."""
        for runners in self.table.values():
            for x in runners:
                x.resolve(self.settings)
