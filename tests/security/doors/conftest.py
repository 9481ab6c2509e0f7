import pytest


@pytest.fixture
def demo(demo_county):
    """The whole demo county (two townships, one account per role): the session's shared demo
    (``demo_county`` in tests/conftest.py), each test rolled back after it."""
    return demo_county
