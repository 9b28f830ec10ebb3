"""Read a Chronicle file one item at a time and check the shape of each item.

A Chronicle may be several gigabytes, so it is never loaded whole: ijson
streams parser events and only the item being read (one body, one decision
…) is built in memory. Errors name the JSON path in the spec's style
(``decisions[3].effects[0].body``), the offending value and what was
expected. Whether ids refer to existing objects is checked by the importer,
which has the database.
"""

from __future__ import annotations

import difflib
import json
import re
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Annotated, Any, Final, Literal, Union, get_args, get_origin

import ijson
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from chapterhouse.core.chronicle_schema import (
    EFFECT_MODELS,
    SECTION_MODELS,
    ChronicleVersion,
    Extra,
)


class _Missing:
    """Stand for "no value" where ``None`` (JSON ``null``) is a real value."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final[Any] = _Missing()

ARRAY_SECTIONS: Final = tuple(key for key in SECTION_MODELS if key != "organization")
TOP_LEVEL_KEYS: Final = ("chronicle", "organization", *ARRAY_SECTIONS, "extra")
MAX_ERRORS_SHOWN: Final = 50
# No Chronicle object nests anywhere near this deep; a deeper value is an attack or
# a broken generator, and would exhaust the recursion of the JSON encoder later on.
MAX_NESTING: Final = 100

_SINGLE_VALUES = frozenset({"chronicle", "organization", "extra"})
_OPENING = frozenset({"start_map", "start_array"})
_CLOSING = frozenset({"end_map", "end_array"})
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_VALUE_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "chronicle": TypeAdapter(ChronicleVersion),
    "extra": TypeAdapter(Extra, config={"strict": True}),
}
# pydantic's own messages ("Input should be a valid integer") rephrased the
# way every other Chronicle error reads: "expected …".
_MESSAGES: dict[str, str] = {
    "string_type": "expected a string",
    "int_type": "expected an integer",
    "int_from_float": "expected an integer",
    "int_parsing": "expected an integer",
    "bool_type": "expected true or false",
    "list_type": "expected an array",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
}
# Errors about an object as a whole: their input is the whole object, which
# is too big to show, and their message already names the values.
_OBJECT_ERRORS = frozenset({"exclusive_keys"})


@dataclass
class ChronicleError:
    """One thing wrong in a Chronicle: where, what was expected, and the value found."""

    path: str
    message: str
    value: Any = MISSING

    def __str__(self) -> str:
        """Return ``path: message, got value``, e.g. ``bodies[2].nmae: unknown key, got 1``."""
        text = f"{self.path or '(top level)'}: {self.message}"
        if self.value is not MISSING:
            text += f", got {_show(self.value)}"
        return text


class ChronicleInvalid(Exception):
    """Signal that a Chronicle cannot be imported, with every error found.

    ``total`` counts errors that were found but not kept (see
    :func:`iter_models`); it is ``len(errors)`` unless given.
    """

    def __init__(self, errors: list[ChronicleError], total: int | None = None) -> None:
        super().__init__(errors, total)
        self.errors = list(errors)
        self.total = len(self.errors) if total is None else total

    def __str__(self) -> str:
        """Return the first errors, one a line, and how many more there are."""
        lines = [str(error) for error in self.errors[:MAX_ERRORS_SHOWN]]
        more = self.total - len(lines)
        if more > 0:
            lines.append(f"… and {more} more")
        return "\n".join(lines)


class _Unreadable(Exception):
    """A value the parser read but the importer cannot keep (too deep, or a NUL character)."""


def iter_items(fp: IO[bytes]) -> Iterator[tuple[str, int | None, Any]]:
    """Yield ``(section, index, value)`` for every item of a Chronicle, in file order.

    Each element of an array section comes as ``("bodies", 3, {...})``; the
    single values ``chronicle``, ``organization`` and ``extra`` come as
    ``("organization", None, {...})``. Values are plain Python (``dict``,
    ``list``, ``str``, ``int``, ``float`` …), built one item at a time.

    Raise :class:`ChronicleInvalid` for malformed JSON (at once, naming the
    line, column and byte), for a document that is not an object (at once),
    and, after the last item, for unknown top-level keys, duplicate
    top-level keys, sections that are not arrays and a missing
    ``chronicle``; the offending values are skipped, not built.
    """
    source = _TrackedReader(fp)
    events = ijson.basic_parse(source, use_float=True)
    problems: list[ChronicleError] = []
    seen: set[str] = set()
    path = ""  # where the parser is, for malformed-JSON errors
    try:
        event, value = next(events)
        if event != "start_map":
            raise ChronicleInvalid(
                [
                    ChronicleError(
                        "",
                        'expected a JSON object such as {"chronicle": 1, ...}, '
                        f"not {_event_noun(event)}",
                        MISSING if event in _OPENING else value,
                    )
                ]
            )
        for event, key in events:
            if event == "end_map":
                break
            path = _join("", key)
            event, value = next(events)
            if key in seen:
                problems.append(ChronicleError(path, "duplicate top-level key"))
                _skip(event, events)
            elif key in ARRAY_SECTIONS:
                seen.add(key)
                if event != "start_array":
                    problems.append(
                        ChronicleError(
                            path,
                            f"expected an array, not {_event_noun(event)}",
                            MISSING if event in _OPENING else value,
                        )
                    )
                    _skip(event, events)
                    continue
                # Each turn reads one whole item: _build consumes its nested events.
                for index, (event, value) in enumerate(events):
                    if event == "end_array":
                        break
                    path = f"{key}[{index}]"
                    yield key, index, _build(event, value, events)
                path = _join("", key)
            elif key in _SINGLE_VALUES:
                seen.add(key)
                yield key, None, _build(event, value, events)
            else:
                seen.add(key)
                problems.append(
                    ChronicleError(path, "unknown top-level key" + _suggest(key, TOP_LEVEL_KEYS))
                )
                _skip(event, events)
        path = ""
        for _ in events:  # let the parser check that nothing follows the document
            pass
    except (ijson.JSONError, json.JSONDecodeError) as exc:
        problems.append(ChronicleError(path, source.describe(exc)))
        raise ChronicleInvalid(problems) from None
    except _Unreadable as exc:
        problems.append(ChronicleError(path, str(exc)))
        raise ChronicleInvalid(problems) from None
    except UnicodeDecodeError as exc:
        # The parser lets some invalid sequences through (encoded surrogates) and
        # Python refuses them when it decodes the string.
        problems.append(
            ChronicleError(
                path,
                "expected UTF-8 text, but a string holds bytes that are not UTF-8 "
                f"({exc.object[exc.start : exc.end]!r}, before byte {source.offset})",
            )
        )
        raise ChronicleInvalid(problems) from None
    if "chronicle" not in seen:
        problems.insert(
            0,
            ChronicleError("chronicle", 'required key is missing: a Chronicle says "chronicle": 1'),
        )
    if problems:
        raise ChronicleInvalid(problems)


def validate_item(
    section: str, index: int | None, raw: Any
) -> tuple[BaseModel | None, list[ChronicleError]]:
    """Return the model for one item from :func:`iter_items` and the errors in it.

    On success the errors are empty; on failure the model is ``None``. The
    single values ``chronicle`` and ``extra`` are checked but have no model,
    so they always return ``None``. Error paths start with the item's place
    (``decisions[3]``) and follow the JSON keys, never pydantic's internal
    union tags.
    """
    prefix = _join("", section) if index is None else f"{_join('', section)}[{index}]"
    adapter = _VALUE_ADAPTERS.get(section)
    if adapter is not None:
        try:
            adapter.validate_python(raw)
        except ValidationError as exc:
            return None, [
                ChronicleError(prefix, _message(error), error.get("input", MISSING))
                for error in exc.errors(include_url=False)
            ]
        return None, []
    model_class = SECTION_MODELS.get(section)
    if model_class is None:
        return None, [ChronicleError(prefix, "unknown section" + _suggest(section, TOP_LEVEL_KEYS))]
    try:
        # by_name=False: the Python name ``for_`` of votes' "for" is not a key of the format.
        model = model_class.model_validate(raw, by_alias=True, by_name=False)
    except ValidationError as exc:
        return None, [
            _to_chronicle_error(prefix, model_class, error)
            for error in exc.errors(include_url=False)
        ]
    return model, []


def iter_models(
    fp: IO[bytes], *, max_errors: int = 1000
) -> Iterator[tuple[str, int | None, BaseModel]]:
    """Yield ``(section, index, model)`` for every valid item, in file order.

    Invalid items are skipped; once the whole file is read, raise
    :class:`ChronicleInvalid` with every error (the first ``max_errors`` of
    them kept, the rest counted), so a caller inside a transaction can roll
    back. ``chronicle`` and ``extra`` are checked but not yielded.
    """
    errors: list[ChronicleError] = []
    total = 0

    def keep(found: list[ChronicleError]) -> None:
        nonlocal total
        total += len(found)
        errors.extend(found[: max(0, max_errors - len(errors))])

    try:
        for section, index, raw in iter_items(fp):
            model, found = validate_item(section, index, raw)
            if found:
                keep(found)
            elif model is not None:
                yield section, index, model
    except ChronicleInvalid as exc:
        keep(exc.errors)
    if total:
        raise ChronicleInvalid(errors, total)


class _TrackedReader:
    """Hand a file to the parser while remembering which bytes it has been given.

    The C parser reports malformed JSON with a snippet but no offset; keeping
    the last chunk and the newlines before it lets :meth:`describe` say
    "line 12, column 7" even in a file of several gigabytes.
    """

    def __init__(self, fp: IO[bytes]) -> None:
        self._fp = fp
        self._offset = 0  # bytes handed out so far
        self._lines = 0  # newlines handed out so far
        self._line_start = 0  # offset of the first byte of the current line
        self.chunk = b""
        self.chunk_start = 0
        self.chunk_lines = 0  # newlines before the chunk
        self.chunk_line_start = 0

    @property
    def offset(self) -> int:
        """How many bytes the parser has been given so far."""
        return self._offset

    def read(self, size: int = -1) -> bytes:
        """Return the next bytes of the file and remember them."""
        data = self._fp.read(size)
        if isinstance(data, str):
            raise TypeError("open the Chronicle in binary mode ('rb'), not as text")
        if not data and size == 0:
            return data  # the parser probes with read(0)
        self.chunk = data
        self.chunk_start = self._offset
        self.chunk_lines = self._lines
        self.chunk_line_start = self._line_start
        self._offset += len(data)
        newlines = data.count(b"\n")
        if newlines:
            self._lines += newlines
            self._line_start = self.chunk_start + data.rfind(b"\n") + 1
        return data

    def describe(self, exc: Exception) -> str:
        """Return what the parser found wrong and where, as one sentence."""
        raw = exc.args[0] if exc.args else str(exc)
        if isinstance(raw, BaseException):
            raw = str(raw)
        message = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "replace")
        reason_line, _, rest = message.partition(b"\n")
        reason = reason_line.decode("utf-8", "replace").strip().rstrip(".")
        for noise in ("parse error: ", "lexical error: "):
            reason = reason.removeprefix(noise)
        if self._offset == 0:
            return "expected a JSON object, but the file is empty"
        if "premature EOF" in reason:
            return (
                f"malformed JSON at line {self._lines + 1}, column "
                f"{self._offset - self._line_start + 1} (byte {self._offset}): "
                "the file ends in the middle of the JSON"
            )
        offset = self._locate(rest.partition(b"\n")[0])
        if offset is None:
            end_line = self.chunk_lines + self.chunk.count(b"\n") + 1
            return (
                f"malformed JSON between byte {self.chunk_start} and "
                f"{self.chunk_start + len(self.chunk)} (lines {self.chunk_lines + 1}-{end_line}): "
                f"{reason}"
            )
        line = self.chunk_lines + self.chunk.count(b"\n", 0, offset) + 1
        newline = self.chunk.rfind(b"\n", 0, offset)
        where = f"line {line}"
        if newline >= 0 or self.chunk_line_start == self.chunk_start:
            # Columns count characters, as editors do; they are known only
            # when the line starts inside the chunk still at hand.
            before = self.chunk[newline + 1 : offset].decode("utf-8", "ignore")
            where += f", column {len(before) + 1}"
        near = b" ".join(self.chunk[max(0, offset - 20) : offset + 20].split())
        return (
            f"malformed JSON near {where} (byte {self.chunk_start + offset}): {reason}, "
            f"near {near.decode('utf-8', 'ignore')!r}"
        )

    def _locate(self, snippet: bytes) -> int | None:
        """Return the offset in the last chunk that yajl's error snippet points at.

        yajl shows up to 30 bytes either side of the error, newlines as
        spaces, padded so that the error sits in column 40; render that
        snippet for every offset and keep the first that matches.
        """
        flat = self.chunk.replace(b"\n", b" ").replace(b"\r", b" ")
        if not snippet.strip():
            return None
        for offset in range(len(flat) + 1):
            padding = 40 - offset if offset < 30 else 10
            start = max(0, offset - 30)
            if snippet == b" " * padding + flat[start : offset + 30]:
                return offset
        return None


_NUL_MESSAGE = "expected text without NUL characters (\\u0000)"


def _build(event: str, value: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """Return the JSON value that starts with ``event``, consuming its events.

    Raise ``_Unreadable`` for a value nested deeper than ``MAX_NESTING`` or
    holding a NUL character, which no database column takes.
    """
    if event not in _OPENING:
        if event == "string" and "\x00" in value:
            raise _Unreadable(_NUL_MESSAGE)
        return value
    builder = ijson.ObjectBuilder()
    add = builder.event
    add(event, value)
    depth = 1
    for event, value in events:
        if event in ("string", "map_key") and "\x00" in value:
            raise _Unreadable(_NUL_MESSAGE)
        add(event, value)
        if event in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                raise _Unreadable(f"expected values nested at most {MAX_NESTING} levels deep")
        elif event in _CLOSING:
            depth -= 1
            if depth == 0:
                break
    return builder.value


def _skip(event: str, events: Iterator[tuple[str, Any]]) -> None:
    """Consume the events of the JSON value that starts with ``event`` without building it."""
    if event not in _OPENING:
        return
    depth = 1
    for event, _ in events:
        if event in _OPENING:
            depth += 1
        elif event in _CLOSING:
            depth -= 1
            if depth == 0:
                return


def _to_chronicle_error(
    prefix: str, model_class: type[BaseModel], error: ErrorDetails
) -> ChronicleError:
    """Return pydantic's ``error`` as a :class:`ChronicleError` with a full JSON path."""
    parts, owner = _follow(model_class, error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input", MISSING)
    if kind == "missing":
        message, value = "required key is missing", MISSING
    elif kind == "extra_forbidden":
        known = list(_keys(owner)) if owner is not None else []
        message = "unknown key" + _suggest(str(parts[-1]), known)
    elif kind == "union_tag_invalid":
        parts.append(str(ctx.get("discriminator", "op")).strip("'"))
        message, value = f"expected one of {ctx.get('expected_tags', '')}", ctx.get("tag", value)
    elif kind == "union_tag_not_found":
        parts.append(str(ctx.get("discriminator", "op")).strip("'"))
        kinds = ", ".join(repr(op) for op in EFFECT_MODELS)
        message, value = f"required key is missing: the kind of effect, one of {kinds}", MISSING
    elif kind in _OBJECT_ERRORS:
        message, value = error["msg"], MISSING
    else:
        message = _message(error)
    return ChronicleError(_join(prefix, *parts), message, value)


def _message(error: ErrorDetails) -> str:
    """Return a plain "expected …" sentence for pydantic's ``error``."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}"
    if kind == "greater_than_equal":
        return f"expected a number of at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"expected a number of at most {ctx.get('le')}"
    if kind == "too_short":
        count = ctx.get("min_length")
        return f"expected at least {count} item{'' if count == 1 else 's'}"
    # Our own validators already word their messages as "expected …".
    return error["msg"]


def _follow(
    model_class: type[BaseModel], loc: tuple[int | str, ...]
) -> tuple[list[int | str], type[BaseModel] | None]:
    """Return ``loc`` without union tags, and the model that holds its last key.

    pydantic puts the tag of a discriminated union into the location
    (``effects, 0, start_term, body``); walking the field types alongside
    the location tells tags from keys, so a key that happens to equal a tag
    is never dropped.
    """
    parts: list[int | str] = []
    current: Any = model_class
    owner: type[BaseModel] | None = None
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            owner = current
            parts.append(part)
            field = next(
                (f for name, f in current.model_fields.items() if part in (name, f.alias)), None
            )
            current = field.annotation if field is not None else None
            continue
        tagged = _tagged_members(current)
        if isinstance(part, str) and part in tagged:
            current = tagged[part]
            continue
        parts.append(part)
        origin = get_origin(current)
        if origin is list:
            current = get_args(current)[0]
        elif origin is dict:
            current = get_args(current)[1]
        else:
            current = None
    return parts, owner


def _unwrap(annotation: Any) -> Any:
    """Return ``annotation`` without ``Annotated[...]`` and without ``| None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _tagged_members(annotation: Any) -> dict[str, type[BaseModel]]:
    """Return the members of a union of models keyed by their single-valued Literal tag."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return {}
    tagged: dict[str, type[BaseModel]] = {}
    for member in get_args(annotation):
        if not (isinstance(member, type) and issubclass(member, BaseModel)):
            continue
        for field in member.model_fields.values():
            values = get_args(field.annotation) if _is_literal(field.annotation) else ()
            if len(values) == 1 and isinstance(values[0], str):
                tagged[values[0]] = member
    return tagged


def _is_literal(annotation: Any) -> bool:
    """Return whether ``annotation`` is a ``Literal[...]``."""
    return get_origin(annotation) is Literal


def _keys(model_class: type[BaseModel]) -> Iterator[str]:
    """Yield the JSON keys of ``model_class``."""
    for name, field in model_class.model_fields.items():
        yield field.alias or name


def _suggest(key: str, known: list[str] | tuple[str, ...]) -> str:
    """Return "; did you mean 'x'?" for a near miss, else the keys allowed here."""
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if known:
        return f" (known keys: {', '.join(known)})"
    return ""


def _join(prefix: str, *parts: int | str) -> str:
    """Return a JSON path in the spec's style: ``decisions[3].effects[0].body``.

    ``prefix`` is a path already (``decisions[3]``) and is kept as written;
    keys that are not plain words are quoted (``bodies[2]["na me"]``).
    """
    text = prefix
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text


def _event_noun(event: str) -> str:
    """Return what a JSON value starting with ``event`` is, for messages."""
    return {
        "start_map": "an object",
        "start_array": "an array",
        "string": "a string",
        "number": "a number",
        "boolean": "true or false",
        "null": "null",
    }.get(event, event)


def _show(value: Any, limit: int = 80) -> str:
    """Return ``value`` short and readable: strings quoted, JSON literals as in JSON."""
    if isinstance(value, str):
        text = repr(value)
    elif value is None or isinstance(value, bool):
        text = json.dumps(value)
    elif isinstance(value, int | float):
        text = repr(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
