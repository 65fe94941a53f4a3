"""The model as a Graphviz ``digraph``, for schemas too large for Mermaid.

One node per table (an HTML-like label listing its key columns), one cluster per schema when
the picture spans several, and one edge per foreign key from the child to the parent with
crow's-foot arrows: ``crowodot`` (zero or many) / ``teeodot`` (zero or one) at the child,
``teetee`` (exactly one) / ``teeodot`` (zero or one) at the parent. Identifying relationships
are solid, the others dashed; many-to-many links are dotted with crow's feet at both ends.

Render with ``dot -Tsvg model.dot -o model.svg`` (or ``sfdp`` for very large schemas).
"""

from __future__ import annotations

from itertools import groupby

from pgarch_lint.model.build import Entity, Model, Relationship

__all__ = ["render_dot"]


def _id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _html(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _node(model: Model, e: Entity, indent: str) -> list[str]:
    rows = [f'<tr><td bgcolor="#dde6f3" colspan="3"><b>{_html(model.label(e.name))}</b></td></tr>']
    for a in e.columns:
        if not a.is_key:
            continue
        marks = ", ".join(m for m, on in (("PK", a.pk), ("FK", a.fk), ("UK", a.unique)) if on)
        rows.append(
            f'<tr><td align="left">{_html(a.name)}</td>'
            f'<td align="left">{_html(a.type)}</td><td align="left">{marks}</td></tr>'
        )
    others = sum(1 for a in e.columns if not a.is_key)
    if others:
        rows.append(f'<tr><td align="left" colspan="3"><i>+{others} columns</i></td></tr>')
    table = '<table border="0" cellborder="1" cellspacing="0" cellpadding="3">'
    label = table + "".join(rows) + "</table>"
    return [f"{indent}{_id(e.name)} [label=<{label}>];"]


def _edge(r: Relationship) -> str:
    tail = "teeodot" if r.one_to_one else "crowodot"
    head = "teeodot" if r.optional else "teetee"
    style = "solid" if r.identifying else "dashed"
    label = _html(", ".join(r.source_columns))
    return (
        f"  {_id(r.source)} -> {_id(r.target)} [dir=both, arrowtail={tail}, arrowhead={head}, "
        f'style={style}, label="{label}", tooltip="{_html(r.name)}"];'
    )


def render_dot(model: Model) -> str:
    collapsed = {lk.link for lk in model.links if lk.collapsed}
    out = [
        "digraph schema {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=10, nodesep=0.4, ranksep=0.8];',
        '  node [shape=plain, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ]
    shown = [e for e in model.entities if e.name not in collapsed]
    if model.qualify:
        for i, (schema, group) in enumerate(groupby(shown, key=lambda e: e.schema)):
            out.append(f"  subgraph cluster_{i} {{")
            out.append(f'    label="{_html(schema)}"; style=rounded; color="#aaaaaa";')
            for e in group:
                out.extend(_node(model, e, "    "))
            out.append("  }")
    else:
        for e in shown:
            out.extend(_node(model, e, "  "))
    for r in model.relationships:
        if not r.external and r.source not in collapsed:
            out.append(_edge(r))
    for lk in model.links:
        out.append(
            f"  {_id(lk.left)} -> {_id(lk.right)} [dir=both, arrowtail=crowodot, "
            f'arrowhead=crowodot, style=dotted, label="via {_html(model.label(lk.link))}"];'
        )
    out.append("}")
    return "\n".join(out) + "\n"
