"""Production settings plus one URL for the load test: the bare view (bench only)."""

from chapterhouse.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
