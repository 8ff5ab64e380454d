from .virtual_table import ColumnSpec, VirtualTable, layout_columns

__all__ = ["ColumnSpec", "VirtualTable", "layout_columns"]
