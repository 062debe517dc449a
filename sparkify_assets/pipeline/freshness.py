"""How late a day may be: a WARN check on each table split by day, that yesterday's partition
was materialized by the deadline, and a sensor that runs those checks after each deadline.

Dagster's time-partition freshness checks, not a `FreshnessPolicy`: in Dagster 1.13 a policy
compares the time of the asset's last materialization of any partition with a window, so a
backfill of 2018 would make the asset look fresh; these checks ask for the partition that is due.
The checks run only on their own (the jobs leave them out: a run loading 2018 says nothing of
whether yesterday is late), from the UI or from the sensor, which is off until switched on.
"""

from __future__ import annotations

import warnings

from dagster import (
    AssetChecksDefinition,
    DefaultSensorStatus,
    SensorDefinition,
    build_sensor_for_freshness_checks,
    build_time_partition_freshness_checks,
)

from sparkify_assets.model.tables import ASSET_TABLES

# A day is late once it is not loaded by 03:00 UTC the next day: the `daily_load` schedule
# starts it at 01:00 (automation.py), and a run of a day takes minutes.
DEADLINE_CRON = "0 3 * * *"
DAILY_TABLES = tuple(table.name for table in ASSET_TABLES if table.day_column is not None)


def _freshness_checks() -> list[AssetChecksDefinition]:
    with warnings.catch_warnings():  # "superseded" in 1.13, with no partition-aware successor
        warnings.simplefilter("ignore")
        return list(
            build_time_partition_freshness_checks(
                assets=list(DAILY_TABLES), deadline_cron=DEADLINE_CRON, timezone="UTC"
            )
        )


FRESHNESS_CHECKS = _freshness_checks()


def freshness_sensor() -> SensorDefinition:
    """Runs the freshness checks after each deadline. Off by default, like every sensor here:
    switched on in the UI (Automation) or with `dagster sensor start freshness_checks_sensor`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "superseded", as above
        return build_sensor_for_freshness_checks(
            freshness_checks=FRESHNESS_CHECKS, default_status=DefaultSensorStatus.STOPPED
        )
