"""A member's email preferences, and one-click unsubscribe links that work without login."""
