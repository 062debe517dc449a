"""The assets: staging tables loaded by COPY, star tables and analytics tables built by
INSERT … SELECT. Each module is a factory that names the tables, their SQL and their deps."""

from sparkify_assets.pipeline.assets.analytics import build_analytics_assets
from sparkify_assets.pipeline.assets.staging import build_staging_assets
from sparkify_assets.pipeline.assets.star import build_star_assets

__all__ = ["build_analytics_assets", "build_staging_assets", "build_star_assets"]
