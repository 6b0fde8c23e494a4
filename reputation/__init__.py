"""Reputation rules as pure data and functions.

Nothing here touches Flask or the database: the forum's SqlLedger persists what these
functions decide, so the rules can be tested and reasoned about on their own.
"""
