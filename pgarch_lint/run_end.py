"""After the last file: the whole-schema rules on the final catalog, then every suppression
comment of the checked files for the rules that judge them (``unused-suppression``,
``unknown-suppression``). The engine places and emits what these yield."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any  # Any: a rule's options

from pgarch_lint.api import Context, EndOfRun, SuppressionDirective, Violation
from pgarch_lint.config import Settings
from pgarch_lint.dispatch import Runner
from pgarch_lint.errors import InternalError
from pgarch_lint.suppress import Directive


def whole_schema(
    runners: Iterable[Runner],
    ev: EndOfRun,
    settings: Settings,
    context: Callable[[Any], Context],
) -> Iterator[tuple[Runner, Violation, Context]]:
    """Each whole-schema rule's violations, with the context it ran with (``context``
    makes one from the rule's options). A rule that fails is an InternalError naming it."""
    for x in runners:
        check, opts = x.resolve(settings)
        ctx = context(opts)
        try:
            for v in check(ev, ctx):
                yield x, v, ctx
        except InternalError:
            raise
        except Exception as exc:
            raise InternalError(
                f"internal error in rule {x.name} (whole-schema check): {type(exc).__name__}: {exc}"
            ) from exc


def directive_event(
    path: str,
    d: Directive,
    known: Collection[str],
    selected: Collection[str],
    aliases: Mapping[str, tuple[str, ...]],
) -> SuppressionDirective:
    """The event for one suppression comment of ``path``: which of its names are no rule
    (``known``: every installed rule; aliases were resolved when the file was read) and the
    closest name to each, whether it names a rule this run does not select."""
    unknown = tuple(n for n in d.names if n not in known)
    inactive = any(n in known and n not in selected for n in d.names)
    return SuppressionDirective(
        path,
        d.start,
        d.end,
        d.names,
        unknown,
        d.used,
        inactive,
        tuple(_closest(n, [*known, *aliases]) for n in unknown),
        d.malformed,
    )


def _closest(name: str, candidates: list[str]) -> str:
    """The rule name (or alias) closest to a misspelt one, "" when none is close."""
    import difflib

    close = difflib.get_close_matches(name, candidates, n=1)
    return close[0] if close else ""
