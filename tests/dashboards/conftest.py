import pytest


@pytest.fixture
def demo(demo_county):
    """The whole demo county, shared by the session (see ``demo_county`` in tests/conftest.py)."""
    return demo_county
