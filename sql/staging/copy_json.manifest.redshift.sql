-- Appended to copy_json when FROM names a manifest (an explicit file list) instead of a prefix.
MANIFEST
