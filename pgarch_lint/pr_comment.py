"""One pull-request comment with pgarch-lint's Markdown report, kept up to date.

``python -m pgarch_lint.pr_comment --markdown report.md --json report.json`` (the GitHub Action
in ``action.yml`` runs it) talks to GitHub through the ``gh`` command line (``gh api``), with
the token in ``GH_TOKEN``:

- the comment is found among the pull request's comments by a hidden marker, so each push
  updates the same comment instead of adding one;
- findings and no comment yet: the comment is created; findings and a comment: it is updated
  (not when the text is unchanged);
- no finding: an existing comment is rewritten to say the findings are resolved (kept, so the
  conversation still makes sense); without a comment nothing is posted;
- a token that may not comment (a pull request from a fork gets a read-only token): a notice
  in the log, exit 0 — the annotations and the job status still report the findings.

The repository and pull request come from ``GITHUB_REPOSITORY`` and the event file
(``GITHUB_EVENT_PATH``), or ``--repo`` / ``--pr``. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any  # Any: JSON from GitHub

MARKER = "<!-- pgarch-lint-report -->"
RESOLVED = "**pgarch-lint**: every finding of this pull request is resolved. 🎉"

__all__ = ["MARKER", "GhError", "Outcome", "main", "sync_comment"]


class GhError(Exception):
    """``gh`` failed: its message, and whether GitHub refused for lack of permission."""

    def __init__(self, message: str, forbidden: bool) -> None:
        super().__init__(message)
        self.forbidden = forbidden


def gh(*args: str) -> str:
    """Run ``gh`` and return its standard output."""
    try:
        proc = subprocess.run(["gh", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GhError("the gh command line is not installed", forbidden=False) from None
    if proc.returncode != 0:
        err = (proc.stderr or proc.stdout).strip()
        forbidden = any(
            s in err for s in ("HTTP 403", "HTTP 404", "Resource not accessible by integration")
        )
        raise GhError(err.splitlines()[-1] if err else f"gh exited {proc.returncode}", forbidden)
    return proc.stdout


@dataclass(frozen=True, slots=True)
class Outcome:
    action: str  # "created" | "updated" | "unchanged" | "resolved" | "none" | "skipped"
    comment_id: int | None = None
    reason: str = ""


def _comments(repo: str, pr: int) -> list[dict[str, Any]]:
    out = gh("api", "--paginate", f"repos/{repo}/issues/{pr}/comments")
    # --paginate concatenates the pages' arrays: "[...][...]"
    text = out.strip().replace("][", ",")
    data = json.loads(text) if text else []
    return [c for c in data if isinstance(c, dict)]


def _send(method: str, endpoint: str, body: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump({"body": body}, fh)
        payload = fh.name
    try:
        out = gh("api", "--method", method, endpoint, "--input", payload)
    finally:
        os.unlink(payload)
    result = json.loads(out) if out.strip() else {}
    return result if isinstance(result, dict) else {}


def sync_comment(repo: str, pr: int, markdown: str, findings: int) -> Outcome:
    """Create, update or resolve the pull request's pgarch-lint comment (see module doc)."""
    try:
        mine = [c for c in _comments(repo, pr) if MARKER in str(c.get("body", ""))]
        existing = mine[0] if mine else None
        if findings == 0:
            if existing is None:
                return Outcome("none")
            body = f"{MARKER}\n{RESOLVED}\n"
            if str(existing.get("body", "")) == body:
                return Outcome("unchanged", int(existing["id"]))
            _send("PATCH", f"repos/{repo}/issues/comments/{existing['id']}", body)
            return Outcome("resolved", int(existing["id"]))
        body = f"{MARKER}\n{markdown.rstrip()}\n"
        if existing is None:
            made = _send("POST", f"repos/{repo}/issues/{pr}/comments", body)
            return Outcome("created", int(made.get("id", 0)) or None)
        if str(existing.get("body", "")) == body:
            return Outcome("unchanged", int(existing["id"]))
        _send("PATCH", f"repos/{repo}/issues/comments/{existing['id']}", body)
        return Outcome("updated", int(existing["id"]))
    except GhError as exc:
        if exc.forbidden:
            return Outcome("skipped", reason=str(exc))
        raise


def _pull_request_number(event_path: str | None) -> int | None:
    if not event_path:
        return None
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    number = (event.get("pull_request") or {}).get("number")
    return int(number) if isinstance(number, int) else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pgarch_lint.pr_comment")
    parser.add_argument("--markdown", required=True, help="the Markdown report")
    parser.add_argument("--json", required=True, help="the JSON report (counts the findings)")
    parser.add_argument("--repo", default=os.environ.get("GITHUB_REPOSITORY"))
    parser.add_argument("--pr", type=int, default=None)
    args = parser.parse_args(argv)
    pr = args.pr or _pull_request_number(os.environ.get("GITHUB_EVENT_PATH"))
    if not args.repo or pr is None:
        print("pgarch-lint: not a pull request: no comment posted", file=sys.stderr)
        return 0
    try:
        report = json.loads(Path(args.json).read_text(encoding="utf-8"))
        markdown = Path(args.markdown).read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        print(f"pgarch-lint: error: cannot read the report: {exc}", file=sys.stderr)
        return 2
    findings = len(report.get("findings", []))
    try:
        outcome = sync_comment(args.repo, pr, markdown, findings)
    except GhError as exc:
        print(f"pgarch-lint: error: commenting on the pull request failed: {exc}", file=sys.stderr)
        return 2
    if outcome.action == "skipped":
        print(
            "::notice title=pgarch-lint::no pull-request comment: this token may not comment "
            f"here (a pull request from a fork gets a read-only token): {outcome.reason}"
        )
    else:
        print(f"pgarch-lint: pull-request comment {outcome.action}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
