"""The CI and pre-commit integrations shipped in the repository.

- every example under ``examples/ci/`` parses, and every ``pgarch-lint`` command line in it (and
  in the shell snippets of ``docs/integrations.md`` / ``docs/baseline.md``) is accepted by the CLI
  on a tiny project (exit 0 or 1, never 2);
- the pre-commit hook runs for real: pre-commit installs this checkout into its own environment
  and the hook fails on a bad migration, then passes once it is fixed (marked ``slow``:
  deselect with ``-m "not slow"``).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pgarch_lint.cli import main

yaml = pytest.importorskip("yaml", reason="pyyaml is in the dev extra")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "ci"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
DOCS = [ROOT / "docs" / "integrations.md", ROOT / "docs" / "baseline.md"]

# CI variables the examples use, with the value they get in the test project
VARIABLES = {
    "github.base_ref": "main",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
}
_GH_EXPR = re.compile(r"\$\{\{\s*([\w.]+)\s*\}\}")
_SH_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")
_SHELL_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "&", "2>", "2>&1"}


def _substitute(text: str) -> str:
    def var(m: re.Match[str]) -> str:
        name = next(g for g in m.groups() if g)
        assert name in VARIABLES, f"the test does not know the CI variable {name!r}"
        return VARIABLES[name]

    return _SH_VAR.sub(var, _GH_EXPR.sub(var, text))


def pgarch_commands(script: str) -> Iterator[list[str]]:
    """The arguments of each ``pgarch-lint ...`` command in a shell script (no shell run)."""
    script = script.replace("\\\n", " ")
    for line in script.splitlines():
        line = line.strip()
        if line.startswith("$ "):
            line = line[2:]
        if not line.startswith("pgarch-lint "):
            continue
        lex = shlex.shlex(_substitute(line), posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        tokens: list[str] = []
        for tok in lex:
            if tok in _SHELL_OPERATORS or tok.startswith("#"):
                break
            tokens.append(tok)
        yield tokens[1:]


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- the files parse and say what the docs promise --------------------------------------------


def test_pre_commit_hook_manifest() -> None:
    (hook,) = _load(HOOKS)
    assert hook["id"] == "pgarch-lint"
    assert hook["entry"] == "pgarch-lint check"
    assert hook["language"] == "python"
    assert hook["types"] == ["sql"]
    assert hook["require_serial"] is True
    clientlib = pytest.importorskip("pre_commit.clientlib")
    clientlib.load_manifest(str(HOOKS))  # raises on an invalid manifest


def test_pre_commit_config_example() -> None:
    cfg = _load(EXAMPLES / "pre-commit-config.yaml")
    (repo,) = cfg["repos"]
    (hook,) = repo["hooks"]
    assert hook["id"] == "pgarch-lint"
    assert hook["args"][:2] == ["--context", "migrations/"]
    clientlib = pytest.importorskip("pre_commit.clientlib")
    clientlib.load_config(str(EXAMPLES / "pre-commit-config.yaml"))


def _github_steps() -> list[dict[str, Any]]:
    wf = _load(EXAMPLES / "github-workflow.yml")
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert "pull_request" in on
    assert wf["permissions"]["security-events"] == "write"
    (job,) = wf["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_github_workflow_example() -> None:
    steps = _github_steps()
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    upload = next(s for s in steps if "codeql-action/upload-sarif@" in str(s.get("uses", "")))
    runs = " ".join(str(s.get("run", "")) for s in steps)
    assert "--format github" in runs and "--since" in runs
    assert f"--output {upload['with']['sarif_file']}" in runs


def test_gitlab_ci_example() -> None:
    ci = _load(EXAMPLES / "gitlab-ci.yml")
    cq = ci["pgarch-lint:code-quality"]
    report = cq["artifacts"]["reports"]["codequality"]
    assert any("--format gitlab" in line and f"--output {report}" in line for line in cq["script"])
    changed = ci["pgarch-lint:changed"]
    assert any("--since" in line for line in changed["script"])


# --- every command line in the examples and docs is accepted by the CLI ------------------------


def _example_commands() -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for step in _github_steps():
        for args in pgarch_commands(str(step.get("run", ""))):
            out.append(("github-workflow.yml", args))
    ci = _load(EXAMPLES / "gitlab-ci.yml")
    for name, job in ci.items():
        if isinstance(job, dict):
            for key in ("before_script", "script"):
                for line in job.get(key, []):
                    for args in pgarch_commands(str(line)):
                        out.append((f"gitlab-ci.yml:{name}", args))
    hook = _load(HOOKS)[0]
    for repo in _load(EXAMPLES / "pre-commit-config.yaml")["repos"]:
        for h in repo["hooks"]:
            # pre-commit runs `entry args... files...`
            entry = shlex.split(hook["entry"])[1:]
            out.append(
                ("pre-commit-config.yaml", [*entry, *h.get("args", []), "migrations/0002_idx.sql"])
            )
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for block in re.findall(r"^```(?:sh|bash|shell|console)\n(.*?)^```", text, re.M | re.S):
            for args in pgarch_commands(block):
                out.append((doc.name, args))
    return out


@pytest.fixture()
def tiny_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for k, v in {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(k, v)
    proj = tmp_path / "project"
    (proj / "migrations").mkdir(parents=True)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=proj, check=True, capture_output=True, timeout=60)

    git("init", "-q", "-b", "main")
    (proj / "migrations" / "0001_init.sql").write_text(
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n", encoding="utf-8"
    )
    git("add", "-A")
    git("commit", "-q", "-m", "init")
    git("update-ref", "refs/remotes/origin/main", "HEAD")  # what a CI checkout has
    (proj / "migrations" / "0002_idx.sql").write_text(
        "CREATE INDEX ix_orders__customer_id ON orders (customer_id);\n", encoding="utf-8"
    )
    git("add", "-A")
    git("commit", "-q", "-m", "index")
    monkeypatch.chdir(proj)
    return proj


def test_example_commands_are_accepted_by_the_cli(tiny_project: Path) -> None:
    commands = _example_commands()
    sources = {src.split(":")[0] for src, _ in commands}
    assert {
        "github-workflow.yml",
        "gitlab-ci.yml",
        "pre-commit-config.yaml",
        "integrations.md",
        "baseline.md",
    } <= sources, sources
    for src, args in commands:
        assert args and args[0] == "check", (src, args)
        res = CliRunner().invoke(main, args)
        assert res.exit_code in (0, 1), f"{src}: pgarch-lint {shlex.join(args)}\n{res.output}"
        assert "error:" not in res.stderr, (src, args, res.stderr)
        out = args[args.index("--output") + 1] if "--output" in args else None
        if out is not None:
            assert (tiny_project / out).is_file(), (src, args)


# --- pre-commit, for real ---------------------------------------------------------------------


def _pre_commit() -> list[str] | None:
    exe = shutil.which(
        "pre-commit",
        path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    return [exe] if exe else None


_HOOK_REPO_FILES = ("pyproject.toml", "README.md", "LICENSE", "NOTICE", ".pre-commit-hooks.yaml")
_HOOK_REPO_DIRS = ("pgarch_lint/", "rules/")


def _snapshot_checkout(dest: Path, env: dict[str, str]) -> str:
    """Copy this checkout's working tree (what pip needs to install it) into a fresh repo.

    ``pre-commit`` installs a hook repository from a git commit. Testing against a snapshot
    of the working tree (tracked and untracked, not ignored) tests the code as it is now,
    whether or not it has been committed.
    """
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=60,
        )
        .stdout.decode()
        .split("\0")
    )
    for rel in listed:
        if rel in _HOOK_REPO_FILES or rel.startswith(_HOOK_REPO_DIRS):
            src = ROOT / rel
            if src.is_file():
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / rel)

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args],
            cwd=dest,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "snapshot")
    return git("rev-parse", "HEAD")


@pytest.mark.slow
def test_pre_commit_hook_for_real(tmp_path: Path) -> None:
    pre_commit = _pre_commit()
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (it is in the dev extra)")
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of pgarch-lint")
    env = dict(
        os.environ,
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        NO_COLOR="1",
    )
    env.pop("VIRTUAL_ENV", None)
    hook_repo = tmp_path / "hook-repo"
    hook_repo.mkdir()
    rev = _snapshot_checkout(hook_repo, env)

    proj = tmp_path / "project"
    mig = proj / "migrations"
    mig.mkdir(parents=True)
    cfg = _load(EXAMPLES / "pre-commit-config.yaml")  # the documented config, repo swapped
    cfg["repos"][0]["repo"] = str(hook_repo)
    cfg["repos"][0]["rev"] = rev
    (proj / ".pre-commit-config.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    # a fixed rule set, so rules added later do not change what this test expects
    (proj / "pgarch-lint.toml").write_text(
        'select = ["require-concurrent-index-creation", "require-lock-timeout"]\n', encoding="utf-8"
    )
    (mig / "0001_init.sql").write_text(
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n", encoding="utf-8"
    )
    bad = mig / "0002_idx.sql"
    bad.write_text(
        "CREATE INDEX ix_orders__customer_id ON orders (customer_id);\n", encoding="utf-8"
    )

    def git(*args: str) -> None:
        subprocess.run(
            ["git", *args], cwd=proj, env=env, capture_output=True, check=True, timeout=60
        )

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        git("add", "-A")
        return subprocess.run(
            [*pre_commit, "run", "--color", "never", "--files", *files],
            cwd=proj,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    git("init", "-q")
    # the changed file only: the catalog still knows `orders` through --context migrations/
    res = hook("migrations/0002_idx.sql")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "require-concurrent-index-creation" in res.stdout, res.stdout + res.stderr

    bad.write_text(
        "SET lock_timeout = '5s';\n"
        "CREATE INDEX CONCURRENTLY ix_orders__customer_id ON orders (customer_id);\n",
        encoding="utf-8",
    )
    res = hook("migrations/0002_idx.sql")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Passed" in res.stdout
