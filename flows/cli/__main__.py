"""`python -m flows.cli`: the `gongwen` command without installing it."""

import sys

from flows.cli.command import main

sys.exit(main())
