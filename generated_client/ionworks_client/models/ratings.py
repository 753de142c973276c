from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, lazy_fields, nested_to_dict, unparsed

if TYPE_CHECKING:
    from ..models.quantity import Quantity


T = TypeVar("T", bound="Ratings")


@_attrs_define
class Ratings:
    capacity: Quantity | Unset = UNSET
    """ Used for ratings and for numeric entries inside properties/measured_properties maps; non-numeric entries in
    those maps may be plain values (e.g. binder name) """
    voltage_min: Quantity | Unset = UNSET
    """ Used for ratings and for numeric entries inside properties/measured_properties maps; non-numeric entries in
    those maps may be plain values (e.g. binder name) """
    voltage_max: Quantity | Unset = UNSET
    """ Used for ratings and for numeric entries inside properties/measured_properties maps; non-numeric entries in
    those maps may be plain values (e.g. binder name) """
    nominal_voltage: None | Quantity | Unset = UNSET
    """ Optional """
    energy: None | Quantity | Unset = UNSET
    """ Optional """
    energy_density_gravimetric: None | Quantity | Unset = UNSET
    """ Optional """
    energy_density_volumetric: None | Quantity | Unset = UNSET
    """ Optional """
    max_discharge_rate: None | Quantity | Unset = UNSET
    """ Optional C-rate """
    max_charge_rate: None | Quantity | Unset = UNSET
    """ Optional C-rate """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        capacity = Ratings.__dict__["capacity"].to_dict_of(self, optional=True)

        voltage_min = Ratings.__dict__["voltage_min"].to_dict_of(self, optional=True)

        voltage_max = Ratings.__dict__["voltage_max"].to_dict_of(self, optional=True)

        nominal_voltage: dict[str, Any] | None | Unset
        if isinstance(self.nominal_voltage, Unset):
            nominal_voltage = UNSET
        elif isinstance(self.nominal_voltage, Quantity):
            nominal_voltage = self.nominal_voltage.to_dict()
        else:
            nominal_voltage = self.nominal_voltage

        energy: dict[str, Any] | None | Unset
        if isinstance(self.energy, Unset):
            energy = UNSET
        elif isinstance(self.energy, Quantity):
            energy = self.energy.to_dict()
        else:
            energy = self.energy

        energy_density_gravimetric: dict[str, Any] | None | Unset
        if isinstance(self.energy_density_gravimetric, Unset):
            energy_density_gravimetric = UNSET
        elif isinstance(self.energy_density_gravimetric, Quantity):
            energy_density_gravimetric = self.energy_density_gravimetric.to_dict()
        else:
            energy_density_gravimetric = self.energy_density_gravimetric

        energy_density_volumetric: dict[str, Any] | None | Unset
        if isinstance(self.energy_density_volumetric, Unset):
            energy_density_volumetric = UNSET
        elif isinstance(self.energy_density_volumetric, Quantity):
            energy_density_volumetric = self.energy_density_volumetric.to_dict()
        else:
            energy_density_volumetric = self.energy_density_volumetric

        max_discharge_rate: dict[str, Any] | None | Unset
        if isinstance(self.max_discharge_rate, Unset):
            max_discharge_rate = UNSET
        elif isinstance(self.max_discharge_rate, Quantity):
            max_discharge_rate = self.max_discharge_rate.to_dict()
        else:
            max_discharge_rate = self.max_discharge_rate

        max_charge_rate: dict[str, Any] | None | Unset
        if isinstance(self.max_charge_rate, Unset):
            max_charge_rate = UNSET
        elif isinstance(self.max_charge_rate, Quantity):
            max_charge_rate = self.max_charge_rate.to_dict()
        else:
            max_charge_rate = self.max_charge_rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if capacity is not UNSET:
            field_dict["capacity"] = capacity
        if voltage_min is not UNSET:
            field_dict["voltage_min"] = voltage_min
        if voltage_max is not UNSET:
            field_dict["voltage_max"] = voltage_max
        if nominal_voltage is not UNSET:
            field_dict["nominal_voltage"] = nominal_voltage
        if energy is not UNSET:
            field_dict["energy"] = energy
        if energy_density_gravimetric is not UNSET:
            field_dict["energy_density_gravimetric"] = energy_density_gravimetric
        if energy_density_volumetric is not UNSET:
            field_dict["energy_density_volumetric"] = energy_density_volumetric
        if max_discharge_rate is not UNSET:
            field_dict["max_discharge_rate"] = max_discharge_rate
        if max_charge_rate is not UNSET:
            field_dict["max_charge_rate"] = max_charge_rate

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        _capacity = d.get("capacity", UNSET)
        capacity: Quantity | Unset
        if type(_capacity) is dict:
            capacity = unparsed((_capacity,))
        elif _capacity is UNSET or _capacity is None:
            capacity = _capacity
        else:
            capacity = Quantity.from_dict(_capacity)

        _voltage_min = d.get("voltage_min", UNSET)
        voltage_min: Quantity | Unset
        if type(_voltage_min) is dict:
            voltage_min = unparsed((_voltage_min,))
        elif _voltage_min is UNSET or _voltage_min is None:
            voltage_min = _voltage_min
        else:
            voltage_min = Quantity.from_dict(_voltage_min)

        _voltage_max = d.get("voltage_max", UNSET)
        voltage_max: Quantity | Unset
        if type(_voltage_max) is dict:
            voltage_max = unparsed((_voltage_max,))
        elif _voltage_max is UNSET or _voltage_max is None:
            voltage_max = _voltage_max
        else:
            voltage_max = Quantity.from_dict(_voltage_max)

        _nominal_voltage_raw = d.get("nominal_voltage", UNSET)
        nominal_voltage: None | Quantity | Unset
        if _nominal_voltage_raw is None or _nominal_voltage_raw is UNSET:
            nominal_voltage = _nominal_voltage_raw
        else:
            nominal_voltage = _nominal_voltage_raw
            if isinstance(_nominal_voltage_raw, dict):
                try:
                    nominal_voltage_type_0 = Quantity.from_dict(_nominal_voltage_raw)

                    nominal_voltage = nominal_voltage_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _energy_raw = d.get("energy", UNSET)
        energy: None | Quantity | Unset
        if _energy_raw is None or _energy_raw is UNSET:
            energy = _energy_raw
        else:
            energy = _energy_raw
            if isinstance(_energy_raw, dict):
                try:
                    energy_type_0 = Quantity.from_dict(_energy_raw)

                    energy = energy_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _energy_density_gravimetric_raw = d.get("energy_density_gravimetric", UNSET)
        energy_density_gravimetric: None | Quantity | Unset
        if _energy_density_gravimetric_raw is None or _energy_density_gravimetric_raw is UNSET:
            energy_density_gravimetric = _energy_density_gravimetric_raw
        else:
            energy_density_gravimetric = _energy_density_gravimetric_raw
            if isinstance(_energy_density_gravimetric_raw, dict):
                try:
                    energy_density_gravimetric_type_0 = Quantity.from_dict(
                        _energy_density_gravimetric_raw
                    )

                    energy_density_gravimetric = energy_density_gravimetric_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _energy_density_volumetric_raw = d.get("energy_density_volumetric", UNSET)
        energy_density_volumetric: None | Quantity | Unset
        if _energy_density_volumetric_raw is None or _energy_density_volumetric_raw is UNSET:
            energy_density_volumetric = _energy_density_volumetric_raw
        else:
            energy_density_volumetric = _energy_density_volumetric_raw
            if isinstance(_energy_density_volumetric_raw, dict):
                try:
                    energy_density_volumetric_type_0 = Quantity.from_dict(
                        _energy_density_volumetric_raw
                    )

                    energy_density_volumetric = energy_density_volumetric_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _max_discharge_rate_raw = d.get("max_discharge_rate", UNSET)
        max_discharge_rate: None | Quantity | Unset
        if _max_discharge_rate_raw is None or _max_discharge_rate_raw is UNSET:
            max_discharge_rate = _max_discharge_rate_raw
        else:
            max_discharge_rate = _max_discharge_rate_raw
            if isinstance(_max_discharge_rate_raw, dict):
                try:
                    max_discharge_rate_type_0 = Quantity.from_dict(_max_discharge_rate_raw)

                    max_discharge_rate = max_discharge_rate_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        _max_charge_rate_raw = d.get("max_charge_rate", UNSET)
        max_charge_rate: None | Quantity | Unset
        if _max_charge_rate_raw is None or _max_charge_rate_raw is UNSET:
            max_charge_rate = _max_charge_rate_raw
        else:
            max_charge_rate = _max_charge_rate_raw
            if isinstance(_max_charge_rate_raw, dict):
                try:
                    max_charge_rate_type_0 = Quantity.from_dict(_max_charge_rate_raw)

                    max_charge_rate = max_charge_rate_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass

        ratings = cls(
            capacity,
            voltage_min,
            voltage_max,
            nominal_voltage,
            energy,
            energy_density_gravimetric,
            energy_density_volumetric,
            max_discharge_rate,
            max_charge_rate,
        )

        if not d.keys() <= _KNOWN_KEYS:
            ratings.additional_properties = {k: v for k, v in d.items() if k not in _KNOWN_KEYS}
        return ratings

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
        if "capacity" in rec:
            _capacity_raw = rec["capacity"]
            if _capacity_raw is not None:
                rec["capacity"] = Quantity.record_from_dict(_capacity_raw)

        if "voltage_min" in rec:
            _voltage_min_raw = rec["voltage_min"]
            if _voltage_min_raw is not None:
                rec["voltage_min"] = Quantity.record_from_dict(_voltage_min_raw)

        if "voltage_max" in rec:
            _voltage_max_raw = rec["voltage_max"]
            if _voltage_max_raw is not None:
                rec["voltage_max"] = Quantity.record_from_dict(_voltage_max_raw)

        if "nominal_voltage" in rec:
            _nominal_voltage_raw = rec["nominal_voltage"]
            if _nominal_voltage_raw is None:
                rec["nominal_voltage"] = _nominal_voltage_raw
            else:
                rec["nominal_voltage"] = _nominal_voltage_raw
                if isinstance(_nominal_voltage_raw, dict):
                    try:
                        nominal_voltage_type_0_record = Quantity.record_from_dict(
                            _nominal_voltage_raw
                        )

                        rec["nominal_voltage"] = nominal_voltage_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "energy" in rec:
            _energy_raw = rec["energy"]
            if _energy_raw is None:
                rec["energy"] = _energy_raw
            else:
                rec["energy"] = _energy_raw
                if isinstance(_energy_raw, dict):
                    try:
                        energy_type_0_record = Quantity.record_from_dict(_energy_raw)

                        rec["energy"] = energy_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "energy_density_gravimetric" in rec:
            _energy_density_gravimetric_raw = rec["energy_density_gravimetric"]
            if _energy_density_gravimetric_raw is None:
                rec["energy_density_gravimetric"] = _energy_density_gravimetric_raw
            else:
                rec["energy_density_gravimetric"] = _energy_density_gravimetric_raw
                if isinstance(_energy_density_gravimetric_raw, dict):
                    try:
                        energy_density_gravimetric_type_0_record = Quantity.record_from_dict(
                            _energy_density_gravimetric_raw
                        )

                        rec["energy_density_gravimetric"] = energy_density_gravimetric_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "energy_density_volumetric" in rec:
            _energy_density_volumetric_raw = rec["energy_density_volumetric"]
            if _energy_density_volumetric_raw is None:
                rec["energy_density_volumetric"] = _energy_density_volumetric_raw
            else:
                rec["energy_density_volumetric"] = _energy_density_volumetric_raw
                if isinstance(_energy_density_volumetric_raw, dict):
                    try:
                        energy_density_volumetric_type_0_record = Quantity.record_from_dict(
                            _energy_density_volumetric_raw
                        )

                        rec["energy_density_volumetric"] = energy_density_volumetric_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "max_discharge_rate" in rec:
            _max_discharge_rate_raw = rec["max_discharge_rate"]
            if _max_discharge_rate_raw is None:
                rec["max_discharge_rate"] = _max_discharge_rate_raw
            else:
                rec["max_discharge_rate"] = _max_discharge_rate_raw
                if isinstance(_max_discharge_rate_raw, dict):
                    try:
                        max_discharge_rate_type_0_record = Quantity.record_from_dict(
                            _max_discharge_rate_raw
                        )

                        rec["max_discharge_rate"] = max_discharge_rate_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "max_charge_rate" in rec:
            _max_charge_rate_raw = rec["max_charge_rate"]
            if _max_charge_rate_raw is None:
                rec["max_charge_rate"] = _max_charge_rate_raw
            else:
                rec["max_charge_rate"] = _max_charge_rate_raw
                if isinstance(_max_charge_rate_raw, dict):
                    try:
                        max_charge_rate_type_0_record = Quantity.record_from_dict(
                            _max_charge_rate_raw
                        )

                        rec["max_charge_rate"] = max_charge_rate_type_0_record
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
        if "capacity" in src_dict:
            _capacity_raw = src_dict["capacity"]
            if _capacity_raw is None:
                rec["capacity"] = None
            else:
                rec["capacity"] = nested_to_dict("Ratings", "capacity", Quantity, _capacity_raw)
        if "voltage_min" in src_dict:
            _voltage_min_raw = src_dict["voltage_min"]
            if _voltage_min_raw is None:
                rec["voltage_min"] = None
            else:
                rec["voltage_min"] = nested_to_dict(
                    "Ratings", "voltage_min", Quantity, _voltage_min_raw
                )
        if "voltage_max" in src_dict:
            _voltage_max_raw = src_dict["voltage_max"]
            if _voltage_max_raw is None:
                rec["voltage_max"] = None
            else:
                rec["voltage_max"] = nested_to_dict(
                    "Ratings", "voltage_max", Quantity, _voltage_max_raw
                )
        if "nominal_voltage" in src_dict:
            _nominal_voltage_raw = src_dict["nominal_voltage"]
            if _nominal_voltage_raw is None:
                rec["nominal_voltage"] = _nominal_voltage_raw
            else:
                rec["nominal_voltage"] = _nominal_voltage_raw
                if isinstance(_nominal_voltage_raw, dict):
                    try:
                        nominal_voltage_type_0_record = Quantity.to_dict_of_raw(
                            _nominal_voltage_raw
                        )

                        rec["nominal_voltage"] = nominal_voltage_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "energy" in src_dict:
            _energy_raw = src_dict["energy"]
            if _energy_raw is None:
                rec["energy"] = _energy_raw
            else:
                rec["energy"] = _energy_raw
                if isinstance(_energy_raw, dict):
                    try:
                        energy_type_0_record = Quantity.to_dict_of_raw(_energy_raw)

                        rec["energy"] = energy_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "energy_density_gravimetric" in src_dict:
            _energy_density_gravimetric_raw = src_dict["energy_density_gravimetric"]
            if _energy_density_gravimetric_raw is None:
                rec["energy_density_gravimetric"] = _energy_density_gravimetric_raw
            else:
                rec["energy_density_gravimetric"] = _energy_density_gravimetric_raw
                if isinstance(_energy_density_gravimetric_raw, dict):
                    try:
                        energy_density_gravimetric_type_0_record = Quantity.to_dict_of_raw(
                            _energy_density_gravimetric_raw
                        )

                        rec["energy_density_gravimetric"] = energy_density_gravimetric_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "energy_density_volumetric" in src_dict:
            _energy_density_volumetric_raw = src_dict["energy_density_volumetric"]
            if _energy_density_volumetric_raw is None:
                rec["energy_density_volumetric"] = _energy_density_volumetric_raw
            else:
                rec["energy_density_volumetric"] = _energy_density_volumetric_raw
                if isinstance(_energy_density_volumetric_raw, dict):
                    try:
                        energy_density_volumetric_type_0_record = Quantity.to_dict_of_raw(
                            _energy_density_volumetric_raw
                        )

                        rec["energy_density_volumetric"] = energy_density_volumetric_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "max_discharge_rate" in src_dict:
            _max_discharge_rate_raw = src_dict["max_discharge_rate"]
            if _max_discharge_rate_raw is None:
                rec["max_discharge_rate"] = _max_discharge_rate_raw
            else:
                rec["max_discharge_rate"] = _max_discharge_rate_raw
                if isinstance(_max_discharge_rate_raw, dict):
                    try:
                        max_discharge_rate_type_0_record = Quantity.to_dict_of_raw(
                            _max_discharge_rate_raw
                        )

                        rec["max_discharge_rate"] = max_discharge_rate_type_0_record
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass

        if "max_charge_rate" in src_dict:
            _max_charge_rate_raw = src_dict["max_charge_rate"]
            if _max_charge_rate_raw is None:
                rec["max_charge_rate"] = _max_charge_rate_raw
            else:
                rec["max_charge_rate"] = _max_charge_rate_raw
                if isinstance(_max_charge_rate_raw, dict):
                    try:
                        max_charge_rate_type_0_record = Quantity.to_dict_of_raw(
                            _max_charge_rate_raw
                        )

                        rec["max_charge_rate"] = max_charge_rate_type_0_record
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
        _capacity_raw = src_dict.get("capacity", UNSET)
        if _capacity_raw is not UNSET and _capacity_raw is not None:
            if not Quantity.is_plain_record(_capacity_raw):
                return False

        _voltage_min_raw = src_dict.get("voltage_min", UNSET)
        if _voltage_min_raw is not UNSET and _voltage_min_raw is not None:
            if not Quantity.is_plain_record(_voltage_min_raw):
                return False

        _voltage_max_raw = src_dict.get("voltage_max", UNSET)
        if _voltage_max_raw is not UNSET and _voltage_max_raw is not None:
            if not Quantity.is_plain_record(_voltage_max_raw):
                return False

        _nominal_voltage_raw = src_dict.get("nominal_voltage", UNSET)
        if _nominal_voltage_raw is not UNSET:
            if isinstance(_nominal_voltage_raw, dict) and not Quantity.is_plain_record(
                _nominal_voltage_raw
            ):
                return False

        _energy_raw = src_dict.get("energy", UNSET)
        if _energy_raw is not UNSET:
            if isinstance(_energy_raw, dict) and not Quantity.is_plain_record(_energy_raw):
                return False

        _energy_density_gravimetric_raw = src_dict.get("energy_density_gravimetric", UNSET)
        if _energy_density_gravimetric_raw is not UNSET:
            if isinstance(_energy_density_gravimetric_raw, dict) and not Quantity.is_plain_record(
                _energy_density_gravimetric_raw
            ):
                return False

        _energy_density_volumetric_raw = src_dict.get("energy_density_volumetric", UNSET)
        if _energy_density_volumetric_raw is not UNSET:
            if isinstance(_energy_density_volumetric_raw, dict) and not Quantity.is_plain_record(
                _energy_density_volumetric_raw
            ):
                return False

        _max_discharge_rate_raw = src_dict.get("max_discharge_rate", UNSET)
        if _max_discharge_rate_raw is not UNSET:
            if isinstance(_max_discharge_rate_raw, dict) and not Quantity.is_plain_record(
                _max_discharge_rate_raw
            ):
                return False

        _max_charge_rate_raw = src_dict.get("max_charge_rate", UNSET)
        if _max_charge_rate_raw is not UNSET:
            if isinstance(_max_charge_rate_raw, dict) and not Quantity.is_plain_record(
                _max_charge_rate_raw
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
        "capacity",
        "voltage_min",
        "voltage_max",
        "nominal_voltage",
        "energy",
        "energy_density_gravimetric",
        "energy_density_volumetric",
        "max_discharge_rate",
        "max_charge_rate",
    )
)

from ..models.quantity import Quantity  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    Ratings,
    capacity=Quantity.from_dict,
    voltage_min=Quantity.from_dict,
    voltage_max=Quantity.from_dict,
)
