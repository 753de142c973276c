from enum import StrEnum


class MeasurementType(StrEnum):
    FILE = "file"
    PROPERTIES = "properties"
    TIME_SERIES = "time_series"

    def __str__(self) -> str:
        return str(self.value)
