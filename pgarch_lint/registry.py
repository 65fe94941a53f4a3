"""Rule discovery: entry points → load → validate → sort.

Built-in rules arrive through the same door as third-party packs: the ``pgarch_lint.rules``
entry-point group. An entry point names a module (or package); every :class:`Rule` object found
in it (for a package: in each of its modules) is registered. Third-party rules are namespaced
``<entry point name>/<rule name>``.

Two ways in:

- :func:`load_rules` imports every rule module and returns the :class:`Rule` objects (docs,
  ``explain``, tests).
- :func:`rule_refs` returns :class:`RuleRef` stand-ins built from the *registry cache*, a JSON
  file in :func:`pgarch_lint.config.cache_dir` holding each rule's metadata (name, category,
  severity, summary, presets, module, the names of the node classes and events it wants,
  whether it has options). Selection and the engine's dispatch work from that metadata; a rule's
  module is imported only when its check must run (the first node of a wanted type), its
  options are built or its texts are read. A pre-commit run on one migration so imports a
  handful of the ~100 rule modules (and never ``importlib.metadata``).

The cache is invalidated when anything it was derived from may have changed: pgarch-lint's
version, the interpreter, the distributions installed on ``sys.path`` (dist-info names, so
versions, and their ``entry_points.txt``), and the size and mtime of every ``*.py`` file of
every pack (built-in ``rules/*.py`` of an editable install change without a version bump).
On a miss it imports everything (as :func:`load_rules`) and rewrites the file. A broken pack
is reported (one line naming it) when a miss imports it, or when a hit first imports one of its
modules; installing, upgrading or editing a pack is always a miss. ``PGARCH_LINT_NO_CACHE``
turns the cache off; an unwritable cache folder only costs the import of every rule.
"""

from __future__ import annotations

import dataclasses
import importlib
import marshal
import os
import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple  # Any: the JSON cache, classes by getattr

from pgarch_lint.errors import RegistryError
from pgarch_lint.kinds import Category, Severity

if TYPE_CHECKING:
    from pgarch_lint.api import CheckFn, Rule

GROUP = "pgarch_lint.rules"
_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
BUILTIN = "builtin"
CACHE_FORMAT = 3  # 2: marshal instead of JSON (json costs ~1 ms to import); 3: aliases


def _rules_in_module(mod: ModuleType) -> list[Rule]:
    from pgarch_lint.api import Rule  # here: a run served by the caches never imports it

    return [v for v in vars(mod).values() if isinstance(v, Rule)]


