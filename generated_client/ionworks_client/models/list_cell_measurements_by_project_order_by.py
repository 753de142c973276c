from enum import StrEnum


class ListCellMeasurementsByProjectOrderBy(StrEnum):
    CELL_INSTANCE_ID = "cell_instance_id"
    CREATED_AT = "created_at"
    CYCLER = "cycler"
    NAME = "name"
    NOTES = "notes"
    START_TIME = "start_time"
    STEP_LABELS_VALIDATED = "step_labels_validated"
    UPDATED_AT = "updated_at"

    def __str__(self) -> str:
        return str(self.value)
