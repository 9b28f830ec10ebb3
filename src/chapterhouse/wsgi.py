"""The WSGI application gunicorn serves."""

import gc
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapterhouse.settings")
if settings.SECRET_KEY_REFUSAL:
    # No site starts without its key (settings.py): what to set, not a first failed request.
    raise ImproperlyConfigured(settings.SECRET_KEY_REFUSAL)
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, Babel's CLDR data) lives as long as
# the process: move it out of the garbage collector's reach, so full collections
# stay short (docs/performance.md, "Reports": they were the slow runs' cause).
gc.collect()
gc.freeze()
