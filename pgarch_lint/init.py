"""``pgarch-lint init``: a commented starter config with detected defaults."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import click

from pgarch_lint.config import ConfigError

_TOOLS = ("goose", "dbmate", "flyway", "diesel", "prisma", "plain")
_TENANT_LIKE = (
    "tenant_id",
    "org_id",
    "organization_id",
    "workspace_id",
    "project_id",
    "account_id",
)
_COLDEF = re.compile(r'^\s*"?(\w+)"?\s+[A-Za-z]', re.MULTILINE)


def detect(root: Path, limit: int = 2000) -> dict[str, object]:
    """Guess the migration tool, transaction wrapping and tenant columns from SQL files."""
    from pgarch_lint.files import collect

    tool = Counter[str]()
    tenant = Counter[str]()
    n = 0
    # the files check reads, but not in node_modules (hidden folders such as .git and .venv
    # are never entered): a JavaScript project's dependencies can be thousands of folders
    try:
        found = collect([str(root)], root=root, lint_down=True, skipped=[], prune={"node_modules"})
    except (ConfigError, OSError):  # the folder itself is gone or cannot be listed
        found = []
    for p in found:
        if p.name.startswith("."):
            continue
        n += 1
        if n > limit:
            break
        try:
            text = p.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        low = text.lower()
        if "-- +goose" in low:
            tool["goose"] += 1
        elif "-- migrate:up" in low:
            tool["dbmate"] += 1
        elif re.match(r"[VRU]\d*.*__", p.name):
            tool["flyway"] += 1
        elif p.name in ("up.sql", "down.sql"):
            tool["diesel"] += 1
        elif p.name == "migration.sql":
            tool["prisma"] += 1
        for m in _COLDEF.finditer(text):
            col = m.group(1).lower()
            if col in _TENANT_LIKE:
                tenant[col] += 1
    chosen = tool.most_common(1)[0][0] if tool else "plain"
    tenants = [c for c, k in tenant.most_common() if k >= 3]
    return {
        "tool": chosen,
        "in_transaction": chosen in ("goose", "dbmate", "diesel"),
        "tenant_columns": tenants[:1],
    }


def render(tool: str, pg_version: int, in_tx: bool, tenants: list[str], preset: str) -> str:
    tenant_list = ", ".join(f'"{t}"' for t in tenants) or '"tenant_id"'
    return f"""\
# pgarch-lint configuration (written by `pgarch-lint init`; see docs/configuration.md)
# Migration tool detected: {tool}
pg-version = {pg_version}                 # target PostgreSQL major version
preset = "{preset}"               # "recommended" or "strict" (full architect conventions)
fail-on = "warning"               # lowest severity that fails the run: error|warning|info|never
assume-in-transaction = {"true" if in_tx else "false"}     # does the runner wrap each file in a transaction?
# select = ["migration-safety", "compatibility", "correctness"]   # rules or categories
# ignore = ["missing-comment"]
# extend-select = ["unused-suppression"]                          # opt-in rules
# exclude = ["migrations/legacy/**"]
# migration-unit = '^(\\d{{14}})\\d{{6}}_'   # one release in several files: the key they share

# [severity]
# prefer-text-field = "info"

# [per-file-ignores]
# "migrations/0001_*.sql" = ["ban-drop-table"]

# [naming]                        # kinds not set follow the history's own conventions:
# index = "ix_{{table}}__{{columns}}"   # see them with `pgarch-lint conventions <paths>`
# infer = false                   # judge every name by the default templates instead

[tenancy]
tenant-columns = [{tenant_list}]
"""


def _prefix(toml_text: str) -> str:
    """Prefix every table header of a pgarch-lint.toml body for pyproject.toml."""
    out = []
    for line in toml_text.splitlines():
        m = re.match(r"^(#\s*)?\[(\w[\w.-]*)\]\s*$", line)
        if m:
            out.append(f"{m.group(1) or ''}[tool.pgarch-lint.{m.group(2)}]")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def run_init(root: Path, *, interactive: bool) -> str:
    own = root / "pgarch-lint.toml"
    py = root / "pyproject.toml"
    if own.exists():
        raise ConfigError(f"{own} already exists; not overwriting it")
    if py.exists() and re.search(
        r"^\[tool\.pgarch-lint(\.|\])", py.read_text(encoding="utf-8"), re.M
    ):
        raise ConfigError(f"{py} already has a [tool.pgarch-lint] section; not overwriting it")
    d = detect(root)
    tool, in_tx = str(d["tool"]), bool(d["in_transaction"])
    tenants = list(d["tenant_columns"])  # type: ignore[call-overload]
    pg_version, preset = 17, "recommended"
    if interactive:
        tool = click.prompt("Migration tool", type=click.Choice(_TOOLS), default=tool)
        pg_version = click.prompt(
            "Target PostgreSQL major version", type=click.IntRange(9, 19), default=pg_version
        )
        in_tx = click.confirm(
            "Does your runner wrap each migration file in a transaction?",
            default=tool in ("goose", "dbmate", "diesel"),
        )
        raw = click.prompt(
            "Tenant column(s), comma-separated (empty if not multi-tenant)",
            default=",".join(tenants),
            show_default=True,
        )
        tenants = [t.strip() for t in raw.split(",") if t.strip()]
        preset = click.prompt(
            "Preset", type=click.Choice(["recommended", "strict"]), default=preset
        )
    body = render(tool, pg_version, in_tx, tenants, preset)
    if py.exists():
        with py.open("a", encoding="utf-8") as fh:
            fh.write("\n[tool.pgarch-lint]\n" + _prefix(body))
        return f"added [tool.pgarch-lint] to {py}"
    own.write_text(body, encoding="utf-8")
    return f"wrote {own}"
