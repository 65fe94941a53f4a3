"""pgarch-lint's built-in rules: one module per rule, discovered through the entry point."""
