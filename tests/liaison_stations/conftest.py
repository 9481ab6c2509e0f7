import pytest

from .factories import StationWorld


@pytest.fixture
def world(db):
    return StationWorld()
