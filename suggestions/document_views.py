"""Downloads of the printable documents (交办单、督办函、答复函、回执); see documents.py."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from congress.printing import docx_response

from . import documents, forms, selectors
from .models import Suggestion


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


# The tracking page keeps the item a browser looked up (with its code) under this session key.
TRACKED_SESSION_KEY = "suggestion_tracked"


def public_receipt(request):
    """The citizen's 回执 for the item this browser looked up on the tracking page (kept in the
    session), or given by the same code and phone digits the tracking page accepts."""
    suggestion = None
    tracked_pk = request.session.get(TRACKED_SESSION_KEY)
    if tracked_pk:
        suggestion = Suggestion.objects.select_related("township").filter(pk=tracked_pk).first()
    elif request.GET.get("code"):
        form = forms.TrackForm(request.GET)
        if form.is_valid():
            suggestion = selectors.find_for_tracking(
                form.cleaned_data["code"], form.cleaned_data.get("phone_last4", "")
            )
    if suggestion is None:
        raise Http404("请先在办理进度查询页输入查询码。")
    doc = documents.receipt(suggestion, track_url=_track_url(request))
    return docx_response(doc.content, doc.filename)
