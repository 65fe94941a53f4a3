from collections.abc import Iterator
from typing import TYPE_CHECKING

from pgarch_lint.analysis.tenancy import tenant_column, tenant_tables
from pgarch_lint.api import (
    Category,
    Context,
    EndOfRun,
    Severity,
    Violation,
    conventions,
    rule,
    util,
)

if TYPE_CHECKING:
    from pgarch_lint.api import Constraint, Table

from ._report import sql_name


@rule(
    name="cross-tenant-foreign-key",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    summary="a foreign key between two tenant tables that does not include the tenant column "
    "on both sides",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE folders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id bigint NOT NULL
    );
    CREATE TABLE files (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id bigint NOT NULL,
        folder_id bigint NOT NULL REFERENCES folders (id)
    );
    """,
    good="""
    CREATE TABLE folders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id bigint NOT NULL,
        CONSTRAINT uq_folders__tenant_id_id UNIQUE (tenant_id, id)
    );
    CREATE TABLE files (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id bigint NOT NULL,
        folder_id bigint NOT NULL,
        CONSTRAINT fk_files__folders FOREIGN KEY (tenant_id, folder_id)
            REFERENCES folders (tenant_id, id)
    );
    """,
    fix="Make the foreign key composite with the tenant column first on both sides: give the "
    "parent a `UNIQUE (tenant_id, id)` key, then `FOREIGN KEY (tenant_id, folder_id) "
    "REFERENCES folders (tenant_id, id)`.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """A foreign key on the id alone only proves that the referenced row exists, not that it
    belongs to the same tenant: a bug, a crafted request or a bad import can attach tenant A's
    file to tenant B's folder, and joins through that key then hand one tenant's data to
    another. Row-level security does not help, because foreign-key checks bypass it. Including
    the tenant column on both sides makes the database reject such rows."""
    for t, tcol in tenant_tables(ctx):
        for c in ctx.catalog.foreign_keys(t):
            ref = ctx.catalog.table_by_name(c.ref_table) if c.ref_table else None
            rcol = tenant_column(ctx, ref)
            if ref is None or rcol is None or not c.ref_columns:
                continue
            if (
                tcol in c.columns
                and rcol in c.ref_columns
                and c.columns.index(tcol) == c.ref_columns.index(rcol)
            ):
                continue
            at = ctx.report_loc([c.created, *c.changed])
            if at is None:
                continue
            yield Violation(
                f'foreign key "{c.name}" on tenant table "{t.name}" ({", ".join(c.columns)}) '
                f'references "{ref.name}" ({", ".join(c.ref_columns)}) without the tenant '
                f"column: a row can point at another tenant's row",
                help=_help(ctx, t, tcol, ref, rcol, c),
                at=at,
            )


def _help(ctx: Context, t: "Table", tcol: str, ref: "Table", rcol: str, c: "Constraint") -> str:
    cols = [x for x in c.columns if x != tcol]
    rcols = [x for x in c.ref_columns if x != rcol]
    if len(cols) != len(rcols):
        cols, rcols = list(c.columns), list(c.ref_columns)
    key = [rcol, *rcols]
    steps: list[str] = []
    if not _has_unique(ctx, ref, key):
        if ctx.settings is not None:
            uq = conventions.suggest(
                ctx.catalog,
                ctx.settings.naming,
                "unique",
                ref.name,
                key,
                fallback="{table}_{columns}_key",
            )
        else:
            uq = f"{ref.name}_{'_'.join(key)}_key"
        steps.append(
            f"ALTER TABLE {sql_name(ref.qualified)} ADD CONSTRAINT {util.quote_ident(uq[:63])} "
            f"UNIQUE ({', '.join(key)});"
        )
    actions = ""
    if c.on_delete == "set null":
        actions += f" ON DELETE SET NULL ({', '.join(cols)})"
    elif c.on_delete:
        actions += f" ON DELETE {c.on_delete.upper()}"
    if c.on_update:
        actions += f" ON UPDATE {c.on_update.upper()}"
    steps.append(
        f"ALTER TABLE {sql_name(t.qualified)} DROP CONSTRAINT {util.quote_ident(c.name)}, "
        f"ADD CONSTRAINT {util.quote_ident(c.name)} FOREIGN KEY ({', '.join([tcol, *cols])}) "
        f"REFERENCES {sql_name(ref.qualified)} ({', '.join(key)}){actions} NOT VALID;"
    )
    note = " (SET NULL with a column list needs PG15+)" if c.on_delete == "set null" else ""
    return (
        "Include the tenant column on both sides: `" + " ".join(steps) + "` then VALIDATE "
        f"CONSTRAINT in a later migration{note}."
    )


def _has_unique(ctx: Context, table: "Table", columns: list[str]) -> bool:
    want = set(columns)
    for ix in ctx.catalog.indexes_on(table):
        if (
            (ix.unique or ix.primary)
            and ix.predicate is None
            and all(k.column is not None for k in ix.keys)
            and {k.column for k in ix.keys} == want
        ):
            return True
    return False
