"""Rule discovery: entry points → load → validate → sort.

Built-in rules arrive through the same door as third-party packs: the ``pgarch_lint.rules``
entry-point group. An entry point names a module (or package); every :class:`Rule` object found
in it (for a package: in each of its modules) is registered. Third-party rules are namespaced
``<entry point name>/<rule name>``.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from functools import lru_cache
from importlib.metadata import entry_points
from types import ModuleType

from pgarch_lint.api import Rule

GROUP = "pgarch_lint.rules"
BUILTIN = "builtin"


class RegistryError(Exception):
    """A rule pack failed to load or is malformed."""


def _rules_in_module(mod: ModuleType) -> list[Rule]:
    return [v for v in vars(mod).values() if isinstance(v, Rule)]


def rules_from_module(modname: str) -> list[Rule]:
    mod = importlib.import_module(modname)
    found = _rules_in_module(mod)
    path = getattr(mod, "__path__", None)
    if path is not None:
        for info in sorted(pkgutil.iter_modules(path), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            found.extend(_rules_in_module(importlib.import_module(f"{modname}.{info.name}")))
    return found


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    """All rules of all installed packs, built-ins first, each pack sorted by name."""
    eps = {ep.name: ep for ep in entry_points(group=GROUP)}
    if BUILTIN not in eps:  # running from a source tree without an install
        packs: list[tuple[str, str]] = [(BUILTIN, "pgarch_lint.rules")]
    else:
        packs = [(BUILTIN, eps.pop(BUILTIN).value)]
    packs.extend((name, eps[name].value) for name in sorted(eps))
    out: list[Rule] = []
    seen: dict[str, str] = {}
    for pack, target in packs:
        try:
            rules = rules_from_module(target.split(":")[0])
        except Exception as exc:  # a broken pack must name itself, not crash the run
            raise RegistryError(f"rule pack {pack!r} ({target}) failed to load: {exc}") from exc
        if not rules and pack != BUILTIN:
            raise RegistryError(f"rule pack {pack!r} ({target}) defines no rules")
        for r in sorted(rules, key=lambda r: r.name):
            if pack != BUILTIN:
                r = dataclasses.replace(r, pack=pack)
            q = r.qualified_name
            if q in seen:
                raise RegistryError(f"rule {q!r} is defined twice (packs {seen[q]!r} and {pack!r})")
            seen[q] = pack
            out.append(r)
    return tuple(out)


def rules_by_name() -> dict[str, Rule]:
    return {r.qualified_name: r for r in load_rules()}
