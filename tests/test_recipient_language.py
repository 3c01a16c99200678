"""Pages opened from an emailed link, without logging in, speak the recipient's language."""

from matchmaker.mail.outbox import unsubscribe_token
from tests.support.factories import make_person


def test_an_unsubscribe_link_answers_in_the_recipients_language(client):
    person = make_person(language="fr")
    path = f"/email/unsubscribe/{unsubscribe_token(person.id, 'digests')}"
    page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in page

    # The reader's own choice with the language switch wins.
    client.post("/language", data={"language": "en", "next": "/"})
    page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in page
