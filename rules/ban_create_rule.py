from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

_EVENTS = {
    enums.CmdType.CMD_SELECT: "SELECT",
    enums.CmdType.CMD_INSERT: "INSERT",
    enums.CmdType.CMD_UPDATE: "UPDATE",
    enums.CmdType.CMD_DELETE: "DELETE",
}


@rule(
    name="ban-create-rule",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="CREATE RULE",
    nodes=(ast.RuleStmt,),
    bad="""
    CREATE RULE orders_archive AS ON DELETE TO orders
        DO INSTEAD UPDATE orders SET archived = true WHERE id = OLD.id;
    """,
    good="""
    CREATE FUNCTION orders_archive() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE orders SET archived = true WHERE id = OLD.id;
        RETURN NULL;
    END $$;
    CREATE TRIGGER orders_archive BEFORE DELETE ON orders
        FOR EACH ROW EXECUTE FUNCTION orders_archive();
    """,
    fix="Use a trigger for side effects or for redirecting writes (BEFORE/AFTER ... FOR EACH "
    "ROW, or INSTEAD OF on a view), and a view for rewriting reads.",
)
def check(node: ast.RuleStmt, ctx: Context) -> Iterator[Violation]:
    """Rules rewrite the query before it runs rather than acting on each row: a rule on
    INSERT/UPDATE/DELETE fires once per statement with the whole query substituted in, so
    volatile expressions (nextval(), random()) are evaluated several times, `OLD`/`NEW`
    references multiply the work, COPY ignores rules entirely, and `RETURNING` and
    `ON CONFLICT` interact badly with them. The PostgreSQL documentation recommends triggers
    for almost every case; rules remain mainly as the implementation of views."""
    event = _EVENTS.get(node.event, "?") if node.event is not None else "?"
    kind = "DO INSTEAD" if node.instead else "DO ALSO"
    yield Violation(
        f'rule "{node.rulename}" on "{util.rv_name(node.relation)}" (ON {event} {kind}) rewrites '
        "whole queries instead of acting per row: volatile expressions run repeatedly and COPY "
        "bypasses it"
    )
