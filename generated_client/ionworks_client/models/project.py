from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime

if TYPE_CHECKING:
    from ..models.project_cell_spec_project_mappings_type_0_item import (
        ProjectCellSpecProjectMappingsType0Item,
    )
    from ..models.user_project_role import UserProjectRole


T = TypeVar("T", bound="Project")


@_attrs_define
class Project:
    name: str
    id: str
    organization_id: str
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    description: None | str | Unset = UNSET
    cell_spec_project_mappings: list[ProjectCellSpecProjectMappingsType0Item] | None | Unset = UNSET
    """ Specs in the project; item shape unknown """
    user_project_roles: list[UserProjectRole] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        id = self.id

        organization_id = self.organization_id

        created_at: None | str
        if isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        cell_spec_project_mappings: list[dict[str, Any]] | None | Unset
        if isinstance(self.cell_spec_project_mappings, Unset):
            cell_spec_project_mappings = UNSET
        elif isinstance(self.cell_spec_project_mappings, list):
            cell_spec_project_mappings = []
            for cell_spec_project_mappings_type_0_item_data in self.cell_spec_project_mappings:
                cell_spec_project_mappings_type_0_item = (
                    cell_spec_project_mappings_type_0_item_data.to_dict()
                )
                cell_spec_project_mappings.append(cell_spec_project_mappings_type_0_item)

        else:
            cell_spec_project_mappings = self.cell_spec_project_mappings

        user_project_roles: list[dict[str, Any]] | None | Unset
        if isinstance(self.user_project_roles, Unset):
            user_project_roles = UNSET
        elif isinstance(self.user_project_roles, list):
            user_project_roles = []
            for user_project_roles_type_0_item_data in self.user_project_roles:
                user_project_roles_type_0_item = user_project_roles_type_0_item_data.to_dict()
                user_project_roles.append(user_project_roles_type_0_item)

        else:
            user_project_roles = self.user_project_roles

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "id": id,
                "organization_id": organization_id,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if cell_spec_project_mappings is not UNSET:
            field_dict["cell_spec_project_mappings"] = cell_spec_project_mappings
        if user_project_roles is not UNSET:
            field_dict["user_project_roles"] = user_project_roles

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        name = d["name"]

        id = d["id"]

        organization_id = d["organization_id"]

        _created_at_raw = d["created_at"]
        created_at: datetime.datetime | None
        if _created_at_raw is None:
            created_at = _created_at_raw
        else:
            created_at = _created_at_raw
            if isinstance(_created_at_raw, str):
                try:
                    created_at_type_0 = parse_datetime(_created_at_raw)

                    created_at = created_at_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _updated_at_raw = d["updated_at"]
        updated_at: datetime.datetime | None
        if _updated_at_raw is None:
            updated_at = _updated_at_raw
        else:
            updated_at = _updated_at_raw
            if isinstance(_updated_at_raw, str):
                try:
                    updated_at_type_0 = parse_datetime(_updated_at_raw)

                    updated_at = updated_at_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _description_raw = d.get("description", UNSET)
        description = _description_raw

        _cell_spec_project_mappings_raw = d.get("cell_spec_project_mappings", UNSET)
        cell_spec_project_mappings: list[ProjectCellSpecProjectMappingsType0Item] | None | Unset
        if _cell_spec_project_mappings_raw is None or _cell_spec_project_mappings_raw is UNSET:
            cell_spec_project_mappings = _cell_spec_project_mappings_raw
        else:
            cell_spec_project_mappings = _cell_spec_project_mappings_raw
            if isinstance(_cell_spec_project_mappings_raw, list):
                try:
                    cell_spec_project_mappings_type_0 = []
                    _cell_spec_project_mappings_type_0 = _cell_spec_project_mappings_raw
                    for (
                        cell_spec_project_mappings_type_0_item_data
                    ) in _cell_spec_project_mappings_type_0:
                        cell_spec_project_mappings_type_0_item = (
                            ProjectCellSpecProjectMappingsType0Item.from_dict(
                                cell_spec_project_mappings_type_0_item_data
                            )
                        )

                        cell_spec_project_mappings_type_0.append(
                            cell_spec_project_mappings_type_0_item
                        )

                    cell_spec_project_mappings = cell_spec_project_mappings_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _user_project_roles_raw = d.get("user_project_roles", UNSET)
        user_project_roles: list[UserProjectRole] | None | Unset
        if _user_project_roles_raw is None or _user_project_roles_raw is UNSET:
            user_project_roles = _user_project_roles_raw
        else:
            user_project_roles = _user_project_roles_raw
            if isinstance(_user_project_roles_raw, list):
                try:
                    user_project_roles_type_0 = []
                    _user_project_roles_type_0 = _user_project_roles_raw
                    for user_project_roles_type_0_item_data in _user_project_roles_type_0:
                        user_project_roles_type_0_item = UserProjectRole.from_dict(
                            user_project_roles_type_0_item_data
                        )

                        user_project_roles_type_0.append(user_project_roles_type_0_item)

                    user_project_roles = user_project_roles_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        project = cls(
            name,
            id,
            organization_id,
            created_at,
            updated_at,
            description,
            cell_spec_project_mappings,
            user_project_roles,
        )

        if not d.keys() <= _KNOWN_KEYS:
            project.additional_properties = {k: v for k, v in d.items() if k not in _KNOWN_KEYS}
        return project

    @classmethod
    def record_from_dict(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The record ``cls.from_dict(src_dict).to_dict()`` returns (equal as a dict), without
        building the model: the same checks and errors (missing required keys, nested objects
        that are neither objects nor null), the same tolerant fallbacks (unknown enum values and
        unparseable date-times kept as sent, nulls kept, also where an object belongs) and
        conversions (date-times re-written by
        ``isoformat()``); keys stay in the order they came. A new dict: ``src_dict`` is not
        changed."""
        rec = dict(src_dict)
        if "name" not in rec:
            raise KeyError("name")
        if "id" not in rec:
            raise KeyError("id")
        if "organization_id" not in rec:
            raise KeyError("organization_id")
        _created_at_raw = rec["created_at"]
        if _created_at_raw is None:
            rec["created_at"] = _created_at_raw
        else:
            rec["created_at"] = _created_at_raw
            if isinstance(_created_at_raw, str):
                try:
                    _created_at_type_0_parsed = parse_datetime(_created_at_raw)
                    if (
                        len(_created_at_raw) == 20
                        and _created_at_raw[19] == "Z"
                        and _created_at_raw[4] == "-"
                        and _created_at_raw[7] == "-"
                        and _created_at_raw[10] == "T"
                        and _created_at_raw[13] == ":"
                        and _created_at_raw[16] == ":"
                        and _created_at_raw[11:13] != "24"
                    ):
                        created_at_type_0_record = _created_at_raw[:19] + "+00:00"
                    else:
                        created_at_type_0_record = _created_at_type_0_parsed.isoformat()

                    rec["created_at"] = created_at_type_0_record
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _updated_at_raw = rec["updated_at"]
        if _updated_at_raw is None:
            rec["updated_at"] = _updated_at_raw
        else:
            rec["updated_at"] = _updated_at_raw
            if isinstance(_updated_at_raw, str):
                try:
                    _updated_at_type_0_parsed = parse_datetime(_updated_at_raw)
                    if (
                        len(_updated_at_raw) == 20
                        and _updated_at_raw[19] == "Z"
                        and _updated_at_raw[4] == "-"
                        and _updated_at_raw[7] == "-"
                        and _updated_at_raw[10] == "T"
                        and _updated_at_raw[13] == ":"
                        and _updated_at_raw[16] == ":"
                        and _updated_at_raw[11:13] != "24"
                    ):
                        updated_at_type_0_record = _updated_at_raw[:19] + "+00:00"
                    else:
                        updated_at_type_0_record = _updated_at_type_0_parsed.isoformat()

                    rec["updated_at"] = updated_at_type_0_record
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        if "cell_spec_project_mappings" in rec:
            _cell_spec_project_mappings_raw = rec["cell_spec_project_mappings"]
            if _cell_spec_project_mappings_raw is None:
                rec["cell_spec_project_mappings"] = _cell_spec_project_mappings_raw
            else:
                rec["cell_spec_project_mappings"] = _cell_spec_project_mappings_raw
                if isinstance(_cell_spec_project_mappings_raw, list):
                    try:
                        cell_spec_project_mappings_type_0_record = []
                        for (
                            cell_spec_project_mappings_type_0_item_data
                        ) in _cell_spec_project_mappings_raw:
                            cell_spec_project_mappings_type_0_item_record = (
                                ProjectCellSpecProjectMappingsType0Item.record_from_dict(
                                    cell_spec_project_mappings_type_0_item_data
                                )
                            )

                            cell_spec_project_mappings_type_0_record.append(
                                cell_spec_project_mappings_type_0_item_record
                            )

                        rec["cell_spec_project_mappings"] = cell_spec_project_mappings_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "user_project_roles" in rec:
            _user_project_roles_raw = rec["user_project_roles"]
            if _user_project_roles_raw is None:
                rec["user_project_roles"] = _user_project_roles_raw
            else:
                rec["user_project_roles"] = _user_project_roles_raw
                if isinstance(_user_project_roles_raw, list):
                    try:
                        user_project_roles_type_0_record = []
                        for user_project_roles_type_0_item_data in _user_project_roles_raw:
                            user_project_roles_type_0_item_record = (
                                UserProjectRole.record_from_dict(
                                    user_project_roles_type_0_item_data
                                )
                            )

                            user_project_roles_type_0_record.append(
                                user_project_roles_type_0_item_record
                            )

                        rec["user_project_roles"] = user_project_roles_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        return rec

    @classmethod
    def to_dict_of_raw(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The dict ``cls.from_dict(src_dict).to_dict()`` returns, key order included,
        without building models (``to_dict`` of a nested object never read uses it): the same
        checks and errors, tolerant fallbacks and conversions as ``record_from_dict``. A new
        dict: ``src_dict`` is not changed."""
        rec: dict[str, Any] = {k: v for k, v in src_dict.items() if k not in _KNOWN_KEYS}
        _name_raw = src_dict["name"]
        rec["name"] = _name_raw
        _id_raw = src_dict["id"]
        rec["id"] = _id_raw
        _organization_id_raw = src_dict["organization_id"]
        rec["organization_id"] = _organization_id_raw
        _created_at_raw = src_dict["created_at"]
        if _created_at_raw is None:
            rec["created_at"] = _created_at_raw
        else:
            rec["created_at"] = _created_at_raw
            if isinstance(_created_at_raw, str):
                try:
                    _created_at_type_0_parsed = parse_datetime(_created_at_raw)
                    if (
                        len(_created_at_raw) == 20
                        and _created_at_raw[19] == "Z"
                        and _created_at_raw[4] == "-"
                        and _created_at_raw[7] == "-"
                        and _created_at_raw[10] == "T"
                        and _created_at_raw[13] == ":"
                        and _created_at_raw[16] == ":"
                        and _created_at_raw[11:13] != "24"
                    ):
                        created_at_type_0_record = _created_at_raw[:19] + "+00:00"
                    else:
                        created_at_type_0_record = _created_at_type_0_parsed.isoformat()

                    rec["created_at"] = created_at_type_0_record
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _updated_at_raw = src_dict["updated_at"]
        if _updated_at_raw is None:
            rec["updated_at"] = _updated_at_raw
        else:
            rec["updated_at"] = _updated_at_raw
            if isinstance(_updated_at_raw, str):
                try:
                    _updated_at_type_0_parsed = parse_datetime(_updated_at_raw)
                    if (
                        len(_updated_at_raw) == 20
                        and _updated_at_raw[19] == "Z"
                        and _updated_at_raw[4] == "-"
                        and _updated_at_raw[7] == "-"
                        and _updated_at_raw[10] == "T"
                        and _updated_at_raw[13] == ":"
                        and _updated_at_raw[16] == ":"
                        and _updated_at_raw[11:13] != "24"
                    ):
                        updated_at_type_0_record = _updated_at_raw[:19] + "+00:00"
                    else:
                        updated_at_type_0_record = _updated_at_type_0_parsed.isoformat()

                    rec["updated_at"] = updated_at_type_0_record
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        if "description" in src_dict:
            _description_raw = src_dict["description"]
            rec["description"] = _description_raw
        if "cell_spec_project_mappings" in src_dict:
            _cell_spec_project_mappings_raw = src_dict["cell_spec_project_mappings"]
            if _cell_spec_project_mappings_raw is None:
                rec["cell_spec_project_mappings"] = _cell_spec_project_mappings_raw
            else:
                rec["cell_spec_project_mappings"] = _cell_spec_project_mappings_raw
                if isinstance(_cell_spec_project_mappings_raw, list):
                    try:
                        cell_spec_project_mappings_type_0_record = []
                        for (
                            cell_spec_project_mappings_type_0_item_data
                        ) in _cell_spec_project_mappings_raw:
                            cell_spec_project_mappings_type_0_item_record = (
                                ProjectCellSpecProjectMappingsType0Item.to_dict_of_raw(
                                    cell_spec_project_mappings_type_0_item_data
                                )
                            )

                            cell_spec_project_mappings_type_0_record.append(
                                cell_spec_project_mappings_type_0_item_record
                            )

                        rec["cell_spec_project_mappings"] = cell_spec_project_mappings_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "user_project_roles" in src_dict:
            _user_project_roles_raw = src_dict["user_project_roles"]
            if _user_project_roles_raw is None:
                rec["user_project_roles"] = _user_project_roles_raw
            else:
                rec["user_project_roles"] = _user_project_roles_raw
                if isinstance(_user_project_roles_raw, list):
                    try:
                        user_project_roles_type_0_record = []
                        for user_project_roles_type_0_item_data in _user_project_roles_raw:
                            user_project_roles_type_0_item_record = UserProjectRole.to_dict_of_raw(
                                user_project_roles_type_0_item_data
                            )

                            user_project_roles_type_0_record.append(
                                user_project_roles_type_0_item_record
                            )

                        rec["user_project_roles"] = user_project_roles_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        return rec

    @classmethod
    def is_plain_record(cls, src_dict: Any) -> bool:
        """True when ``src_dict`` (parsed JSON) may be written as it is where
        ``cls.record_from_dict(src_dict)`` would be, by a sink that applies the sinks' date
        rule (``RecordSchema.row``/``json_record``: date-times in UTC with ``Z``): a dict
        with every required key, nested objects that are null or dicts passing the same test
        (a null kept where the spec declares an object is laid out as the record's), no key
        ``record_from_dict`` would drop, and every date-time null or UTC text
        ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` (the text such a sink writes either way). Neither
        copies nor converts nor raises; ``False`` means: use ``record_from_dict`` (which
        raises the errors)."""
        if type(src_dict) is not dict:
            return False
        if "name" not in src_dict:
            return False
        if "id" not in src_dict:
            return False
        if "organization_id" not in src_dict:
            return False
        _created_at_raw = src_dict.get("created_at", UNSET)
        if _created_at_raw is UNSET:
            return False
        if _created_at_raw is not None:
            if not (
                type(_created_at_raw) is str
                and (
                    len(_created_at_raw) == 20
                    or (
                        len(_created_at_raw) == 27
                        and _created_at_raw[19] == "."
                        and _created_at_raw[20:26] != "000000"
                    )
                )
                and _created_at_raw[-1] == "Z"
                and _created_at_raw[4] == "-"
                and _created_at_raw[7] == "-"
                and _created_at_raw[10] == "T"
                and _created_at_raw[13] == ":"
                and _created_at_raw[16] == ":"
                and _created_at_raw[11:13] != "24"
            ):
                return False

        _updated_at_raw = src_dict.get("updated_at", UNSET)
        if _updated_at_raw is UNSET:
            return False
        if _updated_at_raw is not None:
            if not (
                type(_updated_at_raw) is str
                and (
                    len(_updated_at_raw) == 20
                    or (
                        len(_updated_at_raw) == 27
                        and _updated_at_raw[19] == "."
                        and _updated_at_raw[20:26] != "000000"
                    )
                )
                and _updated_at_raw[-1] == "Z"
                and _updated_at_raw[4] == "-"
                and _updated_at_raw[7] == "-"
                and _updated_at_raw[10] == "T"
                and _updated_at_raw[13] == ":"
                and _updated_at_raw[16] == ":"
                and _updated_at_raw[11:13] != "24"
            ):
                return False

        _cell_spec_project_mappings_raw = src_dict.get("cell_spec_project_mappings", UNSET)
        if _cell_spec_project_mappings_raw is not UNSET:
            if _cell_spec_project_mappings_raw is not None:
                return False

        _user_project_roles_raw = src_dict.get("user_project_roles", UNSET)
        if _user_project_roles_raw is not UNSET:
            if _user_project_roles_raw is not None:
                return False

        return True

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


#: The properties from_dict reads; any other key of the input is an additional property.
_KNOWN_KEYS = frozenset(
    (
        "name",
        "id",
        "organization_id",
        "created_at",
        "updated_at",
        "description",
        "cell_spec_project_mappings",
        "user_project_roles",
    )
)

from ..models.project_cell_spec_project_mappings_type_0_item import (
    ProjectCellSpecProjectMappingsType0Item,  # noqa: E402
)
from ..models.user_project_role import UserProjectRole  # noqa: E402
