from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, lazy_fields, nested_to_dict, unparsed

if TYPE_CHECKING:
    from ..models.cell_specification_properties import CellSpecificationProperties
    from ..models.cell_specification_source import CellSpecificationSource
    from ..models.ratings import Ratings


T = TypeVar("T", bound="CellSpecification")


@_attrs_define
class CellSpecification:
    """Docs examples show no created_at/updated_at; model declared extra=allow in client (id, name only required there)"""

    name: str
    ratings: Ratings
    id: str
    organization_id: str
    form_factor: None | str | Unset = UNSET
    """ E.g. 18650, 21700, R2032, pouch, prismatic, cylindrical """
    manufacturer: None | str | Unset = UNSET
    anode_id: None | str | Unset = UNSET
    cathode_id: None | str | Unset = UNSET
    electrolyte_id: None | str | Unset = UNSET
    separator_id: None | str | Unset = UNSET
    case_id: None | str | Unset = UNSET
    properties: CellSpecificationProperties | Unset = UNSET
    """ Design-level non-rating properties; Quantity for numbers """
    source: CellSpecificationSource | Unset = UNSET
    """ Provenance: doi, license, publication_date, citation, creator_name, creator_orcid """
    notes: None | str | Unset = UNSET
    created_by: None | str | Unset = UNSET
    created_by_email: None | str | Unset = UNSET
    instance_ids: list[Any] | Unset = UNSET
    """ Items shown as {} in example; item type unknown """
    project_id: str | Unset = UNSET
    """ Not on docs pages; client assumes it is always present (DB NOT NULL) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        ratings = CellSpecification.__dict__["ratings"].to_dict_of(self)

        id = self.id

        organization_id = self.organization_id

        form_factor: None | str | Unset
        if isinstance(self.form_factor, Unset):
            form_factor = UNSET
        else:
            form_factor = self.form_factor

        manufacturer: None | str | Unset
        if isinstance(self.manufacturer, Unset):
            manufacturer = UNSET
        else:
            manufacturer = self.manufacturer

        anode_id: None | str | Unset
        if isinstance(self.anode_id, Unset):
            anode_id = UNSET
        else:
            anode_id = self.anode_id

        cathode_id: None | str | Unset
        if isinstance(self.cathode_id, Unset):
            cathode_id = UNSET
        else:
            cathode_id = self.cathode_id

        electrolyte_id: None | str | Unset
        if isinstance(self.electrolyte_id, Unset):
            electrolyte_id = UNSET
        else:
            electrolyte_id = self.electrolyte_id

        separator_id: None | str | Unset
        if isinstance(self.separator_id, Unset):
            separator_id = UNSET
        else:
            separator_id = self.separator_id

        case_id: None | str | Unset
        if isinstance(self.case_id, Unset):
            case_id = UNSET
        else:
            case_id = self.case_id

        properties = CellSpecification.__dict__["properties"].to_dict_of(self, optional=True)

        source = CellSpecification.__dict__["source"].to_dict_of(self, optional=True)

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        else:
            created_by = self.created_by

        created_by_email: None | str | Unset
        if isinstance(self.created_by_email, Unset):
            created_by_email = UNSET
        else:
            created_by_email = self.created_by_email

        instance_ids: list[Any] | Unset = UNSET
        if not isinstance(self.instance_ids, Unset):
            instance_ids = self.instance_ids

        project_id = self.project_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "ratings": ratings,
                "id": id,
                "organization_id": organization_id,
            }
        )
        if form_factor is not UNSET:
            field_dict["form_factor"] = form_factor
        if manufacturer is not UNSET:
            field_dict["manufacturer"] = manufacturer
        if anode_id is not UNSET:
            field_dict["anode_id"] = anode_id
        if cathode_id is not UNSET:
            field_dict["cathode_id"] = cathode_id
        if electrolyte_id is not UNSET:
            field_dict["electrolyte_id"] = electrolyte_id
        if separator_id is not UNSET:
            field_dict["separator_id"] = separator_id
        if case_id is not UNSET:
            field_dict["case_id"] = case_id
        if properties is not UNSET:
            field_dict["properties"] = properties
        if source is not UNSET:
            field_dict["source"] = source
        if notes is not UNSET:
            field_dict["notes"] = notes
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if created_by_email is not UNSET:
            field_dict["created_by_email"] = created_by_email
        if instance_ids is not UNSET:
            field_dict["instance_ids"] = instance_ids
        if project_id is not UNSET:
            field_dict["project_id"] = project_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        name = d["name"]

        _ratings = d["ratings"]
        ratings: Ratings
        if type(_ratings) is dict:
            ratings = unparsed((_ratings,))
        elif _ratings is None:
            ratings = _ratings
        else:
            ratings = Ratings.from_dict(_ratings)

        id = d["id"]

        organization_id = d["organization_id"]

        _form_factor_raw = d.get("form_factor", UNSET)
        form_factor = _form_factor_raw

        _manufacturer_raw = d.get("manufacturer", UNSET)
        manufacturer = _manufacturer_raw

        _anode_id_raw = d.get("anode_id", UNSET)
        anode_id = _anode_id_raw

        _cathode_id_raw = d.get("cathode_id", UNSET)
        cathode_id = _cathode_id_raw

        _electrolyte_id_raw = d.get("electrolyte_id", UNSET)
        electrolyte_id = _electrolyte_id_raw

        _separator_id_raw = d.get("separator_id", UNSET)
        separator_id = _separator_id_raw

        _case_id_raw = d.get("case_id", UNSET)
        case_id = _case_id_raw

        _properties = d.get("properties", UNSET)
        properties: CellSpecificationProperties | Unset
        if type(_properties) is dict:
            properties = unparsed((_properties,))
        elif _properties is UNSET or _properties is None:
            properties = _properties
        else:
            properties = CellSpecificationProperties.from_dict(_properties)

        _source = d.get("source", UNSET)
        source: CellSpecificationSource | Unset
        if type(_source) is dict:
            source = unparsed((_source,))
        elif _source is UNSET or _source is None:
            source = _source
        else:
            source = CellSpecificationSource.from_dict(_source)

        _notes_raw = d.get("notes", UNSET)
        notes = _notes_raw

        _created_by_raw = d.get("created_by", UNSET)
        created_by = _created_by_raw

        _created_by_email_raw = d.get("created_by_email", UNSET)
        created_by_email = _created_by_email_raw

        instance_ids = d.get("instance_ids", UNSET)

        project_id = d.get("project_id", UNSET)

        cell_specification = cls(
            name,
            ratings,
            id,
            organization_id,
            form_factor,
            manufacturer,
            anode_id,
            cathode_id,
            electrolyte_id,
            separator_id,
            case_id,
            properties,
            source,
            notes,
            created_by,
            created_by_email,
            instance_ids,
            project_id,
        )

        if not d.keys() <= _KNOWN_KEYS:
            cell_specification.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return cell_specification

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
        _ratings_raw = rec["ratings"]
        if _ratings_raw is not None:
            rec["ratings"] = Ratings.record_from_dict(_ratings_raw)

        if "id" not in rec:
            raise KeyError("id")
        if "organization_id" not in rec:
            raise KeyError("organization_id")
        if "properties" in rec:
            _properties_raw = rec["properties"]
            if _properties_raw is not None:
                rec["properties"] = CellSpecificationProperties.record_from_dict(_properties_raw)

        if "source" in rec:
            _source_raw = rec["source"]
            if _source_raw is not None:
                rec["source"] = CellSpecificationSource.record_from_dict(_source_raw)

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
        _ratings_raw = src_dict["ratings"]
        if _ratings_raw is None:
            rec["ratings"] = None
        else:
            rec["ratings"] = nested_to_dict("CellSpecification", "ratings", Ratings, _ratings_raw)
        _id_raw = src_dict["id"]
        rec["id"] = _id_raw
        _organization_id_raw = src_dict["organization_id"]
        rec["organization_id"] = _organization_id_raw
        if "form_factor" in src_dict:
            _form_factor_raw = src_dict["form_factor"]
            rec["form_factor"] = _form_factor_raw
        if "manufacturer" in src_dict:
            _manufacturer_raw = src_dict["manufacturer"]
            rec["manufacturer"] = _manufacturer_raw
        if "anode_id" in src_dict:
            _anode_id_raw = src_dict["anode_id"]
            rec["anode_id"] = _anode_id_raw
        if "cathode_id" in src_dict:
            _cathode_id_raw = src_dict["cathode_id"]
            rec["cathode_id"] = _cathode_id_raw
        if "electrolyte_id" in src_dict:
            _electrolyte_id_raw = src_dict["electrolyte_id"]
            rec["electrolyte_id"] = _electrolyte_id_raw
        if "separator_id" in src_dict:
            _separator_id_raw = src_dict["separator_id"]
            rec["separator_id"] = _separator_id_raw
        if "case_id" in src_dict:
            _case_id_raw = src_dict["case_id"]
            rec["case_id"] = _case_id_raw
        if "properties" in src_dict:
            _properties_raw = src_dict["properties"]
            if _properties_raw is None:
                rec["properties"] = None
            else:
                rec["properties"] = nested_to_dict(
                    "CellSpecification", "properties", CellSpecificationProperties, _properties_raw
                )
        if "source" in src_dict:
            _source_raw = src_dict["source"]
            if _source_raw is None:
                rec["source"] = None
            else:
                rec["source"] = nested_to_dict(
                    "CellSpecification", "source", CellSpecificationSource, _source_raw
                )
        if "notes" in src_dict:
            _notes_raw = src_dict["notes"]
            rec["notes"] = _notes_raw
        if "created_by" in src_dict:
            _created_by_raw = src_dict["created_by"]
            rec["created_by"] = _created_by_raw
        if "created_by_email" in src_dict:
            _created_by_email_raw = src_dict["created_by_email"]
            rec["created_by_email"] = _created_by_email_raw
        if "instance_ids" in src_dict:
            _instance_ids_raw = src_dict["instance_ids"]
            rec["instance_ids"] = _instance_ids_raw
        if "project_id" in src_dict:
            _project_id_raw = src_dict["project_id"]
            rec["project_id"] = _project_id_raw
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
        _ratings_raw = src_dict.get("ratings", UNSET)
        if _ratings_raw is UNSET:
            return False
        if _ratings_raw is not None:
            if not Ratings.is_plain_record(_ratings_raw):
                return False

        if "id" not in src_dict:
            return False
        if "organization_id" not in src_dict:
            return False
        _properties_raw = src_dict.get("properties", UNSET)
        if _properties_raw is not UNSET and _properties_raw is not None:
            if not CellSpecificationProperties.is_plain_record(_properties_raw):
                return False

        _source_raw = src_dict.get("source", UNSET)
        if _source_raw is not UNSET and _source_raw is not None:
            if not CellSpecificationSource.is_plain_record(_source_raw):
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
        "ratings",
        "id",
        "organization_id",
        "form_factor",
        "manufacturer",
        "anode_id",
        "cathode_id",
        "electrolyte_id",
        "separator_id",
        "case_id",
        "properties",
        "source",
        "notes",
        "created_by",
        "created_by_email",
        "instance_ids",
        "project_id",
    )
)

from ..models.cell_specification_properties import CellSpecificationProperties  # noqa: E402
from ..models.cell_specification_source import CellSpecificationSource  # noqa: E402
from ..models.ratings import Ratings  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    CellSpecification,
    ratings=Ratings.from_dict,
    properties=CellSpecificationProperties.from_dict,
    source=CellSpecificationSource.from_dict,
)
