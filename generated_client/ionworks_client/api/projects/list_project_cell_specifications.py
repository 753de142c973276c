from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cell_specification import CellSpecification
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    *,
    full: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["full"] = full

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    if str(project_id) in ("", ".", ".."):
        # ionworks template: quote() keeps "." and "..", which httpx would resolve as dot
        # segments, sending the request to another endpoint; an empty value drops a segment.
        raise ValueError(
            "path parameter project_id cannot be "
            + repr(str(project_id))
            + ": it would address another endpoint"
        )
    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/projects/{project_id}/cell_specs".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | list[CellSpecification] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = CellSpecification.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[HTTPValidationError | list[CellSpecification]]:
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
    full: bool | Unset = False,
) -> Response[HTTPValidationError | list[CellSpecification]]:
    """List all cell specifications linked to a project

    Args:
        project_id (str):
        full (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | list[CellSpecification]]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        full=full,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    full: bool | Unset = False,
) -> HTTPValidationError | list[CellSpecification] | None:
    """List all cell specifications linked to a project

    Args:
        project_id (str):
        full (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | list[CellSpecification]
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        full=full,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    full: bool | Unset = False,
) -> Response[HTTPValidationError | list[CellSpecification]]:
    """List all cell specifications linked to a project

    Args:
        project_id (str):
        full (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | list[CellSpecification]]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        full=full,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    full: bool | Unset = False,
) -> HTTPValidationError | list[CellSpecification] | None:
    """List all cell specifications linked to a project

    Args:
        project_id (str):
        full (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | list[CellSpecification]
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            full=full,
        )
    ).parsed
