import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from packages import miller_blair_tables, write_package  # noqa: E402


@pytest.fixture
def mb_package(tmp_path):
    return write_package(tmp_path / "mb", miller_blair_tables())


@pytest.fixture
def mb_uncertain_package(tmp_path):
    return write_package(tmp_path / "mbu", miller_blair_tables(spread=0.05))
