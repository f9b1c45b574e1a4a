"""The data package: locating, reading and checking sourced data files."""

from moneytrail.data.package import DataPackage, bundled_path, open_package
from moneytrail.data.valuechain import ValueChain, load_valuechain

__all__ = ["DataPackage", "ValueChain", "bundled_path", "load_valuechain", "open_package"]
