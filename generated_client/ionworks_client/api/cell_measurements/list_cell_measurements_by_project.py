from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cell_measurement_with_details_page import CellMeasurementWithDetailsPage
from ...models.http_validation_error import HTTPValidationError
from ...models.ionworks_error_body import IonworksErrorBody
from ...models.list_cell_measurements_by_project_order import ListCellMeasurementsByProjectOrder
from ...models.list_cell_measurements_by_project_order_by import (
    ListCellMeasurementsByProjectOrderBy,
)
from ...models.measurement_type import MeasurementType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    *,
    measurement_type: MeasurementType | None | Unset = UNSET,
    limit: int | Unset = 25,
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
    spec_name: None | str | Unset = UNSET,
    instance_name: None | str | Unset = UNSET,
    spec_id: None | str | Unset = UNSET,
    cell_instance_id: None | str | Unset = UNSET,
    spec_anode: None | str | Unset = UNSET,
    spec_cathode: None | str | Unset = UNSET,
    order_by: ListCellMeasurementsByProjectOrderBy
    | Unset = ListCellMeasurementsByProjectOrderBy.CREATED_AT,
    order: ListCellMeasurementsByProjectOrder | Unset = ListCellMeasurementsByProjectOrder.DESC,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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

    json_spec_name: None | str | Unset
    if isinstance(spec_name, Unset):
        json_spec_name = UNSET
    else:
        json_spec_name = spec_name
    params["spec_name"] = json_spec_name

    json_instance_name: None | str | Unset
    if isinstance(instance_name, Unset):
        json_instance_name = UNSET
    else:
        json_instance_name = instance_name
    params["instance_name"] = json_instance_name

    json_spec_id: None | str | Unset
    if isinstance(spec_id, Unset):
        json_spec_id = UNSET
    else:
        json_spec_id = spec_id
    params["spec_id"] = json_spec_id

    json_cell_instance_id: None | str | Unset
    if isinstance(cell_instance_id, Unset):
        json_cell_instance_id = UNSET
    else:
        json_cell_instance_id = cell_instance_id
    params["cell_instance_id"] = json_cell_instance_id

    json_spec_anode: None | str | Unset
    if isinstance(spec_anode, Unset):
        json_spec_anode = UNSET
    else:
        json_spec_anode = spec_anode
    params["spec_anode"] = json_spec_anode

    json_spec_cathode: None | str | Unset
    if isinstance(spec_cathode, Unset):
        json_spec_cathode = UNSET
    else:
        json_spec_cathode = spec_cathode
    params["spec_cathode"] = json_spec_cathode

    json_order_by: str | Unset = UNSET
    if not isinstance(order_by, Unset):
        json_order_by = order_by.value

    params["order_by"] = json_order_by

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order.value

    params["order"] = json_order

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    if str(project_id) in ("", ".", ".."):
        raise ValueError(
            "path parameter project_id cannot be "
            + repr(str(project_id))
            + ": it would address another endpoint"
        )
    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/cell_measurements/by-project/{project_id}".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CellMeasurementWithDetailsPage | HTTPValidationError | IonworksErrorBody | None:
    if response.status_code == 200:
        response_200 = CellMeasurementWithDetailsPage.from_dict(response.json())

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
) -> Response[CellMeasurementWithDetailsPage | HTTPValidationError | IonworksErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    measurement_type: MeasurementType | None | Unset = UNSET,
    limit: int | Unset = 25,
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
    spec_name: None | str | Unset = UNSET,
    instance_name: None | str | Unset = UNSET,
    spec_id: None | str | Unset = UNSET,
    cell_instance_id: None | str | Unset = UNSET,
    spec_anode: None | str | Unset = UNSET,
    spec_cathode: None | str | Unset = UNSET,
    order_by: ListCellMeasurementsByProjectOrderBy
    | Unset = ListCellMeasurementsByProjectOrderBy.CREATED_AT,
    order: ListCellMeasurementsByProjectOrder | Unset = ListCellMeasurementsByProjectOrder.DESC,
) -> Response[CellMeasurementWithDetailsPage | HTTPValidationError | IonworksErrorBody]:
    """List cell measurements for a project with full spec/instance data

    Args:
        project_id (str):
        measurement_type (MeasurementType | None | Unset):
        limit (int | Unset):  Default: 25.
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
        spec_name (None | str | Unset):
        instance_name (None | str | Unset):
        spec_id (None | str | Unset):
        cell_instance_id (None | str | Unset):
        spec_anode (None | str | Unset):
        spec_cathode (None | str | Unset):
        order_by (ListCellMeasurementsByProjectOrderBy | Unset):  Default:
            ListCellMeasurementsByProjectOrderBy.CREATED_AT.
        order (ListCellMeasurementsByProjectOrder | Unset):  Default:
            ListCellMeasurementsByProjectOrder.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellMeasurementWithDetailsPage | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
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
        spec_name=spec_name,
        instance_name=instance_name,
        spec_id=spec_id,
        cell_instance_id=cell_instance_id,
        spec_anode=spec_anode,
        spec_cathode=spec_cathode,
        order_by=order_by,
        order=order,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    measurement_type: MeasurementType | None | Unset = UNSET,
    limit: int | Unset = 25,
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
    spec_name: None | str | Unset = UNSET,
    instance_name: None | str | Unset = UNSET,
    spec_id: None | str | Unset = UNSET,
    cell_instance_id: None | str | Unset = UNSET,
    spec_anode: None | str | Unset = UNSET,
    spec_cathode: None | str | Unset = UNSET,
    order_by: ListCellMeasurementsByProjectOrderBy
    | Unset = ListCellMeasurementsByProjectOrderBy.CREATED_AT,
    order: ListCellMeasurementsByProjectOrder | Unset = ListCellMeasurementsByProjectOrder.DESC,
) -> CellMeasurementWithDetailsPage | HTTPValidationError | IonworksErrorBody | None:
    """List cell measurements for a project with full spec/instance data

    Args:
        project_id (str):
        measurement_type (MeasurementType | None | Unset):
        limit (int | Unset):  Default: 25.
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
        spec_name (None | str | Unset):
        instance_name (None | str | Unset):
        spec_id (None | str | Unset):
        cell_instance_id (None | str | Unset):
        spec_anode (None | str | Unset):
        spec_cathode (None | str | Unset):
        order_by (ListCellMeasurementsByProjectOrderBy | Unset):  Default:
            ListCellMeasurementsByProjectOrderBy.CREATED_AT.
        order (ListCellMeasurementsByProjectOrder | Unset):  Default:
            ListCellMeasurementsByProjectOrder.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellMeasurementWithDetailsPage | HTTPValidationError | IonworksErrorBody
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
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
        spec_name=spec_name,
        instance_name=instance_name,
        spec_id=spec_id,
        cell_instance_id=cell_instance_id,
        spec_anode=spec_anode,
        spec_cathode=spec_cathode,
        order_by=order_by,
        order=order,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    measurement_type: MeasurementType | None | Unset = UNSET,
    limit: int | Unset = 25,
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
    spec_name: None | str | Unset = UNSET,
    instance_name: None | str | Unset = UNSET,
    spec_id: None | str | Unset = UNSET,
    cell_instance_id: None | str | Unset = UNSET,
    spec_anode: None | str | Unset = UNSET,
    spec_cathode: None | str | Unset = UNSET,
    order_by: ListCellMeasurementsByProjectOrderBy
    | Unset = ListCellMeasurementsByProjectOrderBy.CREATED_AT,
    order: ListCellMeasurementsByProjectOrder | Unset = ListCellMeasurementsByProjectOrder.DESC,
) -> Response[CellMeasurementWithDetailsPage | HTTPValidationError | IonworksErrorBody]:
    """List cell measurements for a project with full spec/instance data

    Args:
        project_id (str):
        measurement_type (MeasurementType | None | Unset):
        limit (int | Unset):  Default: 25.
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
        spec_name (None | str | Unset):
        instance_name (None | str | Unset):
        spec_id (None | str | Unset):
        cell_instance_id (None | str | Unset):
        spec_anode (None | str | Unset):
        spec_cathode (None | str | Unset):
        order_by (ListCellMeasurementsByProjectOrderBy | Unset):  Default:
            ListCellMeasurementsByProjectOrderBy.CREATED_AT.
        order (ListCellMeasurementsByProjectOrder | Unset):  Default:
            ListCellMeasurementsByProjectOrder.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellMeasurementWithDetailsPage | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
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
        spec_name=spec_name,
        instance_name=instance_name,
        spec_id=spec_id,
        cell_instance_id=cell_instance_id,
        spec_anode=spec_anode,
        spec_cathode=spec_cathode,
        order_by=order_by,
        order=order,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    measurement_type: MeasurementType | None | Unset = UNSET,
    limit: int | Unset = 25,
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
    spec_name: None | str | Unset = UNSET,
    instance_name: None | str | Unset = UNSET,
    spec_id: None | str | Unset = UNSET,
    cell_instance_id: None | str | Unset = UNSET,
    spec_anode: None | str | Unset = UNSET,
    spec_cathode: None | str | Unset = UNSET,
    order_by: ListCellMeasurementsByProjectOrderBy
    | Unset = ListCellMeasurementsByProjectOrderBy.CREATED_AT,
    order: ListCellMeasurementsByProjectOrder | Unset = ListCellMeasurementsByProjectOrder.DESC,
) -> CellMeasurementWithDetailsPage | HTTPValidationError | IonworksErrorBody | None:
    """List cell measurements for a project with full spec/instance data

    Args:
        project_id (str):
        measurement_type (MeasurementType | None | Unset):
        limit (int | Unset):  Default: 25.
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
        spec_name (None | str | Unset):
        instance_name (None | str | Unset):
        spec_id (None | str | Unset):
        cell_instance_id (None | str | Unset):
        spec_anode (None | str | Unset):
        spec_cathode (None | str | Unset):
        order_by (ListCellMeasurementsByProjectOrderBy | Unset):  Default:
            ListCellMeasurementsByProjectOrderBy.CREATED_AT.
        order (ListCellMeasurementsByProjectOrder | Unset):  Default:
            ListCellMeasurementsByProjectOrder.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellMeasurementWithDetailsPage | HTTPValidationError | IonworksErrorBody
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
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
            spec_name=spec_name,
            instance_name=instance_name,
            spec_id=spec_id,
            cell_instance_id=cell_instance_id,
            spec_anode=spec_anode,
            spec_cathode=spec_cathode,
            order_by=order_by,
            order=order,
        )
    ).parsed
