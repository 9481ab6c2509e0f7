"""Uploaded files, served only after the permission of the record they belong to is checked.

The file's owner is the row whose file field holds the requested name; the user must be allowed
to view it (or, for a photo/attachment row without rules of its own, the record it hangs on,
following its foreign keys). A model may list ``PUBLIC_FILE_FIELDS`` whose files anyone may see
(a deputy's portrait on the public board), or name a ``PRIVATE_FILE_OWNER_FIELD`` whose user alone
may (an export job's file: not even a system administrator) and a ``DOWNLOAD_NAME_FIELD`` holding
the (Chinese) name the file downloads as. Anything else answers 404, so a guessed name reveals
nothing. Pictures are shown inline; every other file downloads as an attachment; both carry
``nosniff`` and a sandboxing Content-Security-Policy. With ``MEDIA_X_ACCEL_REDIRECT`` set, nginx
sends the bytes from its internal location (docs/security.md).
"""

import mimetypes
import os
from functools import lru_cache
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.utils._os import safe_join
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from congress.uploads import IMAGE_STORED_EXTENSIONS

INLINE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


@lru_cache(maxsize=1)
def _file_fields() -> tuple[tuple[type[models.Model], str], ...]:
    return tuple(
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    )


def owner_of(name: str):
    """(record, field name) of the row holding ``name``, or None."""
    for model, field_name in _file_fields():
        obj = model._default_manager.filter(**{field_name: name}).first()
        if obj is not None:
            return obj, field_name
    return None


def _view_perm(model) -> str | None:
    rules = getattr(model._meta, "rules_permissions", None) or {}
    if "view" in rules:
        return f"{model._meta.app_label}.view_{model._meta.model_name}"
    return None


def may_view_file(user, obj, field_name: str, depth: int = 0) -> bool:
    if field_name in getattr(type(obj), "PUBLIC_FILE_FIELDS", ()):
        return True
    if not (user and user.is_authenticated and user.is_active):
        return False
    owner_field = getattr(type(obj), "PRIVATE_FILE_OWNER_FIELD", None)
    if owner_field:
        return getattr(obj, f"{owner_field}_id") == user.pk
    if user.is_superuser:
        return True
    perm = _view_perm(type(obj))
    if perm:
        return user.has_perm(perm, obj)
    if depth >= 3:
        return False
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and not field.null:
            parent = getattr(obj, field.name)
            return may_view_file(user, parent, "", depth + 1)
    return False


@require_safe
def serve_media(request, path):
    owner = owner_of(path)
    if owner is None or not may_view_file(request.user, *owner):
        raise Http404
    try:
        full_path = safe_join(settings.MEDIA_ROOT, path)
    except Exception as exc:
        raise Http404 from exc
    ext = os.path.splitext(path)[1].lower()
    inline = ext in IMAGE_STORED_EXTENSIONS or ext in INLINE_TYPES
    content_type = INLINE_TYPES.get(ext) if inline else (
        mimetypes.guess_type(path)[0] or "application/octet-stream"
    )
    if settings.MEDIA_X_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_X_ACCEL_REDIRECT.rstrip("/") + "/" + quote(path)
    else:
        if not os.path.isfile(full_path):
            raise Http404
        response = FileResponse(open(full_path, "rb"), content_type=content_type)
    name_field = getattr(type(owner[0]), "DOWNLOAD_NAME_FIELD", None)
    filename = (getattr(owner[0], name_field) if name_field else "") or os.path.basename(path)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
