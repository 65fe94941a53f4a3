"""The lock plan as a compact text table and as Markdown (for pull-request comments)."""

from __future__ import annotations

from pgarch_lint.plan.model import FilePlan, PlanLock, PlanWork, Step, Window

__all__ = ["render_markdown", "render_text"]

_NOTE = (
    "Durations are rough ranges from relation sizes (scan 50-500 MB/s, index build or "
    "rewrite 10-100 MB/s): an order of magnitude, not a promise."
)


def _seconds(s: float) -> str:
    if s < 1:
        return "<1 s"
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


def _range(est: tuple[float, float] | None) -> str:
    if est is None:
        return ""
    lo, hi = (_seconds(x) for x in est)
    return lo if lo == hi else f"{lo} - {hi}"


def _lock(lk: PlanLock) -> str:
    text = f"{lk.mode.label} {lk.relation}"
    if lk.index and lk.relation != f"index {lk.index}":
        text += f" (via index {lk.index})"
    if not lk.existing:
        text += " (new)"
    if lk.size:
        text += f" [{lk.size}]"
    if lk.concurrent:
        text += ", concurrently"
    if not lk.waits:
        text += ", nowait"
    return text


def _work(w: PlanWork) -> str:
    kind = {"index": "index build", "catalog": "catalog only"}.get(w.kind, w.kind)
    if w.kind == "catalog":
        return kind
    text = f"{kind} {w.table}" + (" (new, empty)" if w.new else "")
    est = _range(w.estimate)
    return text + (f" ~{est}" if est else "")


def _blocks(step: Step) -> str:
    words: list[str] = []
    for lk in step.locks:
        if lk.existing:
            for b in lk.blocks:
                if b not in words:
                    words.append(b)
    return ", ".join(words) or "-"


def _holding(step: Step) -> str:
    """The locks the open transaction holds on existing relations after the statement."""
    return "; ".join(f"{lk.mode.label} {lk.relation}" for lk in step.held) or "-"


def _window(w: Window, live: bool) -> str:
    span = (
        f"line {w.start_line}"
        if w.start_line == w.end_line
        else f"lines {w.start_line}-{w.end_line}"
    )
    target = f"to {w.table}" if w.what == "writes" else f"of {w.table}"
    text = f"{w.what} {target} blocked ({w.mode.label}) for {span}, {w.statements} statement"
    text += "s" if w.statements != 1 else ""
    if w.work:
        text += f" ({', '.join(w.work)})"
    if live and w.estimate is not None:
        text += f", ~{_range(w.estimate)}"
    bounds = []
    bounds.append(
        "lock_timeout set" if w.lock_timeout else "no lock_timeout: the wait is unbounded"
    )
    bounds.append("statement_timeout set" if w.statement_timeout else "no statement_timeout")
    return text + "; " + ", ".join(bounds)


def _summary(p: FilePlan, live: bool) -> list[str]:
    mode, on = p.strongest
    lines = [
        f"strongest lock: {mode.label} on {', '.join(on)}"
        if mode
        else "strongest lock: none on an existing relation"
    ]
    for what in ("writes", "reads"):
        w = p.longest(what)
        if w is not None:
            lines.append(f"longest: {_window(w, live)}")
    if not p.windows:
        lines.append("no statement blocks reads or writes of an existing table")
    return lines


def render_text(plans: list[FilePlan], *, live: bool = False) -> str:
    out: list[str] = []
    for p in plans:
        out.append(p.path)
        rows = [("line", "statement", "locks", "blocks", "work", "held until", "holding after it")]
        for s in p.steps:
            rows.append(
                (
                    str(s.line),
                    ("  " if s.nested else "") + _short(s.text, 48),
                    "; ".join(_lock(lk) for lk in s.locks) or "-",
                    _blocks(s),
                    "; ".join(_work(w) for w in s.work) or "-",
                    s.held_until,
                    _holding(s),
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for r in rows:
            cells = [
                r[i].rjust(widths[i]) if i == 0 else r[i].ljust(widths[i]) for i in range(len(r))
            ]
            out.append(("  " + "  ".join(cells)).rstrip())
        out.extend("  " + line for line in _summary(p, live))
        out.append("")
    if live:
        out.append(_NOTE)
    return "\n".join(out).rstrip() + "\n"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")


def render_markdown(plans: list[FilePlan], *, live: bool = False) -> str:
    out = ["## Lock plan", ""]
    for p in plans:
        out += [f"### `{p.path}`", ""]
        out += [f"- {_md(line)}" for line in _summary(p, live)]
        out += [
            "",
            "| line | statement | locks | blocks | work | held until | holding after it |",
            "|---:|---|---|---|---|---|---|",
        ]
        for s in p.steps:
            locks = "<br>".join(_md(_lock(lk)) for lk in s.locks) or "-"
            work = "<br>".join(_md(_work(w)) for w in s.work) or "-"
            out.append(
                f"| {s.line} | `{_md(_short(s.text, 80))}` | {locks} | {_md(_blocks(s))} | "
                f"{work} | {_md(s.held_until)} | {_md(_holding(s))} |"
            )
        out.append("")
    if live:
        out += [f"_{_NOTE}_", ""]
    return "\n".join(out).rstrip() + "\n"
