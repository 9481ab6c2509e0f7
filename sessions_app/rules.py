"""Permissions of the sessions app, built from the predicates in congress.permissions.

* ``sessions_app.manage_session`` (object: a CongressSession or anything under it): the
  presidium office of the session's township runs the session — venue screen, manual check-in,
  opening and closing, votes, paper counts, 票决.
* ``sessions_app.vote`` / ``sessions_app.check_in``: a deputy of the session's township (the
  services further check that the deputy is on the term's roster).
* ``sessions_app.view_session``: anybody who may read the township's records (deputies, staff,
  the county viewer).
"""

import rules

from congress import permissions as p

can_manage_session = p.can_edit_township_record
can_check_in = p.is_deputy & p.in_user_township
can_vote = p.is_deputy & p.in_user_township
can_view_session = p.can_view_township_record

rules.add_perm("sessions_app.manage_session", can_manage_session)
rules.add_perm("sessions_app.check_in", can_check_in)
rules.add_perm("sessions_app.vote", can_vote)
rules.add_perm("sessions_app.view_session", can_view_session)

# The live attendance page: the office that runs the session and the county viewer.
can_view_attendance = can_manage_session | (p.is_county_viewer & p.in_user_county)
rules.add_perm("sessions_app.watch_attendance", can_view_attendance)
# Compliance flags (sessions per year, presidium meetings per quarter).
can_view_compliance = p.is_superuser | p.is_county_viewer | p.is_presidium_staff
rules.add_perm("sessions_app.view_compliance", can_view_compliance)


@rules.predicate
def handles_project(user, project) -> bool:
    """The handler (承办单位经办人) of the project's responsible department."""
    if project is None:
        return True
    return bool(user.department_id) and project.department_id == user.department_id


# Progress reports on a selected 民生实事 project: the office, or the responsible department.
can_report_progress = can_manage_session | (p.is_handler & handles_project)
rules.add_perm("sessions_app.report_progress", can_report_progress)
can_list_projects = p.is_handler | p.is_presidium_staff
