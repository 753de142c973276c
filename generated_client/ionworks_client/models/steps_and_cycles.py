from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, lazy_fields, nested_to_dict, unparsed

if TYPE_CHECKING:
    from ..models.steps_and_cycles_cycles import StepsAndCyclesCycles
    from ..models.steps_and_cycles_steps import StepsAndCyclesSteps


T = TypeVar("T", bound="StepsAndCycles")


@_attrs_define
class StepsAndCycles:
    steps: StepsAndCyclesSteps
    cycles: StepsAndCyclesCycles
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        steps = StepsAndCycles.__dict__["steps"].to_dict_of(self)

        cycles = StepsAndCycles.__dict__["cycles"].to_dict_of(self)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "steps": steps,
                "cycles": cycles,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        _steps = d["steps"]
        steps: StepsAndCyclesSteps
        if type(_steps) is dict:
            steps = unparsed((_steps,))
        elif _steps is None:
            steps = _steps
        else:
            steps = StepsAndCyclesSteps.from_dict(_steps)

        _cycles = d["cycles"]
        cycles: StepsAndCyclesCycles
        if type(_cycles) is dict:
            cycles = unparsed((_cycles,))
        elif _cycles is None:
            cycles = _cycles
        else:
            cycles = StepsAndCyclesCycles.from_dict(_cycles)

        steps_and_cycles = cls(
            steps,
            cycles,
        )

        if not d.keys() <= _KNOWN_KEYS:
            steps_and_cycles.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return steps_and_cycles

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
        _steps_raw = rec["steps"]
        if _steps_raw is not None:
            rec["steps"] = StepsAndCyclesSteps.record_from_dict(_steps_raw)

        _cycles_raw = rec["cycles"]
        if _cycles_raw is not None:
            rec["cycles"] = StepsAndCyclesCycles.record_from_dict(_cycles_raw)

        return rec

    @classmethod
    def to_dict_of_raw(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The dict ``cls.from_dict(src_dict).to_dict()`` returns, key order included,
        without building models (``to_dict`` of a nested object never read uses it): the same
        checks and errors, tolerant fallbacks and conversions as ``record_from_dict``. A new
        dict: ``src_dict`` is not changed."""
        rec: dict[str, Any] = {k: v for k, v in src_dict.items() if k not in _KNOWN_KEYS}
        _steps_raw = src_dict["steps"]
        if _steps_raw is None:
            rec["steps"] = None
        else:
            rec["steps"] = nested_to_dict(
                "StepsAndCycles", "steps", StepsAndCyclesSteps, _steps_raw
            )
        _cycles_raw = src_dict["cycles"]
        if _cycles_raw is None:
            rec["cycles"] = None
        else:
            rec["cycles"] = nested_to_dict(
                "StepsAndCycles", "cycles", StepsAndCyclesCycles, _cycles_raw
            )
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
        _steps_raw = src_dict.get("steps", UNSET)
        if _steps_raw is UNSET:
            return False
        if _steps_raw is not None:
            if not StepsAndCyclesSteps.is_plain_record(_steps_raw):
                return False

        _cycles_raw = src_dict.get("cycles", UNSET)
        if _cycles_raw is UNSET:
            return False
        if _cycles_raw is not None:
            if not StepsAndCyclesCycles.is_plain_record(_cycles_raw):
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
        "steps",
        "cycles",
    )
)

from ..models.steps_and_cycles_cycles import StepsAndCyclesCycles  # noqa: E402
from ..models.steps_and_cycles_steps import StepsAndCyclesSteps  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    StepsAndCycles,
    steps=StepsAndCyclesSteps.from_dict,
    cycles=StepsAndCyclesCycles.from_dict,
)
