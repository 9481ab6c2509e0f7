"""Downloads of the printable documents (交办单、督办函、答复函、回执); see documents.py."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from congress.printing import docx_response

from . import documents, selectors
from .views import TRACKED_SESSION_KEY


def _track_url(request) -> str:
    return request.build_absolute_uri(reverse("suggestions_public:track"))


@login_required
def document(request, pk, kind):
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    if kind not in dict(documents.available_documents(request.user, suggestion)):
        raise PermissionDenied("您无权打印此文书,或该建议当前不能出具此文书。")
    if kind == "dispatch":
        doc = documents.dispatch_form(suggestion)
    elif kind == "supervision":
        doc = documents.supervision_letter(suggestion)
    elif kind == "reply":
        doc = documents.reply_letter(suggestion)
    else:
        doc = documents.receipt(suggestion, track_url=_track_url(request))
    return docx_response(doc.content, doc.filename)


def public_receipt(request):
    """The citizen's 回执 for the item this browser looked up on the tracking page (kept in the
    session, like the tracking page itself: no code or phone digits in the address)."""
    tracked_pk = request.session.get(TRACKED_SESSION_KEY)
    suggestion = selectors.suggestion_for_tracking_session(tracked_pk) if tracked_pk else None
    if suggestion is None:
        raise Http404("请先在办理进度查询页输入查询码。")
    doc = documents.receipt(suggestion, track_url=_track_url(request))
    return docx_response(doc.content, doc.filename)
