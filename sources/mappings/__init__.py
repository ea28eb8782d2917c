"""Vendor exports in without code: declarative mappings onto the canonical extract contracts."""

from sources.mappings.check import check_folder, render
from sources.mappings.convert import convert_folder
from sources.mappings.spec import Mapping, MappingError, mapping_path, parse_mapping

__all__ = [
    "Mapping",
    "MappingError",
    "check_folder",
    "convert_folder",
    "mapping_path",
    "parse_mapping",
    "render",
]
