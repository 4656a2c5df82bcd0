"""`python -m tools.bench` from the repository's top folder."""

import sys

from tools.bench.run import main

sys.exit(main())
