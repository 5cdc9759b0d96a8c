"""`python -m engine.cli`: the same as the `airlock` command."""

import sys

from engine.cli import main

if __name__ == "__main__":
    sys.exit(main())
