"""Links from each asset's page to the code behind it: the `.sql` files its steps run and the
Python factory that defines it (Dagster's code references). The UI opens a local file in the
user's editor; where the checkout has a GitHub or GitLab remote, the links go to that site at
the commit checked out, so a reader sees the SQL that ran, not the branch's newest."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dagster import (
    AnchorBasedFilePathMapping,
    AssetsDefinition,
    CodeReferencesMetadataValue,
    LocalFileCodeReference,
    link_code_references_to_git,
    with_source_code_references,
)

from sparkify_assets.model.paths import PROJECT_ROOT
from sparkify_assets.model.sql import sql_path
from sparkify_assets.model.tables import BuiltTable, StagingTable, Table
from sparkify_assets.model.targets import Target

GIT_SECONDS = 5  # a git that hangs must not keep the code location from loading
# A remote as git writes it (https://host/owner/repo.git, git@host:owner/repo.git,
# ssh://git@host/owner/repo.git), for the two hosts Dagster links to.
_REMOTE = re.compile(
    r"(?:https://|ssh://git@|git@)(?P<host>(?:[\w-]+\.)*(?:github|gitlab)\.com)[:/]"
    r"(?P<path>[\w.-]+(?:/[\w.-]+)+)/?"
)


def statements_of(table: Table, target: Target) -> list[str]:
    """The names of the SQL statements that make the table on `target`, in the order they run."""
    names = [table.create_sql]  # with Redshift's physical design, its `-- redshift:` line
    if isinstance(table, StagingTable) and target is Target.REDSHIFT:
        names.append("staging/copy_json")  # locally, the COPY is copyjson/ (Python)
    if isinstance(table, BuiltTable):
        names.extend(table.statements)
    return names


def sql_references(table: Table, target: Target) -> dict[str, Any]:
    """The asset's `dagster/code_references`: each `.sql` file of the table on `target`."""
    references = []
    for name in statements_of(table, target):
        path = sql_path(name, target)
        label = path.relative_to(PROJECT_ROOT).as_posix()
        references.append(LocalFileCodeReference(file_path=str(path), line_number=1, label=label))
    return {"dagster/code_references": CodeReferencesMetadataValue(code_references=references)}


def with_code_references(assets: Sequence[AssetsDefinition]) -> Sequence[AssetsDefinition]:
    """The assets with the Python function that defines each added to its references, linked
    to the checkout's GitHub or GitLab remote when it has one."""
    referenced = with_source_code_references(assets)
    remote = git_remote(PROJECT_ROOT)
    if remote is None:
        return referenced  # type: ignore[return-value]
    url, commit = remote
    return link_code_references_to_git(  # type: ignore[return-value]
        referenced,
        git_url=url,
        git_branch=commit,
        file_path_mapping=AnchorBasedFilePathMapping(
            local_file_anchor=PROJECT_ROOT / "pyproject.toml",
            file_anchor_path_in_repository="pyproject.toml",
        ),
    )


def git_remote(root: Path) -> tuple[str, str] | None:
    """The web address of the checkout's `origin` (GitHub or GitLab only: the hosts Dagster
    builds file links for) and the commit checked out; None outside a git checkout, without
    git, or for another host."""
    try:
        origin = _git(root, "remote", "get-url", "origin")
        commit = _git(root, "rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return None
    match = _REMOTE.fullmatch(origin)
    if match is None or not re.fullmatch(r"[0-9a-f]{40}", commit):
        return None
    return f"https://{match['host']}/{match['path'].removesuffix('.git')}", commit


def _git(root: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *arguments],
        capture_output=True,
        text=True,
        check=True,
        timeout=GIT_SECONDS,
    ).stdout.strip()
