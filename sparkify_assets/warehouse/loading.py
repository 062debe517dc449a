"""How a staging table gets its rows, per target: Redshift's own COPY from S3, or the local
emulation of it. Both run inside the load's transaction and say what they read and rejected,
and which JSON keys filled no column, in the same terms, so recording the load and failing it
are done once, in the warehouse."""

from __future__ import annotations

import json
import posixpath
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Protocol

import psycopg2

from sparkify_assets.copyjson import (
    JsonFormat,
    LoadError,
    LocalFiles,
    RemoteFiles,
    UnreadableFile,
    load_json_files,
)
from sparkify_assets.copyjson.drift import UnmappedKey, count_files
from sparkify_assets.copyjson.mapping import JsonPathsIgnored, parse_jsonpaths
from sparkify_assets.copyjson.parallel import S3_READERS
from sparkify_assets.model.days import Days, day_file, day_of_log_file, log_files_of
from sparkify_assets.model.tables import StagingTable
from sparkify_assets.model.targets import Target
from sparkify_assets.warehouse.conflicts import is_conflict
from sparkify_assets.warehouse.connect import first_line
from sparkify_assets.warehouse.session import Session, fit_text
from sparkify_assets.warehouse.source import RawSourceResource, SourceError, is_utf8

Report = Callable[[str], None]
# SYS_LOAD_HISTORY lists a COPY while it runs ("running") and once it ends; the wait for the end
# is bounded, so a view that lags can't hang a load (then the counts read are the last seen).
LOAD_RECORD_WAIT_SECONDS = 60.0
FAILED_LOAD_RECORD_WAIT_SECONDS = 5.0
LOAD_RECORD_POLL_SECONDS = 0.5
# The schema-drift sample after a Redshift COPY (RedshiftCopy._unmapped_keys_of_a_sample): at
# most this many of the files it read, by name; of a daily table, the first of each day.
SAMPLE_FILES = 100
DAILY_SAMPLE_FILES = 10_000  # more than the 3,660 days partitions may span


class CopyFailed(RuntimeError):
    """Redshift's COPY failed for a reason other than rejected records (access, format, …)."""


@dataclass(frozen=True)
class CopyRequest:
    table: StagingTable
    into: str  # the table the COPY fills: the staging table, or its incoming table
    source: RawSourceResource
    files: Sequence[str] | None  # keys under the source; None means every file under the prefix
    days: Days | None  # only the files of these days (by their names)
    maxerror: int
    truncate_columns: bool  # Redshift's TRUNCATECOLUMNS: cut text to fit its column
    load_id: str
    report: Report


@dataclass(frozen=True)
class CopyOutcome:
    """What one COPY read and did. When it failed, its transaction has been rolled back and a
    fresh one begun, in which the failed load is recorded."""

    source: str  # the prefix or manifest the COPY read
    files: int
    records_read: int
    rows_loaded: int  # after a failure: rows read and rolled back (Redshift doesn't say: 0)
    rejected: int  # records the COPY rejected
    failure: str | None  # why the COPY failed; None when it loaded
    seconds: float
    set_aside: int = 0  # loaded rows of days other than those loaded (rejected, not kept)
    rejected_records: list[LoadError] = field(default_factory=list)  # local: held in memory
    copy_query_id: int | None = None  # Redshift: the COPY's query_id in the SYS_LOAD_* views
    # JSON keys that filled no column: of every loaded record locally, of a sample on Redshift
    unmapped_keys: tuple[UnmappedKey, ...] = ()


class StagingCopy(Protocol):
    def copy(self, session: Session, request: CopyRequest) -> CopyOutcome: ...

    def record_rejections(
        self, session: Session, outcome: CopyOutcome, load_id: str, started: datetime, table: str
    ) -> None: ...


