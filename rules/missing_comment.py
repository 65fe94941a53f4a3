from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, option, rule

if TYPE_CHECKING:
    from pgarch_lint.api import Tracked

ObjectKind = Literal["table", "column", "index", "constraint", "view", "function"]
ALL_KINDS: tuple[ObjectKind, ...] = ("table", "column", "index", "constraint", "view", "function")


@dataclass(frozen=True)
class Options:
    objects: tuple[ObjectKind, ...] | None = option(
        None,
        "Which kinds of object need a comment: any of table, column, index, "
        'constraint, view, function. Default: `["table"]` (every kind under '
        '`preset = "strict"`).',
    )


@rule(
    name="missing-comment",
    category=Category.DOCUMENTATION,
    severity=Severity.INFO,
    summary="a table (or, per `objects`, a column, index, constraint, view or function) created "
    "by the checked files with no `COMMENT ON` by their end",
    nodes=(EndOfRun,),
    options=Options,
    bad="""
    CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL);
    """,
    good="""
    CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL);
    COMMENT ON TABLE invoices IS 'One row per issued invoice; immutable once sent.';
    """,
    fix="Document the object with `COMMENT ON TABLE | COLUMN | INDEX | CONSTRAINT ... ON | VIEW "
    "| FUNCTION ... IS '...'` in the migration that creates it: what a row means, units, "
    "invariants, who writes it.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """Comments live in the database itself: `\\d+`, every schema browser, generated ERDs and
    data catalogs show them to the people who query the table years after the migration's
    author has left. Without them the meaning of a table, the unit of a column (`amount`: cents
    or euros?) or the reason a constraint exists is lost. Only objects that the checked
    files create (a table, view, function, index or constraint, and the columns of a new
    table or those `ALTER TABLE ... ADD COLUMN` adds) are reported, at the statement that
    created them: a table of an earlier migration (a `--context` file, or the live database
    with `check --dsn`) that a checked migration merely alters, renames or replaces
    (`CREATE OR REPLACE VIEW`) is not the author's to document now. A `COMMENT ON` anywhere
    later in the run counts, a comment of only whitespace does not. Partitions are exempt
    (their parent is documented), and so are indexes that belong to a constraint."""
    kinds = _kinds(ctx)
    cat = ctx.catalog
    for t in cat.tables():
        if t.partition_of or t.persistence == "temporary":
            continue
        tname = _qname(t.schema, t.name)
        if "table" in kinds:
            yield from _report(ctx, t, f'table "{tname}" has no comment')
        if "column" in kinds:
            for c in t.columns.values():
                yield from _report(ctx, c, f'column "{c.name}" of "{tname}" has no comment')
        if "constraint" in kinds:
            for con in t.constraints.values():
                if con.kind == "not null":
                    continue
                yield from _report(
                    ctx, con, f'{con.kind} constraint "{con.name}" on "{tname}" has no comment'
                )
        if "index" in kinds:
            for ix in t.indexes.values():
                if ix.constraint:
                    continue
                yield from _report(ctx, ix, f'index "{ix.name}" on "{tname}" has no comment')
    for v in cat.views():
        vname = _qname(v.schema, v.name)
        label = "materialized view" if v.materialized else "view"
        if "view" in kinds:
            yield from _report(ctx, v, f'{label} "{vname}" has no comment')
        if "index" in kinds:
            for ix in v.indexes.values():
                yield from _report(ctx, ix, f'index "{ix.name}" on "{vname}" has no comment')
    if "function" in kinds:
        for f in cat.functions():
            label = "procedure" if f.procedure else "function"
            yield from _report(ctx, f, f'{label} "{_qname(f.schema, f.name)}" has no comment')


def _kinds(ctx: Context) -> frozenset[str]:
    opts = ctx.options
    if opts is None:
        return frozenset({"table"})
    if opts.objects is not None:
        return frozenset(opts.objects)
    strict = ctx.settings is not None and getattr(ctx.settings, "preset", "") == "strict"
    return frozenset(ALL_KINDS) if strict else frozenset({"table"})


def _qname(schema: str, name: str) -> str:
    return name if schema == "public" else f"{schema}.{name}"


def _report(ctx: Context, obj: "Tracked", message: str) -> Iterator[Violation]:
    comment = obj.comment
    if comment is not None and comment.strip():
        return
    at = ctx.report_loc([obj.created])  # created by a checked file; altering is not enough
    if at is None:
        return
    yield Violation(message, at=at)