def _pack_modules(modname: str) -> list[ModuleType]:
    """The module an entry point names and, for a package, its public submodules (sorted)."""
    mod = importlib.import_module(modname)
    found = [mod]
    path = getattr(mod, "__path__", None)
    if path is not None:
        import pkgutil

        for info in sorted(pkgutil.iter_modules(path), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            found.append(importlib.import_module(f"{modname}.{info.name}"))
    return found


def rules_from_module(modname: str) -> list[Rule]:
    return [r for mod in _pack_modules(modname) for r in _rules_in_module(mod)]


def _packs() -> list[tuple[str, str]]:
    """(pack name, entry point value) of every installed pack, built-ins first."""
    from importlib.metadata import entry_points

    eps = {ep.name: ep for ep in entry_points(group=GROUP)}
    if BUILTIN not in eps:  # running from a source tree without an install
        packs: list[tuple[str, str]] = [(BUILTIN, "pgarch_lint.rules")]
    else:
        packs = [(BUILTIN, eps.pop(BUILTIN).value)]
    packs.extend((name, eps[name].value) for name in sorted(eps))
    return packs


class _Pack(NamedTuple):
    name: str
    target: str
    modules: list[ModuleType]
    rules: list[tuple[str, Rule]]  # (module the rule was found in, rule)


def _load_packs() -> list[_Pack]:
    out: list[_Pack] = []
    seen: dict[str, str] = {}
    for pack, target in _packs():
        try:
            mods = _pack_modules(target.split(":")[0])
        except Exception as exc:  # a broken pack must name itself, not crash the run
            raise RegistryError(f"rule pack {pack!r} ({target}) failed to load: {exc}") from exc
        found = [(m.__name__, r) for m in mods for r in _rules_in_module(m)]
        if not found and pack != BUILTIN:
            raise RegistryError(f"rule pack {pack!r} ({target}) defines no rules")
        rules: list[tuple[str, Rule]] = []
        for modname, r in sorted(found, key=lambda mr: mr[1].name):
            if pack != BUILTIN:
                r = dataclasses.replace(r, pack=pack)
            q = r.qualified_name
            if q in seen:
                raise RegistryError(f"rule {q!r} is defined twice (packs {seen[q]!r} and {pack!r})")
            seen[q] = pack
            rules.append((modname, r))
        out.append(_Pack(pack, target, mods, rules))
    _check_aliases([r for p in out for _, r in p.rules])
    return out


def _check_aliases(rules: list[Rule]) -> None:
    """An alias is kebab-case and never another rule's name (it would shadow that rule)."""
    names = {r.qualified_name for r in rules}
    for r in rules:
        for a in r.aliases:
            q = a if r.pack is None else f"{r.pack}/{a}"
            if q in names or not _KEBAB.fullmatch(a):
                why = "is a rule's name" if q in names else "is not kebab-case"
                raise RegistryError(f"rule {r.qualified_name!r}: alias {a!r} {why}")


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    """All rules of all installed packs, built-ins first, each pack sorted by name."""
    return tuple(r for p in _load_packs() for _, r in p.rules)


def rules_by_name() -> dict[str, Rule]:
    return {r.qualified_name: r for r in load_rules()}


# --- the lazy path: metadata from the registry cache ------------------------------------------


class RuleRef:
    """A rule known by its metadata; its module is imported on first use of anything else.

    Quacks like :class:`Rule` (see :class:`pgarch_lint.api.RuleLike`): the metadata attributes
    are plain values, ``nodes`` resolves the wanted classes by name (pglast's AST classes and
    the API's events, already imported by the engine), and ``check``, ``options``,
    ``rationale``, ``fix``, ``bad`` and ``good`` come from the real rule.
    """

    __slots__ = (
        "_node_names",
        "_nodes",
        "_rule",
        "aliases",
        "category",
        "default",
        "has_options",
        "live_only",
        "module",
        "name",
        "pack",
        "pack_target",
        "severity",
        "strict",
        "summary",
    )

    def __init__(
        self,
        *,
        name: str,
        category: Category,
        severity: Severity,
        summary: str,
        default: bool,
        strict: bool,
        live_only: bool,
        pack: str | None,
        pack_target: str,
        module: str,
        node_names: tuple[tuple[str, str], ...],
        has_options: bool,
        aliases: tuple[str, ...] = (),
        rule: Rule | None = None,
    ) -> None:
        self.name = name
        self.aliases = aliases
        self.category = category
        self.severity = severity
        self.summary = summary
        self.default = default
        self.strict = strict
        self.live_only = live_only
        self.pack = pack
        self.pack_target = pack_target
        self.module = module
        self._node_names = node_names
        self.has_options = has_options
        self._rule = rule
        self._nodes: tuple[type, ...] | None = None if rule is None else rule.nodes

    @classmethod
    def of(cls, rule: Rule, module: str, pack_target: str) -> RuleRef:
        """A reference to an already loaded rule."""
        return cls(
            name=rule.name,
            category=rule.category,
            severity=rule.severity,
            summary=rule.summary,
            default=rule.default,
            strict=rule.strict,
            live_only=rule.live_only,
            pack=rule.pack,
            pack_target=pack_target,
            module=module,
            node_names=tuple((t.__module__, t.__qualname__) for t in rule.nodes),
            has_options=rule.options is not None,
            aliases=rule.aliases,
            rule=rule,
        )

    def __repr__(self) -> str:
        state = "loaded" if self._rule is not None else "not loaded"
        return f"<RuleRef {self.qualified_name} ({self.module}, {state})>"

    @property
    def qualified_name(self) -> str:
        return self.name if self.pack is None else f"{self.pack}/{self.name}"

    @property
    def loaded(self) -> bool:
        return self._rule is not None

    def load(self) -> Rule:
        """The real rule: imports its module the first time."""
        if self._rule is not None:
            return self._rule
        pack = self.pack or BUILTIN
        try:
            mod = importlib.import_module(self.module)
        except Exception as exc:  # same one line as a full load
            raise RegistryError(
                f"rule pack {pack!r} ({self.pack_target}) failed to load: {exc}"
            ) from exc
        for r in _rules_in_module(mod):
            if r.name == self.name:
                self._rule = r if self.pack is None else dataclasses.replace(r, pack=self.pack)
                return self._rule
        raise RegistryError(  # only if a module changed without changing its mtime and size
            f"rule {self.qualified_name!r} is no longer defined in {self.module} "
            "(stale registry cache: set PGARCH_LINT_NO_CACHE=1 or delete the cache folder)"
        )

    @property
    def nodes(self) -> tuple[type, ...]:
        if self._nodes is None:
            out = []
            for modname, qualname in self._node_names:
                obj: Any = sys.modules.get(modname) or importlib.import_module(modname)
                for part in qualname.split("."):
                    obj = getattr(obj, part)
                out.append(obj)
            self._nodes = tuple(out)
        return self._nodes

    @property
    def check(self) -> CheckFn:
        return self.load().check

    @property
    def options(self) -> type | None:
        return self.load().options if self.has_options else None

    @property
    def rationale(self) -> str:
        return self.load().rationale

    @property
    def fix(self) -> str:
        return self.load().fix

    @property
    def bad(self) -> str:
        return self.load().bad

    @property
    def good(self) -> str:
        return self.load().good

    @property
    def autofix(self) -> str:
        return self.load().autofix

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "category": self.category.value,
            "severity": self.severity.value,
            "summary": self.summary,
            "default": self.default,
            "strict": self.strict,
            "live_only": self.live_only,
            "pack": self.pack,
            "module": self.module,
            "nodes": [list(n) for n in self._node_names],
            "options": self.has_options,
            "aliases": list(self.aliases),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any], pack_target: str) -> RuleRef:
        return cls(
            name=str(d["name"]),
            category=Category(d["category"]),
            severity=Severity(d["severity"]),
            summary=str(d["summary"]),
            default=bool(d["default"]),
            strict=bool(d["strict"]),
            live_only=bool(d["live_only"]),
            pack=d["pack"],
            pack_target=pack_target,
            module=str(d["module"]),
            node_names=tuple((str(m), str(q)) for m, q in d["nodes"]),
            has_options=bool(d["options"]),
            aliases=tuple(str(a) for a in d["aliases"]),
        )


