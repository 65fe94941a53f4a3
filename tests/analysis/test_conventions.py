"""House style: template matching, the catalog's ledger of declared names, inference
(thresholds, tiers, families, case), configuration and the `conventions` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgarch_lint.analysis import conventions as conv
from pgarch_lint.config import ConfigError, Naming, Settings, load_settings
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.testing import lint_sql

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"


def _spec(table: str, columns: tuple[str, ...], **values: str) -> conv.Spec:
    vals = {"table": (table,), **{k: (v,) for k, v in values.items()}}
    return conv.Spec(vals, {"columns": columns})


def _catalog(*sql: str, context: tuple[str, ...] = ()) -> Engine:
    files = [FileInput(f"ctx{i}.sql", s.encode(), True) for i, s in enumerate(context)]
    files += [FileInput(f"m{i}.sql", s.encode(), False) for i, s in enumerate(sql)]
    engine = Engine(Settings(), [])
    engine.run(files, ["-"])
    return engine


def _style(*sql: str, naming: Naming | None = None) -> conv.HouseStyle:
    return conv.house_style(_catalog(*sql).catalog, naming or Naming())


# --- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "name", "spec", "ok"),
    [
        ("{table}_{columns}_idx", "orders_status_idx", _spec("orders", ("status",)), True),
        ("{table}_{columns}_idx", "orders_status_ix", _spec("orders", ("status",)), False),
        # the columns may be listed in another order than the key
        ("{table}_{columns}_idx", "t_b_a_idx", _spec("t", ("a", "b")), True),
        ("{table}_{columns}_idx", "t_a_idx", _spec("t", ("a", "b")), False),
        (
            "index_{table}_on_{columns:_and_}",
            "index_posts_on_user_id_and_created_at",
            _spec("posts", ("user_id", "created_at")),
            True,
        ),
        (
            "index_{table}_on_{columns:_and_}",
            "index_posts_on_user_id_created_at",
            _spec("posts", ("user_id", "created_at")),
            False,
        ),
        ("fk_rails_{hash}", "fk_rails_0157a2fd88", _spec("t", ()), True),
        ("fk_rails_{hash}", "fk_rails_users", _spec("t", ()), False),
        ("fk_rails_{hash}", "fk_rails_0a1", _spec("t", ()), False),
        ("{table}_*_idx", "events_by_kind_idx", _spec("events", ("kind",)), True),
        ("{table}_*_idx", "events__idx", _spec("events", ("kind",)), False),  # "*" is not empty
        ("{table}_*_idx", "events_idx", _spec("events", ("kind",)), False),
        ("idx_*", "idx_x", _spec("t", ()), True),
        ("idx_*", "idx_", _spec("t", ()), False),
        ("{table}_{name}_check", "t_anything_check", _spec("t", ("a",)), True),
        ("id", "id", _spec("t", ()), True),
    ],
)
def test_follows(template: str, name: str, spec: conv.Spec, ok: bool) -> None:
    assert conv.follows(template, name, spec) is ok


def test_suffix_and_truncation() -> None:
    spec = _spec("orders", ("customer_id",), ref_table="customers")
    assert not conv.follows("fk_{table}__{ref_table}", "fk_orders__customers_billing", spec)
    assert conv.follows(
        "fk_{table}__{ref_table}", "fk_orders__customers_billing", spec, suffix=True
    )
    long_table = "a" * 40
    spec = _spec(long_table, ("b" * 30,))
    full = conv.render("{table}_{columns}_idx", spec)
    assert len(full) > 63
    assert conv.follows("{table}_{columns}_idx", full[:63], spec)  # what PostgreSQL keeps
    assert conv.follows("{table}_{columns}_idx", "aaaa_short_idx", spec)  # abbreviated
    assert not conv.follows("{table}_{columns}_idx", "aaaa_short_ix", spec)


def test_render_hints() -> None:
    spec = conv.Spec(
        {"table": ("t",)}, {"columns": ("a", "b")}, hints={"*": "a_b", "*wide": "t_a_b"}
    )
    assert conv.render("{table}_{columns}_idx", spec) == "t_a_b_idx"
    assert conv.render("index_{table}_on_{columns:_and_}", spec) == "index_t_on_a_and_b"
    assert conv.render("{table}_*_idx", spec) == "t_a_b_idx"
    assert conv.render("*_idx", spec) == "t_a_b_idx"
    assert conv.render("fk_rails_{hash}", spec) == "fk_rails_<hash>"


@pytest.mark.parametrize(
    ("kind", "template", "problem"),
    [
        ("index", "ix_{table}__{cols}", "unknown placeholder {cols}"),
        ("index", "ix_{table}__{ref_table}", "unknown placeholder {ref_table}"),
        ("primary-key", "pk_{table:_}", "takes no separator"),
        ("index", "ix_{table", "unbalanced braces"),
        ("foreign-key", "fk_rails_{hash}", None),
        ("index", "index_{table}_on_{columns:_and_}", None),
        ("foreign-key-column", "*_{ref_column}", None),
        ("primary-key-column", "{table_singular}_id", None),
    ],
)
def test_template_errors(kind: str, template: str, problem: str | None) -> None:
    got = conv.template_error(kind, template)
    if problem is None:
        assert got is None
    else:
        assert got is not None and problem in got


_IDENT = st.from_regex(r"[a-z][a-z0-9]{0,6}(_[a-z0-9]{1,5}){0,2}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(
    table=_IDENT,
    columns=st.lists(_IDENT, min_size=1, max_size=4),
    template=st.sampled_from([t for k in conv.OBJECT_KINDS for t, _ in conv.KNOWN[k]]),
)
def test_a_rendered_name_follows_its_template(
    table: str, columns: list[str], template: str
) -> None:
    spec = conv.Spec(
        {"table": (table,), "ref_table": ("ref",)},
        {"columns": tuple(columns), "ref_columns": ("id",)},
        hints={"name": "x"},
    )
    name = conv.render(template, spec).replace("<hash>", "0123456789")
    assert conv.follows(template, name, spec, suffix=False)


# --- the ledger ------------------------------------------------------------------------------


def test_ledger_records_declarations_with_positions() -> None:
    sql = (
        "CREATE TABLE t (id bigint PRIMARY KEY, a int REFERENCES u (id), CONSTRAINT c CHECK (a > 0),"
        ' "userId" int, "user" int);\n'
        "CREATE INDEX ON t (a);\n"
        "CREATE INDEX IF NOT EXISTS t_a_idx ON t (a);\n"  # a no-op: the index exists
        "ALTER INDEX t_a_idx RENAME TO t_by_a;\n"
    )
    engine = _catalog(sql)
    defs = [(d.kind, d.name, d.explicit) for d in engine.catalog.names]
    # snake_case table and column names are only counted (no rule may report them) ...
    assert ("table", "t", True) not in defs and ("column", "a", True) not in defs
    cases = engine.catalog.names.cases
    assert cases.kinds["table"]["neutral"] == 1 and cases.kinds["column"]["neutral"] == 3
    assert cases.kinds["column"]["camelCase"] == 1 and cases.columns["t"]["camelCase"] == 1
    # ... names a rule may report are kept
    assert ("column", "userId", True) in defs and ("column", "user", True) in defs
    assert ("primary-key", "t_pkey", False) in defs
    assert ("foreign-key", "t_a_fkey", False) in defs
    assert ("check", "c", True) in defs
    assert ("index", "t_a_idx", False) in defs
    assert sum(1 for d in defs if d[0] == "index") == 2  # the IF NOT EXISTS no-op is not one
    rename = next(d for d in engine.catalog.names if d.rename)
    assert (rename.name, rename.previous) == ("t_by_a", "t_a_idx")
    check = next(d for d in engine.catalog.names if d.kind == "check")
    assert check.start is not None and sql[check.start :].startswith("CONSTRAINT c")
    fk = next(d for d in engine.catalog.names if d.kind == "foreign-key")
    assert fk.start is not None and sql[fk.start :].startswith("REFERENCES")


def test_ledger_marks_context_declarations() -> None:
    engine = _catalog(
        "CREATE INDEX b_idx ON t (b);", context=("CREATE TABLE t (a int, b int, CHECK (a > b));",)
    )
    by_name = {d.name: d.context for d in engine.catalog.names}
    assert by_name["t_check"] is True and by_name["b_idx"] is False


# --- inference -------------------------------------------------------------------------------


def _indexes(names: list[str], table: str = "t") -> str:
    cols = ", ".join(f"c{i} int" for i in range(len(names)))
    out = [f"CREATE TABLE {table} (id bigint PRIMARY KEY, {cols});"]
    out += [f"CREATE INDEX {n} ON {table} (c{i});" for i, n in enumerate(names)]
    return "\n".join(out)


def test_threshold_needs_five_names_and_eighty_percent() -> None:
    four = _style(_indexes([f"t_c{i}_idx" for i in range(4)]))["index"]
    assert four.source == "default" and four.template == "ix_{table}__{columns}"
    five = _style(_indexes([f"t_c{i}_idx" for i in range(4)] + ["ix_t__c4"]))["index"]
    assert five.inferred and five.template == "{table}_{columns}_idx"
    assert (five.matched, five.total) == (4, 5)
    mixed = _style(_indexes([f"t_c{i}_idx" for i in range(3)] + ["ix_t__c3", "ix_t__c4"]))
    assert mixed["index"].source == "default"


def test_abbreviated_names_fall_back_to_their_shape() -> None:
    style = _style(_indexes(["t_first_idx", "t_second_idx", "t_third_idx", "t_c3_idx", "t_x_idx"]))
    assert style["index"].template == "{table}_*_idx"


def test_a_project_following_the_defaults_keeps_them() -> None:
    style = _style(_indexes([f"ix_t__c{i}" for i in range(6)]))
    assert style["index"].source == "default"  # the default, read from the schema
    assert style["index"].template == "ix_{table}__{columns}" and style["index"].matched == 6


def test_explicit_configuration_wins_and_infer_false_turns_it_off() -> None:
    sql = _indexes([f"t_c{i}_idx" for i in range(6)])
    configured = Naming({**conv.DEFAULTS, "index": "ix_{table}__{columns}"}, frozenset({"index"}))
    assert _style(sql, naming=configured)["index"].source == "configured"
    off = Naming(dict(conv.DEFAULTS), frozenset(), infer=False)
    style = _style(sql, naming=off)
    assert style["index"].source == "default" and style.cases["table"].source == "default"


def test_family_fills_thin_kinds() -> None:
    sql = _indexes([f"t_c{i}_idx" for i in range(5)]) + (
        "\nCREATE TABLE u (id bigint, code text UNIQUE, CONSTRAINT u_pkey PRIMARY KEY (id));"
    )
    style = _style(sql)
    assert style["unique"].source == "family"
    assert style["unique"].template == "{table}_{columns}_key"
    assert style["unique"].via == ("index",)


def test_a_thin_kind_keeps_the_default_its_own_names_follow() -> None:
    """Three indexes named by the default template do not take the family of five
    PostgreSQL-named primary keys."""
    tables = "\n".join(
        f"CREATE TABLE t{i} (id bigint, a int, CONSTRAINT t{i}_pkey PRIMARY KEY (id));"
        for i in range(5)
    )
    indexes = "\n".join(f"CREATE INDEX ix_t{i}__a ON t{i} (a);" for i in range(3))
    style = _style(tables + "\n" + indexes)
    assert style["primary-key"].template == "{table}_pkey"
    assert style["index"].source == "default" and style["index"].template == "ix_{table}__{columns}"
    assert style["unique"].source == "family"  # no unique names at all: the family applies


def test_unique_indexes_following_the_index_convention_are_not_unique_evidence() -> None:
    sql = _indexes([f"index_t_on_c{i}" for i in range(5)]) + "".join(
        f"\nCREATE UNIQUE INDEX index_t_on_id_and_c{i} ON t (id, c{i});" for i in range(5)
    )
    style = _style(sql)
    assert style["index"].template == "index_{table}_on_{columns:_and_}"
    assert style["unique"].total == 0  # the unique indexes follow the index convention


def test_case_styles() -> None:
    tables = "\n".join(
        f'CREATE TABLE "{t}" ("id" text PRIMARY KEY, "createdAt" timestamptz, "ownerId" text);'
        for t in ("User", "Team", "Project", "Invite", "ApiKey")
    )
    style = _style(tables)
    assert style.cases["table"].template == "PascalCase" and style.cases["table"].inferred
    assert style.cases["column"].template == "camelCase"
    snake = _style('CREATE TABLE s (id int, user_id int, created_at int, "expiresAt" int);')
    assert snake.cases["column"].source == "default"
    assert conv.case_style("user_id") == "snake"
    assert conv.case_style("id") == "neutral"
    assert conv.case_style("WorkflowRun") == "PascalCase"
    assert conv.case_style("tenantId") == "camelCase"
    assert conv.case_style("team-members") == "other"


def test_suggested_names_follow_the_house_style() -> None:
    engine = _catalog(_indexes([f"t_c{i}_idx" for i in range(5)]))
    name = conv.suggest(engine.catalog, Naming(), "index", "orders", ["customer_id", "created_at"])
    assert name == "orders_customer_id_created_at_idx"
    bare = _catalog("CREATE TABLE t (a int);")
    assert conv.suggest(bare.catalog, Naming(), "index", "t", ["a"]) == "ix_t__a"


def test_messages_name_the_convention_and_the_evidence() -> None:
    sql = _indexes([f"t_c{i}_idx" for i in range(5)] + ["ix_t__c5"])
    findings = lint_sql(sql, rules=["naming-index"])
    assert [f.message for f in findings] == [
        'index "ix_t__c5" on "t" does not follow this history\'s convention '
        '{table}_{columns}_idx (5 of 6 indexes): expected "t_c5_idx"'
    ]


def test_a_new_file_is_judged_by_the_whole_history() -> None:
    history = _indexes([f"t_c{i}_idx" for i in range(6)])
    new = "CREATE INDEX CONCURRENTLY ix_t__c0_c1 ON t (c0, c1);"
    findings = lint_sql(new, rules=["naming-index"], context=[history])
    assert len(findings) == 1 and "this history's convention" in findings[0].message
    # the same file alone: too few names to infer, the default template applies
    assert lint_sql(new + "\nCREATE TABLE t (c0 int, c1 int);", rules=["naming-index"]) == []


# --- configuration ---------------------------------------------------------------------------


def _load(tmp_path: Path, text: str) -> Settings:
    cfg = tmp_path / "pgarch-lint.toml"
    cfg.write_text(text)
    return load_settings(cfg)


def test_configuration_records_which_kinds_were_set(tmp_path: Path) -> None:
    s = _load(tmp_path, '[naming]\nindex = "idx_{table}_{columns}"\nforeign-key-column = "*_id"\n')
    assert s.naming.explicit == frozenset({"index", "foreign-key-column"})
    assert s.naming.template("index") == "idx_{table}_{columns}"
    assert s.naming.template("unique") == conv.DEFAULTS["unique"]
    assert s.naming.infer is True
    assert _load(tmp_path, "[naming]\ninfer = false\n").naming.infer is False
    assert Settings().naming.explicit == frozenset()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[naming]\nindex = "ix_{tabel}"\n', "naming.index: unknown placeholder {tabel}"),
        ('[naming]\nprimary-key-column = "{ref_table}_id"\n', "unknown placeholder {ref_table}"),
        ("[naming]\ninfer = 1\n", "infer"),
    ],
)
def test_bad_naming_configuration(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        _load(tmp_path, text)


# --- the command -----------------------------------------------------------------------------


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pgarch_lint", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
    )


@pytest.fixture
def rails_history(tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    folder.mkdir()
    tables = ["posts", "users", "tags", "votes", "notes", "bans"]
    sql = [
        f"CREATE TABLE {t} (id bigint PRIMARY KEY, user_id bigint, created_at timestamptz);"
        for t in tables
    ]
    sql += [f"CREATE INDEX index_{t}_on_user_id ON {t} (user_id);" for t in tables]
    sql += [f"CREATE INDEX index_{t}_on_created_at ON {t} (created_at);" for t in tables[:3]]
    sql.append("CREATE INDEX ix_votes__created_at ON votes (created_at);")
    (folder / "structure.sql").write_text("\n".join(sql) + "\n")
    return folder


def test_conventions_command_text_and_json(rails_history: Path) -> None:
    out = _cli("conventions", str(rails_history))
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("index "))
    assert "index_{table}_on_{columns:_and_}" in line and "9 of 10 indexes" in line
    assert "e.g. index_posts_on_user_id, index_users_on_user_id" in out.stdout
    data = json.loads(_cli("conventions", str(rails_history), "--format", "json").stdout)
    index = next(r for r in data["names"] if r["kind"] == "index")
    assert (index["source"], index["matched"], index["total"]) == ("inferred", 9, 10)
    assert data["thresholds"] == {"min_evidence": 5, "min_share": 0.8}


def test_conventions_toml_round_trip(rails_history: Path, tmp_path: Path) -> None:
    """The printed block, pasted into the configuration, gives the same findings."""
    toml = _cli("conventions", str(rails_history), "--format", "toml").stdout
    assert 'index = "index_{table}_on_{columns:_and_}"' in toml
    inferred = _cli("check", str(rails_history), "--select", "naming", "--format", "json")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        toml.replace("[tool.pgarch-lint.naming]", "[tool.pgarch-lint.naming]")
    )
    configured = _cli(
        "check", str(rails_history), "--select", "naming", "--format", "json", cwd=project
    )
    assert inferred.returncode == configured.returncode == 1

    def messages(p: subprocess.CompletedProcess[str]) -> list[tuple[str, int]]:
        return [(f["rule"], f["line"]) for f in json.loads(p.stdout)["findings"]]

    assert messages(inferred) == messages(configured) == [("naming-index", 16)]


def test_conventions_command_errors() -> None:
    out = _cli("conventions", "does/not/exist")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1


# --- the corpus: signal on real projects -----------------------------------------------------

#: histories that follow a consistent convention of their own (see docs/configuration.md)
CONSISTENT = {
    "danbooru": ["danbooru/db/structure.sql"],
    "hatchet": ["hatchet/cmd/hatchet-migrate/migrate/migrations"],
    "kestra": ["kestra"],
    "langfuse": ["langfuse"],
    "supabase_auth": ["supabase_auth/migrations"],
}


@pytest.mark.parametrize("name", sorted(CONSISTENT))
def test_naming_findings_drop_on_consistent_histories(name: str) -> None:
    """With no configuration, naming findings drop by at least 75 % against the default
    templates alone (``infer = false``)."""
    paths = [CORPUS / p for p in CONSISTENT[name]]
    if not all(p.exists() for p in paths):
        pytest.skip("corpus absent")
    from pgarch_lint.config import select_rules
    from pgarch_lint.files import collect
    from pgarch_lint.registry import load_rules

    inputs = [
        FileInput(str(p), p.read_bytes()) for p in collect([str(x) for x in paths], root=CORPUS)
    ]
    counts = []
    for infer in (False, True):
        s = Settings(select=("naming",))
        s.naming = Naming(dict(conv.DEFAULTS), frozenset(), infer=infer)
        report = Engine(s, select_rules(load_rules(), s)).run(inputs)
        counts.append(len(report.findings))
    before, after = counts
    assert before > 50 and after <= 0.25 * before, (before, after)


_INDEX_TEMPLATES = [t for t, _ in conv.KNOWN["index"] if "{hash}" not in t]


@settings(max_examples=40, deadline=None)
@given(
    template=st.sampled_from(_INDEX_TEMPLATES),
    tables=st.lists(_IDENT, min_size=2, max_size=4, unique=True),
    columns=st.lists(_IDENT, min_size=3, max_size=5, unique=True),
)
def test_a_history_that_follows_a_known_convention_gets_no_naming_index_finding(
    template: str, tables: list[str], columns: list[str]
) -> None:
    """Whatever known template a history follows consistently, it is inferred (or is the
    default) and none of its indexes is reported; an index in another style is."""
    stmts = []
    for t in tables:
        cols = ", ".join(f"{c} int" for c in columns)
        stmts.append(f'CREATE TABLE "{t}" (id bigint PRIMARY KEY, {cols});')
        for c in columns:
            spec = conv.Spec({"table": (t,)}, {"columns": (c,)})
            stmts.append(f'CREATE INDEX "{conv.render(template, spec)}" ON "{t}" ({c});')
    history = "\n".join(stmts)
    assert lint_sql(history, rules=["naming-index"]) == []
    odd = f'CREATE INDEX zz_odd_one ON "{tables[0]}" ({columns[0]});'
    found = lint_sql(history + "\n" + odd, rules=["naming-index"])
    assert [f.line for f in found] == [len(stmts) + 1]


# --- matching a name against a template's segments ----------------------------------------------

_SEG_TEXT = st.text(alphabet="ab_c1", min_size=1, max_size=4)  # templates spell no empty part
_SEGMENT = st.one_of(
    st.tuples(st.just("fix"), st.lists(_SEG_TEXT, min_size=1, max_size=3).map(tuple)),
    st.just(("any", ())),
    st.just(("hex", ())),
)


def _segments_regex(segs: list[tuple[str, tuple[str, ...]]]) -> str:
    """The definition: fixed text is one of its alternatives, ``any`` is some text, ``hex``
    six hex digits or more, and the whole name is spelled."""
    import re

    out = []
    for kind, alts in segs:
        if kind == "fix":
            out.append("(?:" + "|".join(re.escape(a) for a in alts) + ")")
        else:
            out.append(".+" if kind == "any" else "[0-9a-f]{6,}")
    return "".join(out)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_SEGMENT, min_size=1, max_size=5), st.text(alphabet="ab_c1f0", max_size=14))
def test_segments_match_as_their_regular_expression(
    segs: list[tuple[str, tuple[str, ...]]], name: str
) -> None:
    import re

    from pgarch_lint.analysis.name_templates import _match

    expected = re.fullmatch(_segments_regex(segs), name, re.DOTALL) is not None
    assert _match(segs, name) == expected


def test_the_house_style_builds_each_item_once_and_judges_other_items_afresh() -> None:
    """The inference and the naming rules share the style's items (one per declared name,
    kept with what each template said of it); an item built elsewhere for the same name, with
    another spelling, is judged on its own."""
    import dataclasses

    engine = _catalog(_indexes([f"t_c{i}_idx" for i in range(5)] + ["odd_name"]))
    style = conv.house_style(engine.catalog, Naming())
    d = next(d for d in engine.catalog.names if d.name == "odd_name")
    item = style.object_item(d)
    assert style.object_item(d) is item and item.definition is d
    assert not style.follows(item)
    renamed = dataclasses.replace(item, name="t_c5_idx")  # same definition, another name
    assert style.follows(renamed)
    assert not style.follows(item)
    fresh = conv.infer(engine.catalog.names, Naming())
    assert fresh["index"] == style["index"]
    objects = [x for x in engine.catalog.names if x.kind in conv.OBJECT_DEF_KINDS]
    assert len(objects) == 7  # six indexes and the primary key
    assert [fresh.follows(conv.object_item(x)) for x in objects] == [
        style.follows(style.object_item(x)) for x in objects
    ]
