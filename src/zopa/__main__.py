"""``python -m zopa``."""

import sys

from zopa.cli import main

sys.exit(main())
