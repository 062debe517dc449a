from .staging import staging_assets
from .star import star_assets

__all__ = ["staging_assets", "star_assets"]