class EmulatedCopy:
    """The local target: read the files here, as Redshift would, and stream the rows in."""

    def __init__(self, workers: int | None) -> None:
        self.workers = workers

    def copy(self, session: Session, request: CopyRequest) -> CopyOutcome:
        table, source = request.table, request.source
        began_ns = time.time_ns()  # a local file written after this changed during the load
        keys = _files_under_prefix(table, request.files)
        if keys and not source.is_s3:
            source.check_local_keys(keys, table.prefix)
        keys = keys or source.list_keys(table.prefix)
        if request.days is not None and not request.days.everything:
            keys = _files_of_days(table, source, keys, request.days)
        json_format = _json_format(table, source, request)
        try:
            result = load_json_files(
                session.cursor,
                session.sql("common/copy_from_stdin", table=request.into),
                session.columns(table.name),
                keys,
                self._reader(source, began_ns),
                json_format,
                request.maxerror,
                request.report,
            )
        except UnreadableFile as error:
            raise SourceError(str(error)) from None
        if result.exceeded_maxerror:
            session.begin_again()
        return CopyOutcome(
            source=source.uri(table.prefix),
            files=result.files,
            records_read=result.records_read,
            rows_loaded=result.rows_loaded,
            rejected=len(result.errors),
            failure="rejected records exceed MAXERROR" if result.exceeded_maxerror else None,
            seconds=result.seconds,
            rejected_records=result.errors,
            unmapped_keys=tuple(result.unmapped_keys),
        )

    def _reader(self, source: RawSourceResource, began_ns: int) -> LocalFiles | RemoteFiles:
        workers = {} if self.workers is None else {"workers": self.workers}
        if source.is_s3:  # an S3 object is read in the version first read (source._S3Object)
            return RemoteFiles(source.open, **workers)
        return LocalFiles(source.local_root(), load_began_ns=began_ns, **workers)

    def record_rejections(
        self, session: Session, outcome: CopyOutcome, load_id: str, started: datetime, table: str
    ) -> None:
        if not outcome.rejected_records:
            return
        widths = session.text_widths("load_errors")
        session.copy_rows(
            "load_errors",
            [
                [
                    fit_text(value, width, Target.LOCAL)
                    for value, width in zip(
                        (
                            load_id,
                            started,
                            table,
                            error.filename,
                            error.line_number,
                            error.colname,
                            error.type,
                            error.raw_line,
                            error.raw_field_value,
                            error.err_code,
                            error.err_reason,
                        ),
                        widths.values(),
                        strict=True,
                    )
                ]
                for error in outcome.rejected_records
            ],
        )


