from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime

if TYPE_CHECKING:
    from ..models.project_role_project_role_permissions_item import (
        ProjectRoleProjectRolePermissionsItem,
    )


T = TypeVar("T", bound="ProjectRole")


@_attrs_define
class ProjectRole:
    """Example only"""

    id: str | Unset = UNSET
    name: str | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    updated_at: datetime.datetime | None | Unset = UNSET
    project_role_permissions: list[ProjectRoleProjectRolePermissionsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        elif isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        project_role_permissions: list[dict[str, Any]] | Unset
        if self.project_role_permissions is None:
            project_role_permissions = None
        else:
            project_role_permissions = UNSET
            if not isinstance(self.project_role_permissions, Unset):
                project_role_permissions = []
                for project_role_permissions_item_data in self.project_role_permissions:
                    project_role_permissions_item = project_role_permissions_item_data.to_dict()
                    project_role_permissions.append(project_role_permissions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if project_role_permissions is not UNSET:
            field_dict["project_role_permissions"] = project_role_permissions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        id = d.get("id", UNSET)

        name = d.get("name", UNSET)

        _created_at_raw = d.get("created_at", UNSET)
        created_at: datetime.datetime | None | Unset
        if _created_at_raw is None or _created_at_raw is UNSET:
            created_at = _created_at_raw
        else:
            created_at = _created_at_raw
            if isinstance(_created_at_raw, str):
                try:
                    created_at_type_0 = parse_datetime(_created_at_raw)

                    created_at = created_at_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _updated_at_raw = d.get("updated_at", UNSET)
        updated_at: datetime.datetime | None | Unset
        if _updated_at_raw is None or _updated_at_raw is UNSET:
            updated_at = _updated_at_raw
        else:
            updated_at = _updated_at_raw
            if isinstance(_updated_at_raw, str):
                try:
                    updated_at_type_0 = parse_datetime(_updated_at_raw)

                    updated_at = updated_at_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _project_role_permissions = d.get("project_role_permissions", UNSET)
        project_role_permissions: list[ProjectRoleProjectRolePermissionsItem] | Unset = UNSET
        if _project_role_permissions is None:
            project_role_permissions = _project_role_permissions
        elif _project_role_permissions is not UNSET:
            project_role_permissions = []
            for project_role_permissions_item_data in _project_role_permissions:
                project_role_permissions_item = ProjectRoleProjectRolePermissionsItem.from_dict(
                    project_role_permissions_item_data
                )

                project_role_permissions.append(project_role_permissions_item)

        project_role = cls(
            id,
            name,
            created_at,
            updated_at,
            project_role_permissions,
        )

        if not d.keys() <= _KNOWN_KEYS:
            project_role.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return project_role

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
        if "created_at" in rec:
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

        if "updated_at" in rec:
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

        if "project_role_permissions" in rec:
            _project_role_permissions_raw = rec["project_role_permissions"]
            if _project_role_permissions_raw is not None:
                rec["project_role_permissions"] = []
                for project_role_permissions_item_data in _project_role_permissions_raw:
                    project_role_permissions_item_record = (
                        ProjectRoleProjectRolePermissionsItem.record_from_dict(
                            project_role_permissions_item_data
                        )
                    )

                    rec["project_role_permissions"].append(project_role_permissions_item_record)

        return rec

    @classmethod
    def to_dict_of_raw(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The dict ``cls.from_dict(src_dict).to_dict()`` returns, key order included,
        without building models (``to_dict`` of a nested object never read uses it): the same
        checks and errors, tolerant fallbacks and conversions as ``record_from_dict``. A new
        dict: ``src_dict`` is not changed."""
        rec: dict[str, Any] = {k: v for k, v in src_dict.items() if k not in _KNOWN_KEYS}
        if "id" in src_dict:
            _id_raw = src_dict["id"]
            rec["id"] = _id_raw
        if "name" in src_dict:
            _name_raw = src_dict["name"]
            rec["name"] = _name_raw
        if "created_at" in src_dict:
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

        if "updated_at" in src_dict:
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

        if "project_role_permissions" in src_dict:
            _project_role_permissions_raw = src_dict["project_role_permissions"]
            if _project_role_permissions_raw is None:
                rec["project_role_permissions"] = None
            else:
                rec["project_role_permissions"] = []
                for project_role_permissions_item_data in _project_role_permissions_raw:
                    project_role_permissions_item_record = (
                        ProjectRoleProjectRolePermissionsItem.to_dict_of_raw(
                            project_role_permissions_item_data
                        )
                    )

                    rec["project_role_permissions"].append(project_role_permissions_item_record)

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
        _created_at_raw = src_dict.get("created_at", UNSET)
        if _created_at_raw is not UNSET:
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
        if _updated_at_raw is not UNSET:
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

        _project_role_permissions_raw = src_dict.get("project_role_permissions", UNSET)
        if _project_role_permissions_raw is not UNSET and _project_role_permissions_raw is not None:
            if type(_project_role_permissions_raw) is not list:
                return False
            for project_role_permissions_item_item in _project_role_permissions_raw:
                if not ProjectRoleProjectRolePermissionsItem.is_plain_record(
                    project_role_permissions_item_item
                ):
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
        "id",
        "name",
        "created_at",
        "updated_at",
        "project_role_permissions",
    )
)

from ..models.project_role_project_role_permissions_item import (
    ProjectRoleProjectRolePermissionsItem,  # noqa: E402
)
