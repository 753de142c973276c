"""Contains some shared types for properties"""

import datetime
import re
from collections.abc import Callable, Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar

from attrs import define, fields


class Unset:
    """The type of :data:`UNSET`, the one value of a property the server did not send.
    Models compare and serialise by identity with ``UNSET``, so it stays the one object
    when pickled or copied (``__reduce__`` names the module global; ``copy`` and
    ``deepcopy`` return it)."""

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __reduce__(self) -> str:
        return "UNSET"

    def __copy__(self) -> "Unset":
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> "Unset":
        return self


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


#: A fraction of a second with a non-zero digit past the sixth (``.1234567``): finer than a
#: microsecond, which is all a ``datetime`` holds.
_FINER_THAN_MICROSECONDS = re.compile(r"[.,][0-9]{6}0*[1-9]")
_fromisoformat = datetime.datetime.fromisoformat


def parse_datetime(text: str) -> datetime.datetime:
    """A date-time property's text (``format: date-time``: RFC 3339, or any ISO 8601 form
    ``datetime.fromisoformat`` reads) as a ``datetime``, only when it holds the instant
    exactly; the models keep any other text as sent (their tolerant fallback), and so do the
    toolkit's sinks, which read date-times with this same function.

    * ``Z`` and ``z`` both mean UTC (RFC 3339 section 5.6 allows the lower case): a final
      ``z`` after a digit, ``2024-01-02T03:04:05z``, is ``2024-01-02 03:04:05+00:00``.
    * More than six fractional digits: read when the digits past the sixth are zeros
      (``.1234560Z``); else ``ValueError`` (``.1234567Z``, as .NET and SQL Server write):
      ``datetime`` holds microseconds, and cutting the text would change the value sent.

    :raises ValueError: the text does not parse, or names a time finer than a microsecond.
    :raises TypeError: ``text`` is not a ``str``.
    """
    try:
        parsed = _fromisoformat(text)
    except ValueError:
        if text[-1:] != "z" or not text[-2:-1].isdigit():  # "...05z", never "...05zz"
            raise
        parsed = _fromisoformat(text[:-1] + "Z")
    if ("." in text or "," in text) and _FINER_THAN_MICROSECONDS.search(text) is not None:
        raise ValueError(f"{text!r} is finer than a microsecond; a datetime cannot hold it")
    return parsed


class _Unparsed(tuple[dict[str, Any]]):
    """``(raw,)``: a nested object's JSON object, kept by its parent model until the attribute
    is first read (then parsed by :class:`LazyModelField`). Never seen outside a model."""

    __slots__ = ()


#: ``unparsed((raw,))`` marks ``raw`` (a dict) to be parsed on first read; typed ``Any`` so
#: that ``from_dict`` can store it in an attribute declared as the nested model.
unparsed: Callable[[tuple[dict[str, Any]]], Any] = _Unparsed


class NestedObjectKeyError(KeyError):
    """A nested object of a model, parsed on first read, misses a key its model requires:
    raised by reading the attribute (or by ``to_dict``, ``==``, pickling) instead of a bare
    ``KeyError`` (it is one, so existing handling still works). ``model``/``field``: the
    parent model's class name and attribute; ``key``: the missing key; ``nested``: the nested
    model's class name; ``raw``: the nested object as the server sent it."""

    def __init__(self, model: str, field: str, key: Any, nested: str, raw: Any) -> None:
        super().__init__(key)
        self.model, self.field, self.key, self.nested, self.raw = model, field, key, nested, raw

    def __str__(self) -> str:
        where = f"{self.model}.{self.field}"
        if isinstance(self.raw, dict) and self.key in self.raw:
            return f"{where}: an object inside it has no {self.key!r} (required by its model)"
        return f"{where}: the server's object has no {self.key!r} (required by {self.nested})"


