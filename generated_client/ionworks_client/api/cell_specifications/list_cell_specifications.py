from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cell_specification_page import CellSpecificationPage
from ...models.http_validation_error import HTTPValidationError
from ...models.ionworks_error_body import IonworksErrorBody
from ...models.list_cell_specifications_order_type_0 import ListCellSpecificationsOrderType0
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    full: bool | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    form_factor: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListCellSpecificationsOrderType0 | None | Unset = UNSET,
    project_id: None | str | Unset = UNSET,
    material_id: None | str | Unset = UNSET,
    material_ids: list[str] | None | Unset = UNSET,
    anode_material_id: None | str | Unset = UNSET,
    cathode_material_id: None | str | Unset = UNSET,
    electrolyte_material_id: None | str | Unset = UNSET,
    separator_material_id: None | str | Unset = UNSET,
    case_material_id: None | str | Unset = UNSET,
    exclude_cell_spec_id: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_full: bool | None | Unset
    if isinstance(full, Unset):
        json_full = UNSET
    else:
        json_full = full
    params["full"] = json_full

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

    json_form_factor: None | str | Unset
    if isinstance(form_factor, Unset):
        json_form_factor = UNSET
    else:
        json_form_factor = form_factor
    params["form_factor"] = json_form_factor

    json_created_by_email: None | str | Unset
    if isinstance(created_by_email, Unset):
        json_created_by_email = UNSET
    else:
        json_created_by_email = created_by_email
    params["created_by_email"] = json_created_by_email

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
    elif isinstance(order, ListCellSpecificationsOrderType0):
        json_order = order.value
    else:
        json_order = order
    params["order"] = json_order

    json_project_id: None | str | Unset
    if isinstance(project_id, Unset):
        json_project_id = UNSET
    else:
        json_project_id = project_id
    params["project_id"] = json_project_id

    json_material_id: None | str | Unset
    if isinstance(material_id, Unset):
        json_material_id = UNSET
    else:
        json_material_id = material_id
    params["material_id"] = json_material_id

    json_material_ids: list[str] | None | Unset
    if isinstance(material_ids, Unset):
        json_material_ids = UNSET
    elif isinstance(material_ids, list):
        json_material_ids = material_ids

    else:
        json_material_ids = material_ids
    params["material_ids"] = json_material_ids

    json_anode_material_id: None | str | Unset
    if isinstance(anode_material_id, Unset):
        json_anode_material_id = UNSET
    else:
        json_anode_material_id = anode_material_id
    params["anode_material_id"] = json_anode_material_id

    json_cathode_material_id: None | str | Unset
    if isinstance(cathode_material_id, Unset):
        json_cathode_material_id = UNSET
    else:
        json_cathode_material_id = cathode_material_id
    params["cathode_material_id"] = json_cathode_material_id

    json_electrolyte_material_id: None | str | Unset
    if isinstance(electrolyte_material_id, Unset):
        json_electrolyte_material_id = UNSET
    else:
        json_electrolyte_material_id = electrolyte_material_id
    params["electrolyte_material_id"] = json_electrolyte_material_id

    json_separator_material_id: None | str | Unset
    if isinstance(separator_material_id, Unset):
        json_separator_material_id = UNSET
    else:
        json_separator_material_id = separator_material_id
    params["separator_material_id"] = json_separator_material_id

    json_case_material_id: None | str | Unset
    if isinstance(case_material_id, Unset):
        json_case_material_id = UNSET
    else:
        json_case_material_id = case_material_id
    params["case_material_id"] = json_case_material_id

    json_exclude_cell_spec_id: None | str | Unset
    if isinstance(exclude_cell_spec_id, Unset):
        json_exclude_cell_spec_id = UNSET
    else:
        json_exclude_cell_spec_id = exclude_cell_spec_id
    params["exclude_cell_spec_id"] = json_exclude_cell_spec_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/cell_specifications",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CellSpecificationPage | HTTPValidationError | IonworksErrorBody | None:
    if response.status_code == 200:
        response_200 = CellSpecificationPage.from_dict(response.json())

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
) -> Response[CellSpecificationPage | HTTPValidationError | IonworksErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    full: bool | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    form_factor: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListCellSpecificationsOrderType0 | None | Unset = UNSET,
    project_id: None | str | Unset = UNSET,
    material_id: None | str | Unset = UNSET,
    material_ids: list[str] | None | Unset = UNSET,
    anode_material_id: None | str | Unset = UNSET,
    cathode_material_id: None | str | Unset = UNSET,
    electrolyte_material_id: None | str | Unset = UNSET,
    separator_material_id: None | str | Unset = UNSET,
    case_material_id: None | str | Unset = UNSET,
    exclude_cell_spec_id: None | str | Unset = UNSET,
) -> Response[CellSpecificationPage | HTTPValidationError | IonworksErrorBody]:
    """List cell specifications (no docs page found)

    Args:
        full (bool | None | Unset):
        limit (int | None | Unset):
        offset (int | None | Unset):
        name (None | str | Unset):
        form_factor (None | str | Unset):
        created_by_email (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListCellSpecificationsOrderType0 | None | Unset):
        project_id (None | str | Unset):
        material_id (None | str | Unset):
        material_ids (list[str] | None | Unset):
        anode_material_id (None | str | Unset):
        cathode_material_id (None | str | Unset):
        electrolyte_material_id (None | str | Unset):
        separator_material_id (None | str | Unset):
        case_material_id (None | str | Unset):
        exclude_cell_spec_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellSpecificationPage | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        full=full,
        limit=limit,
        offset=offset,
        name=name,
        form_factor=form_factor,
        created_by_email=created_by_email,
        created_at_gt=created_at_gt,
        created_at_lt=created_at_lt,
        updated_at_gt=updated_at_gt,
        updated_at_lt=updated_at_lt,
        order_by=order_by,
        order=order,
        project_id=project_id,
        material_id=material_id,
        material_ids=material_ids,
        anode_material_id=anode_material_id,
        cathode_material_id=cathode_material_id,
        electrolyte_material_id=electrolyte_material_id,
        separator_material_id=separator_material_id,
        case_material_id=case_material_id,
        exclude_cell_spec_id=exclude_cell_spec_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    full: bool | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    form_factor: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListCellSpecificationsOrderType0 | None | Unset = UNSET,
    project_id: None | str | Unset = UNSET,
    material_id: None | str | Unset = UNSET,
    material_ids: list[str] | None | Unset = UNSET,
    anode_material_id: None | str | Unset = UNSET,
    cathode_material_id: None | str | Unset = UNSET,
    electrolyte_material_id: None | str | Unset = UNSET,
    separator_material_id: None | str | Unset = UNSET,
    case_material_id: None | str | Unset = UNSET,
    exclude_cell_spec_id: None | str | Unset = UNSET,
) -> CellSpecificationPage | HTTPValidationError | IonworksErrorBody | None:
    """List cell specifications (no docs page found)

    Args:
        full (bool | None | Unset):
        limit (int | None | Unset):
        offset (int | None | Unset):
        name (None | str | Unset):
        form_factor (None | str | Unset):
        created_by_email (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListCellSpecificationsOrderType0 | None | Unset):
        project_id (None | str | Unset):
        material_id (None | str | Unset):
        material_ids (list[str] | None | Unset):
        anode_material_id (None | str | Unset):
        cathode_material_id (None | str | Unset):
        electrolyte_material_id (None | str | Unset):
        separator_material_id (None | str | Unset):
        case_material_id (None | str | Unset):
        exclude_cell_spec_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellSpecificationPage | HTTPValidationError | IonworksErrorBody
    """

    return sync_detailed(
        client=client,
        full=full,
        limit=limit,
        offset=offset,
        name=name,
        form_factor=form_factor,
        created_by_email=created_by_email,
        created_at_gt=created_at_gt,
        created_at_lt=created_at_lt,
        updated_at_gt=updated_at_gt,
        updated_at_lt=updated_at_lt,
        order_by=order_by,
        order=order,
        project_id=project_id,
        material_id=material_id,
        material_ids=material_ids,
        anode_material_id=anode_material_id,
        cathode_material_id=cathode_material_id,
        electrolyte_material_id=electrolyte_material_id,
        separator_material_id=separator_material_id,
        case_material_id=case_material_id,
        exclude_cell_spec_id=exclude_cell_spec_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    full: bool | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    form_factor: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListCellSpecificationsOrderType0 | None | Unset = UNSET,
    project_id: None | str | Unset = UNSET,
    material_id: None | str | Unset = UNSET,
    material_ids: list[str] | None | Unset = UNSET,
    anode_material_id: None | str | Unset = UNSET,
    cathode_material_id: None | str | Unset = UNSET,
    electrolyte_material_id: None | str | Unset = UNSET,
    separator_material_id: None | str | Unset = UNSET,
    case_material_id: None | str | Unset = UNSET,
    exclude_cell_spec_id: None | str | Unset = UNSET,
) -> Response[CellSpecificationPage | HTTPValidationError | IonworksErrorBody]:
    """List cell specifications (no docs page found)

    Args:
        full (bool | None | Unset):
        limit (int | None | Unset):
        offset (int | None | Unset):
        name (None | str | Unset):
        form_factor (None | str | Unset):
        created_by_email (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListCellSpecificationsOrderType0 | None | Unset):
        project_id (None | str | Unset):
        material_id (None | str | Unset):
        material_ids (list[str] | None | Unset):
        anode_material_id (None | str | Unset):
        cathode_material_id (None | str | Unset):
        electrolyte_material_id (None | str | Unset):
        separator_material_id (None | str | Unset):
        case_material_id (None | str | Unset):
        exclude_cell_spec_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellSpecificationPage | HTTPValidationError | IonworksErrorBody]
    """

    kwargs = _get_kwargs(
        full=full,
        limit=limit,
        offset=offset,
        name=name,
        form_factor=form_factor,
        created_by_email=created_by_email,
        created_at_gt=created_at_gt,
        created_at_lt=created_at_lt,
        updated_at_gt=updated_at_gt,
        updated_at_lt=updated_at_lt,
        order_by=order_by,
        order=order,
        project_id=project_id,
        material_id=material_id,
        material_ids=material_ids,
        anode_material_id=anode_material_id,
        cathode_material_id=cathode_material_id,
        electrolyte_material_id=electrolyte_material_id,
        separator_material_id=separator_material_id,
        case_material_id=case_material_id,
        exclude_cell_spec_id=exclude_cell_spec_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    full: bool | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    offset: int | None | Unset = UNSET,
    name: None | str | Unset = UNSET,
    form_factor: None | str | Unset = UNSET,
    created_by_email: None | str | Unset = UNSET,
    created_at_gt: None | str | Unset = UNSET,
    created_at_lt: None | str | Unset = UNSET,
    updated_at_gt: None | str | Unset = UNSET,
    updated_at_lt: None | str | Unset = UNSET,
    order_by: None | str | Unset = UNSET,
    order: ListCellSpecificationsOrderType0 | None | Unset = UNSET,
    project_id: None | str | Unset = UNSET,
    material_id: None | str | Unset = UNSET,
    material_ids: list[str] | None | Unset = UNSET,
    anode_material_id: None | str | Unset = UNSET,
    cathode_material_id: None | str | Unset = UNSET,
    electrolyte_material_id: None | str | Unset = UNSET,
    separator_material_id: None | str | Unset = UNSET,
    case_material_id: None | str | Unset = UNSET,
    exclude_cell_spec_id: None | str | Unset = UNSET,
) -> CellSpecificationPage | HTTPValidationError | IonworksErrorBody | None:
    """List cell specifications (no docs page found)

    Args:
        full (bool | None | Unset):
        limit (int | None | Unset):
        offset (int | None | Unset):
        name (None | str | Unset):
        form_factor (None | str | Unset):
        created_by_email (None | str | Unset):
        created_at_gt (None | str | Unset):
        created_at_lt (None | str | Unset):
        updated_at_gt (None | str | Unset):
        updated_at_lt (None | str | Unset):
        order_by (None | str | Unset):
        order (ListCellSpecificationsOrderType0 | None | Unset):
        project_id (None | str | Unset):
        material_id (None | str | Unset):
        material_ids (list[str] | None | Unset):
        anode_material_id (None | str | Unset):
        cathode_material_id (None | str | Unset):
        electrolyte_material_id (None | str | Unset):
        separator_material_id (None | str | Unset):
        case_material_id (None | str | Unset):
        exclude_cell_spec_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellSpecificationPage | HTTPValidationError | IonworksErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            full=full,
            limit=limit,
            offset=offset,
            name=name,
            form_factor=form_factor,
            created_by_email=created_by_email,
            created_at_gt=created_at_gt,
            created_at_lt=created_at_lt,
            updated_at_gt=updated_at_gt,
            updated_at_lt=updated_at_lt,
            order_by=order_by,
            order=order,
            project_id=project_id,
            material_id=material_id,
            material_ids=material_ids,
            anode_material_id=anode_material_id,
            cathode_material_id=cathode_material_id,
            electrolyte_material_id=electrolyte_material_id,
            separator_material_id=separator_material_id,
            case_material_id=case_material_id,
            exclude_cell_spec_id=exclude_cell_spec_id,
        )
    ).parsed
