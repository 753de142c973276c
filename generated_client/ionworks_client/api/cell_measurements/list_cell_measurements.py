from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cell_measurement_page import CellMeasurementPage
from ...models.http_validation_error import HTTPValidationError
from ...models.ionworks_error_body import IonworksErrorBody
from ...models.list_cell_measurements_order import ListCellMeasurementsOrder
from ...models.list_cell_measurements_order_by import ListCellMeasurementsOrderBy
from ...models.measurement_type import MeasurementType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cell_specification_id: str,
    measurement_type: MeasurementType | None | Unset = UNSET,
    limit: int | Unset = 1000,
    offset: int | Unset = 0,
    name: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    start_time: None | str | Unset = UNSET,
    start_time_gt: None | str | Unset = UNSET,
    start_time_lt: None | str | Unset = UNSET,
    created_at: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: ListCellMeasurementsOrderBy | Unset = ListCellMeasurementsOrderBy.CREATED_AT,
    order: ListCellMeasurementsOrder | Unset = ListCellMeasurementsOrder.DESC,
    project_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    tags_all: list[str] | None | Unset = UNSET,
    tags_any: list[str] | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cell_specification_id"] = cell_specification_id

    json_measurement_type: None | str | Unset
    if isinstance(measurement_type, Unset):
        json_measurement_type = UNSET
    elif isinstance(measurement_type, MeasurementType):
        json_measurement_type = measurement_type.value
    else:
        json_measurement_type = measurement_type
    params["measurement_type"] = json_measurement_type

    params["limit"] = limit

    params["offset"] = offset

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

    json_start_time: None | str | Unset
    if isinstance(start_time, Unset):
        json_start_time = UNSET
    else:
        json_start_time = start_time
    params["start_time"] = json_start_time

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

    json_created_at: None | str | Unset
    if isinstance(created_at, Unset):
        json_created_at = UNSET
    else:
        json_created_at = created_at
    params["created_at"] = json_created_at

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

    json_updated_at: None | str | Unset
    if isinstance(updated_at, Unset):
        json_updated_at = UNSET
    else:
        json_updated_at = updated_at
    params["updated_at"] = json_updated_at

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

    json_order_by: str | Unset = UNSET
    if not isinstance(order_by, Unset):
        json_order_by = order_by.value

    params["order_by"] = json_order_by

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order.value

    params["order"] = json_order

    json_project_id: None | str | Unset
    if isinstance(project_id, Unset):
        json_project_id = UNSET
    else:
        json_project_id = project_id
    params["project_id"] = json_project_id

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

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

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/cell_measurements",
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
    *,
    client: AuthenticatedClient | Client,
    cell_specification_id: str,
    measurement_type: MeasurementType | None | Unset = UNSET,
    limit: int | Unset = 1000,
    offset: int | Unset = 0,
    name: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    start_time: None | str | Unset = UNSET,
    start_time_gt: None | str | Unset = UNSET,
    start_time_lt: None | str | Unset = UNSET,
    created_at: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: ListCellMeasurementsOrderBy | Unset = ListCellMeasurementsOrderBy.CREATED_AT,
    order: ListCellMeasurementsOrder | Unset = ListCellMeasurementsOrder.DESC,
    project_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    tags_all: list[str] | None | Unset = UNSET,
    tags_any: list[str] | None | Unset = UNSET,
) -> Response[CellMeasurementPage | HTTPValidationError | IonworksErrorBody]:
    """List measurements by cell_specification_id

    Args:
        cell_specification_id (str):
        measurement_type (MeasurementType | None | Unset):
        limit (int | Unset):  Default: 1000.
        offset (int | Unset):  Default: 0.
        name (None | str | Unset):
        created_by_email (None | str | Unset):
        start_time (None | str | Unset):
        start_time_gt (None | str | Unset):
        start_time_lt (None | str | Unset):
        created_at (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (ListCellMeasurementsOrderBy | Unset):  Default:
            ListCellMeasurementsOrderBy.CREATED_AT.
        order (ListCellMeasurementsOrder | Unset):  Default: ListCellMeasurementsOrder.DESC.
        project_id (None | str | Unset):
        q (None | str | Unset):
        tags_all (list[str] | None | Unset):
        tags_any (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellMeasurementPage | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        cell_specification_id=cell_specification_id,
        measurement_type=measurement_type,
        limit=limit,
        offset=offset,
        name=name,
        created_by_email=created_by_email,
        start_time=start_time,
        start_time_gt=start_time_gt,
        start_time_lt=start_time_lt,
        created_at=created_at,
        created_at_gt=created_at_gt,
        created_at_lt=created_at_lt,
        updated_at=updated_at,
        updated_at_gt=updated_at_gt,
        updated_at_lt=updated_at_lt,
        order_by=order_by,
        order=order,
        project_id=project_id,
        q=q,
        tags_all=tags_all,
        tags_any=tags_any,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    cell_specification_id: str,
    measurement_type: MeasurementType | None | Unset = UNSET,
    limit: int | Unset = 1000,
    offset: int | Unset = 0,
    name: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    start_time: None | str | Unset = UNSET,
    start_time_gt: None | str | Unset = UNSET,
    start_time_lt: None | str | Unset = UNSET,
    created_at: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: ListCellMeasurementsOrderBy | Unset = ListCellMeasurementsOrderBy.CREATED_AT,
    order: ListCellMeasurementsOrder | Unset = ListCellMeasurementsOrder.DESC,
    project_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    tags_all: list[str] | None | Unset = UNSET,
    tags_any: list[str] | None | Unset = UNSET,
) -> CellMeasurementPage | HTTPValidationError | IonworksErrorBody | None:
    """List measurements by cell_specification_id

    Args:
        cell_specification_id (str):
        measurement_type (MeasurementType | None | Unset):
        limit (int | Unset):  Default: 1000.
        offset (int | Unset):  Default: 0.
        name (None | str | Unset):
        created_by_email (None | str | Unset):
        start_time (None | str | Unset):
        start_time_gt (None | str | Unset):
        start_time_lt (None | str | Unset):
        created_at (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (ListCellMeasurementsOrderBy | Unset):  Default:
            ListCellMeasurementsOrderBy.CREATED_AT.
        order (ListCellMeasurementsOrder | Unset):  Default: ListCellMeasurementsOrder.DESC.
        project_id (None | str | Unset):
        q (None | str | Unset):
        tags_all (list[str] | None | Unset):
        tags_any (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellMeasurementPage | HTTPValidationError | IonworksErrorBody
    """

    return sync_detailed(
        client=client,
        cell_specification_id=cell_specification_id,
        measurement_type=measurement_type,
        limit=limit,
        offset=offset,
        name=name,
        created_by_email=created_by_email,
        start_time=start_time,
        start_time_gt=start_time_gt,
        start_time_lt=start_time_lt,
        created_at=created_at,
        created_at_gt=created_at_gt,
        created_at_lt=created_at_lt,
        updated_at=updated_at,
        updated_at_gt=updated_at_gt,
        updated_at_lt=updated_at_lt,
        order_by=order_by,
        order=order,
        project_id=project_id,
        q=q,
        tags_all=tags_all,
        tags_any=tags_any,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    cell_specification_id: str,
    measurement_type: MeasurementType | None | Unset = UNSET,
    limit: int | Unset = 1000,
    offset: int | Unset = 0,
    name: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    start_time: None | str | Unset = UNSET,
    start_time_gt: None | str | Unset = UNSET,
    start_time_lt: None | str | Unset = UNSET,
    created_at: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: ListCellMeasurementsOrderBy | Unset = ListCellMeasurementsOrderBy.CREATED_AT,
    order: ListCellMeasurementsOrder | Unset = ListCellMeasurementsOrder.DESC,
    project_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    tags_all: list[str] | None | Unset = UNSET,
    tags_any: list[str] | None | Unset = UNSET,
) -> Response[CellMeasurementPage | HTTPValidationError | IonworksErrorBody]:
    """List measurements by cell_specification_id

    Args:
        cell_specification_id (str):
        measurement_type (MeasurementType | None | Unset):
        limit (int | Unset):  Default: 1000.
        offset (int | Unset):  Default: 0.
        name (None | str | Unset):
        created_by_email (None | str | Unset):
        start_time (None | str | Unset):
        start_time_gt (None | str | Unset):
        start_time_lt (None | str | Unset):
        created_at (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (ListCellMeasurementsOrderBy | Unset):  Default:
            ListCellMeasurementsOrderBy.CREATED_AT.
        order (ListCellMeasurementsOrder | Unset):  Default: ListCellMeasurementsOrder.DESC.
        project_id (None | str | Unset):
        q (None | str | Unset):
        tags_all (list[str] | None | Unset):
        tags_any (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellMeasurementPage | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        cell_specification_id=cell_specification_id,
        measurement_type=measurement_type,
        limit=limit,
        offset=offset,
        name=name,
        created_by_email=created_by_email,
        start_time=start_time,
        start_time_gt=start_time_gt,
        start_time_lt=start_time_lt,
        created_at=created_at,
        created_at_gt=created_at_gt,
        created_at_lt=created_at_lt,
        updated_at=updated_at,
        updated_at_gt=updated_at_gt,
        updated_at_lt=updated_at_lt,
        order_by=order_by,
        order=order,
        project_id=project_id,
        q=q,
        tags_all=tags_all,
        tags_any=tags_any,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    cell_specification_id: str,
    measurement_type: MeasurementType | None | Unset = UNSET,
    limit: int | Unset = 1000,
    offset: int | Unset = 0,
    name: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    start_time: None | str | Unset = UNSET,
    start_time_gt: None | str | Unset = UNSET,
    start_time_lt: None | str | Unset = UNSET,
    created_at: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: ListCellMeasurementsOrderBy | Unset = ListCellMeasurementsOrderBy.CREATED_AT,
    order: ListCellMeasurementsOrder | Unset = ListCellMeasurementsOrder.DESC,
    project_id: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    tags_all: list[str] | None | Unset = UNSET,
    tags_any: list[str] | None | Unset = UNSET,
) -> CellMeasurementPage | HTTPValidationError | IonworksErrorBody | None:
    """List measurements by cell_specification_id

    Args:
        cell_specification_id (str):
        measurement_type (MeasurementType | None | Unset):
        limit (int | Unset):  Default: 1000.
        offset (int | Unset):  Default: 0.
        name (None | str | Unset):
        created_by_email (None | str | Unset):
        start_time (None | str | Unset):
        start_time_gt (None | str | Unset):
        start_time_lt (None | str | Unset):
        created_at (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (ListCellMeasurementsOrderBy | Unset):  Default:
            ListCellMeasurementsOrderBy.CREATED_AT.
        order (ListCellMeasurementsOrder | Unset):  Default: ListCellMeasurementsOrder.DESC.
        project_id (None | str | Unset):
        q (None | str | Unset):
        tags_all (list[str] | None | Unset):
        tags_any (list[str] | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellMeasurementPage | HTTPValidationError | IonworksErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            cell_specification_id=cell_specification_id,
            measurement_type=measurement_type,
            limit=limit,
            offset=offset,
            name=name,
            created_by_email=created_by_email,
            start_time=start_time,
            start_time_gt=start_time_gt,
            start_time_lt=start_time_lt,
            created_at=created_at,
            created_at_gt=created_at_gt,
            created_at_lt=created_at_lt,
            updated_at=updated_at,
            updated_at_gt=updated_at_gt,
            updated_at_lt=updated_at_lt,
            order_by=order_by,
            order=order,
            project_id=project_id,
            q=q,
            tags_all=tags_all,
            tags_any=tags_any,
        )
    ).parsed
