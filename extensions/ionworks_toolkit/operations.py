"""The generated client's list operations, adapted: request building and page models.

``ListOperation`` binds a generated operation module (e.g.
``ionworks_client.api.cell_measurements.list_cell_measurements_by_project``) to its item and
page models. The request is built by the module's ``_get_kwargs`` (path encoding, parameter
serialisation), so it is exactly what the generated ``sync_detailed`` sends; that private
function is used here and nowhere else.
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
import pkgutil
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs
import httpx
from ionworks_client import api as client_api
from ionworks_client.models import (
    CellMeasurementWithDetails,
    CellMeasurementWithDetailsPage,
    Project,
)

from .errors import ConfigurationError
from .pagination import Page
from .parameters import SEED_OPERATION, squash
from .parsing import parse_page

__all__ = [
    "MEASUREMENTS_BY_PROJECT",
    "PROJECTS",
    "ListOperation",
    "coerce_to_operation",
    "operation_module",
]

T = TypeVar("T")


@functools.cache
def operation_module(operation_id: str) -> types.ModuleType:
    """The generated module of ``operation_id`` (``ionworks_client.api.<tag>.<operation_id>``).

    Found by name under the client's ``api`` package, so a tag the API renames does not matter,
    and looked up only when a command needs it, so that a client regenerated from a spec
    without this operation still loads. Raises ConfigurationError naming the operation.
    """
    package = client_api
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
        if info.name.rsplit(".", 1)[-1] == operation_id:
            return importlib.import_module(info.name)
    raise ConfigurationError(
        f"this client has no operation {operation_id} (the API spec it was generated from "
        "does not have it): regenerate it from a spec that has it (scripts/regenerate.py)"
    )


def coerce_to_operation(function: Callable[..., Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Turn wire parameters into the keyword arguments of a generated operation function.

    Names: a wire name that is not a Python identifier or is a keyword (``from``) is the
    generator's Python name in the signature (``from_``); they are matched letters-and-digits
    only. Values: generated functions take enum members (e.g.
    ``ListCellMeasurementsByProjectOrderBy``) for enum parameters; they are found from the
    function's type hints, so this follows regeneration without a table of ours. Raises
    ConfigurationError for a parameter the function has no argument for.
    """
    arguments = list(inspect.signature(function).parameters)
    hints = typing.get_type_hints(function)
    out: dict[str, Any] = {}
    for wire, value in params.items():
        if wire in arguments:
            name = wire
        else:
            matches = [a for a in arguments if squash(a) == squash(wire)]
            if len(matches) != 1:
                raise ConfigurationError(
                    f"{function.__module__}.{function.__name__} has no argument for the query "
                    f"parameter {wire!r}: regenerate the client (scripts/regenerate.py)"
                )
            name = matches[0]
        hint = hints.get(name)
        enum_classes = [
            member
            for member in (typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,))
            if isinstance(member, type) and issubclass(member, enum.Enum)
        ]
        if enum_classes and isinstance(value, str):
            value = enum_classes[0](value)
        out[name] = value
    return out


@attrs.frozen
class ListOperation(Generic[T]):
    """A limit/offset list operation of the generated client, bound to its page and item models.

    ``module``: e.g. ``ionworks_client.api.cell_measurements.list_cell_measurements_by_project``,
    or None to look it up by ``operation_id`` on first use (``operation_module``); its
    ``_get_kwargs`` builds the request (path encoding, parameter serialisation), so the request
    is exactly what the generated ``sync_detailed`` sends. ``page_model``: the envelope model
    (``{items, count, total}``) or None when the operation returns a bare list.
    """

    operation_id: str
    module: types.ModuleType | None
    item_model: type[T]
    page_model: type | None = None
    #: pages hold records (``item.to_dict()`` dicts, built without models) instead of models
    as_records: bool = False
    #: pages of plain records also carry each item's JSON bytes as sent (``parse_page``)
    raw_lines: bool = False

    def records(self, *, raw_lines: bool = False) -> ListOperation[Any]:
        """This operation with pages of records instead of models (the export path).
        ``raw_lines``: a page handed on as parsed also carries each item's JSON bytes as the
        server sent them, for a JSON Lines sink (``JsonReadyList.raw_lines``); it keeps each
        page's body alive while its records are, so it is asked for only by a JSON Lines
        export."""
        return attrs.evolve(self, as_records=True, raw_lines=raw_lines)

    @property
    def generated(self) -> types.ModuleType:
        """The generated module (raises ConfigurationError when the client lacks it)."""
        return self.module if self.module is not None else operation_module(self.operation_id)

    def request_kwargs(
        self, path_params: Mapping[str, Any], params: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``httpx.Client.request`` keyword arguments (``method``, ``url``, ``params``)."""
        module = self.generated
        arguments = coerce_to_operation(module.sync_detailed, params)
        return dict(module._get_kwargs(**path_params, **arguments))

    def parse_page(self, response: httpx.Response, offset: int) -> Page[T]:
        """Parse a 2xx response into a Page; see ``parsing.parse_page``."""
        return parse_page(
            response,
            offset,
            item_model=self.item_model,
            page_model=self.page_model,
            operation_id=self.operation_id,
            as_records=self.as_records,
            raw_lines=self.raw_lines,
        )


MEASUREMENTS_BY_PROJECT: ListOperation[CellMeasurementWithDetails] = ListOperation(
    SEED_OPERATION,
    None,
    CellMeasurementWithDetails,
    CellMeasurementWithDetailsPage,
)
PROJECTS: ListOperation[Project] = ListOperation("list_projects", None, Project, None)
