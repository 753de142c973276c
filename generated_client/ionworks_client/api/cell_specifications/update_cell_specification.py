from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cell_specification_update import CellSpecificationUpdate
from ...models.cell_specification_with_components import CellSpecificationWithComponents
from ...models.http_validation_error import HTTPValidationError
from ...models.ionworks_error_body import IonworksErrorBody
from ...types import Response


def _get_kwargs(
    cell_spec_id: str,
    *,
    body: CellSpecificationUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    if str(cell_spec_id) in ("", ".", ".."):
        raise ValueError(
            "path parameter cell_spec_id cannot be "
            + repr(str(cell_spec_id))
            + ": it would address another endpoint"
        )
    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/cell_specifications/{cell_spec_id}".format(
            cell_spec_id=quote(str(cell_spec_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CellSpecificationWithComponents | HTTPValidationError | IonworksErrorBody | None:
    if response.status_code == 200:
        response_200 = CellSpecificationWithComponents.from_dict(response.json())

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
) -> Response[CellSpecificationWithComponents | HTTPValidationError | IonworksErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    cell_spec_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CellSpecificationUpdate,
) -> Response[CellSpecificationWithComponents | HTTPValidationError | IonworksErrorBody]:
    """Update a cell specification with nested component/material data

    Args:
        cell_spec_id (str):
        body (CellSpecificationUpdate): All optional (partial update); names reconstructed from
            description order

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellSpecificationWithComponents | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        cell_spec_id=cell_spec_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    cell_spec_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CellSpecificationUpdate,
) -> CellSpecificationWithComponents | HTTPValidationError | IonworksErrorBody | None:
    """Update a cell specification with nested component/material data

    Args:
        cell_spec_id (str):
        body (CellSpecificationUpdate): All optional (partial update); names reconstructed from
            description order

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellSpecificationWithComponents | HTTPValidationError | IonworksErrorBody
    """

    return sync_detailed(
        cell_spec_id=cell_spec_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    cell_spec_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CellSpecificationUpdate,
) -> Response[CellSpecificationWithComponents | HTTPValidationError | IonworksErrorBody]:
    """Update a cell specification with nested component/material data

    Args:
        cell_spec_id (str):
        body (CellSpecificationUpdate): All optional (partial update); names reconstructed from
            description order

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellSpecificationWithComponents | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        cell_spec_id=cell_spec_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    cell_spec_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CellSpecificationUpdate,
) -> CellSpecificationWithComponents | HTTPValidationError | IonworksErrorBody | None:
    """Update a cell specification with nested component/material data

    Args:
        cell_spec_id (str):
        body (CellSpecificationUpdate): All optional (partial update); names reconstructed from
            description order

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellSpecificationWithComponents | HTTPValidationError | IonworksErrorBody
    """

    return (
        await asyncio_detailed(
            cell_spec_id=cell_spec_id,
            client=client,
            body=body,
        )
    ).parsed
