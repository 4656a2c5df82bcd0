"""Allow `python -m cjmgen`."""

from cjmgen.cli import main

main()
