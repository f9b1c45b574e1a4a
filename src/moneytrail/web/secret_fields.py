"""Which fields hold a secret: an error about one names the field and the rule, never the
value (ASVS 16.2.5), and a page's notice of unused query parameters names such a parameter
without its value.

Kept apart from web.app (error pages, session_ended) and web.query (the notice), which both
use it, so that neither imports the other for it: this module imports nothing of moneytrail.
"""

from __future__ import annotations

# fields whose value is a secret, by their last dotted part, lower-cased
SECRET_FIELDS = frozenset({"password", "new_password", "current_password", "repeat_password",
                           "token", "csrf_token", "key", "api_key", "authorization"})


def is_secret(field: str | None) -> bool:
    """Whether an error about `field` (a form field, a query parameter or a dotted JSON path
    such as `body.password`) is about a secret: its last dotted part, lower-cased, is one of
    SECRET_FIELDS. None or an empty name is not."""
    return bool(field) and str(field).rsplit(".", 1)[-1].lower() in SECRET_FIELDS
