from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.ionworks_error_body import IonworksErrorBody
from ...models.measurement_tag_usage_page import MeasurementTagUsagePage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    project_id: str,
    q: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["project_id"] = project_id

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/cell_measurements/tags",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | IonworksErrorBody | MeasurementTagUsagePage | None:
    if response.status_code == 200:
        response_200 = MeasurementTagUsagePage.from_dict(response.json())

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
) -> Response[HTTPValidationError | IonworksErrorBody | MeasurementTagUsagePage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    project_id: str,
    q: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[HTTPValidationError | IonworksErrorBody | MeasurementTagUsagePage]:
    """List distinct measurement tags in a project (no docs page found)

    Args:
        project_id (str):
        q (None | str | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | IonworksErrorBody | MeasurementTagUsagePage]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        q=q,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    project_id: str,
    q: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> HTTPValidationError | IonworksErrorBody | MeasurementTagUsagePage | None:
    """List distinct measurement tags in a project (no docs page found)

    Args:
        project_id (str):
        q (None | str | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | IonworksErrorBody | MeasurementTagUsagePage
    """

    return sync_detailed(
        client=client,
        project_id=project_id,
        q=q,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    project_id: str,
    q: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> Response[HTTPValidationError | IonworksErrorBody | MeasurementTagUsagePage]:
    """List distinct measurement tags in a project (no docs page found)

    Args:
        project_id (str):
        q (None | str | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | IonworksErrorBody | MeasurementTagUsagePage]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        q=q,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    project_id: str,
    q: None | str | Unset = UNSET,
    limit: int | Unset = 50,
) -> HTTPValidationError | IonworksErrorBody | MeasurementTagUsagePage | None:
    """List distinct measurement tags in a project (no docs page found)

    Args:
        project_id (str):
        q (None | str | Unset):
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | IonworksErrorBody | MeasurementTagUsagePage
    """

    return (
        await asyncio_detailed(
            client=client,
            project_id=project_id,
            q=q,
            limit=limit,
        )
    ).parsed
