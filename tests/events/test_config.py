"""The events service's settings come from the environment, with clear errors."""

import pytest

from services.events.config import load_config


def test_the_feed_window_and_base_url_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("FEED_CANCELLED_DAYS", "45")
    monkeypatch.setenv("EVENTS_BASE_URL", "https://osl.example.org")
    config = load_config()
    assert (config["FEED_CANCELLED_DAYS"], config["FEED_PAST_DAYS"]) == (45, 90)
    assert config["PUBLIC_BASE_URL"] == "https://osl.example.org"


def test_a_bad_number_of_days_names_the_variable(monkeypatch):
    monkeypatch.setenv("FEED_FUTURE_DAYS", "two years")
    with pytest.raises(SystemExit, match="FEED_FUTURE_DAYS must be a whole number"):
        load_config()
