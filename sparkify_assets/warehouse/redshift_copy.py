"""The Redshift target's COPY: one server-side COPY from S3 through the cluster's IAM role, its
outcome read from SYS_LOAD_HISTORY, and the JSON keys that filled no column counted in a
sample of the files it read."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

import psycopg2

from sparkify_assets.copyjson.drift import UnmappedKey, count_files
from sparkify_assets.copyjson.parallel import S3_READERS
from sparkify_assets.model.days import day_file, day_of_log_file
from sparkify_assets.model.tables import StagingTable
from sparkify_assets.warehouse.conflicts import is_conflict
from sparkify_assets.warehouse.connect import first_line
from sparkify_assets.warehouse.copying import CopyOutcome, CopyRequest, CopyStatus
from sparkify_assets.warehouse.session import Session
from sparkify_assets.warehouse.source import RawSourceResource, SourceError

# SYS_LOAD_HISTORY lists a COPY while it runs ("running") and once it ends; the wait for the end
# is bounded, so a view that lags can't hang a load (then the counts read are the last seen).
LOAD_RECORD_WAIT_SECONDS = 60.0
FAILED_LOAD_RECORD_WAIT_SECONDS = 5.0
LOAD_RECORD_POLL_SECONDS = 0.5
# The schema-drift sample after a Redshift COPY (RedshiftCopy._unmapped_keys_of_a_sample): at
# most this many of the files it read, by name; of a daily table, the first of each day.
SAMPLE_FILES = 100
DAILY_SAMPLE_FILES = 10_000  # more than the 3,660 days partitions may span


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
        files = request.chosen_files()
        if not files and not days.whole_table:
            if days.single_day:  # the day's file named as log_files_of names it
                origin = source.uri(day_file(table.prefix, days.first))
            else:  # a range of days is a list of files: Redshift reads a list from a manifest
                files = request.files_of_days(source.list_keys(table.prefix))
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
                session, session_id, origin, started, request.maxerror, failure=first_line(error)
            )
        outcome = self._copy_outcome(
            session, session_id, origin, started, request.maxerror, failure=None
        )
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
        mapped = request.json_format().mapped_keys(names)
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
        session: Session,
        session_id: int,
        origin: str,
        started: float,
        maxerror: int,
        *,
        failure: str | None,
    ) -> CopyOutcome:
        """The COPY's own account of itself in SYS_LOAD_HISTORY, once it says the COPY has
        finished: when it failed, over MAXERROR by its rejected records, else for `failure`."""
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
        status = CopyStatus.COMMITTED
        if failure is not None:
            rows_loaded = 0  # rolled back: nothing it read was kept
            status = CopyStatus.of_failed_copy(rejected, maxerror)
        return CopyOutcome(
            source=origin,
            status=status,
            files=files,
            records_read=rows_loaded + rejected,
            rows_loaded=rows_loaded,
            rejected=rejected,
            seconds=time.monotonic() - started,
            failure=failure,
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


def _first_of_each_day(keys: Sequence[str]) -> list[str]:
    """The first key of each day (by the day in its name; the keys without one count as one
    more day), in the keys' order."""
    first: dict[date | None, str] = {}
    for key in keys:
        first.setdefault(day_of_log_file(key), key)
    return list(first.values())
