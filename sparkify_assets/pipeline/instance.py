"""The Dagster instance `sparkify run` records its runs in: the one `dagster dev` and
`dagster job execute` use, so that every run shows in one history.

That is DAGSTER_HOME's instance when the variable is set; otherwise the project's own,
described by `dagster.yaml` at the project's root, which Dagster's commands read when they start
there. Its paths are relative to that root; here they are made absolute, so that `sparkify run`
started in a sub-folder records in the same place.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef

from sparkify_assets.model.paths import PROJECT_ROOT

INSTANCE_FILE = PROJECT_ROOT / "dagster.yaml"


def project_instance() -> DagsterInstance:
    """DAGSTER_HOME's instance, else the project's (a context manager, as DagsterInstance is)."""
    if os.environ.get("DAGSTER_HOME"):
        return DagsterInstance.get()
    config = instance_config(PROJECT_ROOT)
    # The instance's own folder is its artifact storage's, as dagster.yaml says.
    home = Path(config["local_artifact_storage"]["config"]["base_dir"])
    home.mkdir(parents=True, exist_ok=True)
    ref = InstanceRef.from_dir(str(home), config_dir=str(PROJECT_ROOT), overrides=config)
    return DagsterInstance.from_ref(ref)


def instance_config(root: Path) -> dict[str, Any]:
    """The project's instance settings (dagster.yaml), with its relative paths under `root`."""
    return _absolute_paths(yaml.safe_load(INSTANCE_FILE.read_text(encoding="utf-8")), root)


def _absolute_paths(config: Any, root: Path) -> Any:
    if isinstance(config, dict):
        return {
            key: str(root / value)
            if key == "base_dir" and isinstance(value, str) and not os.path.isabs(value)
            else _absolute_paths(value, root)
            for key, value in config.items()
        }
    return config
