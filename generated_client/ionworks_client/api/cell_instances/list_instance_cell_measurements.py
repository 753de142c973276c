from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cell_measurement_page import CellMeasurementPage
from ...models.http_validation_error import HTTPValidationError
from ...models.ionworks_error_body import IonworksErrorBody
from ...models.list_instance_cell_measurements_order_type_0 import (
    ListInstanceCellMeasurementsOrderType0,
)
from ...models.measurement_type import MeasurementType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    cell_instance_id: str,
    *,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    measurement_type: MeasurementType | None | Unset = UNSET,
    tags_all: list[str] | None | Unset = UNSET,
    tags_any: list[str] | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    start_time_gt: None | str | Unset = UNSET,
    start_time_lt: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListInstanceCellMeasurementsOrderType0 | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_limit: int | None | Unset
    if isinstance(limit, Unset):
        json_limit = UNSET
    else:
        json_limit = limit
    params["limit"] = json_limit

    json_offset: int | None | Unset
    if isinstance(offset, Unset):
        json_offset = UNSET
    else:
        json_offset = offset
    params["offset"] = json_offset

    json_measurement_type: None | str | Unset
    if isinstance(measurement_type, Unset):
        json_measurement_type = UNSET
    elif isinstance(measurement_type, MeasurementType):
        json_measurement_type = measurement_type.value
    else:
        json_measurement_type = measurement_type
    params["measurement_type"] = json_measurement_type

    json_tags_all: list[str] | None | Unset
    if isinstance(tags_all, Unset):
        json_tags_all = UNSET
    elif isinstance(tags_all, list):
        json_tags_all = tags_all

    else:
        json_tags_all = tags_all
    params["tags_all"] = json_tags_all

    json_tags_any: list[str] | None | Unset
    if isinstance(tags_any, Unset):
        json_tags_any = UNSET
    elif isinstance(tags_any, list):
        json_tags_any = tags_any

    else:
        json_tags_any = tags_any
    params["tags_any"] = json_tags_any

    json_name: None | str | Unset
    if isinstance(name, Unset):
        json_name = UNSET
    else:
        json_name = name
    params["name"] = json_name

    json_created_by_email: None | str | Unset
    if isinstance(created_by_email, Unset):
        json_created_by_email = UNSET
    else:
        json_created_by_email = created_by_email
    params["created_by_email"] = json_created_by_email

    json_start_time_gt: None | str | Unset
    if isinstance(start_time_gt, Unset):
        json_start_time_gt = UNSET
    else:
        json_start_time_gt = start_time_gt
    params["start_time_gt"] = json_start_time_gt

    json_start_time_lt: None | str | Unset
    if isinstance(start_time_lt, Unset):
        json_start_time_lt = UNSET
    else:
        json_start_time_lt = start_time_lt
    params["start_time_lt"] = json_start_time_lt

    json_created_at_gt: None | str | Unset
    if isinstance(created_at_gt, Unset):
        json_created_at_gt = UNSET
    else:
        json_created_at_gt = created_at_gt
    params["created_at_gt"] = json_created_at_gt

    json_created_at_lt: None | str | Unset
    if isinstance(created_at_lt, Unset):
        json_created_at_lt = UNSET
    else:
        json_created_at_lt = created_at_lt
    params["created_at_lt"] = json_created_at_lt

    json_updated_at_gt: None | str | Unset
    if isinstance(updated_at_gt, Unset):
        json_updated_at_gt = UNSET
    else:
        json_updated_at_gt = updated_at_gt
    params["updated_at_gt"] = json_updated_at_gt

    json_updated_at_lt: None | str | Unset
    if isinstance(updated_at_lt, Unset):
        json_updated_at_lt = UNSET
    else:
        json_updated_at_lt = updated_at_lt
    params["updated_at_lt"] = json_updated_at_lt

    json_order_by: None | str | Unset
    if isinstance(order_by, Unset):
        json_order_by = UNSET
    else:
        json_order_by = order_by
    params["order_by"] = json_order_by

    json_order: None | str | Unset
    if isinstance(order, Unset):
        json_order = UNSET
    elif isinstance(order, ListInstanceCellMeasurementsOrderType0):
        json_order = order.value
    else:
        json_order = order
    params["order"] = json_order

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    if str(cell_instance_id) in ("", ".", ".."):
        raise ValueError(
            "path parameter cell_instance_id cannot be "
            + repr(str(cell_instance_id))
            + ": it would address another endpoint"
        )
    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/cell_instances/{cell_instance_id}/cell_measurements".format(
            cell_instance_id=quote(str(cell_instance_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CellMeasurementPage | HTTPValidationError | IonworksErrorBody | None:
    if response.status_code == 200:
        response_200 = CellMeasurementPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        try:
            response_401 = IonworksErrorBody.from_dict(response.json())

            return response_401

        except (ValueError, TypeError, KeyError, AttributeError):
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 403:
        try:
            response_403 = IonworksErrorBody.from_dict(response.json())

            return response_403

        except (ValueError, TypeError, KeyError, AttributeError):
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 404:
        try:
            response_404 = IonworksErrorBody.from_dict(response.json())

            return response_404

        except (ValueError, TypeError, KeyError, AttributeError):
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 422:
        try:
            response_422 = HTTPValidationError.from_dict(response.json())

            return response_422

        except (ValueError, TypeError, KeyError, AttributeError):
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 429:
        try:
            response_429 = IonworksErrorBody.from_dict(response.json())

            return response_429

        except (ValueError, TypeError, KeyError, AttributeError):
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if 500 <= response.status_code <= 599:
        try:
            response_5xx = IonworksErrorBody.from_dict(response.json())

            return response_5xx

        except (ValueError, TypeError, KeyError, AttributeError):
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CellMeasurementPage | HTTPValidationError | IonworksErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    cell_instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    measurement_type: MeasurementType | None | Unset = UNSET,
    tags_all: list[str] | None | Unset = UNSET,
    tags_any: list[str] | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    start_time_gt: None | str | Unset = UNSET,
    start_time_lt: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListInstanceCellMeasurementsOrderType0 | None | Unset = UNSET,
) -> Response[CellMeasurementPage | HTTPValidationError | IonworksErrorBody]:
    """List measurements of a cell instance (no docs page found)

    Args:
        cell_instance_id (str):
        limit (int | None | Unset):
        offset (int | None | Unset):
        measurement_type (MeasurementType | None | Unset):
        tags_all (list[str] | None | Unset):
        tags_any (list[str] | None | Unset):
        name (None | str | Unset):
        created_by_email (None | str | Unset):
        start_time_gt (None | str | Unset):
        start_time_lt (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListInstanceCellMeasurementsOrderType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellMeasurementPage | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        cell_instance_id=cell_instance_id,
        limit=limit,
        offset=offset,
        measurement_type=measurement_type,
        tags_all=tags_all,
        tags_any=tags_any,
        name=name,
        created_by_email=created_by_email,
        start_time_gt=start_time_gt,
        start_time_lt=start_time_lt,
        created_at_gt=created_at_gt,
        created_at_lt=created_at_lt,
        updated_at_gt=updated_at_gt,
        updated_at_lt=updated_at_lt,
        order_by=order_by,
        order=order,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    cell_instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    measurement_type: MeasurementType | None | Unset = UNSET,
    tags_all: list[str] | None | Unset = UNSET,
    tags_any: list[str] | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    start_time_gt: None | str | Unset = UNSET,
    start_time_lt: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListInstanceCellMeasurementsOrderType0 | None | Unset = UNSET,
) -> CellMeasurementPage | HTTPValidationError | IonworksErrorBody | None:
    """List measurements of a cell instance (no docs page found)

    Args:
        cell_instance_id (str):
        limit (int | None | Unset):
        offset (int | None | Unset):
        measurement_type (MeasurementType | None | Unset):
        tags_all (list[str] | None | Unset):
        tags_any (list[str] | None | Unset):
        name (None | str | Unset):
        created_by_email (None | str | Unset):
        start_time_gt (None | str | Unset):
        start_time_lt (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListInstanceCellMeasurementsOrderType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellMeasurementPage | HTTPValidationError | IonworksErrorBody
    """

    return sync_detailed(
        cell_instance_id=cell_instance_id,
        client=client,
        limit=limit,
        offset=offset,
        measurement_type=measurement_type,
        tags_all=tags_all,
        tags_any=tags_any,
        name=name,
        created_by_email=created_by_email,
        start_time_gt=start_time_gt,
        start_time_lt=start_time_lt,
        created_at_gt=created_at_gt,
        created_at_lt=created_at_lt,
        updated_at_gt=updated_at_gt,
        updated_at_lt=updated_at_lt,
        order_by=order_by,
        order=order,
    ).parsed


async def asyncio_detailed(
    cell_instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    measurement_type: MeasurementType | None | Unset = UNSET,
    tags_all: list[str] | None | Unset = UNSET,
    tags_any: list[str] | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    start_time_gt: None | str | Unset = UNSET,
    start_time_lt: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListInstanceCellMeasurementsOrderType0 | None | Unset = UNSET,
) -> Response[CellMeasurementPage | HTTPValidationError | IonworksErrorBody]:
    """List measurements of a cell instance (no docs page found)

    Args:
        cell_instance_id (str):
        limit (int | None | Unset):
        offset (int | None | Unset):
        measurement_type (MeasurementType | None | Unset):
        tags_all (list[str] | None | Unset):
        tags_any (list[str] | None | Unset):
        name (None | str | Unset):
        created_by_email (None | str | Unset):
        start_time_gt (None | str | Unset):
        start_time_lt (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListInstanceCellMeasurementsOrderType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellMeasurementPage | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        cell_instance_id=cell_instance_id,
        limit=limit,
        offset=offset,
        measurement_type=measurement_type,
        tags_all=tags_all,
        tags_any=tags_any,
        name=name,
        created_by_email=created_by_email,
        start_time_gt=start_time_gt,
        start_time_lt=start_time_lt,
        created_at_gt=created_at_gt,
        created_at_lt=created_at_lt,
        updated_at_gt=updated_at_gt,
        updated_at_lt=updated_at_lt,
        order_by=order_by,
        order=order,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    cell_instance_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    measurement_type: MeasurementType | None | Unset = UNSET,
    tags_all: list[str] | None | Unset = UNSET,
    tags_any: list[str] | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    start_time_gt: None | str | Unset = UNSET,
    start_time_lt: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListInstanceCellMeasurementsOrderType0 | None | Unset = UNSET,
) -> CellMeasurementPage | HTTPValidationError | IonworksErrorBody | None:
    """List measurements of a cell instance (no docs page found)

    Args:
        cell_instance_id (str):
        limit (int | None | Unset):
        offset (int | None | Unset):
        measurement_type (MeasurementType | None | Unset):
        tags_all (list[str] | None | Unset):
        tags_any (list[str] | None | Unset):
        name (None | str | Unset):
        created_by_email (None | str | Unset):
        start_time_gt (None | str | Unset):
        start_time_lt (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListInstanceCellMeasurementsOrderType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellMeasurementPage | HTTPValidationError | IonworksErrorBody
    """

    return (
        await asyncio_detailed(
            cell_instance_id=cell_instance_id,
            client=client,
            limit=limit,
            offset=offset,
            measurement_type=measurement_type,
            tags_all=tags_all,
            tags_any=tags_any,
            name=name,
            created_by_email=created_by_email,
            start_time_gt=start_time_gt,
            start_time_lt=start_time_lt,
            created_at_gt=created_at_gt,
            created_at_lt=created_at_lt,
            updated_at_gt=updated_at_gt,
            updated_at_lt=updated_at_lt,
            order_by=order_by,
            order=order,
        )
    ).parsed
