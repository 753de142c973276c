from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.ionworks_error_body import IonworksErrorBody
from ...models.list_projects_order_type_0 import ListProjectsOrderType0
from ...models.project import Project
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListProjectsOrderType0 | None | Unset = UNSET,
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

    json_name: None | str | Unset
    if isinstance(name, Unset):
        json_name = UNSET
    else:
        json_name = name
    params["name"] = json_name

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
    elif isinstance(order, ListProjectsOrderType0):
        json_order = order.value
    else:
        json_order = order
    params["order"] = json_order

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/projects",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | IonworksErrorBody | list[Project] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Project.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[HTTPValidationError | IonworksErrorBody | list[Project]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListProjectsOrderType0 | None | Unset = UNSET,
) -> Response[HTTPValidationError | IonworksErrorBody | list[Project]]:
    """List projects for an organization

    Args:
        limit (int | None | Unset):
        offset (int | None | Unset):
        name (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListProjectsOrderType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | IonworksErrorBody | list[Project]]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        name=name,
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
    *,
    client: AuthenticatedClient | Client,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListProjectsOrderType0 | None | Unset = UNSET,
) -> HTTPValidationError | IonworksErrorBody | list[Project] | None:
    """List projects for an organization

    Args:
        limit (int | None | Unset):
        offset (int | None | Unset):
        name (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListProjectsOrderType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | IonworksErrorBody | list[Project]
    """

    return sync_detailed(
        client=client,
        limit=limit,
        offset=offset,
        name=name,
        created_at_gt=created_at_gt,
        created_at_lt=created_at_lt,
        updated_at_gt=updated_at_gt,
        updated_at_lt=updated_at_lt,
        order_by=order_by,
        order=order,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListProjectsOrderType0 | None | Unset = UNSET,
) -> Response[HTTPValidationError | IonworksErrorBody | list[Project]]:
    """List projects for an organization

    Args:
        limit (int | None | Unset):
        offset (int | None | Unset):
        name (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListProjectsOrderType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | IonworksErrorBody | list[Project]]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        name=name,
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
    *,
    client: AuthenticatedClient | Client,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListProjectsOrderType0 | None | Unset = UNSET,
) -> HTTPValidationError | IonworksErrorBody | list[Project] | None:
    """List projects for an organization

    Args:
        limit (int | None | Unset):
        offset (int | None | Unset):
        name (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListProjectsOrderType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | IonworksErrorBody | list[Project]
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            offset=offset,
            name=name,
            created_at_gt=created_at_gt,
            created_at_lt=created_at_lt,
            updated_at_gt=updated_at_gt,
            updated_at_lt=updated_at_lt,
            order_by=order_by,
            order=order,
        )
    ).parsed
