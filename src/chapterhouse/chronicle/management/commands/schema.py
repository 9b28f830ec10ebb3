"""``chapterhouse schema``: print the Chronicle's JSON Schema."""

from __future__ import annotations

import json
from typing import Any

from chapterhouse.core.chronicle_schema import chronicle_json_schema
from chapterhouse.core.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = "Print the JSON Schema of the Chronicle format, generated from the import models."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(chronicle_json_schema(), indent=2, ensure_ascii=False))
