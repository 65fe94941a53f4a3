from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Origin, Severity, Violation, ast, rule, util

# statements whose string constants are never read as enum values
_IGNORED = (ast.VariableSetStmt, ast.AlterEnumStmt, ast.CommentStmt, ast.CreateEnumStmt)


def _type_created_in_tx(ctx: Context, tname: str) -> bool:
    """PostgreSQL allows the new label when the enum type itself is uncommitted too."""
    ty = ctx.catalog.type(tname)
    if ty is None or ctx.catalog.origin_of(ty) is not Origin.CURRENT_FILE or ty.created is None:
        return False
    if ty.created.path != ctx.file.path:
        return False  # another file of the migration unit: another transaction
    tx = ctx.tx
    if tx.depth > 0 and tx.begin_offset is not None:
        return ty.created.start >= tx.begin_offset
    return tx.wrapped


def _cast_type(parents: tuple[ast.Node, ...], node: ast.A_Const) -> list[str] | None:
    """The type a constant is cast to with ``::`` / CAST, when it is."""
    if parents and isinstance(parents[-1], ast.TypeCast) and parents[-1].arg is node:
        return util.names_of(parents[-1].typeName)
    return None


def _literal_span(ctx: Context, label: str) -> tuple[int, int] | None:
    """Where the quoted label is written (pglast keeps no location for constants)."""
    st = ctx.statement
    if st is None:
        return None
    lower = st.start
    for p in reversed(ctx.parents):
        start, _ = ctx.span(p)
        if start > st.start:
            lower = start
            break
    quoted = "'" + label.replace("'", "''") + "'"
    i = st.text.find(quoted, lower - st.start)
    if i < 0:
        i = st.text.find(quoted)
    if i < 0:
        return None
    return st.start + i, st.start + i + len(quoted)


@rule(
    name="enum-value-used-in-same-transaction",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.ERROR,
    summary="a label added with ALTER TYPE ... ADD VALUE used later in the same transaction",
    nodes=(ast.A_Const,),
    bad="""
    BEGIN;
    ALTER TYPE order_status ADD VALUE 'refunded';
    UPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;
    COMMIT;
    """,
    good="""
    BEGIN;
    ALTER TYPE order_status ADD VALUE 'refunded';
    COMMIT;
    BEGIN;
    UPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;
    COMMIT;
    """,
    fix="""
    Commit the new label before anything uses it:
    1. run ALTER TYPE ... ADD VALUE alone (its own migration, or its own transaction);
    2. use the label (defaults, checks, data changes, comparisons) in a later migration.
    """,
)
def check(node: ast.A_Const, ctx: Context) -> Iterator[Violation]:
    """A value added to an enum with ALTER TYPE ... ADD VALUE cannot be used until the
    transaction that added it commits: any statement that turns the string into the enum (an
    INSERT or UPDATE value, a DEFAULT, a CHECK, a comparison, a cast) fails with "unsafe use of
    new value". When the migration runner wraps the file in one transaction, the migration
    always fails at deploy. (PostgreSQL allows it when the enum type itself was created in the
    same transaction; before PostgreSQL 12 ADD VALUE cannot run in a transaction at all.)"""
    tx = ctx.tx
    labels = tx.new_enum_labels
    if not labels or not tx.in_transaction or node.isnull:
        return
    st = ctx.statement
    if st is None or st.nested or isinstance(st.node, _IGNORED):
        return  # statements inside function bodies run later, after COMMIT
    val = node.val
    if not isinstance(val, ast.String):
        return
    hits = [t for (t, label) in labels if label == val.sval]
    if not hits:
        return
    cast = _cast_type(ctx.parents, node)
    for tname in sorted(hits):
        if cast is not None and cast[-1] != tname.rsplit(".", 1)[-1]:
            continue  # cast to another type: not read as this enum
        if _type_created_in_tx(ctx, tname):
            continue
        msg = (
            f"'{val.sval}' was added to enum \"{tname}\" earlier in this transaction: using it "
            'before COMMIT fails with "unsafe use of new value"'
        )
        span = _literal_span(ctx, val.sval or "")
        if span is None:
            yield Violation(msg, node=node)
        else:
            yield Violation(msg, start=span[0], end=span[1])
        return
