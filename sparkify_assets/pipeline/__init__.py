"""What Dagster sees: the assets, their checks, the jobs, schedules and sensors, and what each
asset's page shows. Built from the model (`sparkify_assets.model`); the database work is the
warehouse's (`sparkify_assets.warehouse`)."""

import warnings

from dagster import BetaWarning

# backfill_policy is "beta" in Dagster 1.13; it is what makes a range of days one run, and the
# pinned release is the one tested here, so its warning on every load of the code is noise.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=BetaWarning)
# So are code references, the links from an asset's page to its SQL (code_references.py).
warnings.filterwarnings(
    "ignore",
    message="(Class|Function) `(LocalFileCodeReference|UrlCodeReference|CodeReferencesMetadataValue"
    "|AnchorBasedFilePathMapping|with_source_code_references|link_code_references_to_git)`",
    category=BetaWarning,
)
