"""`python -m medcite`: the same CLI as the `medcite` command."""

from medcite.cli import main

main()
