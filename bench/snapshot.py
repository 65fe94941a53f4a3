"""Snapshot pgarch-lint's output on the examples and the shared corpus, and compare two snapshots.

    python bench/snapshot.py take OUT_DIR [--pgarch-lint CMD]     # run every unit, write JSON
    python bench/snapshot.py diff OLD_DIR NEW_DIR [--show N]       # per-rule counts, what changed

A *unit* is one `check` (and one `schema`) invocation: a corpus folder as its users would lint
it (a migration history, a pg_dump, sqlc queries with the schema as context) or an example folder.
`take` writes, per unit, `check --select all --format json` and `schema --format json` with the
run's absolute paths made relative, so two snapshots taken from two checkouts compare.

`diff` prints, per unit and rule, the finding counts before -> after, then every finding that
disappeared or appeared (rule, path:line, message), so each one can be read; and whether the
schema JSON is identical. Exit 0 when identical, 1 otherwise.

Use it before and after any change to rules, the catalog or the engine (docs/architecture.md).
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

# name -> (paths, extra arguments); paths relative to CORPUS unless they start with "examples".
UNITS: dict[str, tuple[list[str], list[str]]] = {
    "examples-migrations": (["examples/migrations"], []),
    "examples-multitenant": (["examples/multitenant"], []),
    "examples-multitenant_flawed": (["examples/multitenant_flawed"], []),
    "examples-queries": (["examples/queries.sql"], ["--context", "examples/multitenant"]),
    "danbooru": (["danbooru/db/structure.sql"], []),
    "hatchet": (["hatchet/cmd/hatchet-migrate/migrate/migrations"], []),
    "hatchet-schema": (["hatchet/sql/schema"], []),
    "hatchet_sqlc_queries": (
        ["hatchet_sqlc_queries/pkg/repository/sqlcv1"],
        ["--context", "hatchet/sql/schema"],
    ),
    "kestra": (["kestra"], []),
    "langfuse": (["langfuse"], []),
    "ory_keto": (["ory_keto"], []),
    "postgres_regress": (["postgres_regress"], []),
    "supabase_auth": (["supabase_auth/migrations"], []),
    "supabase_postgres": (["supabase_postgres/migrations"], []),
}


def _resolve(arg: str) -> str:
    return str(ROOT / arg) if arg.startswith("examples") else str(CORPUS / arg)


def _relativise(text: str) -> str:
    return text.replace(str(CORPUS) + "/", "").replace(str(ROOT) + "/", "")


def take(out: Path, command: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, (paths, extra) in UNITS.items():
        if not all(Path(_resolve(p)).exists() for p in paths):
            print(f"skip {name}: absent", file=sys.stderr)
            continue
        args = [_resolve(p) for p in paths]
        extra = [_resolve(a) if i % 2 else a for i, a in enumerate(extra)]
        check = subprocess.run(
            [
                *command,
                "check",
                *args,
                *extra,
                "--select",
                "all",
                "--format",
                "json",
                "--fail-on",
                "never",
                "--no-progress",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if check.returncode != 0:
            sys.exit(f"{name}: check exited {check.returncode}: {check.stderr.strip()[:500]}")
        (out / f"{name}.check.json").write_text(_relativise(check.stdout))
        schema = subprocess.run(
            [*command, "schema", *args, *extra, "--format", "json"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if schema.returncode != 0:
            sys.exit(f"{name}: schema exited {schema.returncode}: {schema.stderr.strip()[:500]}")
        (out / f"{name}.schema.json").write_text(_relativise(schema.stdout))
        print(f"{name}: {len(json.loads(check.stdout)['findings'])} findings", file=sys.stderr)


def _findings(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return list(json.loads(path.read_text())["findings"])


def _key(f: dict[str, object]) -> tuple[object, ...]:
    return (f["rule"], f["path"], f["line"], f["column"], f["message"])


def diff(old: Path, new: Path, show: int) -> int:
    changed = False
    totals_old: Counter[str] = Counter()
    totals_new: Counter[str] = Counter()
    for name in UNITS:
        a = _findings(old / f"{name}.check.json")
        b = _findings(new / f"{name}.check.json")
        ca = Counter(str(f["rule"]) for f in a)
        cb = Counter(str(f["rule"]) for f in b)
        totals_old.update(ca)
        totals_new.update(cb)
        ka = Counter(_key(f) for f in a)
        kb = Counter(_key(f) for f in b)
        gone = ka - kb
        came = kb - ka
        schema_a = old / f"{name}.schema.json"
        schema_b = new / f"{name}.schema.json"
        same_schema = schema_a.exists() == schema_b.exists() and (
            not schema_a.exists() or schema_a.read_bytes() == schema_b.read_bytes()
        )
        if not gone and not came and same_schema:
            continue
        changed = True
        print(
            f"## {name}: {len(a)} -> {len(b)} findings"
            + ("" if same_schema else "; schema JSON differs")
        )
        for rule in sorted(set(ca) | set(cb)):
            if ca[rule] != cb[rule]:
                print(f"   {rule}: {ca[rule]} -> {cb[rule]}")
        for label, items in (("-", gone), ("+", came)):
            for n, (rule, path, line, _col, message) in enumerate(
                sorted(items.elements(), key=str)
            ):
                if n == show:
                    print(f"   {label} ... {sum(items.values()) - show} more")
                    break
                print(f"   {label} {rule} {path}:{line}: {message}")
    print("## totals (all units)")
    for rule in sorted(set(totals_old) | set(totals_new)):
        mark = "" if totals_old[rule] == totals_new[rule] else "  *"
        print(f"   {rule}: {totals_old[rule]} -> {totals_new[rule]}{mark}")
    print(f"   all: {sum(totals_old.values())} -> {sum(totals_new.values())}")
    return 1 if changed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("take")
    t.add_argument("out", type=Path)
    t.add_argument(
        "--pgarch-lint",
        default=f"{sys.executable} -m pgarch_lint",
        help="command that runs the pgarch-lint to snapshot",
    )
    d = sub.add_parser("diff")
    d.add_argument("old", type=Path)
    d.add_argument("new", type=Path)
    d.add_argument("--show", type=int, default=40, help="findings listed per unit and direction")
    args = parser.parse_args()
    if args.cmd == "take":
        take(args.out, shlex.split(args.pgarch_lint))
    else:
        sys.exit(diff(args.old, args.new, args.show))


if __name__ == "__main__":
    main()
