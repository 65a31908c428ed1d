"""`python -m geo …`: see geo/cli.py."""

import sys

from .cli import main

sys.exit(main())
