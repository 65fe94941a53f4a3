"""How the naming rules word and place a finding (formatting only; the analysis is
:mod:`pgarch_lint.analysis.naming`)."""

from __future__ import annotations

from pgarch_lint.analysis.fixes import name_unnamed, rename_declared
from pgarch_lint.api import Context, Fix, Violation, conventions, declared, util


def violation(
    d: declared.NameDef, message: str, help: str | None = None, fix: Fix | None = None
) -> Violation:
    """A finding on a declaration: at its own clause when known, else on its statement."""
    if d.start is not None:
        return Violation(message, help=help, at=d.loc, start=d.start, fix=fix)
    assert d.loc is not None
    return Violation(message, help=help, at=d.loc, start=d.loc.start, end=d.loc.end, fix=fix)


def rename_fix(ctx: Context, d: declared.NameDef, new: str) -> Fix | None:
    """Rename (or name) the object in its own CREATE (safe) when nothing else mentions it.
    Not when the convention leaves a part open (``fk_rails_<hash>``) or the name would be
    longer than PostgreSQL keeps (63 bytes)."""
    if any(c in new for c in "<>*{}") or len(new.encode()) > 63:
        return None
    edit = rename_declared(ctx, d, new) if d.explicit else name_unnamed(ctx, d, new)
    if edit is None:
        return None
    verb = "Rename to" if d.explicit else "Name it"
    return Fix.safe(f"{verb} {util.quote_ident(new)}", edit)


AUTOFIX = """
Safe: the name is rewritten to the expected one in the statement that declares it (an
unnamed index or constraint gets the name: `CREATE INDEX name ON`, `CONSTRAINT name PRIMARY
KEY`), when no other statement of the run's files mentions the old or generated name (a later
DROP, ALTER, COMMENT or REINDEX) and none uses the new one yet; otherwise no fix is offered. Run it on the migration
you are writing (name the file, or use `--since`), not on migrations already applied: a
database they built keeps the old name.
"""


def declaration_label(d: declared.NameDef) -> str:
    """``column "userId" of "Account"``, ``index "IX_a" on "a"``, ``table "Orders"``."""
    kind = (
        d.kind
        if d.kind in conventions.CASE_KIND
        else ("index" if d.kind == "index" else "constraint")
    )
    own = f' of "{d.table}"' if d.table and kind == "column" else ""
    on = f' on "{d.table}"' if d.table and kind in ("index", "constraint") else ""
    return f'{kind} "{d.name}"{own}{on}'


def convention_text(conv: conventions.Convention) -> str:
    """How a message names the convention a name breaks."""
    if conv.source == "family":
        return (
            f"this history's convention {conv.template} ({conv.label}, which its "
            f"{conventions.family_basis(conv)} follow)"
        )
    if conv.inferred:
        return f"this history's convention {conv.template} ({conv.evidence()})"
    return f'the naming template "{conv.template}"'
