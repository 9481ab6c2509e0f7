import pytest
from django.db import transaction

from congress.demo import load_demo


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """The whole demo county (two townships, one account per role), loaded once for this package
    inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
