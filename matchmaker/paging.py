"""Pagination for lists that are not a plain query (rows built or grouped in Python).

Every list page renders its links with ``_macros/pagination.html``, which reads Flask-SQLAlchemy's
``Pagination`` interface; query-backed lists use ``db.paginate`` directly.
"""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination


class PreparedPagination(Pagination):
    """A page whose items and total were computed by the caller."""

    def __init__(self, items: list, total: int, page: int, per_page: int):
        self._prepared_items = items
        self._prepared_total = total
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False)

    def _query_items(self) -> list:
        return self._prepared_items

    def _query_count(self) -> int:
        return self._prepared_total