def _environment() -> list[Any]:
    """What the cache depends on besides the packs' own files (cheap: no import, a few stats).

    pgarch-lint's version, the interpreter, and per ``sys.path`` folder holding distributions
    their dist-info / egg-info names (so versions) with the size and mtime of their
    ``entry_points.txt``: installing, removing or upgrading any distribution is a miss.
    """
    from pgarch_lint import __version__

    out: list[Any] = [CACHE_FORMAT, __version__, sys.version, sys.prefix]
    for entry in sys.path:
        try:
            it = os.scandir(entry or ".")
        except OSError:
            continue
        dists: list[Any] = []
        with it:
            for e in it:
                if not e.name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    st = os.stat(os.path.join(e.path, "entry_points.txt"))
                    dists.append([e.name, st.st_size, st.st_mtime_ns])
                except OSError:
                    dists.append([e.name, None, None])
        if dists:
            out.append([entry, sorted(dists)])
    return out


def _watch_list(mods: Iterable[ModuleType]) -> list[str]:
    """The files and folders whose ``*.py`` files a pack's metadata derives from."""
    out: set[str] = set()
    for m in mods:
        path = getattr(m, "__path__", None)
        if path is not None:
            out.update(str(p) for p in path)
        f = getattr(m, "__file__", None)
        if f:
            out.add(f)
    return sorted(out)


