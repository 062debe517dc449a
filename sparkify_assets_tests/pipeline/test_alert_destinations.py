"""Where alerts go, and what is refused: two processes appending to the alert file at once never
interleave a line; a webhook URL that is not HTTP with a host is refused without showing it;
an alert file must be a file in a folder that exists. (The sensors: test_alerts.py.)"""

from __future__ import annotations

import logging
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from sparkify_assets.config.settings import AlertSettings, SettingsError
from sparkify_assets.pipeline.alerts import Alert, deliver
from sparkify_assets_tests.support.alerting import TOKEN, lines


def _append_many(path: str, writer: int) -> None:
    settings = AlertSettings(file=Path(path), webhook_url=None, ui_url=None)
    for n in range(300):
        alert = Alert("2018-11-05T00:00:00Z", "run_failure", f"{writer}-{n}", "job", "x" * 2000)
        deliver(alert, settings, logging.getLogger("test"))


def test_two_processes_appending_at_once_never_interleave_a_line(tmp_path):
    file = tmp_path / "alerts.jsonl"
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_append_many, [str(file)] * 2, [1, 2]))
    written = lines(file)  # every line parses as one whole object
    assert sorted(line["run_id"] for line in written) == sorted(
        f"{w}-{n}" for w in (1, 2) for n in range(300)
    )


@pytest.mark.parametrize(
    "url",
    [
        f"ftp://hooks.example.com/{TOKEN}",
        f"https:///{TOKEN}",
        f"https://hooks.example.com/{TOKEN} more",
        f"https://hooks.example.com:99999/{TOKEN}",
        f"hooks.example.com/{TOKEN}",
    ],
)
def test_a_webhook_url_that_is_not_http_with_a_host_is_refused_without_showing_it(url):
    with pytest.raises(SettingsError) as raised:
        AlertSettings.from_env({"SPARKIFY_ALERT_WEBHOOK_URL": url})
    message = str(raised.value)
    assert message.startswith("SPARKIFY_ALERT_WEBHOOK_URL")
    assert TOKEN not in message and "hooks.example.com" not in message


def test_an_alert_file_must_be_a_file_in_a_folder_that_exists(tmp_path):
    with pytest.raises(SettingsError, match=r"SPARKIFY_ALERT_FILE=.*does not exist"):
        AlertSettings.from_env({"SPARKIFY_ALERT_FILE": str(tmp_path / "missing" / "alerts")})
    with pytest.raises(SettingsError, match=r"SPARKIFY_ALERT_FILE=.*is a folder"):
        AlertSettings.from_env({"SPARKIFY_ALERT_FILE": str(tmp_path)})
    assert AlertSettings.from_env({"SPARKIFY_ALERT_FILE": str(tmp_path / "a.jsonl")}).destinations
