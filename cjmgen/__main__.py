"""Allow `python -m cjmgen`."""

from cjmgen.cli.main import main

main()
