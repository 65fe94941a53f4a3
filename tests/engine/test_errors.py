"""errors.py: one home for the exceptions a run may end with, still importable from the
modules that raise them."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest

from pgarch_lint import errors

ROOT = Path(__file__).resolve().parents[2]


def test_old_import_paths_are_the_same_classes() -> None:
    from pgarch_lint.baseline import BaselineError
    from pgarch_lint.config import ConfigError
    from pgarch_lint.engine import InternalError
    from pgarch_lint.gitdiff import GitError
    from pgarch_lint.live import LiveError
    from pgarch_lint.live.conn import LiveError as ConnLiveError
    from pgarch_lint.registry import RegistryError

    assert BaselineError is errors.BaselineError
    assert ConfigError is errors.ConfigError
    assert InternalError is errors.InternalError
    assert GitError is errors.GitError
    assert LiveError is ConnLiveError is errors.LiveError
    assert RegistryError is errors.RegistryError


def test_errors_imports_nothing() -> None:
    tree = ast.parse((ROOT / "pgarch_lint" / "errors.py").read_text())
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert [n.module for n in imports if isinstance(n, ast.ImportFrom)] == ["__future__"]


@pytest.mark.parametrize("name", errors.__all__)
def test_errors_cross_process_boundaries(name: str) -> None:
    """A worker process pickles its error to the driver (parallel.py)."""
    exc = getattr(errors, name)("one line")
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is type(exc) and str(back) == "one line"
