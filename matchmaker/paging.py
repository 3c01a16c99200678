"""What pagination links need from a page of results (``_macros/directory.html``)."""

from __future__ import annotations


class PageLinks:
    """Mixed into a page of results that has ``page`` and ``pages``."""

    page: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def page_numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to link, with None where a run of pages is left out."""
        shown = sorted(
            {
                1,
                self.pages,
                *range(max(1, self.page - around), min(self.pages, self.page + around) + 1),
            }
        )
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:  # type: ignore[operator]
                numbers.append(None)
            numbers.append(number)
        return numbers
