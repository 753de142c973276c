"""Contains some shared types for properties"""

from collections.abc import Callable, Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


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


class _Unparsed(tuple[dict[str, Any]]):
    """``(raw,)``: a nested object's JSON object, kept by its parent model until the attribute
    is first read (then parsed by :class:`LazyModelField`). Never seen outside a model."""

    __slots__ = ()


#: ``unparsed((raw,))`` marks ``raw`` (a dict) to be parsed on first read; typed ``Any`` so
#: that ``from_dict`` can store it in an attribute declared as the nested model.
unparsed: Callable[[tuple[dict[str, Any]]], Any] = _Unparsed


class LazyModelField:
    """An attribute of a generated (slotted attrs) model holding a nested model object that
    ``from_dict`` left unparsed: it is parsed by ``parse`` (the nested model's ``from_dict``)
    the first time the attribute is read, by any path (attribute access, ``to_dict``, ``==``,
    ``repr``, ``attrs.asdict``, pickling), and stored in its place. Most nested objects of a
    page are never read by most callers, which so skip their cost (a 1000-measurement page's
    cell specifications are ~80% of its models' parse). The only difference a caller can see:
    a nested object missing a required key raises its ``KeyError`` when first read instead of
    inside ``from_dict`` (a nested value that is not a JSON object still fails in
    ``from_dict``). Writing or deleting the attribute works as on any attrs attribute."""

    __slots__ = ("_parse", "_slot")

    def __init__(self, slot: Any, parse: Callable[[dict[str, Any]], Any]) -> None:
        self._slot = slot
        self._parse = parse

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self._slot
        value = self._slot.__get__(instance, owner)
        if type(value) is _Unparsed:
            value = self._parse(value[0])
            self._slot.__set__(instance, value)
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        self._slot.__set__(instance, value)

    def __delete__(self, instance: Any) -> None:
        self._slot.__delete__(instance)


def lazy_fields(cls: type, **parsers: Callable[[dict[str, Any]], Any]) -> None:
    """Make each named attribute of ``cls`` (a slotted attrs class) a :class:`LazyModelField`
    parsed by ``parsers[name]``."""
    for name, parse in parsers.items():
        setattr(cls, name, LazyModelField(cls.__dict__[name], parse))


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "LazyModelField",
    "RequestFiles",
    "Response",
    "Unset",
    "lazy_fields",
    "unparsed",
]