def _files_signature(paths: Iterable[str]) -> list[Any]:
    """(name, size, mtime) of each watched file and of each ``*.py`` file of each folder."""
    sig: list[Any] = []
    for p in paths:
        try:
            if os.path.isdir(p):
                with os.scandir(p) as it:
                    entries = []
                    for e in it:
                        if e.name.endswith(".py"):
                            st = e.stat()
                            entries.append([e.name, st.st_size, st.st_mtime_ns])
                sig.append([p, sorted(entries)])
            else:
                st = os.stat(p)
                sig.append([p, st.st_size, st.st_mtime_ns])
        except OSError:
            sig.append([p, None])
    return sig


def _cache_key(packs: list[dict[str, Any]]) -> list[Any]:
    """The state the cache was derived from, compared as it is (no hashing: hashlib alone
    costs ~2 ms to import)."""
    return [
        _environment(),
        [[p["name"], p["target"], _files_signature(p["watch"])] for p in packs],
    ]


def cache_file() -> Path | None:
    """This installation's registry cache file (None when caching is off)."""
    from pgarch_lint.config import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    import zlib

    here = os.path.dirname(os.path.abspath(__file__))  # one file per installation
    tag = zlib.crc32(f"{sys.prefix}\0{here}".encode())
    return folder / f"registry-{tag:08x}.marshal"


_signature: list[Any] = []  # the state of the installed packs (see installed_signature)


def _read_cache(path: Path) -> tuple[RuleRef, ...] | None:
    """The refs of a valid cache file; None when missing, corrupt or stale."""
    try:
        data = marshal.loads(path.read_bytes())
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return None
        packs = data["packs"]
        key = _cache_key(packs)
        if data["key"] != key:
            return None
        _signature[:] = key
        return tuple(RuleRef.from_json(d, p["target"]) for p in packs for d in p["rules"])
    except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError):
        return None


def _packs_data(packs: list[_Pack]) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "target": p.target,
            "watch": _watch_list(p.modules),
            "rules": [RuleRef.of(r, m, p.target).to_json() for m, r in p.rules],
        }
        for p in packs
    ]


def _write_cache(path: Path, packs: list[_Pack]) -> None:
    """Record the metadata. Never fails the run (a read-only cache folder is fine)."""
    data_packs = _packs_data(packs)
    for p in packs:  # a node class that cannot be found again by name: no cache at all
        for m, r in p.rules:
            probe = RuleRef.from_json(RuleRef.of(r, m, p.target).to_json(), p.target)
            try:
                if probe.nodes != r.nodes:
                    return
            except (ImportError, AttributeError):
                return
    try:
        key = _cache_key(data_packs)
        blob = marshal.dumps({"format": CACHE_FORMAT, "key": key, "packs": data_packs})
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(blob)
        tmp.replace(path)
    except (OSError, TypeError, ValueError):
        pass


@lru_cache(maxsize=1)
def rule_refs() -> tuple[RuleRef, ...]:
    """Every rule as a :class:`RuleRef`, in :func:`load_rules` order, from the registry cache.

    A hit imports no rule module; a miss (or no cache) imports them all and rewrites the cache.
    """
    path = cache_file()
    if path is not None:
        refs = _read_cache(path)
        if refs is not None:
            return refs
    packs = _load_packs()
    _signature[:] = _cache_key(_packs_data(packs))
    if path is not None:
        _write_cache(path, packs)
    return tuple(RuleRef.of(r, m, p.target) for p in packs for m, r in p.rules)


def installed_signature() -> list[Any]:
    """What the installed rules derive from: pgarch-lint's version, the interpreter, the
    installed distributions and every pack's source files (sizes and mtimes), as the registry
    cache compares them. The results cache keys on it."""
    rule_refs()
    return _signature
