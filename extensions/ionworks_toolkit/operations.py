"""The generated client's list operations, adapted: request building and page models.

``ListOperation`` binds a generated operation module (e.g.
``ionworks_client.api.cell_measurements.list_cell_measurements_by_project``) to its item and
page models. The request is built by the module's ``_get_kwargs`` (path encoding, parameter
serialisation), so it is exactly what the generated ``sync_detailed`` sends; that private
function is used here and nowhere else.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs
import httpx
from ionworks_client.api.cell_measurements import list_cell_measurements_by_project
from ionworks_client.api.projects import list_projects
from ionworks_client.models import (
    CellMeasurementWithDetails,
    CellMeasurementWithDetailsPage,
    Project,
)

from .pagination import Page
from .parameters import SEED_OPERATION
from .parsing import parse_page

__all__ = [
    "MEASUREMENTS_BY_PROJECT",
    "PROJECTS",
    "ListOperation",
    "coerce_to_operation",
]

T = TypeVar("T")


def coerce_to_operation(function: Callable[..., Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Turn wire values into the types a generated operation function expects.

    Generated functions take enum members (e.g. ``ListCellMeasurementsByProjectOrderBy``) for
    enum parameters; they are found from the function's type hints, so this follows
    regeneration without a table of ours.
    """
    hints = typing.get_type_hints(function)
    out: dict[str, Any] = {}
    for name, value in params.items():
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

    ``module``: e.g. ``ionworks_client.api.cell_measurements.list_cell_measurements_by_project``;
    its ``_get_kwargs`` builds the request (path encoding, parameter serialisation), so the
    request is exactly what the generated ``sync_detailed`` sends. ``page_model``: the envelope
    model (``{items, count, total}``) or None when the operation returns a bare list.
    """

    operation_id: str
    module: types.ModuleType
    item_model: type[T]
    page_model: type | None = None
    #: pages hold records (``item.to_dict()`` dicts, built without models) instead of models
    as_records: bool = False

    def records(self) -> ListOperation[Any]:
        """This operation with pages of records instead of models (the export path)."""
        return attrs.evolve(self, as_records=True)

    def request_kwargs(
        self, path_params: Mapping[str, Any], params: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``httpx.Client.request`` keyword arguments (``method``, ``url``, ``params``)."""
        arguments = coerce_to_operation(self.module.sync_detailed, params)
        return dict(self.module._get_kwargs(**path_params, **arguments))

    def parse_page(self, response: httpx.Response, offset: int) -> Page[T]:
        """Parse a 2xx response into a Page; see ``parsing.parse_page``."""
        return parse_page(
            response,
            offset,
            item_model=self.item_model,
            page_model=self.page_model,
            operation_id=self.operation_id,
            as_records=self.as_records,
        )


MEASUREMENTS_BY_PROJECT: ListOperation[CellMeasurementWithDetails] = ListOperation(
    SEED_OPERATION,
    list_cell_measurements_by_project,
    CellMeasurementWithDetails,
    CellMeasurementWithDetailsPage,
)
PROJECTS: ListOperation[Project] = ListOperation("list_projects", list_projects, Project, None)
