"""The audit trail's hash chain: what an entry's digests cover and how they are computed.

Each entry stores three SHA-256 digests (hex):

* ``values_digest`` covers its ``before``/``after`` values;
* ``previous`` is the ``digest`` of the entry before it (``GENESIS`` for the first);
* ``digest`` covers who, when, how, which object, ``values_digest`` and ``previous``.

Changing, removing or inserting an entry anywhere but at the end breaks a link
that ``audit_chain_verify`` (custody.selectors) finds. The values have their
own digest so that erasure may redact them while the chain stays whole: the
chain covers the digest of the values, not the values themselves.

Functions here are pure (no database), so a migration can use them on
historical rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    """Return ``value`` as canonical JSON bytes: sorted keys, no spaces, UTF-8.

    The value is first read back as JSON would store it (tuples become lists,
    keys become strings), so what the database returns digests the same.
    """
    plain = json.loads(json.dumps(value, ensure_ascii=False))
    return json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def values_digest(before: Any, after: Any) -> str:
    """Return the digest of an entry's ``before`` and ``after`` values."""
    return hashlib.sha256(canonical({"before": before, "after": after})).hexdigest()


def _instant(at: dt.datetime) -> str:
    # UTC to the microsecond: what both databases store and give back.
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_digest(
    *,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    via: str,
    action: str,
    object_type: str,
    object_id: str,
    body_id: int | None,
    values: str,
    previous: str,
) -> str:
    """Return the digest of one entry's fixed content linked to the entry before it."""
    content = {
        "at": _instant(at),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "via": via,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "body_id": body_id,
        "values": values,
        "previous": previous,
    }
    return hashlib.sha256(canonical(content)).hexdigest()


def digest_of(entry: Any, *, previous: str | None = None) -> str:
    """Return the digest ``entry`` (a model instance or a historical row) should have.

    ``previous`` defaults to the link the entry stores.
    """
    return entry_digest(
        at=entry.at,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        via=entry.via,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        body_id=entry.body_id,
        values=entry.values_digest,
        previous=entry.previous if previous is None else previous,
    )
