"""`python -m callscribe` runs the CLI."""

from callscribe.cli import main

main()
