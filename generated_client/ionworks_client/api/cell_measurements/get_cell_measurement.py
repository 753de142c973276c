from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cell_measurement import CellMeasurement
from ...models.http_validation_error import HTTPValidationError
from ...models.ionworks_error_body import IonworksErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    measurement_id: str,
    *,
    include_steps: bool | None | Unset = UNSET,
    include_time_series: bool | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_include_steps: bool | None | Unset
    if isinstance(include_steps, Unset):
        json_include_steps = UNSET
    else:
        json_include_steps = include_steps
    params["include_steps"] = json_include_steps

    json_include_time_series: bool | None | Unset
    if isinstance(include_time_series, Unset):
        json_include_time_series = UNSET
    else:
        json_include_time_series = include_time_series
    params["include_time_series"] = json_include_time_series

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    if str(measurement_id) in ("", ".", ".."):
        raise ValueError(
            "path parameter measurement_id cannot be "
            + repr(str(measurement_id))
            + ": it would address another endpoint"
        )
    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/cell_measurements/{measurement_id}".format(
            measurement_id=quote(str(measurement_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CellMeasurement | HTTPValidationError | IonworksErrorBody | None:
    if response.status_code == 200:
        response_200 = CellMeasurement.from_dict(response.json())

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
) -> Response[CellMeasurement | HTTPValidationError | IonworksErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    measurement_id: str,
    *,
    client: AuthenticatedClient | Client,
    include_steps: bool | None | Unset = UNSET,
    include_time_series: bool | None | Unset = UNSET,
) -> Response[CellMeasurement | HTTPValidationError | IonworksErrorBody]:
    """Get a cell measurement by id (no docs page found)

    Args:
        measurement_id (str):
        include_steps (bool | None | Unset):
        include_time_series (bool | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellMeasurement | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        measurement_id=measurement_id,
        include_steps=include_steps,
        include_time_series=include_time_series,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    measurement_id: str,
    *,
    client: AuthenticatedClient | Client,
    include_steps: bool | None | Unset = UNSET,
    include_time_series: bool | None | Unset = UNSET,
) -> CellMeasurement | HTTPValidationError | IonworksErrorBody | None:
    """Get a cell measurement by id (no docs page found)

    Args:
        measurement_id (str):
        include_steps (bool | None | Unset):
        include_time_series (bool | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellMeasurement | HTTPValidationError | IonworksErrorBody
    """

    return sync_detailed(
        measurement_id=measurement_id,
        client=client,
        include_steps=include_steps,
        include_time_series=include_time_series,
    ).parsed


async def asyncio_detailed(
    measurement_id: str,
    *,
    client: AuthenticatedClient | Client,
    include_steps: bool | None | Unset = UNSET,
    include_time_series: bool | None | Unset = UNSET,
) -> Response[CellMeasurement | HTTPValidationError | IonworksErrorBody]:
    """Get a cell measurement by id (no docs page found)

    Args:
        measurement_id (str):
        include_steps (bool | None | Unset):
        include_time_series (bool | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellMeasurement | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        measurement_id=measurement_id,
        include_steps=include_steps,
        include_time_series=include_time_series,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    measurement_id: str,
    *,
    client: AuthenticatedClient | Client,
    include_steps: bool | None | Unset = UNSET,
    include_time_series: bool | None | Unset = UNSET,
) -> CellMeasurement | HTTPValidationError | IonworksErrorBody | None:
    """Get a cell measurement by id (no docs page found)

    Args:
        measurement_id (str):
        include_steps (bool | None | Unset):
        include_time_series (bool | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellMeasurement | HTTPValidationError | IonworksErrorBody
    """

    return (
        await asyncio_detailed(
            measurement_id=measurement_id,
            client=client,
            include_steps=include_steps,
            include_time_series=include_time_series,
        )
    ).parsed
