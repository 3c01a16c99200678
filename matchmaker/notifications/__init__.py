"""In-app notifications: the list page and the unread count in the header."""
