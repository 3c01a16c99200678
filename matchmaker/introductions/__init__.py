"""Introductions: requesting, answering (also from emailed links), brokering and following up."""
