from enum import StrEnum


class ComponentType(StrEnum):
    ANODE = "anode"
    CASE = "case"
    CATHODE = "cathode"
    CELL = "cell"
    ELECTROLYTE = "electrolyte"
    SEPARATOR = "separator"

    def __str__(self) -> str:
        return str(self.value)
