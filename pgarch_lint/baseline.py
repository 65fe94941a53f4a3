"""Baselines: adopt the linter on an old migration history without fixing it first.

``--write-baseline FILE`` records every current finding; ``--baseline FILE`` then reports only
findings that are not recorded. A finding is keyed by path, rule and its fingerprint (a hash of
the rule, the path, the statement's normalised text and the message, never the line number),
so unrelated edits that move a statement do not resurrect it. Each key has a count: two
identical statements in one file are two findings, and a third copy added later is new.

File format (JSON, sorted, one entry per key)::

    {"version": 1, "tool": "pgarch-lint",
     "findings": [{"path": "...", "rule": "...", "fingerprint": "...", "count": 1,
                   "message": "..."}]}

``message`` is there for the humans who review the file; it is not part of the key.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any  # Any: JSON documents

from pgarch_lint.errors import BaselineError
from pgarch_lint.findings import Finding, Report, Summary

VERSION = 1
Key = tuple[str, str, str]


def _norm_path(p: str) -> str:
    p = p.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def key_of(f: Finding) -> Key:
    from pgarch_lint.reporters import finding_key

    return (_norm_path(f.path), f.rule, finding_key(f))


def to_json(findings: list[Finding]) -> dict[str, Any]:
    counts: Counter[Key] = Counter()
    messages: dict[Key, str] = {}
    for f in findings:
        k = key_of(f)
        counts[k] += 1
        messages.setdefault(k, f.message)
    entries = [
        {"path": k[0], "rule": k[1], "fingerprint": k[2], "count": n, "message": messages[k]}
        for k, n in sorted(counts.items())
    ]
    return {"version": VERSION, "tool": "pgarch-lint", "findings": entries}


def write(path: Path, findings: list[Finding]) -> int:
    """Write atomically (temp file in the same folder, then rename). Returns the entry count."""
    data = to_json(findings)
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return len(data["findings"])


def load(path: Path) -> Counter[Key]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BaselineError(
            f"{path}: no such baseline file (create it with --write-baseline)"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not a baseline file (invalid JSON: {exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a pgarch-lint baseline file")
    if data.get("version") != VERSION:
        raise BaselineError(
            f"{path}: baseline version {data.get('version')!r} is not supported "
            f"(expected {VERSION}; regenerate it with --write-baseline)"
        )
    out: Counter[Key] = Counter()
    for i, e in enumerate(data["findings"]):
        try:
            k = (_norm_path(str(e["path"])), str(e["rule"]), str(e["fingerprint"]))
            n = int(e.get("count", 1))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BaselineError(f"{path}: baseline entry {i} is malformed") from exc
        out[k] += max(n, 0)
    return out


def apply(report: Report, baseline: Counter[Key]) -> Report:
    """The report without the findings the baseline accounts for; counts are recomputed."""
    remaining = Counter(baseline)
    kept: list[Finding] = []
    for f in report.findings:
        k = key_of(f)
        if remaining[k] > 0:
            remaining[k] -= 1
            continue
        kept.append(f)
    summary = Summary(files=report.summary.files, statements=report.summary.statements)
    for f in kept:
        summary.by_severity[f.severity] = summary.by_severity.get(f.severity, 0) + 1
    return replace(report, findings=kept, summary=summary)
