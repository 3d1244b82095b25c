"""`vigie bench alert` scoring: what counts as detected, late or false."""

from vigie.bench.alert import _score


def test_bench_counts_only_the_first_alert_after_a_spike_as_a_detection():
    first_seen = {1: 100.0, 2: 200.0}  # watches that spiked, and when their first mention went in
    hits = [(100.8, {"watch_id": 1}, True), (101.5, {"watch_id": 1}, True),  # a second alert: false
            (150.0, {"watch_id": 2}, True),  # before its spike: false
            (201.2, {"watch_id": 2}, False),  # detected, but its signature failed
            (300.0, {"watch_id": 7}, True)]  # never spiked: false
    result = _score(hits, first_seen, {1: 100.5}, spikes=2, n=1000, feed_s=1.0, seed_s=0.0)
    assert (result["detected"], result["false_alerts"], result["unsigned"]) == (2, 3, 1)
    assert result["max_s"] == 1.2 and result["detect_p50_s"] == 0.5
