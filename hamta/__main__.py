"""`python -m hamta` is the same as the `hamta` command."""

import sys

from hamta.cli import main

sys.exit(main())