class LazyModelField:
    """An attribute of a generated (slotted attrs) model holding a nested model object that
    ``from_dict`` left unparsed: it is parsed by ``parse`` (the nested model's ``from_dict``)
    the first time the attribute is read, by any path (attribute access, ``to_dict``, ``==``,
    ``repr``, ``attrs.asdict``, pickling), and stored in its place. Most nested objects of a
    page are never read by most callers, which so skip their cost (a 1000-measurement page's
    cell specifications are ~80% of its models' parse). The only difference a caller can see:
    a nested object missing a required key raises :class:`NestedObjectKeyError` (a
    ``KeyError`` naming the model, attribute and key) when first read instead of a
    ``KeyError`` inside ``from_dict`` (a null is kept as ``None``; any other nested value that
    is not a JSON object still fails in ``from_dict``); ``repr`` of the model then shows the object as sent
    (``<unparsed {...}>``) instead of raising. ``name``: the attribute's name. Writing or
    deleting the attribute works as on any attrs attribute."""

    __slots__ = ("_parse", "_slot", "name")

    def __init__(self, slot: Any, parse: Callable[[dict[str, Any]], Any], name: str = "") -> None:
        self._slot = slot
        self._parse = parse
        self.name = name

    @property
    def model(self) -> Any:
        """The nested model's class (whose ``from_dict`` parses the attribute)."""
        return getattr(self._parse, "__self__", None)

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self._slot
        value = self._slot.__get__(instance, owner)
        if type(value) is _Unparsed:
            try:
                value = self._parse(value[0])
            except KeyError as exc:
                if type(exc) is not KeyError or len(exc.args) != 1:
                    raise
                nested = getattr(self.model, "__name__", "its model")
                raise NestedObjectKeyError(
                    type(instance).__name__, self.name, exc.args[0], nested, value[0]
                ) from None
            self._slot.__set__(instance, value)
        return value

    def to_dict_of(self, instance: Any, optional: bool = False) -> Any:
        """What ``to_dict`` writes for this attribute of ``instance``: a nested object never
        read becomes its dict by the nested model's ``to_dict_of_raw`` (the dict its
        ``from_dict(...).to_dict()`` gives, key order included) without building models, and
        stays unparsed; a missing required key raises :class:`NestedObjectKeyError` as
        reading it would. A model gives its ``to_dict()``; ``UNSET`` (``optional``) and a
        null the server sent (``None``, kept by ``from_dict``) stay."""
        value = self._slot.__get__(instance, type(instance))
        if type(value) is _Unparsed:
            return nested_to_dict(type(instance).__name__, self.name, self.model, value[0])
        if value is None or (optional and isinstance(value, Unset)):
            return value
        return value.to_dict()

    def __set__(self, instance: Any, value: Any) -> None:
        self._slot.__set__(instance, value)

    def __delete__(self, instance: Any) -> None:
        self._slot.__delete__(instance)


def nested_to_dict(owner: str, name: str, model: Any, raw: Any) -> dict[str, Any]:
    """``model.to_dict_of_raw(raw)``: the ``to_dict`` form of the nested object ``raw`` of
    attribute ``name`` of an ``owner`` model (class name). A JSON object missing a key its
    model requires raises :class:`NestedObjectKeyError`, as reading the attribute would."""
    if type(raw) is not dict:
        return model.to_dict_of_raw(raw)
    try:
        return model.to_dict_of_raw(raw)
    except KeyError as exc:
        if type(exc) is not KeyError or len(exc.args) != 1:
            raise
        nested = getattr(model, "__name__", "its model")
        raise NestedObjectKeyError(owner, name, exc.args[0], nested, raw) from None


def _repr_with_unparsed(instance: Any) -> str:
    """attrs' repr of ``instance`` with each nested object that cannot be parsed shown as
    sent (``<unparsed {...}>``): a repr never raises."""
    cls = type(instance)
    shown = []
    for field in fields(cls):
        if not field.repr:
            continue
        try:
            value = repr(getattr(instance, field.name))
        except NestedObjectKeyError:
            value = f"<unparsed {getattr(cls, field.name).__get__(instance, cls)[0]!r}>"
        shown.append(f"{field.name}={value}")
    return f"{cls.__qualname__}({', '.join(shown)})"


def lazy_fields(cls: type, **parsers: Callable[[dict[str, Any]], Any]) -> None:
    """Make each named attribute of ``cls`` (a slotted attrs class) a :class:`LazyModelField`
    parsed by ``parsers[name]``, and its ``repr`` one that never raises for a nested object
    that cannot be parsed."""
    for name, parse in parsers.items():
        setattr(cls, name, LazyModelField(cls.__dict__[name], parse, name))
    original = cls.__repr__

    def __repr__(self: Any) -> str:
        try:
            return original(self)
        except NestedObjectKeyError:
            return _repr_with_unparsed(self)

    __repr__.__qualname__ = f"{cls.__qualname__}.__repr__"
    cls.__repr__ = __repr__  # type: ignore[method-assign]


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "LazyModelField",
    "NestedObjectKeyError",
    "RequestFiles",
    "Response",
    "Unset",
    "lazy_fields",
    "nested_to_dict",
    "parse_datetime",
    "unparsed",
]
