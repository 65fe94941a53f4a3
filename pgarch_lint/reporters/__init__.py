"""Reporters: findings in, text out. They never see an AST."""

from __future__ import annotations

import importlib
from typing import TextIO

from pgarch_lint.findings import Report

FORMATS = ("text", "json")


def render(fmt: str, report: Report, out: TextIO, *, color: bool = False, quiet: bool = False,
           statistics: bool = False) -> None:
    mod = importlib.import_module(f"pgarch_lint.reporters.{fmt}_reporter")
    mod.render(report, out, color=color, quiet=quiet, statistics=statistics)
