"""Public pages: published resolutions and the selected 民生实事 projects with their progress.
No login, nothing private (no phone number, no individual vote)."""

from django.shortcuts import get_object_or_404, render

from congress.models import Township

from . import selectors


def congress_home(request, township):
    township = get_object_or_404(Township, slug=township)
    return render(
        request,
        "sessions_app/public/congress_home.html",
        {
            "township": township,
            "resolutions": list(selectors.published_resolutions(township)),
            "projects": list(selectors.public_livelihood_projects(township)),
        },
    )


def project_detail(request, township, pk):
    township = get_object_or_404(Township, slug=township)
    project = get_object_or_404(selectors.public_livelihood_projects(township), pk=pk)
    return render(request, "sessions_app/public/project_detail.html", {"township": township, "project": project})
