from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, lazy_fields, nested_to_dict, unparsed

if TYPE_CHECKING:
    from ..models.cell_specification_create_properties import CellSpecificationCreateProperties
    from ..models.cell_specification_create_source import CellSpecificationCreateSource
    from ..models.component_with_material_input import ComponentWithMaterialInput
    from ..models.ratings import Ratings


T = TypeVar("T", bound="CellSpecificationCreate")


@_attrs_define
class CellSpecificationCreate:
    """Field names reconstructed from the order of field descriptions on the page plus client examples; verify"""

    name: str
    ratings: Ratings | Unset = UNSET
    project_id: None | str | Unset = UNSET
    """ Project link; client fills default """
    form_factor: None | str | Unset = UNSET
    manufacturer: None | str | Unset = UNSET
    properties: CellSpecificationCreateProperties | Unset = UNSET
    source: CellSpecificationCreateSource | Unset = UNSET
    anode: ComponentWithMaterialInput | None | Unset = UNSET
    cathode: ComponentWithMaterialInput | None | Unset = UNSET
    electrolyte: ComponentWithMaterialInput | None | Unset = UNSET
    separator: ComponentWithMaterialInput | None | Unset = UNSET
    case: ComponentWithMaterialInput | None | Unset = UNSET
    notes: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        ratings = CellSpecificationCreate.__dict__["ratings"].to_dict_of(self, optional=True)

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

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

        properties = CellSpecificationCreate.__dict__["properties"].to_dict_of(self, optional=True)

        source = CellSpecificationCreate.__dict__["source"].to_dict_of(self, optional=True)

        anode: dict[str, Any] | None | Unset
        if isinstance(self.anode, Unset):
            anode = UNSET
        elif isinstance(self.anode, ComponentWithMaterialInput):
            anode = self.anode.to_dict()
        else:
            anode = self.anode

        cathode: dict[str, Any] | None | Unset
        if isinstance(self.cathode, Unset):
            cathode = UNSET
        elif isinstance(self.cathode, ComponentWithMaterialInput):
            cathode = self.cathode.to_dict()
        else:
            cathode = self.cathode

        electrolyte: dict[str, Any] | None | Unset
        if isinstance(self.electrolyte, Unset):
            electrolyte = UNSET
        elif isinstance(self.electrolyte, ComponentWithMaterialInput):
            electrolyte = self.electrolyte.to_dict()
        else:
            electrolyte = self.electrolyte

        separator: dict[str, Any] | None | Unset
        if isinstance(self.separator, Unset):
            separator = UNSET
        elif isinstance(self.separator, ComponentWithMaterialInput):
            separator = self.separator.to_dict()
        else:
            separator = self.separator

        case: dict[str, Any] | None | Unset
        if isinstance(self.case, Unset):
            case = UNSET
        elif isinstance(self.case, ComponentWithMaterialInput):
            case = self.case.to_dict()
        else:
            case = self.case

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if ratings is not UNSET:
            field_dict["ratings"] = ratings
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if form_factor is not UNSET:
            field_dict["form_factor"] = form_factor
        if manufacturer is not UNSET:
            field_dict["manufacturer"] = manufacturer
        if properties is not UNSET:
            field_dict["properties"] = properties
        if source is not UNSET:
            field_dict["source"] = source
        if anode is not UNSET:
            field_dict["anode"] = anode
        if cathode is not UNSET:
            field_dict["cathode"] = cathode
        if electrolyte is not UNSET:
            field_dict["electrolyte"] = electrolyte
        if separator is not UNSET:
            field_dict["separator"] = separator
        if case is not UNSET:
            field_dict["case"] = case
        if notes is not UNSET:
            field_dict["notes"] = notes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        name = d["name"]

        _ratings = d.get("ratings", UNSET)
        ratings: Ratings | Unset
        if type(_ratings) is dict:
            ratings = unparsed((_ratings,))
        elif _ratings is UNSET or _ratings is None:
            ratings = _ratings
        else:
            ratings = Ratings.from_dict(_ratings)

        _project_id_raw = d.get("project_id", UNSET)
        project_id = _project_id_raw

        _form_factor_raw = d.get("form_factor", UNSET)
        form_factor = _form_factor_raw

        _manufacturer_raw = d.get("manufacturer", UNSET)
        manufacturer = _manufacturer_raw

        _properties = d.get("properties", UNSET)
        properties: CellSpecificationCreateProperties | Unset
        if type(_properties) is dict:
            properties = unparsed((_properties,))
        elif _properties is UNSET or _properties is None:
            properties = _properties
        else:
            properties = CellSpecificationCreateProperties.from_dict(_properties)

        _source = d.get("source", UNSET)
        source: CellSpecificationCreateSource | Unset
        if type(_source) is dict:
            source = unparsed((_source,))
        elif _source is UNSET or _source is None:
            source = _source
        else:
            source = CellSpecificationCreateSource.from_dict(_source)

        _anode_raw = d.get("anode", UNSET)
        anode: ComponentWithMaterialInput | None | Unset
        if _anode_raw is None or _anode_raw is UNSET:
            anode = _anode_raw
        else:
            anode = _anode_raw
            if isinstance(_anode_raw, dict):
                try:
                    anode_type_0 = ComponentWithMaterialInput.from_dict(_anode_raw)

                    anode = anode_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _cathode_raw = d.get("cathode", UNSET)
        cathode: ComponentWithMaterialInput | None | Unset
        if _cathode_raw is None or _cathode_raw is UNSET:
            cathode = _cathode_raw
        else:
            cathode = _cathode_raw
            if isinstance(_cathode_raw, dict):
                try:
                    cathode_type_0 = ComponentWithMaterialInput.from_dict(_cathode_raw)

                    cathode = cathode_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _electrolyte_raw = d.get("electrolyte", UNSET)
        electrolyte: ComponentWithMaterialInput | None | Unset
        if _electrolyte_raw is None or _electrolyte_raw is UNSET:
            electrolyte = _electrolyte_raw
        else:
            electrolyte = _electrolyte_raw
            if isinstance(_electrolyte_raw, dict):
                try:
                    electrolyte_type_0 = ComponentWithMaterialInput.from_dict(_electrolyte_raw)

                    electrolyte = electrolyte_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _separator_raw = d.get("separator", UNSET)
        separator: ComponentWithMaterialInput | None | Unset
        if _separator_raw is None or _separator_raw is UNSET:
            separator = _separator_raw
        else:
            separator = _separator_raw
            if isinstance(_separator_raw, dict):
                try:
                    separator_type_0 = ComponentWithMaterialInput.from_dict(_separator_raw)

                    separator = separator_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _case_raw = d.get("case", UNSET)
        case: ComponentWithMaterialInput | None | Unset
        if _case_raw is None or _case_raw is UNSET:
            case = _case_raw
        else:
            case = _case_raw
            if isinstance(_case_raw, dict):
                try:
                    case_type_0 = ComponentWithMaterialInput.from_dict(_case_raw)

                    case = case_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _notes_raw = d.get("notes", UNSET)
        notes = _notes_raw

        cell_specification_create = cls(
            name,
            ratings,
            project_id,
            form_factor,
            manufacturer,
            properties,
            source,
            anode,
            cathode,
            electrolyte,
            separator,
            case,
            notes,
        )

        if not d.keys() <= _KNOWN_KEYS:
            cell_specification_create.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return cell_specification_create

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
        if "ratings" in rec:
            _ratings_raw = rec["ratings"]
            if _ratings_raw is not None:
                rec["ratings"] = Ratings.record_from_dict(_ratings_raw)

        if "properties" in rec:
            _properties_raw = rec["properties"]
            if _properties_raw is not None:
                rec["properties"] = CellSpecificationCreateProperties.record_from_dict(
                    _properties_raw
                )

        if "source" in rec:
            _source_raw = rec["source"]
            if _source_raw is not None:
                rec["source"] = CellSpecificationCreateSource.record_from_dict(_source_raw)

        if "anode" in rec:
            _anode_raw = rec["anode"]
            if _anode_raw is None:
                rec["anode"] = _anode_raw
            else:
                rec["anode"] = _anode_raw
                if isinstance(_anode_raw, dict):
                    try:
                        anode_type_0_record = ComponentWithMaterialInput.record_from_dict(
                            _anode_raw
                        )

                        rec["anode"] = anode_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "cathode" in rec:
            _cathode_raw = rec["cathode"]
            if _cathode_raw is None:
                rec["cathode"] = _cathode_raw
            else:
                rec["cathode"] = _cathode_raw
                if isinstance(_cathode_raw, dict):
                    try:
                        cathode_type_0_record = ComponentWithMaterialInput.record_from_dict(
                            _cathode_raw
                        )

                        rec["cathode"] = cathode_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "electrolyte" in rec:
            _electrolyte_raw = rec["electrolyte"]
            if _electrolyte_raw is None:
                rec["electrolyte"] = _electrolyte_raw
            else:
                rec["electrolyte"] = _electrolyte_raw
                if isinstance(_electrolyte_raw, dict):
                    try:
                        electrolyte_type_0_record = ComponentWithMaterialInput.record_from_dict(
                            _electrolyte_raw
                        )

                        rec["electrolyte"] = electrolyte_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "separator" in rec:
            _separator_raw = rec["separator"]
            if _separator_raw is None:
                rec["separator"] = _separator_raw
            else:
                rec["separator"] = _separator_raw
                if isinstance(_separator_raw, dict):
                    try:
                        separator_type_0_record = ComponentWithMaterialInput.record_from_dict(
                            _separator_raw
                        )

                        rec["separator"] = separator_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "case" in rec:
            _case_raw = rec["case"]
            if _case_raw is None:
                rec["case"] = _case_raw
            else:
                rec["case"] = _case_raw
                if isinstance(_case_raw, dict):
                    try:
                        case_type_0_record = ComponentWithMaterialInput.record_from_dict(_case_raw)

                        rec["case"] = case_type_0_record
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
        if "ratings" in src_dict:
            _ratings_raw = src_dict["ratings"]
            if _ratings_raw is None:
                rec["ratings"] = None
            else:
                rec["ratings"] = nested_to_dict(
                    "CellSpecificationCreate", "ratings", Ratings, _ratings_raw
                )
        if "project_id" in src_dict:
            _project_id_raw = src_dict["project_id"]
            rec["project_id"] = _project_id_raw
        if "form_factor" in src_dict:
            _form_factor_raw = src_dict["form_factor"]
            rec["form_factor"] = _form_factor_raw
        if "manufacturer" in src_dict:
            _manufacturer_raw = src_dict["manufacturer"]
            rec["manufacturer"] = _manufacturer_raw
        if "properties" in src_dict:
            _properties_raw = src_dict["properties"]
            if _properties_raw is None:
                rec["properties"] = None
            else:
                rec["properties"] = nested_to_dict(
                    "CellSpecificationCreate",
                    "properties",
                    CellSpecificationCreateProperties,
                    _properties_raw,
                )
        if "source" in src_dict:
            _source_raw = src_dict["source"]
            if _source_raw is None:
                rec["source"] = None
            else:
                rec["source"] = nested_to_dict(
                    "CellSpecificationCreate", "source", CellSpecificationCreateSource, _source_raw
                )
        if "anode" in src_dict:
            _anode_raw = src_dict["anode"]
            if _anode_raw is None:
                rec["anode"] = _anode_raw
            else:
                rec["anode"] = _anode_raw
                if isinstance(_anode_raw, dict):
                    try:
                        anode_type_0_record = ComponentWithMaterialInput.to_dict_of_raw(_anode_raw)

                        rec["anode"] = anode_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "cathode" in src_dict:
            _cathode_raw = src_dict["cathode"]
            if _cathode_raw is None:
                rec["cathode"] = _cathode_raw
            else:
                rec["cathode"] = _cathode_raw
                if isinstance(_cathode_raw, dict):
                    try:
                        cathode_type_0_record = ComponentWithMaterialInput.to_dict_of_raw(
                            _cathode_raw
                        )

                        rec["cathode"] = cathode_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "electrolyte" in src_dict:
            _electrolyte_raw = src_dict["electrolyte"]
            if _electrolyte_raw is None:
                rec["electrolyte"] = _electrolyte_raw
            else:
                rec["electrolyte"] = _electrolyte_raw
                if isinstance(_electrolyte_raw, dict):
                    try:
                        electrolyte_type_0_record = ComponentWithMaterialInput.to_dict_of_raw(
                            _electrolyte_raw
                        )

                        rec["electrolyte"] = electrolyte_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "separator" in src_dict:
            _separator_raw = src_dict["separator"]
            if _separator_raw is None:
                rec["separator"] = _separator_raw
            else:
                rec["separator"] = _separator_raw
                if isinstance(_separator_raw, dict):
                    try:
                        separator_type_0_record = ComponentWithMaterialInput.to_dict_of_raw(
                            _separator_raw
                        )

                        rec["separator"] = separator_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "case" in src_dict:
            _case_raw = src_dict["case"]
            if _case_raw is None:
                rec["case"] = _case_raw
            else:
                rec["case"] = _case_raw
                if isinstance(_case_raw, dict):
                    try:
                        case_type_0_record = ComponentWithMaterialInput.to_dict_of_raw(_case_raw)

                        rec["case"] = case_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "notes" in src_dict:
            _notes_raw = src_dict["notes"]
            rec["notes"] = _notes_raw
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
        if _ratings_raw is not UNSET and _ratings_raw is not None:
            if not Ratings.is_plain_record(_ratings_raw):
                return False

        _properties_raw = src_dict.get("properties", UNSET)
        if _properties_raw is not UNSET and _properties_raw is not None:
            if not CellSpecificationCreateProperties.is_plain_record(_properties_raw):
                return False

        _source_raw = src_dict.get("source", UNSET)
        if _source_raw is not UNSET and _source_raw is not None:
            if not CellSpecificationCreateSource.is_plain_record(_source_raw):
                return False

        _anode_raw = src_dict.get("anode", UNSET)
        if _anode_raw is not UNSET:
            if isinstance(_anode_raw, dict) and not ComponentWithMaterialInput.is_plain_record(
                _anode_raw
            ):
                return False

        _cathode_raw = src_dict.get("cathode", UNSET)
        if _cathode_raw is not UNSET:
            if isinstance(_cathode_raw, dict) and not ComponentWithMaterialInput.is_plain_record(
                _cathode_raw
            ):
                return False

        _electrolyte_raw = src_dict.get("electrolyte", UNSET)
        if _electrolyte_raw is not UNSET:
            if isinstance(
                _electrolyte_raw, dict
            ) and not ComponentWithMaterialInput.is_plain_record(_electrolyte_raw):
                return False

        _separator_raw = src_dict.get("separator", UNSET)
        if _separator_raw is not UNSET:
            if isinstance(_separator_raw, dict) and not ComponentWithMaterialInput.is_plain_record(
                _separator_raw
            ):
                return False

        _case_raw = src_dict.get("case", UNSET)
        if _case_raw is not UNSET:
            if isinstance(_case_raw, dict) and not ComponentWithMaterialInput.is_plain_record(
                _case_raw
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
        "name",
        "ratings",
        "project_id",
        "form_factor",
        "manufacturer",
        "properties",
        "source",
        "anode",
        "cathode",
        "electrolyte",
        "separator",
        "case",
        "notes",
    )
)

from ..models.cell_specification_create_properties import CellSpecificationCreateProperties  # noqa: E402
from ..models.cell_specification_create_source import CellSpecificationCreateSource  # noqa: E402
from ..models.component_with_material_input import ComponentWithMaterialInput  # noqa: E402
from ..models.ratings import Ratings  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    CellSpecificationCreate,
    ratings=Ratings.from_dict,
    properties=CellSpecificationCreateProperties.from_dict,
    source=CellSpecificationCreateSource.from_dict,
)
