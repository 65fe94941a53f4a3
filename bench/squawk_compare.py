"""Compare pgarch-lint with squawk, rule by rule, on a folder of example files.

    python bench/squawk_compare.py EXAMPLES [--squawk PATH] [--pgarch-lint CMD]
                                   [--pg-version N] [--rules a,b] [--jobs N]
                                   [--assume-in-transaction] [--known TSV] [--json OUT] [--all]

EXAMPLES holds one folder per squawk rule, named after it, with one SQL file per example
(`EXAMPLES/<squawk-rule>/NN.sql`; an `INDEX.tsv` beside them, if present, is not read). The
examples are reference data and live outside this repository (see the issue-19 notes).

For every file of a rule folder the script runs

- squawk (default `/tmp/squawk-venv/bin/squawk`) with `--reporter=json --include=<rule>`
  (every file of the rule in one call: squawk checks each file on its own), and
- pgarch-lint (default: the `pgarch-lint` beside this interpreter) with
  `check --format json --select <our rule>,syntax-error`, one process per file so that each
  file is replayed into an empty catalog, as squawk sees it; `--jobs` processes at a time.

Both get the same `--pg-version` (default 16), except for the rules in `PG_VERSION_FOR`, whose
squawk counterpart only exists from a later version (squawk's `prefer-repack` is silent before
PostgreSQL 19, the version its page is written for): both tools then get that version.

Our counterpart of a squawk rule is the rule of the same name, or one that lists the squawk
name among its `aliases` in `pgarch-lint rules --format json`, or, failing both, the entry of
`ALIASES` below (squawk names whose rule we have under another name). A squawk rule without a
counterpart is counted apart ("no counterpart"). A folder named after a squawk documentation
page whose rule squawk reports under another name (`SQUAWK_NAME`: the page `prefer-timestamptz`
is the rule `prefer-timestamp-tz`) is run and read under squawk's name.

A file is *squawk-bad* when squawk reports the rule on it, *squawk-good* when squawk parsed it
and found nothing; a file squawk stopped on with a syntax error, finding nothing, was not judged
by squawk and counts neither way (listed apart). Per rule
the report prints "bad flagged by us x/y" (squawk-bad files where we report the counterpart at
least once) and "good silent x/y" (squawk-good files where we report nothing), then the totals
over the rules we share (same name or alias), and every disagreement at statement level: the
file, the statement's first line, and what each tool said about it (a statement one tool reports
and the other does not; a file where a tool saw a syntax error is marked so). `--all` also lists
disagreements of rules without a counterpart (squawk's findings we have no rule for).

`--known TSV` explains disagreements that are understood (deliberate differences, or owned by
other work): one `path<TAB>line<TAB>reason` per statement (`line` is the statement's first line,
as printed); they are printed with their reason and counted apart from the open ones.

The exit code is 0; the script measures, it does not judge. `--json OUT` writes the per-file
results for further processing. Standard library only; a run over the ~115 documented examples
takes about ten seconds with `--jobs 2`.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

SQUAWK = "/tmp/squawk-venv/bin/squawk"
DEFAULT_PG_VERSION = 16

# squawk name -> our rule of another name (until the registry knows the alias itself)
ALIASES = {
    "ban-truncate-cascade": "ban-truncate",
    "prefer-repack": "ban-vacuum-full-and-cluster",
    "adding-serial-primary-key-field": "adding-primary-key-constraint",
    "prefer-timestamp-tz": "prefer-timestamptz",
}

# doc page name -> the name squawk 2.70 reports the rule under (and accepts in --include)
SQUAWK_NAME = {"prefer-timestamptz": "prefer-timestamp-tz"}

# squawk rules that squawk 2.70 itself reports under other names (its own aliases)
SQUAWK_REPORTS_AS = {
    "require-timeout-settings": ("require-lock-timeout", "require-statement-timeout"),
}

# rules whose squawk side only fires from a later PostgreSQL version than the run's
PG_VERSION_FOR = {"prefer-repack": 19}

SYNTAX = "syntax-error"


# --- statements ---------------------------------------------------------------------------------


def statement_spans(text: str) -> list[tuple[int, int]]:
    """(first line, last line), 1-based, of each statement: split on top-level semicolons.

    Quotes ('..', "..", E'..' with backslashes, $tag$..$tag$) and comments (--, nested /* */)
    are skipped; a statement starts at its first character that is not blank or comment. A
    trailing statement without semicolon counts too. Good enough to place findings, not a parser.
    """
    spans: list[tuple[int, int]] = []
    i, n, line = 0, len(text), 1
    start: int | None = None
    last = 1  # line of the last character that is not blank or comment

    def advance(to: int) -> None:
        nonlocal i, line
        line += text.count("\n", i, to)
        i = to

    while i < n:
        c = text[i]
        if c == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            advance(n if end < 0 else end)
            continue
        if c == "/" and text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            advance(j)
            continue
        if c.isspace():
            advance(i + 1)
            continue
        if start is None:
            start = line
        last = line
        if c == ";":
            spans.append((start, line))
            start = None
            advance(i + 1)
            continue
        if c in "'\"":
            escapes = c == "'" and i > 0 and text[i - 1] in "eE"
            j = i + 1
            while j < n:
                if escapes and text[j] == "\\":
                    j += 2
                    continue
                if text[j] == c:
                    if text.startswith(c * 2, j):
                        j += 2
                        continue
                    break
                j += 1
            advance(min(j + 1, n))
            last = line
            continue
        if c == "$":
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            if j < n and text[j] == "$" and not text[i + 1 : j][:1].isdigit():
                tag = text[i : j + 1]
                end = text.find(tag, j + 1)
                advance(n if end < 0 else end + len(tag))
                last = line
                continue
        advance(i + 1)
    if start is not None:
        spans.append((start, last))
    return spans


def statement_of(spans: list[tuple[int, int]], line: int) -> int:
    """Index of the statement a finding on `line` belongs to (the next one if between two)."""
    for k, (_first, last) in enumerate(spans):
        if line <= last:
            return k
    return max(len(spans) - 1, 0)


# --- running the tools ---------------------------------------------------------------------------


@dataclass
class Finding:
    line: int  # 1-based
    message: str


@dataclass
class FileResult:
    rule: str  # squawk's name
    ours: str | None  # our counterpart
    path: str  # relative to EXAMPLES
    squawk: list[Finding] = field(default_factory=list)
    pgarch: list[Finding] = field(default_factory=list)
    squawk_syntax: bool = False
    pgarch_syntax: bool = False
    error: str = ""  # a tool that did not answer with JSON

    @property
    def bad(self) -> bool:
        return bool(self.squawk)


def run_squawk(
    squawk: str, rule: str, files: list[Path], root: Path, pg: int, in_tx: bool, known: bool
) -> dict[str, tuple[list[Finding], bool, str]]:
    """squawk on every file of one rule; per file: findings of the rule, syntax error, error."""
    name = SQUAWK_NAME.get(rule, rule)
    cmd = [squawk, "--reporter=json", f"--pg-version={pg}"]
    if known:
        cmd.append(f"--include={name}")
    if in_tx:
        cmd.append("--assume-in-transaction")
    cmd += [str(f.relative_to(root)) for f in files]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
    out: dict[str, tuple[list[Finding], bool, str]] = {
        str(f.relative_to(root)): ([], False, "") for f in files
    }
    try:
        items = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        err = (proc.stderr or proc.stdout).strip().splitlines()[:1]
        return {k: ([], False, f"squawk: {err}") for k in out}
    names = SQUAWK_REPORTS_AS.get(rule, (name,))
    for item in items:
        found, syntax, err = out[item["file"]]
        if item["rule_name"] in names:
            found.append(Finding(item["line"] + 1, item["message"]))  # squawk's lines are 0-based
        elif item["rule_name"] == SYNTAX:
            syntax = True
        out[item["file"]] = (found, syntax, err)
    return out


def run_pgarch(
    cmd: list[str], ours: str, file: Path, root: Path, pg: int, in_tx: bool
) -> tuple[list[Finding], bool, str]:
    """pgarch-lint on one file: findings of our rule, syntax error seen, error text."""
    select = ours if ours == SYNTAX else f"{ours},{SYNTAX}"
    args = [*cmd, "check", "--format", "json", "--fail-on", "never", "--no-progress"]
    args += ["--jobs", "1", "--pg-version", str(pg), "--select", select]
    args.append("--assume-in-transaction" if in_tx else "--no-assume-in-transaction")
    args.append(str(file.relative_to(root)))
    proc = subprocess.run(args, cwd=root, capture_output=True, text=True, check=False)
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        err = (proc.stderr or proc.stdout).strip().splitlines()[-1:]
        return [], False, f"pgarch-lint: {err}"
    found = [Finding(f["line"], f["message"]) for f in doc["findings"] if f["rule"] == ours]
    syntax = any(f["rule"] == SYNTAX for f in doc["findings"])
    return found, syntax, ""


def our_counterparts(cmd: list[str]) -> dict[str, str]:
    """squawk name -> our rule: same names, registry aliases, then ALIASES."""
    proc = subprocess.run([*cmd, "rules", "--format", "json"], capture_output=True, text=True)
    rules = json.loads(proc.stdout)
    names = {r["name"] for r in rules}
    mapping = {n: n for n in names}
    for r in rules:
        for alias in r.get("aliases", ()):
            mapping.setdefault(alias, r["name"])
    for squawk_name, ours in ALIASES.items():
        if ours in names:
            mapping.setdefault(squawk_name, ours)
    return mapping


def squawk_knows(squawk: str, rule: str, root: Path) -> bool:
    """Whether squawk accepts the rule in --include (syntax-error, say, it does not)."""
    proc = subprocess.run(
        [squawk, f"--include={SQUAWK_NAME.get(rule, rule)}", "--reporter=json"],
        input="",
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
    )
    return "invalid rule name" not in proc.stderr


def collect(args: argparse.Namespace) -> list[FileResult]:
    root = Path(args.examples).resolve()
    cmd = shlex.split(args.pgarch_lint)
    mapping = our_counterparts(cmd)
    wanted = set(args.rules.split(",")) if args.rules else None
    rules = sorted(
        d.name for d in root.iterdir() if d.is_dir() and (wanted is None or d.name in wanted)
    )
    results: list[FileResult] = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        includable = pool.map(lambda r: squawk_knows(args.squawk, r, root), rules)
        known = dict(zip(rules, includable, strict=True))
        squawk_runs = {}
        for rule in rules:
            files = sorted((root / rule).glob("*.sql"))
            pg = PG_VERSION_FOR.get(rule, args.pg_version)
            squawk_runs[rule] = pool.submit(
                run_squawk,
                args.squawk,
                rule,
                files,
                root,
                pg,
                args.assume_in_transaction,
                known[rule],
            )
        ours_runs = []
        for rule in rules:
            ours = mapping.get(rule)
            pg = PG_VERSION_FOR.get(rule, args.pg_version)
            for f in sorted((root / rule).glob("*.sql")):
                res = FileResult(rule, ours, str(f.relative_to(root)))
                fut = (
                    pool.submit(run_pgarch, cmd, ours, f, root, pg, args.assume_in_transaction)
                    if ours
                    else None
                )
                ours_runs.append((res, fut))
        for res, fut in ours_runs:
            found, syntax, err = squawk_runs[res.rule].result()[res.path]
            res.squawk, res.squawk_syntax, res.error = found, syntax, err
            if fut is not None:
                found, syntax, err = fut.result()
                res.pgarch, res.pgarch_syntax = found, syntax
                res.error = "; ".join(e for e in (res.error, err) if e)
            results.append(res)
    return results


# --- report --------------------------------------------------------------------------------------


def _rate(x: int, y: int) -> str:
    return f"{x}/{y}" + (f" ({100 * x / y:.1f} %)" if y else "")


@dataclass
class Disagreement:
    path: str
    line: int  # the statement's first line
    statement: str  # its first line's text
    squawk: str  # squawk's message, "" when silent
    ours: str  # ours, "" when silent
    marks: str  # syntax errors seen in the file

    def key(self) -> tuple[str, int]:
        return self.path, self.line


def disagreements(res: FileResult, root: Path) -> tuple[list[Disagreement], int]:
    """The statements one tool reports and the other does not; and how many both report."""
    text = (root / res.path).read_text()
    lines = text.splitlines()
    spans = statement_spans(text)
    theirs: dict[int, Finding] = {}
    ours: dict[int, Finding] = {}
    for f in res.squawk:
        theirs.setdefault(statement_of(spans, f.line), f)
    for f in res.pgarch:
        ours.setdefault(statement_of(spans, f.line), f)
    marks = "".join(
        m
        for m, on in (
            (" [squawk: syntax error]", res.squawk_syntax),
            (" [ours: syntax error]", res.pgarch_syntax),
        )
        if on
    )
    out = []
    for k in sorted(set(theirs) ^ set(ours)):
        first = spans[k][0] if spans else 1
        stmt = lines[first - 1].strip() if first - 1 < len(lines) else ""
        f_theirs, f_ours = theirs.get(k), ours.get(k)
        out.append(
            Disagreement(
                res.path,
                first,
                stmt,
                f_theirs.message if f_theirs else "",
                f_ours.message if f_ours else "",
                marks,
            )
        )
    return out, len(set(theirs) & set(ours))


def read_known(path: str | None) -> dict[tuple[str, int], str]:
    """`--known` file: `path<TAB>line<TAB>reason` per explained disagreement (# comments)."""
    known: dict[tuple[str, int], str] = {}
    if path:
        for raw in Path(path).read_text().splitlines():
            if raw.strip() and not raw.startswith("#"):
                file, line, reason = raw.split("\t", 2)
                known[(file, int(line))] = reason
    return known


def report(results: list[FileResult], args: argparse.Namespace) -> str:
    root = Path(args.examples).resolve()
    known = read_known(args.known)
    out: list[str] = []
    pg_note = ", ".join(f"{r}: {v}" for r, v in PG_VERSION_FOR.items())
    out.append(
        f"squawk vs pgarch-lint on {len(results)} example files, --pg-version {args.pg_version}"
        f" ({pg_note}), assume-in-transaction {'on' if args.assume_in_transaction else 'off'}"
    )
    out.append("")
    out.append(f"{'squawk rule':44} {'our rule':36} {'bad flagged':>12} {'good silent':>12}")
    files = [0, 0, 0, 0]  # flagged, bad, silent, good (shared rules)
    stmts = [0, 0, 0]  # both, squawk only, ours only (shared rules)
    none = [0, 0]
    unjudged: list[FileResult] = []
    by_rule: dict[str, list[FileResult]] = {}
    for r in results:
        by_rule.setdefault(r.rule, []).append(r)
    listed: list[Disagreement] = []
    for rule, rs in sorted(by_rule.items()):
        bad = [r for r in rs if r.bad]
        # a file squawk could not parse (and found nothing in) was not judged by it: its
        # silence is no verdict, so it counts neither way (listed as unjudged)
        good = [r for r in rs if not r.bad and not r.squawk_syntax]
        unjudged += [r for r in rs if not r.bad and r.squawk_syntax and r.ours is not None]
        ours = rs[0].ours
        for r in rs:
            if ours is not None or args.all:
                diffs, both = disagreements(r, root)
                listed += diffs
                if ours is not None:
                    stmts[0] += both
                    stmts[1] += sum(1 for d in diffs if d.squawk)
                    stmts[2] += sum(1 for d in diffs if d.ours)
        if ours is None:
            none[0], none[1] = none[0] + len(bad), none[1] + len(good)
            out.append(f"{rule:44} {'-':36} {f'-/{len(bad)}':>12} {f'-/{len(good)}':>12}")
            continue
        flagged = sum(1 for r in bad if r.pgarch)
        silent = sum(1 for r in good if not r.pgarch)
        files = [files[0] + flagged, files[1] + len(bad), files[2] + silent, files[3] + len(good)]
        label = ours if ours == rule else f"{ours} (alias)"
        out.append(
            f"{rule:44} {label:36} {f'{flagged}/{len(bad)}':>12} {f'{silent}/{len(good)}':>12}"
        )
    out.append("")
    out.append(
        f"shared rules, files: bad flagged {_rate(files[0], files[1])}, "
        f"good silent {_rate(files[2], files[3])}"
    )
    out.append(
        f"shared rules, statements: both report {stmts[0]}, squawk only {stmts[1]}, "
        f"ours only {stmts[2]}"
    )
    out.append(f"no counterpart: {none[0]} squawk-bad and {none[1]} squawk-good files")
    if unjudged:
        shown = ", ".join(r.path for r in unjudged)
        out.append(f"not judged by squawk (it stopped at a syntax error, found nothing): {shown}")
    errors = [r for r in results if r.error]
    if errors:
        out.append("")
        out.append("tool errors:")
        out += [f"  {r.path}: {r.error}" for r in errors]
    out.append("")
    explained = [d for d in listed if d.key() in known]
    out.append(
        f"disagreements (statement level): {len(listed)}, "
        f"{len(explained)} explained by --known, {len(listed) - len(explained)} open"
    )
    for d in listed:
        why = known.get(d.key())
        said = f"squawk: {d.squawk or 'silent'} | ours: {d.ours or 'silent'}"
        out.append(f"  {d.path}:{d.line}{d.marks}  {d.statement[:90]}")
        out.append(f"      {said}")
        if why:
            out.append(f"      known: {why}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("examples", help="folder of <squawk-rule>/NN.sql example files")
    p.add_argument("--squawk", default=SQUAWK, help=f"squawk binary (default {SQUAWK})")
    p.add_argument(
        "--pgarch-lint",
        default=str(Path(sys.executable).with_name("pgarch-lint")),
        help="pgarch-lint command (default: the one beside this Python)",
    )
    p.add_argument(
        "--pg-version",
        type=int,
        default=DEFAULT_PG_VERSION,
        help=f"given to both tools (default {DEFAULT_PG_VERSION})",
    )
    p.add_argument("--rules", help="only these squawk rules (comma-separated)")
    p.add_argument("--jobs", type=int, default=4, help="processes at a time (default 4)")
    p.add_argument("--assume-in-transaction", action="store_true", help="given to both tools")
    p.add_argument("--all", action="store_true", help="also list rules without a counterpart")
    p.add_argument("--known", help="TSV of explained disagreements: path, line, reason")
    p.add_argument("--json", help="write the per-file results to this file")
    args = p.parse_args(argv)
    results = collect(args)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=1) + "\n")
    print(report(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
