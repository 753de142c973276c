from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cell_specification_update_properties_type_0 import (
        CellSpecificationUpdatePropertiesType0,
    )
    from ..models.cell_specification_update_source_type_0 import CellSpecificationUpdateSourceType0
    from ..models.component_with_material_input import ComponentWithMaterialInput
    from ..models.ratings import Ratings


T = TypeVar("T", bound="CellSpecificationUpdate")


@_attrs_define
class CellSpecificationUpdate:
    """All optional (partial update); names reconstructed from description order"""

    name: None | str | Unset = UNSET
    form_factor: None | str | Unset = UNSET
    manufacturer: None | str | Unset = UNSET
    ratings: None | Ratings | Unset = UNSET
    properties: CellSpecificationUpdatePropertiesType0 | None | Unset = UNSET
    source: CellSpecificationUpdateSourceType0 | None | Unset = UNSET
    anode: ComponentWithMaterialInput | None | Unset = UNSET
    cathode: ComponentWithMaterialInput | None | Unset = UNSET
    electrolyte: ComponentWithMaterialInput | None | Unset = UNSET
    separator: ComponentWithMaterialInput | None | Unset = UNSET
    case: ComponentWithMaterialInput | None | Unset = UNSET
    notes: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

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

        ratings: dict[str, Any] | None | Unset
        if isinstance(self.ratings, Unset):
            ratings = UNSET
        elif isinstance(self.ratings, Ratings):
            ratings = self.ratings.to_dict()
        else:
            ratings = self.ratings

        properties: dict[str, Any] | None | Unset
        if isinstance(self.properties, Unset):
            properties = UNSET
        elif isinstance(self.properties, CellSpecificationUpdatePropertiesType0):
            properties = self.properties.to_dict()
        else:
            properties = self.properties

        source: dict[str, Any] | None | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        elif isinstance(self.source, CellSpecificationUpdateSourceType0):
            source = self.source.to_dict()
        else:
            source = self.source

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
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if form_factor is not UNSET:
            field_dict["form_factor"] = form_factor
        if manufacturer is not UNSET:
            field_dict["manufacturer"] = manufacturer
        if ratings is not UNSET:
            field_dict["ratings"] = ratings
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
        _name_raw = d.get("name", UNSET)
        name = _name_raw

        _form_factor_raw = d.get("form_factor", UNSET)
        form_factor = _form_factor_raw

        _manufacturer_raw = d.get("manufacturer", UNSET)
        manufacturer = _manufacturer_raw

        _ratings_raw = d.get("ratings", UNSET)
        ratings: None | Ratings | Unset
        if _ratings_raw is None or _ratings_raw is UNSET:
            ratings = _ratings_raw
        else:
            ratings = _ratings_raw
            if isinstance(_ratings_raw, dict):
                try:
                    ratings_type_0 = Ratings.from_dict(_ratings_raw)

                    ratings = ratings_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _properties_raw = d.get("properties", UNSET)
        properties: CellSpecificationUpdatePropertiesType0 | None | Unset
        if _properties_raw is None or _properties_raw is UNSET:
            properties = _properties_raw
        else:
            properties = _properties_raw
            if isinstance(_properties_raw, dict):
                try:
                    properties_type_0 = CellSpecificationUpdatePropertiesType0.from_dict(
                        _properties_raw
                    )

                    properties = properties_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _source_raw = d.get("source", UNSET)
        source: CellSpecificationUpdateSourceType0 | None | Unset
        if _source_raw is None or _source_raw is UNSET:
            source = _source_raw
        else:
            source = _source_raw
            if isinstance(_source_raw, dict):
                try:
                    source_type_0 = CellSpecificationUpdateSourceType0.from_dict(_source_raw)

                    source = source_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

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

        cell_specification_update = cls(
            name,
            form_factor,
            manufacturer,
            ratings,
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
            cell_specification_update.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return cell_specification_update

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
        if "ratings" in rec:
            _ratings_raw = rec["ratings"]
            if _ratings_raw is None:
                rec["ratings"] = _ratings_raw
            else:
                rec["ratings"] = _ratings_raw
                if isinstance(_ratings_raw, dict):
                    try:
                        ratings_type_0_record = Ratings.record_from_dict(_ratings_raw)

                        rec["ratings"] = ratings_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "properties" in rec:
            _properties_raw = rec["properties"]
            if _properties_raw is None:
                rec["properties"] = _properties_raw
            else:
                rec["properties"] = _properties_raw
                if isinstance(_properties_raw, dict):
                    try:
                        properties_type_0_record = (
                            CellSpecificationUpdatePropertiesType0.record_from_dict(_properties_raw)
                        )

                        rec["properties"] = properties_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "source" in rec:
            _source_raw = rec["source"]
            if _source_raw is None:
                rec["source"] = _source_raw
            else:
                rec["source"] = _source_raw
                if isinstance(_source_raw, dict):
                    try:
                        source_type_0_record = CellSpecificationUpdateSourceType0.record_from_dict(
                            _source_raw
                        )

                        rec["source"] = source_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

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
        if "name" in src_dict:
            _name_raw = src_dict["name"]
            rec["name"] = _name_raw
        if "form_factor" in src_dict:
            _form_factor_raw = src_dict["form_factor"]
            rec["form_factor"] = _form_factor_raw
        if "manufacturer" in src_dict:
            _manufacturer_raw = src_dict["manufacturer"]
            rec["manufacturer"] = _manufacturer_raw
        if "ratings" in src_dict:
            _ratings_raw = src_dict["ratings"]
            if _ratings_raw is None:
                rec["ratings"] = _ratings_raw
            else:
                rec["ratings"] = _ratings_raw
                if isinstance(_ratings_raw, dict):
                    try:
                        ratings_type_0_record = Ratings.to_dict_of_raw(_ratings_raw)

                        rec["ratings"] = ratings_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "properties" in src_dict:
            _properties_raw = src_dict["properties"]
            if _properties_raw is None:
                rec["properties"] = _properties_raw
            else:
                rec["properties"] = _properties_raw
                if isinstance(_properties_raw, dict):
                    try:
                        properties_type_0_record = (
                            CellSpecificationUpdatePropertiesType0.to_dict_of_raw(_properties_raw)
                        )

                        rec["properties"] = properties_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "source" in src_dict:
            _source_raw = src_dict["source"]
            if _source_raw is None:
                rec["source"] = _source_raw
            else:
                rec["source"] = _source_raw
                if isinstance(_source_raw, dict):
                    try:
                        source_type_0_record = CellSpecificationUpdateSourceType0.to_dict_of_raw(
                            _source_raw
                        )

                        rec["source"] = source_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

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
        _ratings_raw = src_dict.get("ratings", UNSET)
        if _ratings_raw is not UNSET:
            if isinstance(_ratings_raw, dict) and not Ratings.is_plain_record(_ratings_raw):
                return False

        _properties_raw = src_dict.get("properties", UNSET)
        if _properties_raw is not UNSET:
            if isinstance(
                _properties_raw, dict
            ) and not CellSpecificationUpdatePropertiesType0.is_plain_record(_properties_raw):
                return False

        _source_raw = src_dict.get("source", UNSET)
        if _source_raw is not UNSET:
            if isinstance(
                _source_raw, dict
            ) and not CellSpecificationUpdateSourceType0.is_plain_record(_source_raw):
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
        "form_factor",
        "manufacturer",
        "ratings",
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

from ..models.cell_specification_update_properties_type_0 import (
    CellSpecificationUpdatePropertiesType0,  # noqa: E402
)
from ..models.cell_specification_update_source_type_0 import CellSpecificationUpdateSourceType0  # noqa: E402
from ..models.component_with_material_input import ComponentWithMaterialInput  # noqa: E402
from ..models.ratings import Ratings  # noqa: E402
