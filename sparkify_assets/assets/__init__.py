from .staging import build_staging_assets
from .star import build_star_assets

__all__ = ["build_staging_assets", "build_star_assets"]
