import pytest

from .factories import Hall


@pytest.fixture
def hall(db):
    return Hall()
