from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

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
        from ..models.cell_specification_update_properties_type_0 import (
            CellSpecificationUpdatePropertiesType0,  # noqa: PLC0415
        )
        from ..models.cell_specification_update_source_type_0 import (
            CellSpecificationUpdateSourceType0,  # noqa: PLC0415
        )
        from ..models.component_with_material_input import ComponentWithMaterialInput  # noqa: PLC0415
        from ..models.ratings import Ratings  # noqa: PLC0415

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
        from ..models.cell_specification_update_properties_type_0 import (
            CellSpecificationUpdatePropertiesType0,  # noqa: PLC0415
        )
        from ..models.cell_specification_update_source_type_0 import (
            CellSpecificationUpdateSourceType0,  # noqa: PLC0415
        )
        from ..models.component_with_material_input import ComponentWithMaterialInput  # noqa: PLC0415
        from ..models.ratings import Ratings  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_form_factor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        form_factor = _parse_form_factor(d.pop("form_factor", UNSET))

        def _parse_manufacturer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        manufacturer = _parse_manufacturer(d.pop("manufacturer", UNSET))

        def _parse_ratings(data: object) -> None | Ratings | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ratings_type_0 = Ratings.from_dict(data)

                return ratings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Ratings | Unset, data)

        ratings = _parse_ratings(d.pop("ratings", UNSET))

        def _parse_properties(
            data: object,
        ) -> CellSpecificationUpdatePropertiesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                properties_type_0 = CellSpecificationUpdatePropertiesType0.from_dict(data)

                return properties_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CellSpecificationUpdatePropertiesType0 | None | Unset, data)

        properties = _parse_properties(d.pop("properties", UNSET))

        def _parse_source(data: object) -> CellSpecificationUpdateSourceType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                source_type_0 = CellSpecificationUpdateSourceType0.from_dict(data)

                return source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CellSpecificationUpdateSourceType0 | None | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        def _parse_anode(data: object) -> ComponentWithMaterialInput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                anode_type_0 = ComponentWithMaterialInput.from_dict(data)

                return anode_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ComponentWithMaterialInput | None | Unset, data)

        anode = _parse_anode(d.pop("anode", UNSET))

        def _parse_cathode(data: object) -> ComponentWithMaterialInput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                cathode_type_0 = ComponentWithMaterialInput.from_dict(data)

                return cathode_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ComponentWithMaterialInput | None | Unset, data)

        cathode = _parse_cathode(d.pop("cathode", UNSET))

        def _parse_electrolyte(data: object) -> ComponentWithMaterialInput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                electrolyte_type_0 = ComponentWithMaterialInput.from_dict(data)

                return electrolyte_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ComponentWithMaterialInput | None | Unset, data)

        electrolyte = _parse_electrolyte(d.pop("electrolyte", UNSET))

        def _parse_separator(data: object) -> ComponentWithMaterialInput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                separator_type_0 = ComponentWithMaterialInput.from_dict(data)

                return separator_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ComponentWithMaterialInput | None | Unset, data)

        separator = _parse_separator(d.pop("separator", UNSET))

        def _parse_case(data: object) -> ComponentWithMaterialInput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                case_type_0 = ComponentWithMaterialInput.from_dict(data)

                return case_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ComponentWithMaterialInput | None | Unset, data)

        case = _parse_case(d.pop("case", UNSET))

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

        cell_specification_update = cls(
            name=name,
            form_factor=form_factor,
            manufacturer=manufacturer,
            ratings=ratings,
            properties=properties,
            source=source,
            anode=anode,
            cathode=cathode,
            electrolyte=electrolyte,
            separator=separator,
            case=case,
            notes=notes,
        )

        cell_specification_update.additional_properties = d
        return cell_specification_update

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
