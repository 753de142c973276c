from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, lazy_fields, nested_to_dict, unparsed

if TYPE_CHECKING:
    from ..models.validation_error_context import ValidationErrorContext


T = TypeVar("T", bound="ValidationError")


@_attrs_define
class ValidationError:
    loc: list[int | str]
    msg: str
    type_: str
    input_: Any | Unset = UNSET
    ctx: ValidationErrorContext | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        loc: list[int | str]
        if self.loc is None:
            loc = None
        else:
            loc = []
            for loc_item_data in self.loc:
                loc_item: int | str
                loc_item = loc_item_data
                loc.append(loc_item)

        msg = self.msg

        type_ = self.type_

        input_ = self.input_

        ctx = ValidationError.__dict__["ctx"].to_dict_of(self, optional=True)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "loc": loc,
                "msg": msg,
                "type": type_,
            }
        )
        if input_ is not UNSET:
            field_dict["input"] = input_
        if ctx is not UNSET:
            field_dict["ctx"] = ctx

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict if type(src_dict) is dict else dict(src_dict)
        _loc_value = d["loc"]
        loc: list[int | str]
        if _loc_value is None:
            loc = _loc_value
        else:
            loc = []
            _loc = _loc_value
            for loc_item_data in _loc:
                _loc_item_raw = loc_item_data
                loc_item = _loc_item_raw

                loc.append(loc_item)

        msg = d["msg"]

        type_ = d["type"]

        input_ = d.get("input", UNSET)

        _ctx = d.get("ctx", UNSET)
        ctx: ValidationErrorContext | Unset
        if type(_ctx) is dict:
            ctx = unparsed((_ctx,))
        elif _ctx is UNSET or _ctx is None:
            ctx = _ctx
        else:
            ctx = ValidationErrorContext.from_dict(_ctx)

        validation_error = cls(
            loc,
            msg,
            type_,
            input_,
            ctx,
        )

        if not d.keys() <= _KNOWN_KEYS:
            validation_error.additional_properties = {
                k: v for k, v in d.items() if k not in _KNOWN_KEYS
            }
        return validation_error

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
        _loc_raw = rec["loc"]
        if _loc_raw is not None:
            rec["loc"] = []
            for loc_item_data in _loc_raw:
                loc_item_record = loc_item_data

                rec["loc"].append(loc_item_record)

        if "msg" not in rec:
            raise KeyError("msg")
        if "type" not in rec:
            raise KeyError("type")
        if "ctx" in rec:
            _ctx_raw = rec["ctx"]
            if _ctx_raw is not None:
                rec["ctx"] = ValidationErrorContext.record_from_dict(_ctx_raw)

        return rec

    @classmethod
    def to_dict_of_raw(cls, src_dict: Mapping[str, Any]) -> dict[str, Any]:
        """The dict ``cls.from_dict(src_dict).to_dict()`` returns, key order included,
        without building models (``to_dict`` of a nested object never read uses it): the same
        checks and errors, tolerant fallbacks and conversions as ``record_from_dict``. A new
        dict: ``src_dict`` is not changed."""
        rec: dict[str, Any] = {k: v for k, v in src_dict.items() if k not in _KNOWN_KEYS}
        _loc_raw = src_dict["loc"]
        if _loc_raw is None:
            rec["loc"] = None
        else:
            rec["loc"] = []
            for loc_item_data in _loc_raw:
                loc_item_record = loc_item_data

                rec["loc"].append(loc_item_record)

        _msg_raw = src_dict["msg"]
        rec["msg"] = _msg_raw
        _type__raw = src_dict["type"]
        rec["type"] = _type__raw
        if "input" in src_dict:
            _input__raw = src_dict["input"]
            rec["input"] = _input__raw
        if "ctx" in src_dict:
            _ctx_raw = src_dict["ctx"]
            if _ctx_raw is None:
                rec["ctx"] = None
            else:
                rec["ctx"] = nested_to_dict(
                    "ValidationError", "ctx", ValidationErrorContext, _ctx_raw
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
        _loc_raw = src_dict.get("loc", UNSET)
        if _loc_raw is UNSET:
            return False
        if _loc_raw is not None:
            if type(_loc_raw) is not list:
                return False
            for loc_item_item in _loc_raw:
                pass

        if "msg" not in src_dict:
            return False
        if "type" not in src_dict:
            return False
        _ctx_raw = src_dict.get("ctx", UNSET)
        if _ctx_raw is not UNSET and _ctx_raw is not None:
            if not ValidationErrorContext.is_plain_record(_ctx_raw):
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
        "loc",
        "msg",
        "type",
        "input",
        "ctx",
    )
)

from ..models.validation_error_context import ValidationErrorContext  # noqa: E402

# Nested objects parsed on first read (see from_dict and types.LazyModelField).
lazy_fields(
    ValidationError,
    ctx=ValidationErrorContext.from_dict,
)
