"""`python -m align.cli` runs the `bitext` command."""
import sys

from align.cli import main

sys.exit(main())
