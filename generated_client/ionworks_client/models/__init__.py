"""Contains all the data models used in inputs/outputs"""

from .bulk_tags_request import BulkTagsRequest
from .bulk_tags_response import BulkTagsResponse
from .cell_batch import CellBatch
from .cell_batch_create import CellBatchCreate
from .cell_batch_create_properties import CellBatchCreateProperties
from .cell_batch_page import CellBatchPage
from .cell_batch_properties_type_0 import CellBatchPropertiesType0
from .cell_component import CellComponent
from .cell_component_properties import CellComponentProperties
from .cell_instance import CellInstance
from .cell_instance_create import CellInstanceCreate
from .cell_instance_create_measured_properties import CellInstanceCreateMeasuredProperties
from .cell_instance_measured_properties import CellInstanceMeasuredProperties
from .cell_instance_page import CellInstancePage
from .cell_measurement import CellMeasurement
from .cell_measurement_detail_response import CellMeasurementDetailResponse
from .cell_measurement_file_metadata import CellMeasurementFileMetadata
from .cell_measurement_page import CellMeasurementPage
from .cell_measurement_properties import CellMeasurementProperties
from .cell_measurement_protocol import CellMeasurementProtocol
from .cell_measurement_test_setup import CellMeasurementTestSetup
from .cell_measurement_update import CellMeasurementUpdate
from .cell_measurement_update_properties_type_0 import CellMeasurementUpdatePropertiesType0
from .cell_measurement_update_protocol_type_0 import CellMeasurementUpdateProtocolType0
from .cell_measurement_update_test_setup_type_0 import CellMeasurementUpdateTestSetupType0
from .cell_measurement_with_details import CellMeasurementWithDetails
from .cell_measurement_with_details_page import CellMeasurementWithDetailsPage
from .cell_specification import CellSpecification
from .cell_specification_create import CellSpecificationCreate
from .cell_specification_create_properties import CellSpecificationCreateProperties
from .cell_specification_create_source import CellSpecificationCreateSource
from .cell_specification_page import CellSpecificationPage
from .cell_specification_properties import CellSpecificationProperties
from .cell_specification_source import CellSpecificationSource
from .cell_specification_update import CellSpecificationUpdate
from .cell_specification_update_properties_type_0 import CellSpecificationUpdatePropertiesType0
from .cell_specification_update_source_type_0 import CellSpecificationUpdateSourceType0
from .cell_specification_with_components import CellSpecificationWithComponents
from .cell_specification_with_components_properties import CellSpecificationWithComponentsProperties
from .cell_specification_with_components_source import CellSpecificationWithComponentsSource
from .component_type import ComponentType
from .component_with_material_input import ComponentWithMaterialInput
from .component_with_material_input_properties import ComponentWithMaterialInputProperties
from .create_properties_measurement_request import CreatePropertiesMeasurementRequest
from .create_properties_measurement_request_file_metadata import (
    CreatePropertiesMeasurementRequestFileMetadata,
)
from .create_properties_measurement_request_properties import (
    CreatePropertiesMeasurementRequestProperties,
)
from .create_properties_measurement_request_protocol import (
    CreatePropertiesMeasurementRequestProtocol,
)
from .create_properties_measurement_request_test_setup import (
    CreatePropertiesMeasurementRequestTestSetup,
)
from .cycles_response import CyclesResponse
from .cycles_response_cycles import CyclesResponseCycles
from .http_validation_error import HTTPValidationError
from .ionworks_error_body import IonworksErrorBody
from .list_cell_instances_order_type_0 import ListCellInstancesOrderType0
from .list_cell_measurements_by_project_order import ListCellMeasurementsByProjectOrder
from .list_cell_measurements_by_project_order_by import ListCellMeasurementsByProjectOrderBy
from .list_cell_measurements_order import ListCellMeasurementsOrder
from .list_cell_measurements_order_by import ListCellMeasurementsOrderBy
from .list_cell_specifications_order_type_0 import ListCellSpecificationsOrderType0
from .list_instance_cell_measurements_order_type_0 import ListInstanceCellMeasurementsOrderType0
from .list_projects_order_type_0 import ListProjectsOrderType0
from .material import Material
from .material_definition import MaterialDefinition
from .material_input import MaterialInput
from .material_input_definition import MaterialInputDefinition
from .measurement_tag_usage import MeasurementTagUsage
from .measurement_tag_usage_page import MeasurementTagUsagePage
from .measurement_type import MeasurementType
from .project import Project
from .project_cell_spec_project_mappings_type_0_item import ProjectCellSpecProjectMappingsType0Item
from .project_create import ProjectCreate
from .project_role import ProjectRole
from .project_role_project_role_permissions_item import ProjectRoleProjectRolePermissionsItem
from .project_update import ProjectUpdate
from .quantity import Quantity
from .ratings import Ratings
from .steps_and_cycles import StepsAndCycles
from .steps_and_cycles_cycles import StepsAndCyclesCycles
from .steps_and_cycles_steps import StepsAndCyclesSteps
from .update_cell_instance_raw_data import UpdateCellInstanceRawData
from .user_project_role import UserProjectRole
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext

