"""Every package of the source tree ships in the wheel (setuptools lists them by name)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_subpackage_is_listed_in_pyproject() -> None:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(cfg["packages"])
    found = {
        "pgarch_lint." + ".".join(p.parent.relative_to(ROOT / "pgarch_lint").parts)
        for p in (ROOT / "pgarch_lint").rglob("__init__.py")
        if p.parent != ROOT / "pgarch_lint"
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert "pgarch_lint.rules" in listed and cfg["package-dir"]["pgarch_lint.rules"] == "rules"


def test_package_data_includes_the_json_schema() -> None:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "schemas/*.json" in cfg["package-data"]["pgarch_lint"]
    assert (ROOT / "pgarch_lint" / "schemas" / "report.schema.json").is_file()


def test_documented_versions_match() -> None:
    """Every version a user copies (an install line's tag, a pre-commit `rev:`, an action
    reference, a JSON example's "version") is pyproject's version (docs/releasing.md)."""
    import re

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    files = [
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "examples").rglob("*.y*ml"),
    ]
    if (ROOT / "action.yml").exists():
        files.append(ROOT / "action.yml")
    quoted = re.compile(
        r"pgarch-lint(?:\[\w+\])? @ git\+\S+?@v(?P<a>[\d.]+)|rev: v(?P<b>[\d.]+)"
        r"|pgarch-lint@v(?P<c>[\d.]+)|\"version\": \"(?P<d>[\d.]+)\""
    )
    found = []
    for f in files:
        for m in quoted.finditer(f.read_text(encoding="utf-8")):
            v = next(g for g in m.groups() if g)
            found.append((f.name, v))
    assert found, "no documented version found: the pattern is stale"
    wrong = [(name, v) for name, v in found if v != version]
    assert not wrong, f"pyproject says {version}: {wrong}"
    # the documented install uses a tag, never a name that is not on PyPI
    for f in files:
        assert not re.search(r"pip install pgarch-lint\b(?! @)", f.read_text(encoding="utf-8")), f
