from flask_wtf import FlaskForm
from wtforms import BooleanField

from matchmaker.mail.labels import CATEGORY_DESCRIPTIONS, CATEGORY_LABELS
from matchmaker.models import MailCategory

FIELD_CATEGORIES = {
    "invitations": MailCategory.INVITATIONS,
    "introductions": MailCategory.INTRODUCTIONS,
    "digests": MailCategory.DIGESTS,
}


class MailPreferencesForm(FlaskForm):
    invitations = BooleanField(
        CATEGORY_LABELS[MailCategory.INVITATIONS],
        description=CATEGORY_DESCRIPTIONS[MailCategory.INVITATIONS],
    )
    introductions = BooleanField(
        CATEGORY_LABELS[MailCategory.INTRODUCTIONS],
        description=CATEGORY_DESCRIPTIONS[MailCategory.INTRODUCTIONS],
    )
    digests = BooleanField(
        CATEGORY_LABELS[MailCategory.DIGESTS],
        description=CATEGORY_DESCRIPTIONS[MailCategory.DIGESTS],
    )

    def chosen(self) -> dict[MailCategory, bool]:
        return {category: self[name].data for name, category in FIELD_CATEGORIES.items()}

    def fill(self, subscriptions: dict[MailCategory, bool]) -> None:
        for name, category in FIELD_CATEGORIES.items():
            self[name].data = subscriptions[category]