class RedshiftCopy:
    """The Redshift target: one server-side COPY from S3 through the cluster's IAM role."""

    def __init__(self, iam_role_arn: str, region: str, manifest_location: str | None) -> None:
        self.iam_role_arn = iam_role_arn
        self.region = region
        self.manifest_location = manifest_location

    def copy(self, session: Session, request: CopyRequest) -> CopyOutcome:
        table, source, days = request.table, request.source, request.days
        copy_sql = session.sql("staging/copy_json", table=request.into)
        origin = source.uri(table.prefix)
        files = _files_under_prefix(table, request.files)
        if not files and days is not None and not days.everything:
            if days.single_day:  # the day's file named as log_files_of names it
                origin = source.uri(day_file(table.prefix, days.first))
            else:  # a range of days is a list of files: Redshift reads a list from a manifest
                files = _files_of_days(table, source, source.list_keys(table.prefix), days)
        if files:
            origin = self._write_manifest(source, table, files, request.load_id)
            copy_sql = f"{copy_sql.rstrip()}\n{session.sql('staging/copy_json.manifest')}"
        if request.truncate_columns:
            copy_sql = f"{copy_sql.rstrip()}\n{session.sql('staging/copy_json.truncatecolumns')}"
        request.report(f"Redshift COPY into {table.name} from {origin} started")
        pid_row = session.fetch_one("meta/backend_pid")
        session_id = pid_row[0] if pid_row else -1
        started = time.monotonic()
        try:
            session.cursor.execute(
                copy_sql,
                {
                    "source": origin,
                    "iam_role": self.iam_role_arn,
                    "json_format": source.uri(table.jsonpaths) if table.jsonpaths else "auto",
                    "region": self.region,
                    "maxerror": request.maxerror,
                },
            )
        except psycopg2.Error as error:
            if is_conflict(error):
                raise  # another transaction's doing, not the data's: the load is tried again
            session.begin_again()
            return self._copy_outcome(
                session, session_id, origin, started, failure=first_line(error)
            )
        outcome = self._copy_outcome(session, session_id, origin, started, failure=None)
        request.report(
            f"Redshift COPY into {table.name}: {outcome.rows_loaded:,} rows from "
            f"{outcome.files:,} files, {outcome.rejected:,} rejected, in {outcome.seconds:.1f} s"
        )
        unmapped = self._unmapped_keys_of_a_sample(session, request, outcome.copy_query_id)
        return replace(outcome, unmapped_keys=unmapped)

    @staticmethod
    def _unmapped_keys_of_a_sample(
        session: Session, request: CopyRequest, copy_query_id: int | None
    ) -> tuple[UnmappedKey, ...]:
        """The JSON keys that filled no column, counted in a sample of the files the COPY read.

        Redshift drops such a key without a word and records nothing of it, so the files are
        read again here, through the source, and counted by the local COPY's own counter
        (`copyjson.drift`). Which files: those SYS_LOAD_DETAIL says this COPY read (no listing
        of the bucket), by name; of a daily table the first of each day (a field that appears
        on some day shows that day), of another the first SAMPLE_FILES (a manifest's files
        when chosen files were loaded). It is a sample: a key only in files outside it is not
        seen, and the counts are of the sample's records (every JSON object in them: at the
        default MAXERROR 0 a committed COPY rejected none).
        """
        if copy_query_id is None:
            return ()
        table, source = request.table, request.source
        daily = table.day_column is not None
        read = session.fetch_all(
            "meta/copy_files",
            {"query_id": copy_query_id, "limit": DAILY_SAMPLE_FILES if daily else SAMPLE_FILES},
        )
        root = source.uri().rstrip("/") + "/"
        files = [uri.removeprefix(root) for (uri,) in read if uri.startswith(root)]
        if daily:
            files = _first_of_each_day(files)
        if not files:
            return ()
        names = [column.name for column in session.columns(table.name)]
        mapped = _json_format(table, source, request).mapped_keys(names)
        request.report(
            f"Counting the JSON keys that fill no column of {table.name} in a sample of "
            f"{len(files):,} of the files the COPY read"
        )
        return tuple(count_files(files, source.open, mapped, S3_READERS).found())

    def record_rejections(
        self, session: Session, outcome: CopyOutcome, load_id: str, started: datetime, table: str
    ) -> None:
        if outcome.copy_query_id is None:
            return  # refused before it ran: SYS_LOAD_HISTORY never listed it, nothing rejected
        session.execute(
            "meta/load_errors_from_sys",
            {
                "load_id": load_id,
                "tbl_name": table,
                "starttime": started,
                "query_id": outcome.copy_query_id,
            },
        )

    @staticmethod
    def _copy_outcome(
        session: Session, session_id: int, origin: str, started: float, *, failure: str | None
    ) -> CopyOutcome:
        """The COPY's own account of itself in SYS_LOAD_HISTORY, once it says the COPY has
        finished."""
        # A COPY refused before it ran (no such bucket, no access) never gets a row: after a
        # failure, the wait is short.
        wait = LOAD_RECORD_WAIT_SECONDS if failure is None else FAILED_LOAD_RECORD_WAIT_SECONDS
        deadline = time.monotonic() + wait
        while True:
            row = session.fetch_one("meta/copy_outcome", {"session_id": session_id})
            if (row is not None and row[1] != "running") or time.monotonic() >= deadline:
                break
            time.sleep(LOAD_RECORD_POLL_SECONDS)
        query_id, _, rows_loaded, files, rejected = row if row else (None, None, 0, 0, 0)
        if failure is not None:
            rows_loaded = 0  # rolled back: nothing it read was kept
        return CopyOutcome(
            source=origin,
            files=files,
            records_read=rows_loaded + rejected,
            rows_loaded=rows_loaded,
            rejected=rejected,
            failure=failure,
            seconds=time.monotonic() - started,
            copy_query_id=query_id,
        )

    def _write_manifest(
        self, source: RawSourceResource, table: StagingTable, files: Sequence[str], load_id: str
    ) -> str:
        """COPY reads an explicit file list from a manifest in S3; it is kept there afterwards as
        the record of what the load read."""
        if not self.manifest_location:
            raise SourceError(
                f"loading chosen files into {table.name} on Redshift needs a manifest in S3: "
                "set SPARKIFY_MANIFEST_LOCATION=s3://bucket/prefix (writable with your credentials)"
            )
        # "If the REGION parameter is specified, all resources, including a manifest file or
        # multiple Amazon S3 buckets, must be located in the specified Region."
        # (https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html)
        manifest_region = source.bucket_region(self.manifest_location)
        if manifest_region is not None and manifest_region != self.region:
            raise SourceError(
                f"SPARKIFY_MANIFEST_LOCATION={self.manifest_location} is a bucket in "
                f"{manifest_region}, but the COPY reads with REGION '{self.region}' (the "
                "source's, SPARKIFY_SOURCE_REGION), and Redshift requires a manifest in that "
                f"region: choose a bucket in {self.region} (nothing was loaded)"
            )
        uri = f"{self.manifest_location.rstrip('/')}/{table.name}/{load_id}.manifest"
        entries = [{"url": source.uri(key), "mandatory": True} for key in files]
        source.write_object(uri, json.dumps({"entries": entries}, indent=1).encode("utf-8"))
        return uri


