"""`python -m vigie` runs the command line. See docs/cli.md"""

from vigie.cli import main

main()
