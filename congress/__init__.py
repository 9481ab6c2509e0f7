from .celery import app as celery_app
from .textclean import install as _install_text_cleaner

# Before any form class exists: every forms.CharField refuses control characters.
_install_text_cleaner()

__all__ = ("celery_app",)
