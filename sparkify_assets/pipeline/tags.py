"""The run tags that say which days a run covers, named once: the jobs set them, the sensor
asks for them, `sparkify run` passes them and the alerts show them. Dagster reads and writes
these names itself, so they are Dagster's, not ours to choose."""

PARTITION = "dagster/partition"  # a run of one day
RANGE_START = "dagster/asset_partition_range_start"  # a run of a range of days: its first
RANGE_END = "dagster/asset_partition_range_end"  # and its last
BACKFILL = "dagster/backfill"  # the backfill a run is part of
