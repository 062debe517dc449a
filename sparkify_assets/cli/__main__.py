"""`python -m sparkify_assets.cli`: the `sparkify` command where its script is not on the PATH."""

import sys

from sparkify_assets.cli.main import main

sys.exit(main())
