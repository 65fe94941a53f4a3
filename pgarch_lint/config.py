"""Configuration: discovery, validation (pydantic) and rule selection.

Config lives in ``[tool.pgarch-lint]`` of ``pyproject.toml`` or at the top level of
``pgarch-lint.toml``, found by walking up from the current directory (``pgarch-lint.toml``
wins when both exist in one directory). Every problem is a :class:`ConfigError` with one line
that names the file and the key; the CLI prints it and exits 2.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar  # Any: TOML/JSON, pydantic, rule options

from pgarch_lint.analysis.name_templates import DEFAULTS, PLACEHOLDERS, template_error
from pgarch_lint.errors import ConfigError
from pgarch_lint.kinds import Category, Severity

if TYPE_CHECKING:
    from pydantic import ValidationError

    from pgarch_lint.api import RuleLike

R = TypeVar("R", bound="RuleLike")

DEFAULT_PG_VERSION = 17
PRESETS = ("recommended", "strict")
FAIL_ON = ("error", "warning", "info", "never")
CATEGORIES = tuple(c.value for c in Category)

NAMING_PLACEHOLDERS = PLACEHOLDERS
NAMING_DEFAULTS = DEFAULTS


@dataclass(frozen=True, slots=True)
class Naming:
    """Naming conventions: the name template of each kind of object, which of them the user
    set (the others may be inferred from the schema: see analysis/conventions.py), and whether to
    infer at all."""

    templates: Mapping[str, str] = field(default_factory=lambda: dict(NAMING_DEFAULTS))
    explicit: frozenset[str] = frozenset()
    infer: bool = True

    def template(self, kind: str) -> str:
        return self.templates.get(kind, "")


@dataclass(frozen=True, slots=True)
class Tenancy:
    """Multi-tenancy settings: tenant columns and the tables exempt from them."""

    tenant_columns: tuple[str, ...] = ("tenant_id",)
    global_tables: tuple[str, ...] = ()

    def is_global(self, qualified: str, name: str) -> bool:
        return any(
            fnmatch.fnmatchcase(qualified, p) or fnmatch.fnmatchcase(name, p)
            for p in self.global_tables
        )


@dataclass(slots=True)
class Settings:
    """The effective settings of a run (config file merged with the command line)."""

    pg_version: int = DEFAULT_PG_VERSION
    preset: str = "recommended"
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    fail_on: str = "warning"
    assume_in_transaction: bool | None = None
    lock_timeout_set_by_runner: bool = False
    exclude: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()  # what ``check`` with no PATHS checks (relative to ``root``)
    lint_down: bool = False
    migration_unit: str | None = None  # regex: group 1 of a file name is its migration unit
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    naming: Naming = field(default_factory=Naming)
    tenancy: Tenancy = field(default_factory=Tenancy)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    cache_dir: str | None = None  # the results cache folder (relative to ``root``)
    root: Path = field(default_factory=Path.cwd)  # directory globs are relative to
    source: str | None = None  # the config file used, if any (as messages name it)
    config_file: Path | None = None  # ... and its path


# --- discovery -----------------------------------------------------------------------------


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """Walk up from ``start``; return the first config file and its pgarch-lint table."""
    for d in (start, *start.parents):
        own = d / "pgarch-lint.toml"
        if own.is_file():
            return own, _read_toml(own)
        py = d / "pyproject.toml"
        if py.is_file():
            data = _read_toml(py)
            section = data.get("tool", {}).get("pgarch-lint")
            if section is not None:
                return py, {"tool": {"pgarch-lint": section}}
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):  # noqa: UP036 - tomli stays declared for older Pythons
        import tomllib  # here: a run without a config file does not pay for it
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def section_of(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    sec = data.get("tool", {}).get("pgarch-lint", {}) if path.name == "pyproject.toml" else data
    if not isinstance(sec, dict):
        raise ConfigError(f"{path}: [tool.pgarch-lint] must be a table")
    return sec


# --- validation ----------------------------------------------------------------------------


def _model() -> Any:
    """Build the pydantic model lazily: pydantic costs ~100 ms to import."""
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class _Base(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)

    class NamingModel(_Base):
        primary_key: str = Field(NAMING_DEFAULTS["primary-key"], alias="primary-key")
        foreign_key: str = Field(NAMING_DEFAULTS["foreign-key"], alias="foreign-key")
        unique: str = NAMING_DEFAULTS["unique"]
        index: str = NAMING_DEFAULTS["index"]
        check: str = NAMING_DEFAULTS["check"]
        exclusion: str = NAMING_DEFAULTS["exclusion"]
        primary_key_column: str = Field(
            NAMING_DEFAULTS["primary-key-column"], alias="primary-key-column"
        )
        foreign_key_column: str = Field(
            NAMING_DEFAULTS["foreign-key-column"], alias="foreign-key-column"
        )
        infer: bool = True

    class TenancyModel(_Base):
        tenant_columns: list[str] = Field(["tenant_id"], alias="tenant-columns")
        global_tables: list[str] = Field([], alias="global-tables")

    class ConfigModel(_Base):
        pg_version: int = Field(DEFAULT_PG_VERSION, alias="pg-version", ge=9, le=19)
        preset: Literal["recommended", "strict"] = "recommended"
        select: list[str] | None = None
        ignore: list[str] = []
        extend_select: list[str] = Field([], alias="extend-select")
        fail_on: Literal["error", "warning", "info", "never"] = Field("warning", alias="fail-on")
        assume_in_transaction: bool | None = Field(None, alias="assume-in-transaction")
        lock_timeout_set_by_runner: bool = Field(False, alias="lock-timeout-set-by-runner")
        exclude: list[str] = []
        paths: list[str] = []
        lint_down: bool = Field(False, alias="lint-down")
        migration_unit: str | None = Field(None, alias="migration-unit")
        severity: dict[str, Literal["error", "warning", "info"]] = {}
        per_file_ignores: dict[str, list[str]] = Field({}, alias="per-file-ignores")
        naming: NamingModel = NamingModel.model_validate({})
        tenancy: TenancyModel = TenancyModel.model_validate({})
        rules: dict[str, dict[str, Any]] = {}
        cache_dir: str | None = Field(None, alias="cache-dir")

        @field_validator("migration_unit")
        @classmethod
        def _unit_regex(cls, v: str | None) -> str | None:
            if v is not None:
                check_unit_regex(v)
            return v

    return ConfigModel


def _fmt_pydantic(path: str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err.get("loc", ()))
    typ = err.get("type", "")
    if typ == "extra_forbidden":
        return f"{path}: unknown key {loc!r}"
    if typ == "missing":
        return f"{path}: missing key {loc!r}"
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    if not loc:
        return f"{path}: {msg}"
    return f"{path}: key {loc!r}: {msg}"


def load_settings(
    config_file: Path | None = None,
    *,
    cwd: Path | None = None,
    start: Path | None = None,
    rules: Iterable[RuleLike] = (),
) -> Settings:
    """Find (from ``start``, default ``cwd``, upward) or read the config and validate it
    against the installed rules. Paths in it are relative to its folder; without a config
    file they are relative to ``cwd``."""
    cwd = cwd or Path.cwd()
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"{config_file}: config file not found")
        raw = section_of(config_file, _read_toml(config_file))
        found: tuple[Path, dict[str, Any]] | None = (config_file, raw)
    else:
        hit = find_config(start or cwd)
        found = None if hit is None else (hit[0], section_of(hit[0], hit[1]))
    if found is None:
        return Settings(root=cwd)
    path, raw = found
    label = str(path)
    if path.name == "pyproject.toml":
        label = f"{path} [tool.pgarch-lint]"
    m = validated(label, raw)
    naming_raw = {k.replace("_", "-"): v for k, v in m["naming"].items() if k != "infer"}
    for kind, tmpl in naming_raw.items():
        check_template(label, kind, tmpl)
    raw_naming = raw.get("naming", {})
    explicit = frozenset(
        k.replace("_", "-") for k in (raw_naming if isinstance(raw_naming, dict) else ())
    ) - {"infer"}
    s = Settings(
        pg_version=m["pg_version"],
        preset=m["preset"],
        select=tuple(m["select"]) if m["select"] is not None else None,
        ignore=tuple(m["ignore"]),
        extend_select=tuple(m["extend_select"]),
        fail_on=m["fail_on"],
        assume_in_transaction=m["assume_in_transaction"],
        lock_timeout_set_by_runner=m["lock_timeout_set_by_runner"],
        exclude=tuple(m["exclude"]),
        paths=tuple(m["paths"]),
        lint_down=m["lint_down"],
        migration_unit=m.get("migration_unit"),
        severity=dict(m["severity"]),
        per_file_ignores={k: tuple(v) for k, v in m["per_file_ignores"].items()},
        naming=Naming(naming_raw, explicit, bool(m["naming"]["infer"])),
        tenancy=Tenancy(
            tuple(m["tenancy"]["tenant_columns"]), tuple(m["tenancy"]["global_tables"])
        ),
        rule_options={k: dict(v) for k, v in m["rules"].items()},
        cache_dir=m.get("cache_dir"),
        root=path.parent,
        source=label,
        config_file=path,
    )
    resolve_names(s, list(rules), label)
    return s


def cache_dir() -> Path | None:
    """Where pgarch-lint may cache derived data (never in the user's project)."""
    if os.environ.get("PGARCH_LINT_NO_CACHE"):
        return None
    base = os.environ.get("PGARCH_LINT_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "pgarch-lint" if xdg else Path.home() / ".cache" / "pgarch-lint"


def validated(label: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The config section validated by the pydantic model, as plain data.

    pydantic costs ~100 ms to import and build the model, more than linting a migration, so
    the result for an unchanged config section is cached (keyed by pgarch-lint's version, the
    files that define the model and its defaults, and the section's content) and pydantic is
    only loaded when the config changes. A config that fails validation is never cached.
    """
    import json

    try:  # the builtin module: hashlib would load OpenSSL first (~2.5 ms)
        from _sha256 import sha256
    except ImportError:  # pragma: no cover - not CPython
        from hashlib import sha256

    from pgarch_lint import __version__
    from pgarch_lint.analysis import name_templates  # the defaults

    model_files: list[list[int] | None] = []
    for f in (__file__, name_templates.__file__):
        try:
            st = os.stat(f)
            model_files.append([st.st_size, st.st_mtime_ns])
        except OSError:
            model_files.append(None)
    key = sha256(
        json.dumps([__version__, model_files, raw], sort_keys=True, default=repr).encode()
    ).hexdigest()[:32]
    folder = cache_dir()
    entry = folder / f"config-{key}.json" if folder is not None else None
    if entry is not None:
        try:
            data: dict[str, Any] = json.loads(entry.read_text(encoding="utf-8"))
            return data
        except (OSError, ValueError):
            pass
    from pydantic import ValidationError

    try:
        m = _model().model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_fmt_pydantic(label, exc)) from None
    data = m.model_dump(mode="json")
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            tmp.replace(entry)
        except OSError:
            pass  # a read-only home is fine: validate every time
    return data


def check_unit_regex(pattern: str) -> None:
    """``migration-unit`` must compile and have a capture group (the unit key)."""
    try:
        groups = re.compile(pattern).groups
    except re.error as exc:
        raise ValueError(f"invalid regular expression '{pattern}': {exc}") from None
    if groups < 1:
        raise ValueError(
            f"'{pattern}' has no capture group: group 1 must capture the unit key "
            "(e.g. '^(\\d{14})\\d{6}_')"
        )


def check_template(label: str, kind: str, template: str) -> None:
    problem = template_error(kind, template)
    if problem is not None:
        raise ConfigError(f"{label}: naming.{kind}: {problem}")


def alias_targets(rules: Iterable[RuleLike]) -> dict[str, tuple[str, ...]]:
    """Every alias a rule declares (namespaced like its rule) and the rules it names."""
    out: dict[str, list[str]] = {}
    for r in rules:
        for a in r.aliases:
            out.setdefault(a if r.pack is None else f"{r.pack}/{a}", []).append(r.qualified_name)
    return {a: tuple(names) for a, names in out.items()}


def resolve_names(s: Settings, rules: list[RuleLike], label: str) -> None:
    """Check every rule name the settings give and replace aliases by the rules they name
    (``prefer-timestamp-tz`` -> ``prefer-timestamptz``); an unknown name is a ConfigError."""
    if not rules:
        return
    known = {r.qualified_name for r in rules}
    aliases = alias_targets(rules)

    def resolve(key: str, names: Iterable[str], categories_ok: bool = True) -> tuple[str, ...]:
        out: list[str] = []
        for n in names:
            if n in known or (categories_ok and (n in CATEGORIES or n == "all")):
                out.append(n)
            elif n in aliases:
                out.extend(aliases[n])
            else:
                hint = _suggest(n, [*known, *aliases])
                raise ConfigError(f"{label}: {key}: unknown rule {n!r}{hint}")
        return tuple(dict.fromkeys(out))

    def resolve_keys(key: str, table: dict[str, Any]) -> dict[str, Any]:
        # a rule's own name wins over an alias that also names it
        out = {t: v for n, v in table.items() if n not in known for t in resolve(key, [n], False)}
        out.update({n: v for n, v in table.items() if n in known})
        return out

    if s.select is not None:
        s.select = resolve("select", s.select)
    s.ignore = resolve("ignore", s.ignore)
    s.extend_select = resolve("extend-select", s.extend_select)
    s.severity = resolve_keys("severity", s.severity)
    s.per_file_ignores = {
        pat: resolve(f"per-file-ignores.{pat!r}", names)
        for pat, names in s.per_file_ignores.items()
    }
    s.rule_options = resolve_keys("rules", s.rule_options)
    by_name = {r.qualified_name: r for r in rules}
    for name, opts in s.rule_options.items():
        r = by_name[name]
        if r.options is None:
            if opts:
                raise ConfigError(f"{label}: rules.{name}: this rule takes no options")
            continue
        build_options(r, opts, label)


def build_options(r: RuleLike, raw: Mapping[str, Any], label: str) -> Any:
    """The rule's options dataclass filled from config keys (kebab-case); defaults need no
    pydantic, set values are validated with it."""
    import dataclasses

    assert r.options is not None
    fields = {f.name.replace("_", "-"): f for f in dataclasses.fields(r.options)}
    for key in raw:
        if key not in fields:
            hint = _suggest(key, fields)
            raise ConfigError(f"{label}: rules.{r.qualified_name}: unknown option {key!r}{hint}")
    if not raw:
        return r.options()
    from pydantic import TypeAdapter, ValidationError

    data = {fields[k].name: (tuple(v) if isinstance(v, list) else v) for k, v in raw.items()}
    try:
        return TypeAdapter(r.options).validate_python(data)
    except ValidationError as exc:
        raise ConfigError(_fmt_pydantic(f"{label}: rules.{r.qualified_name}", exc)) from None


def _suggest(name: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known) + list(CATEGORIES), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- selection -----------------------------------------------------------------------------


def _matches(r: RuleLike, names: Iterable[str]) -> bool:
    return any(n in (r.qualified_name, r.category.value, "all") for n in names)


def select_rules(rules: Iterable[R], s: Settings) -> list[R]:
    """Apply preset, select, extend-select and ignore (in that order)."""
    out = []
    for r in rules:
        if s.select is not None:
            on = _matches(r, s.select)
        else:
            on = r.default or (s.preset == "strict" and r.strict)
        if _matches(r, s.extend_select):
            on = True
        if _matches(r, s.ignore):
            on = False
        if on:
            out.append(r)
    return out


def effective_severity(r: RuleLike, s: Settings) -> Severity:
    return Severity(s.severity.get(r.qualified_name, r.severity.value))


def rule_options(r: RuleLike, s: Settings) -> Any:
    if r.options is None:
        return None
    return build_options(r, s.rule_options.get(r.qualified_name, {}), s.source or "config")


_NONE: frozenset[str] = frozenset()


def ignored_for_path(rel_path: str, s: Settings) -> frozenset[str]:
    """Rule names and categories ignored for one file by ``per-file-ignores`` (usually none:
    then one shared empty set, not a set per file of a long history: ``frozenset()`` makes a
    new one each time)."""
    if not s.per_file_ignores:
        return _NONE
    name = Path(rel_path).name
    out: set[str] = set()
    for pat, names in s.per_file_ignores.items():
        if fnmatch.fnmatchcase(rel_path, pat) or fnmatch.fnmatchcase(name, pat):
            out.update(names)
    return frozenset(out)


def fail_threshold(fail_on: str) -> int:
    return {"error": 3, "warning": 2, "info": 1, "never": 99}[fail_on]
