from django.core.management import call_command
from django.core.management.base import SystemCheckError
import pytest

from congress.checks import check_secret_key_placeholder


@pytest.mark.parametrize("key", [
    "change-me-to-a-long-random-string-of-at-least-fifty-characters-0123456789",
    "django-insecure-dev-only-key-never-use-in-production-0123456789abcdef",
])
def test_placeholder_secret_key_fails_the_deploy_check(settings, key):
    settings.SECRET_KEY = key
    assert [e.id for e in check_secret_key_placeholder(None)] == ["congress.E110"]
    with pytest.raises(SystemCheckError, match="congress.E110"):
        call_command("check", "--deploy", "--tag", "security")


def test_random_secret_key_passes(settings):
    settings.SECRET_KEY = "x7Qp2vR9s-L0m_Wn3bT8yK4cJ6hF1dG5aZeUoIiPlMkNjBhVgCfXdSqAwEr"
    assert check_secret_key_placeholder(None) == []
