"""How the naming rules word and place a finding (formatting only; the analysis is
:mod:`pgarch_lint.analysis.naming`)."""

from __future__ import annotations

from pgarch_lint.api import Violation, conventions, declared


def violation(d: declared.NameDef, message: str, help: str | None = None) -> Violation:
    """A finding on a declaration: at its own clause when known, else on its statement."""
    if d.start is not None:
        return Violation(message, help=help, at=d.loc, start=d.start)
    assert d.loc is not None
    return Violation(message, help=help, at=d.loc, start=d.loc.start, end=d.loc.end)


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
