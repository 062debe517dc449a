"""The local target's COPY: the files read here, as Redshift would read them (copyjson), and
their rows streamed into PostgreSQL inside the load's transaction."""

from __future__ import annotations

import time
from datetime import datetime

from sparkify_assets.copyjson import LocalFiles, RemoteFiles, UnreadableFile, load_json_files
from sparkify_assets.model.targets import Target
from sparkify_assets.warehouse.copying import CopyOutcome, CopyRequest, CopyStatus
from sparkify_assets.warehouse.session import Session, fit_text
from sparkify_assets.warehouse.source import RawSourceResource, SourceError


class EmulatedCopy:
    """The local target: read the files here, as Redshift would, and stream the rows in."""

    def __init__(self, workers: int | None) -> None:
        self.workers = workers

    def copy(self, session: Session, request: CopyRequest) -> CopyOutcome:
        table, source = request.table, request.source
        began_ns = time.time_ns()  # a local file written after this changed during the load
        keys = request.chosen_files()
        if keys and not source.is_s3:
            source.check_local_keys(keys, table.prefix)
        keys = keys or source.list_keys(table.prefix)
        if not request.days.whole_table:
            keys = request.files_of_days(keys)
        json_format = request.json_format()
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
            status=CopyStatus.OVER_MAXERROR if result.exceeded_maxerror else CopyStatus.COMMITTED,
            files=result.files,
            records_read=result.records_read,
            rows_loaded=result.rows_loaded,
            rejected=len(result.errors),
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
