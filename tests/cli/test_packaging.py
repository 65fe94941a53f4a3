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