__all__ = (
    "BulkTagsRequest",
    "BulkTagsResponse",
    "CellBatch",
    "CellBatchCreate",
    "CellBatchCreateProperties",
    "CellBatchPage",
    "CellBatchPropertiesType0",
    "CellComponent",
    "CellComponentProperties",
    "CellInstance",
    "CellInstanceCreate",
    "CellInstanceCreateMeasuredProperties",
    "CellInstanceMeasuredProperties",
    "CellInstancePage",
    "CellMeasurement",
    "CellMeasurementDetailResponse",
    "CellMeasurementFileMetadata",
    "CellMeasurementPage",
    "CellMeasurementProperties",
    "CellMeasurementProtocol",
    "CellMeasurementTestSetup",
    "CellMeasurementUpdate",
    "CellMeasurementUpdatePropertiesType0",
    "CellMeasurementUpdateProtocolType0",
    "CellMeasurementUpdateTestSetupType0",
    "CellMeasurementWithDetails",
    "CellMeasurementWithDetailsPage",
    "CellSpecification",
    "CellSpecificationCreate",
    "CellSpecificationCreateProperties",
    "CellSpecificationCreateSource",
    "CellSpecificationPage",
    "CellSpecificationProperties",
    "CellSpecificationSource",
    "CellSpecificationUpdate",
    "CellSpecificationUpdatePropertiesType0",
    "CellSpecificationUpdateSourceType0",
    "CellSpecificationWithComponents",
    "CellSpecificationWithComponentsProperties",
    "CellSpecificationWithComponentsSource",
    "ComponentType",
    "ComponentWithMaterialInput",
    "ComponentWithMaterialInputProperties",
    "CreatePropertiesMeasurementRequest",
    "CreatePropertiesMeasurementRequestFileMetadata",
    "CreatePropertiesMeasurementRequestProperties",
    "CreatePropertiesMeasurementRequestProtocol",
    "CreatePropertiesMeasurementRequestTestSetup",
    "CyclesResponse",
    "CyclesResponseCycles",
    "HTTPValidationError",
    "IonworksErrorBody",
    "ListCellInstancesOrderType0",
    "ListCellMeasurementsByProjectOrder",
    "ListCellMeasurementsByProjectOrderBy",
    "ListCellMeasurementsOrder",
    "ListCellMeasurementsOrderBy",
    "ListCellSpecificationsOrderType0",
    "ListInstanceCellMeasurementsOrderType0",
    "ListProjectsOrderType0",
    "Material",
    "MaterialDefinition",
    "MaterialInput",
    "MaterialInputDefinition",
    "MeasurementTagUsage",
    "MeasurementTagUsagePage",
    "MeasurementType",
    "Project",
    "ProjectCellSpecProjectMappingsType0Item",
    "ProjectCreate",
    "ProjectRole",
    "ProjectRoleProjectRolePermissionsItem",
    "ProjectUpdate",
    "Quantity",
    "Ratings",
    "StepsAndCycles",
    "StepsAndCyclesCycles",
    "StepsAndCyclesSteps",
    "UpdateCellInstanceRawData",
    "UserProjectRole",
    "ValidationError",
    "ValidationErrorContext",
)
