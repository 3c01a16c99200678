"""Matchmaker: private-public matchmaking for a biotech cluster.

The application factory lives in :mod:`matchmaker.app`; this package stays light so that
``matchmaker.matching`` can be imported without Flask.
"""
