"""The analysis layer: questions rules ask about a statement, the catalog or a run, answered once.

Public and documented for rule packs (docs/writing-rules.md, "The analysis layer"); the
built-in rules use exactly these modules. Import the module you need, e.g.
``from pgarch_lint.analysis import queries``; this package imports none of them itself, so that
a run only loads the analysis its rules use (the query analysis is the costliest: the query
rules import it only for statements that may read a table, after the cheap tests of
:mod:`.query_kinds`).

======================  ============================================================================
module                  what it answers
======================  ============================================================================
``nodes``               reading expressions: walks, AND-ed conditions, literals, column references,
                        function and type names
``types``               type facts: canonical and display names, serials, integer widths, comparing
                        two types (built on the catalog's ``normalize_type``/``is_binary_coercible``)
``definitions``         what a CREATE/ALTER TABLE declares: column sites, constraints, FK clauses
``keys``                integer id columns: which declared columns are keys, 16- and 32-bit ones
``targets``             column targets: repeated assignments, the names of a query's output columns
``query_kinds``         which statements hold queries; query file or migration; runs once or often
``queries``             query scopes: levels, FROM items, resolved column references, the conditions
                        an index could use, table accesses
``indexes``             comparing index definitions; which lookups by columns an index serves
``index_match``         which index serves a query's table access (and what one would need)
``migration``           is a relation existing (large, live) or new; what ADD COLUMN adds
``lookahead``           the statements after the current one in its file
``altered_objects``     the type, routine, policy, role or extension an ALTER names; is it new
``compat_targets``      rollback compatibility: does a statement change an object running code may
                        use (existing, not a provable no-op); is a table's whole definition known
``existing_objects``    did the object a DROP / RENAME / SET SCHEMA names exist before this
                        file (new, or provably absent); object references read from those statements
``tenancy``             tenant tables; what an RLS policy expression fixes or allows
``timeouts``            which lock of a statement the lock/statement timeout rules report
``security``            function options, function resolution, GRANT kinds, role names
``naming``              declared names: letter case, keywords, which declarations to judge
``conventions``         house style: naming conventions inferred from the schema, suggested names
``name_templates``      naming templates: syntax, known conventions, matching names
``work``                what a statement does to a table's rows: rewrite, scan, index build, catalog
``live``                facts a live database gives (sizes, index usage, plans), None when static
``fixes``               writing fixes: edits read back from the source (a column's type word)
``memo``                ``per_statement``: share one helper's result between rules
======================  ============================================================================

Layering: analysis reads the catalog (:mod:`pgarch_lint.catalog`), the SQL tree
(:mod:`pgarch_lint.sql`, :mod:`pgarch_lint.astutil`) and the ledger of declared names
(:mod:`pgarch_lint.catalog.declared`); it never imports the engine, the CLI, the config loader, the
registry, the live package or any rule. ``pgarch_lint.api`` sits above it (it re-exports
``conventions`` and ``per_statement``); analysis names the api's ``Context`` in type hints only.
Rules only read what these functions return: they never change the catalog or the nodes.
"""
