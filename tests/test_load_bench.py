"""The load bench's yardstick stays honest, and its wrk parsing reads every unit.

`bench/load_bench.py` compares pages with a bare view served behind Django's own
middleware only (docs/performance.md, "Under load"): if one of ours crept into that list,
or the view started reading the database, the ratios would flatter the pages again.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from bench.load_bench import milliseconds


def test_the_bare_view_passes_djangos_middleware_only_and_runs_no_query(
    client, db, django_assert_num_queries
):
    import bench_bare_settings  # importable once bench.load_bench put bench/ on the path

    assert all(name.startswith("django.") for name in bench_bare_settings.MIDDLEWARE)
    with (
        override_settings(MIDDLEWARE=bench_bare_settings.MIDDLEWARE, ROOT_URLCONF="bench_urls"),
        django_assert_num_queries(0),
    ):
        client.cookies["sessionid"] = "no-such-session"
        response = client.get("/bench/bare/")
    assert response.status_code == 200
    assert response.content == b"bare"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("812.00us", 0.812), ("3.21ms", 3.21), ("1.02s", 1020.0), ("1.50m", 90_000.0)],
)
def test_it_reads_wrk_latencies_in_milliseconds(text, expected):
    assert milliseconds(text) == pytest.approx(expected)
