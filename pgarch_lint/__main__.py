from pgarch_lint.cli import main

main()
