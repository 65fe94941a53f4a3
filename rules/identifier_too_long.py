import re
from collections.abc import Iterator

from pgarch_lint.api import (
    AnyStatement,
    Category,
    Context,
    Edit,
    Fix,
    Severity,
    Violation,
    ast,
    rule,
    util,
)

LIMIT = 63  # NAMEDATALEN - 1
# Cheap pre-filter: a word or quoted name that could be longer than 63 bytes once stored: at
# least 64 ASCII characters (a doubled quote "" counts once, and a U& escape such as \00e4 is
# longer than the bytes it stands for), or 16 characters when the text has multi-byte ones
# (4 bytes each at most).
_LONG_ASCII = re.compile(r'"(?:[^"]|""){64,}|[^\s,()";.:=<>+*/\[\]{}|&!~^%@#?\'-]{64,}')
_LONG_ANY = re.compile(r'"(?:[^"]|""){16,}|[^\s,()";.:=<>+*/\[\]{}|&!~^%@#?\'-]{16,}')


@rule(
    name="identifier-too-long",
    category=Category.CORRECTNESS,
    severity=Severity.ERROR,
    summary="an identifier longer than 63 bytes, which PostgreSQL silently truncates",
    nodes=(AnyStatement,),
    bad="""
    CREATE INDEX ix_subscription_renewal_attempts__customer_id_and_payment_method_id_and_status
      ON subscription_renewal_attempts (customer_id, payment_method_id, status);
    """,
    good="""
    CREATE INDEX ix_renewal_attempts__customer_method_status
      ON subscription_renewal_attempts (customer_id, payment_method_id, status);
    """,
    fix="Shorten the name to at most 63 bytes (non-ASCII letters count 2 to 4 bytes each), e.g. "
    "by abbreviating the table part of generated index and constraint names.",
    autofix="""
    Unsafe: each occurrence of the long name in the statement becomes the 63-byte name
    PostgreSQL stores (quoted when needed), so the migration says what the database will
    hold. Unsafe because other statements, files and the application may spell the long name:
    choose a shorter name yourself when you can.
    """,
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """PostgreSQL keeps only the first 63 bytes of an identifier and truncates the rest with a
    mere NOTICE. The object then has a different name than the one in the migration, two long
    names that share their first 63 bytes collide ("relation already exists"), and tools that
    compare names (ORMs, schema diff tools, later migrations that spell the full name in a
    string) stop matching. The length measured is that of the name PostgreSQL stores, in
    UTF-8 bytes: an unquoted name folded to lower case, a quoted one without its quotes and
    with each doubled quote `""` counted once, a `U&"..."` one with its escapes decoded."""
    st = ctx.statement
    if st is None or st.nested:
        return
    if not (_LONG_ASCII if st.text.isascii() else _LONG_ANY).search(st.text):
        return
    seen: set[str] = set()
    for s, e, name in util.identifiers(st.text):
        size = len(name.encode("utf-8"))
        if size <= LIMIT or name in seen:
            continue
        seen.add(name)
        cut = name.encode("utf-8")[:LIMIT].decode("utf-8", "ignore")
        yield Violation(
            f'identifier "{name[:40]}..." is {size} bytes long; PostgreSQL truncates it to "{cut}"',
            start=st.start + s,
            end=st.start + e,
            fix=_shorten(st.text, s, e, st.start, cut),
        )


def _shorten(text: str, s: int, e: int, base: int, cut: str) -> Fix | None:
    """The long name written as the one PostgreSQL keeps; not for ``U&"..."`` names (their
    escapes and UESCAPE clause would need rewriting too)."""
    token = text[s:e]
    if text[max(0, s - 2) : s].upper() == "U&" or token[:2].upper() == "U&":
        return None
    new = util.quote_ident(cut)
    return Fix.unsafe(f"Write the name PostgreSQL keeps: {new}", Edit(base + s, base + e, new))
