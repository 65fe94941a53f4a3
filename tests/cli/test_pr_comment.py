"""The pull-request comment of the GitHub Action (pgarch_lint/pr_comment.py), driven against a
fake `gh` on PATH that records its calls and answers from a JSON file of comments."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pgarch_lint.pr_comment import MARKER, RESOLVED

ROOT = Path(__file__).resolve().parents[2]

FAKE_GH = r'''#!/usr/bin/env python3
"""A stand-in for `gh api`: comments live in $FAKE_GH_STATE; every call is logged."""
import json, os, sys
state_path = os.environ["FAKE_GH_STATE"]
with open(os.environ["FAKE_GH_LOG"], "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\n")
if os.environ.get("FAKE_GH_FORBID"):
    sys.stderr.write("gh: Resource not accessible by integration (HTTP 403)\n")
    sys.exit(1)
state = json.load(open(state_path))
args = sys.argv[1:]
assert args[0] == "api"
method = args[args.index("--method") + 1] if "--method" in args else "GET"
endpoint = next(a for a in args[1:] if a.startswith("repos/"))
body = None
if "--input" in args:
    body = json.load(open(args[args.index("--input") + 1]))["body"]
if method == "GET":
    print(json.dumps(state["comments"]))
elif method == "POST":
    new = {"id": state["next"], "body": body}
    state["next"] += 1
    state["comments"].append(new)
    print(json.dumps(new))
elif method == "PATCH":
    cid = int(endpoint.rsplit("/", 1)[1])
    for c in state["comments"]:
        if c["id"] == cid:
            c["body"] = body
    print(json.dumps({"id": cid, "body": body}))
json.dump(state, open(state_path, "w"))
'''


@pytest.fixture()
def fake_gh(tmp_path: Path) -> dict[str, str]:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    gh = bindir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"comments": [{"id": 1, "body": "LGTM"}], "next": 100}))
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}))
    return {
        "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_GH_STATE": str(state),
        "FAKE_GH_LOG": str(tmp_path / "calls.log"),
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_EVENT_PATH": str(event),
    }


def post(env: dict[str, str], tmp_path: Path, markdown: str, findings: int) -> str:
    (tmp_path / "r.md").write_text(markdown)
    (tmp_path / "r.json").write_text(json.dumps({"findings": [{}] * findings}))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pgarch_lint.pr_comment",
            "--markdown",
            str(tmp_path / "r.md"),
            "--json",
            str(tmp_path / "r.json"),
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout + proc.stderr


def comments(env: dict[str, str]) -> list[dict[str, object]]:
    return json.loads(Path(env["FAKE_GH_STATE"]).read_text())["comments"]


def calls(env: dict[str, str]) -> list[list[str]]:
    log = Path(env["FAKE_GH_LOG"])
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_one_comment_created_then_updated_then_resolved(
    fake_gh: dict[str, str], tmp_path: Path
) -> None:
    out = post(fake_gh, tmp_path, "## pgarch-lint\n2 findings\n", 2)
    assert "comment created" in out
    mine = [c for c in comments(fake_gh) if MARKER in str(c["body"])]
    assert len(mine) == 1 and "2 findings" in str(mine[0]["body"])
    assert calls(fake_gh)[-1][:4] == [
        "api",
        "--method",
        "POST",
        "repos/acme/shop/issues/7/comments",
    ]
    # a later push: the same comment is edited, none is added
    out = post(fake_gh, tmp_path, "## pgarch-lint\n1 finding\n", 1)
    assert "comment updated" in out
    mine = [c for c in comments(fake_gh) if MARKER in str(c["body"])]
    assert len(mine) == 1 and mine[0]["id"] == 100 and "1 finding" in str(mine[0]["body"])
    assert calls(fake_gh)[-1][:4] == [
        "api",
        "--method",
        "PATCH",
        "repos/acme/shop/issues/comments/100",
    ]
    # the same report again: nothing is sent
    n = len(calls(fake_gh))
    assert "comment unchanged" in post(fake_gh, tmp_path, "## pgarch-lint\n1 finding\n", 1)
    assert len(calls(fake_gh)) == n + 1  # only the listing
    # findings gone: the comment says so
    assert "comment resolved" in post(fake_gh, tmp_path, "", 0)
    mine = [c for c in comments(fake_gh) if MARKER in str(c["body"])]
    assert len(mine) == 1 and RESOLVED in str(mine[0]["body"])
    assert comments(fake_gh)[0] == {"id": 1, "body": "LGTM"}  # other comments untouched


def test_no_findings_and_no_comment_posts_nothing(fake_gh: dict[str, str], tmp_path: Path) -> None:
    assert "comment none" in post(fake_gh, tmp_path, "", 0)
    assert [c[0:2] for c in calls(fake_gh)] == [["api", "--paginate"]]


def test_a_read_only_token_is_skipped_with_a_notice(
    fake_gh: dict[str, str], tmp_path: Path
) -> None:
    out = post({**fake_gh, "FAKE_GH_FORBID": "1"}, tmp_path, "## x\n", 3)
    assert out.startswith("::notice title=pgarch-lint::no pull-request comment")
    assert "fork" in out


def test_not_a_pull_request(fake_gh: dict[str, str], tmp_path: Path) -> None:
    Path(fake_gh["GITHUB_EVENT_PATH"]).write_text(json.dumps({"push": {}}))
    assert "not a pull request" in post(fake_gh, tmp_path, "## x\n", 3)
    assert calls(fake_gh) == []


def test_the_action_runs_this_module_and_pins_its_own_checkout() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert set(action["inputs"]) >= {"paths", "config", "fail-on", "comment", "sarif", "version"}
    assert action["runs"]["using"] == "composite"
    script = "\n".join(str(s.get("run", "")) for s in action["runs"]["steps"])
    assert '"$GITHUB_ACTION_PATH"' in script
    assert "python -m pgarch_lint.pr_comment" in script
    assert '--since "origin/$BASE"' in script
    # the results cache: one folder for every check of the job, kept between runs
    steps = action["runs"]["steps"]
    cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    assert cache["if"] == "inputs.cache == 'true'"
    folder = cache["with"]["path"]
    checks = [s for s in steps if "pgarch-lint check" in str(s.get("run", ""))]
    assert len(checks) == 2 and all(s["env"]["PGARCH_LINT_CACHE_DIR"] == folder for s in checks)
    assert steps.index(cache) < min(steps.index(s) for s in checks)
