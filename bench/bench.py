"""pgarch-lint benchmark: ``python bench/bench.py`` (see docs/performance.md).

Workloads
  W1  a large pg_dump-style schema: generated (--size MB, default 1 and 2 for the linearity
      check, plus 0.5 MB for the squawk comparison) and the largest corpus schema file
  W2  whole migration histories: the real ones of ../shared/corpus (792 files) and a
      generated Flyway-style history of 1,200 small migrations (and one of 13,500, 3 MB, for
      the peak memory)
  W3  one small migration, as a pre-commit hook runs it (wall time of the whole process)

For each it prints seconds (median of --repeat runs), MB/s, statements/s and the peak RSS of the
pgarch-lint process (its workers, with --jobs, are not counted: see docs/performance.md); when ``squawk`` (pip install squawk-cli) and ``sqlfluff`` are on PATH it runs them
on the same input in the same run and prints the ratios.

The results cache: every "cold" run starts from an empty cache folder of its own (it pays for
writing the cache). The W2 histories are also run "warm" (nothing changed since the previous
run) and "one file changed" (a comment appended to the last file of the history before each
run, on a copy of it), each compared with squawk's time on the same files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
PY = sys.executable
SQUAWK: str | None = None  # --squawk, else squawk on PATH


def generate_dump(target_bytes: int) -> str:
    """A pg_dump --schema-only look-alike: tables, sequences, defaults, PKs, FKs, indexes,
    comments, functions, grants; ASCII with a few non-ASCII comments like real dumps."""
    out = [
        "--\n-- PostgreSQL database dump\n--\n",
        "SET statement_timeout = 0;\nSET lock_timeout = 0;\n",
        "SELECT pg_catalog.set_config('search_path', '', false);\n",
        "CREATE SCHEMA app;\n",
    ]
    size = sum(map(len, out))
    i = 0
    while size < target_bytes:
        t = f"app.t{i}"
        block = (
            f"\n-- Name: t{i}; Type: TABLE; Schema: app; Owner: app — größe\n--\n\n"
            f"CREATE TABLE {t} (\n    id bigint NOT NULL,\n    tenant_id bigint NOT NULL,\n"
            f"    name text NOT NULL,\n    status character varying(32) DEFAULT 'new'::character varying,\n"
            f"    payload jsonb,\n    parent_id bigint,\n    created_at timestamp with time zone DEFAULT now() NOT NULL\n);\n\n"
            f"ALTER TABLE {t} OWNER TO app;\n"
            f"COMMENT ON TABLE {t} IS 'table number {i}';\n"
            f"CREATE SEQUENCE {t}_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;\n"
            f"ALTER SEQUENCE {t}_id_seq OWNED BY {t}.id;\n"
            f"ALTER TABLE ONLY {t} ALTER COLUMN id SET DEFAULT nextval('{t}_id_seq'::regclass);\n"
            f"ALTER TABLE ONLY {t}\n    ADD CONSTRAINT t{i}_pkey PRIMARY KEY (id);\n"
            f"CREATE INDEX t{i}_tenant_id_idx ON {t} USING btree (tenant_id, created_at);\n"
            f"CREATE INDEX t{i}_payload_idx ON {t} USING gin (payload jsonb_path_ops);\n"
        )
        if i:
            block += (
                f"ALTER TABLE ONLY {t}\n    ADD CONSTRAINT t{i}_parent_fkey FOREIGN KEY (parent_id) "
                f"REFERENCES app.t{i - 1}(id) ON DELETE CASCADE;\n"
            )
        if i % 10 == 0:
            block += (
                f"CREATE FUNCTION app.f{i}(p bigint) RETURNS bigint\n    LANGUAGE plpgsql\n    AS $$\n"
                f"BEGIN\n  RETURN (SELECT count(*) FROM {t} WHERE parent_id = p);\nEND\n$$;\n"
                f"GRANT SELECT ON TABLE {t} TO reader;\n"
            )
        out.append(block)
        size += len(block)
        i += 1
    return "".join(out)


def generate_history(folder: Path, files: int) -> None:
    """A Flyway-style migration history: ``files`` small migrations that build a schema step
    by step (tables with foreign keys, added columns, concurrent indexes, backfills, checks
    added NOT VALID then validated, comments, a view, renames and drops now and then)."""
    folder.mkdir(parents=True, exist_ok=True)
    tables: list[str] = []
    for n in range(1, files + 1):
        i = len(tables)
        kind = n % 7
        if kind in (1, 4) or len(tables) < 3:
            t = f"t{i}"
            ref = (
                f"\n    parent_id bigint REFERENCES {tables[-1]} (id) ON DELETE CASCADE,"
                if tables
                else ""
            )
            body = (
                f"CREATE TABLE {t} (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,{ref}\n"
                f"    tenant_id bigint NOT NULL,\n    name text NOT NULL,\n"
                f"    created_at timestamptz NOT NULL DEFAULT now()\n);\n"
                f"COMMENT ON TABLE {t} IS 'step {n}';\n"
            )
            if tables:
                body += f"CREATE INDEX CONCURRENTLY ix_{t}__parent_id ON {t} (parent_id);\n"
            tables.append(t)
        elif kind == 2:
            t = tables[n % len(tables)]
            body = (
                f"ALTER TABLE {t} ADD COLUMN c{n} integer;\n"
                f"UPDATE {t} SET c{n} = 0 WHERE c{n} IS NULL;\n"
                f"ALTER TABLE {t} ADD CONSTRAINT ck_{t}_c{n} CHECK (c{n} >= 0) NOT VALID;\n"
                f"ALTER TABLE {t} VALIDATE CONSTRAINT ck_{t}_c{n};\n"
            )
        elif kind == 3:
            t = tables[n % len(tables)]
            body = (
                "SET lock_timeout = '2s';\n"
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_{t}__tenant_created_{n} "
                f"ON {t} (tenant_id, created_at);\n"
            )
        elif kind == 5:
            t = tables[n % len(tables)]
            body = (
                f"CREATE OR REPLACE VIEW v{n} AS\n  SELECT id, name FROM {t} WHERE tenant_id = 1;\n"
                f"ALTER TABLE {t} ALTER COLUMN name SET NOT NULL;\n"
            )
        else:
            t = tables[n % len(tables)]
            body = (
                f"ALTER TABLE {t} ADD COLUMN IF NOT EXISTS note{n} varchar(255);\n"
                f"ALTER TABLE {t} RENAME COLUMN note{n} TO remark{n};\n"
                f"DROP INDEX IF EXISTS ix_missing_{n};\n"
            )
        (folder / f"V{n}__step_{n}.sql").write_text(f"-- migration {n}\n{body}")


# Children may write bytecode (an installed package has its .pyc files; some shells export
# PYTHONDONTWRITEBYTECODE, which would make every run recompile every module).
# The user-level caches (registry, configuration) stay where they are, warm, as in real use;
# the results cache goes to the folder each workload runs in (see CacheDirs).
ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in ("PYTHONDONTWRITEBYTECODE", "PGARCH_LINT_CACHE_DIR", "PGARCH_LINT_NO_CACHE")
}


def run(
    cmd: list[str],
    repeat: int,
    warm_up: bool = True,
    prepare: Callable[[], Path] | None = None,
) -> tuple[float, int, int]:
    """Median wall seconds (after one warm-up run), peak RSS (KiB) of the children, exit code.
    ``prepare`` is called before every run (the warm-up too) and gives its working folder."""
    times, code, peak = [], 0, 0
    if warm_up:
        cwd = prepare() if prepare else None
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, cwd=cwd)
    for _ in range(repeat):
        cwd = prepare() if prepare else None
        t0 = time.perf_counter()
        p = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, cwd=cwd
        )
        _, status, usage = os.wait4(p.pid, 0)  # this process's own peak (not its workers')
        times.append(time.perf_counter() - t0)
        p.returncode = code = os.waitstatus_to_exitcode(status)
        peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), peak, code


class CacheDirs:
    """Where the runs of one workload run: pgarch-lint keeps its results cache in
    ``.pgarch-lint-cache`` of that folder (no configuration file above the inputs). A cold run
    starts without it; the warm and one-file-changed runs keep it."""

    def __init__(self, base: Path) -> None:
        self.base = base
        base.mkdir(parents=True)

    def cold(self) -> Path:
        shutil.rmtree(self.base / ".pgarch-lint-cache", ignore_errors=True)
        return self.base

    def warm(self) -> Path:
        return self.base


def last_file(paths: list[Path]) -> Path:
    """The file pgarch-lint replays last (natural order of every path)."""
    sys.path.insert(0, str(ROOT))
    from pgarch_lint.files import natural_key

    return max(sql_files(paths), key=lambda p: natural_key(str(p)))


def count_statements(paths: list[Path]) -> int:
    sys.path.insert(0, str(ROOT))
    from pgarch_lint.source import load_source

    return sum(len(load_source(p.read_bytes(), str(p)).chunks) for p in paths)


def sql_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(f for f in p.rglob("*.sql") if f.is_file()) if p.is_dir() else [p])
    return out


def report(
    name: str,
    paths: list[Path],
    repeat: int,
    extra: list[str],
    others: bool,
    tmp: Path,
    history: bool = False,
) -> float:
    """Time pgarch-lint (cold; for a ``history`` also warm and one file changed) and the
    other tools on ``paths``; returns the cold time."""
    if history:  # a copy: the one-file-changed runs edit its last file
        copy = tmp / f"copy-{len(list(tmp.iterdir()))}"
        copied = []
        for i, p in enumerate(paths):
            shutil.copytree(p, copy / str(i) / p.name)
            copied.append(copy / str(i) / p.name)
        paths = copied
    files = sql_files(paths)
    mb = sum(f.stat().st_size for f in files) / 1e6
    stmts = count_statements(files)
    cmd = [
        PY,
        "-m",
        "pgarch_lint",
        "check",
        *map(str, paths),
        "--quiet",
        "--fail-on",
        "never",
        *extra,
    ]
    dirs = CacheDirs(tmp / f"cache-{len(list(tmp.iterdir()))}")
    secs, rss, code = run(cmd, repeat, prepare=dirs.cold)
    print(
        f"{name:<34} {secs:8.3f} s {mb / secs:8.2f} MB/s {stmts / secs:10.0f} stmt/s "
        f"{rss / 1024:7.0f} MB peak  ({len(files)} files, {mb:.2f} MB, {stmts} statements, exit {code})"
    )
    s_secs = None
    if others and SQUAWK:
        # squawk is quadratic in a file's size: one run (no warm-up) past 1 MB
        big = mb > 1.5
        s_secs, _, _ = run([SQUAWK, *map(str, files)], 1 if big else repeat, warm_up=not big)
        print(f"{'  squawk':<34} {s_secs:8.3f} s   ratio pgarch-lint/squawk = {secs / s_secs:.2f}")
    if history:
        warm, w_rss, _ = run(cmd, repeat, prepare=dirs.warm)
        edited = last_file(paths)
        n = [0]

        def change() -> Path:
            n[0] += 1
            with edited.open("a", encoding="utf-8") as fh:
                fh.write(f"\n-- edit {n[0]}\n")
            return dirs.warm()

        changed, c_rss, _ = run(cmd, repeat, prepare=change)
        for label, t, peak in (("warm", warm, w_rss), ("one file changed", changed, c_rss)):
            ratio = f"   ratio pgarch-lint/squawk = {t / s_secs:.2f}" if s_secs else ""
            print(f"{'  ' + label:<34} {t:8.3f} s {peak / 1024:7.0f} MB peak{ratio}")
        fluff = shutil.which("sqlfluff")
        if fluff and mb < 0.6:
            # sqlfluff skips files over 20 kB unless told otherwise; one run, no warm-up (slow)
            cfg = Path(tempfile.gettempdir()) / "pgarch-lint-bench.sqlfluff"
            cfg.write_text("[sqlfluff]\nlarge_file_skip_byte_limit = 0\n")
            f_cmd = [fluff, "lint", "--dialect", "postgres", "--config", str(cfg), *map(str, files)]
            f_secs, _, _ = run(f_cmd, 1, warm_up=False)
            print(
                f"{'  sqlfluff':<34} {f_secs:8.3f} s   ratio sqlfluff/pgarch-lint = {f_secs / secs:.2f}"
            )
    return secs


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--size", type=float, default=1.0, help="W1 generated size in MB")
    ap.add_argument("--jobs", default=None, help="pass --jobs N to pgarch-lint")
    ap.add_argument("--squawk", default=shutil.which("squawk"), help="squawk's binary")
    ap.add_argument("--only", default=None, help="run only the workloads whose name has this")
    args = ap.parse_args()
    global SQUAWK
    SQUAWK = args.squawk
    extra = ["--jobs", args.jobs] if args.jobs else []
    os.chdir(ROOT)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}")
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp) / "inputs"
        runs = Path(tmp) / "runs"
        t.mkdir()
        runs.mkdir()

        def wanted(name: str) -> bool:
            return args.only is None or args.only.lower() in name.lower()

        def bench(name: str, paths: list[Path], repeat: int = args.repeat, **kw: Any) -> float:
            if not wanted(name):
                return float("nan")
            return report(name, paths, repeat, extra, True, runs, **kw)

        half = t / "dump_0.5mb.sql"
        half.write_text(generate_dump(500_000))
        one = t / f"dump_{args.size:g}mb.sql"
        one.write_text(generate_dump(int(args.size * 1e6)))
        two = t / f"dump_{2 * args.size:g}mb.sql"
        two.write_text(generate_dump(int(2 * args.size * 1e6)))
        bench("W1 generated dump 0.5 MB", [half])
        a = bench(f"W1 generated dump {args.size:g} MB", [one])
        b = bench(f"W1 generated dump {2 * args.size:g} MB", [two])
        if wanted("W1 generated"):
            print(f"{'  linearity (2x input)':<34} {b / a:8.2f} x time")
        if CORPUS.is_dir():
            bench("W1 corpus hatchet v1-core.sql", [CORPUS / "hatchet/sql/schema/v1-core.sql"])
            hist = [
                CORPUS / d
                for d in ("langfuse", "hatchet/cmd", "supabase_postgres", "kestra", "supabase_auth")
            ]
            bench("W2 corpus migration histories", hist, history=True)
            bench("W2 corpus langfuse (Prisma)", [CORPUS / "langfuse"], history=True)
            bench("W2 corpus hatchet (goose)", [CORPUS / "hatchet/cmd"], history=True)
        hist_dir = t / "history"
        generate_history(hist_dir, 1200)
        bench("W2 generated history (1,200 files)", [hist_dir], history=True)
        if wanted("W2 generated history of 3 MB"):  # the memory goal: peak RSS on 3 MB
            big_dir = t / "history-3mb"
            generate_history(big_dir, 13_500)
            bench("W2 generated history of 3 MB", [big_dir], max(1, args.repeat // 2))
        small = t / "small" / "0042_add_index.sql"
        small.parent.mkdir()
        small.write_text("CREATE INDEX CONCURRENTLY ix_orders__status ON orders (status);\n")
        w3 = bench("W3 one small migration", [small], max(args.repeat, 5))
        if wanted("W3"):
            base, _, _ = run(
                [PY, "-c", "import pglast; pglast.parse_sql('select 1')"], max(args.repeat, 5)
            )
            print(
                f"{'  python -c import pglast; parse':<34} {base:8.3f} s   ratio = {w3 / base:.2f}"
            )


if __name__ == "__main__":
    main()