def keep_days(
    session: Session,
    table: StagingTable,
    loaded_into: str,
    days: Days,
    outcome: CopyOutcome,
    load_id: str,
    started: datetime,
) -> CopyOutcome:
    """Keep the loaded rows of the loaded days; set aside, as rejected, rows of other days (or
    of none), which reloading their own day would otherwise duplicate.

    A load of some days went into its own `loaded_into` table, whose rows of those days are
    added to the table (their old rows were deleted when the load began). A load of every day
    went straight into the emptied table, so only the few rows of no day leave it: that saves
    copying every row a second time.
    """
    assert table.day_column is not None
    column = table.day_column.name
    parameters = days.parameters(table.day_column)
    counted = session.fetch_one(
        "staging/count_outside_days", parameters, loaded=loaded_into, column=column
    )
    set_aside = counted[0] if counted else 0
    if set_aside:
        session.execute(
            "staging/reject_outside_days",
            {
                **parameters,
                "load_id": load_id,
                "starttime": started,
                "tbl_name": table.name,
                "filename": fit_text(
                    outcome.source, session.text_widths("load_errors")["filename"], session.target
                ),
                "colname": column,
                "days": str(days),
            },
            loaded=loaded_into,
            column=column,
        )
    if loaded_into == table.name:
        if set_aside:
            session.execute(
                "staging/delete_outside_days", parameters, table=table.name, column=column
            )
    else:
        session.execute(
            "staging/keep_days", parameters, table=table.name, incoming=loaded_into, column=column
        )
    return replace(outcome, rows_loaded=outcome.rows_loaded - set_aside, set_aside=set_aside)


def record_unmapped_keys(session: Session, outcome: CopyOutcome, load_id: str, table: str) -> None:
    """One row of load_unmapped_keys per key the load saw that filled no column, written with
    the load, so the `new_json_keys` check compares it with the loads before."""
    if not outcome.unmapped_keys:
        return
    widths = session.text_widths("load_unmapped_keys")
    for found in outcome.unmapped_keys:
        session.execute(
            "meta/load_unmapped_keys.insert",
            {
                "load_id": load_id,
                "tbl_name": table,
                "json_key": fit_text(found.key, widths["json_key"], session.target),
                "records": found.records,
                "example_file": fit_text(
                    found.example_file, widths["example_file"], session.target
                ),
                "example_line": found.example_line,
            },
        )


def _json_format(
    table: StagingTable, source: RawSourceResource, request: CopyRequest
) -> JsonFormat:
    """The table's JSONPaths file, or 'auto' when it has none, or when its object is not named
    "jsonpaths": then Redshift's COPY ignores it, and the load says so (mapping.JsonPathsIgnored)
    and hands the workers 'auto' itself."""
    if table.jsonpaths is None:
        return JsonFormat(truncate_columns=request.truncate_columns)
    document = source.read(table.jsonpaths)
    with warnings.catch_warnings(record=True) as ignored:
        warnings.simplefilter("always", JsonPathsIgnored)
        paths = parse_jsonpaths(document, table.jsonpaths)
    if paths is None:
        for warning in ignored:
            request.report(str(warning.message))
        return JsonFormat(truncate_columns=request.truncate_columns)
    return JsonFormat(table.jsonpaths, document, request.truncate_columns)


def _first_of_each_day(keys: Sequence[str]) -> list[str]:
    """The first key of each day (by the day in its name; the keys without one count as one
    more day), in the keys' order."""
    first: dict[date | None, str] = {}
    for key in keys:
        first.setdefault(day_of_log_file(key), key)
    return list(first.values())


def _files_of_days(
    table: StagingTable, source: RawSourceResource, keys: Sequence[str], days: Days
) -> list[str]:
    chosen, undated = log_files_of(keys, days)
    if undated:
        raise SourceError(
            f"{', '.join(source.uri(key) for key in undated[:3])}: a daily load of {table.name} "
            "needs each file's day in its name (…/YYYY-MM-DD-events.json)"
        )
    if not chosen:
        raise SourceError(f"no files of {days} under {source.uri(table.prefix)}: nothing to load")
    return chosen


def _files_under_prefix(table: StagingTable, files: Sequence[str] | None) -> list[str]:
    """The explicit file list, each key normalised (`log_data/./2018/…` is `log_data/2018/…`,
    so a file named twice loads once) and refused, before anything is read, when it does not
    name a file of the table's prefix: `..` climbing out of it, an absolute path, a control
    character. Keys are read as written under the source, on disk as in S3."""
    keys = {}
    for key in files or ():
        normalised = posixpath.normpath(key) if key else ""
        if (
            not normalised.startswith(table.prefix)
            or not is_utf8(key)
            or key.startswith("/")
            or any(part == ".." for part in normalised.split("/"))
            or any(ord(character) < 32 or ord(character) == 127 for character in key)
        ):
            raise SourceError(
                f"{key!r}: not a file under {table.prefix} of the source, so not one of "
                f"{table.name}'s files (nothing was read)"
            )
        keys[normalised] = key
    return sorted(keys)
