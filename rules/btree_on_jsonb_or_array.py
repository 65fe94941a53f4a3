from collections.abc import Iterator

from pgarch_lint.analysis.indexes import statement_columns
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util


@rule(
    name="btree-on-jsonb-or-array",
    category=Category.INDEXES,
    severity=Severity.WARNING,
    summary="a b-tree index on a whole jsonb or array column",
    nodes=(ast.IndexStmt,),
    bad="""
    CREATE TABLE articles (id bigint PRIMARY KEY, tags text[] NOT NULL);
    CREATE INDEX ix_articles__tags ON articles (tags);
    """,
    good="""
    CREATE TABLE articles (id bigint PRIMARY KEY, tags text[] NOT NULL, meta jsonb);
    CREATE INDEX ix_articles__tags ON articles USING gin (tags);
    CREATE INDEX ix_articles__meta_kind ON articles ((meta ->> 'kind'));
    """,
    fix="Use a GIN index for containment and overlap (`@>`, `&&`, `?`), or a b-tree index on "
    "an expression that extracts the scalar the queries filter by (`((payload ->> 'status'))`).",
)
def check(node: ast.IndexStmt, ctx: Context) -> Iterator[Violation]:
    """A b-tree index on a whole jsonb or array value only serves equality and ordering of the
    entire value, which queries almost never use: `@>`, `&&`, `?` and `->>` filters cannot use
    it, so it is written on every change and never read. Large values also hit the b-tree
    row-size limit (about 2.7 kB), making inserts fail. Unique indexes are excepted: they
    enforce a rule rather than serve queries."""
    if (node.accessMethod or "btree").lower() != "btree" or node.unique or node.primary:
        return
    for _elem, col in statement_columns(node, ctx):
        if col is None:
            continue
        kind = "jsonb" if col.type == "jsonb" else ("array" if col.type.endswith("]") else None)
        if kind is None:
            continue
        name = f'"{node.idxname}" ' if node.idxname else ""
        yield Violation(
            f'b-tree index {name}on "{util.rv_name(node.relation)}" covers the whole {kind} '
            f'column "{col.name}" ({col.type}): containment and element queries cannot use it',
            node=node.relation,
        )
