"""``python -m palier.cli``: the same as the ``palier`` command."""

import sys

from palier.cli import main

sys.exit(main())
