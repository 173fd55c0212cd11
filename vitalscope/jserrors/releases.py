"""When an error group is new in a release: the one definition the errors API
(`new_in_release`) and the `new_error` alert rules share.

The newest release of a site is the one whose first page view came last
(dashboard/queries/errors_newest_release.sql); a group's first release is the release of its
earliest occurrence (dashboard/queries/errors_history.sql). Both are read with those named
queries by every caller."""

from __future__ import annotations

from vitalscope.jserrors.grouping import OTHER_FINGERPRINT

NEWEST_RELEASE_QUERY = "dashboard.errors_newest_release"
FIRST_RELEASE_QUERY = "dashboard.errors_history"


def new_in_release(fingerprint: int, first_release: str, newest_release: str) -> bool:
    """A group first seen in the site's newest release (no release: never new). The errors
    past the site's daily cap of groups are no error of their own: `(other)` is never new."""
    return (fingerprint != OTHER_FINGERPRINT and bool(newest_release)
            and first_release == newest_release)
