"""Use cases. Each public function is one transaction: it commits, or it changes nothing.

Views, CLI commands and scheduled jobs call these; they never commit themselves.
"""

from matchmaker.extensions import db


def committed(work):
    """Run one use case: commit what ``work()`` wrote and return its result, or roll it all
    back and re-raise."""
    try:
        result = work()
        db.session.commit()
        return result
    except Exception:
        db.session.rollback()
        raise
