"""Symbl's wire formats: live events and insight shapes, built from our records.

Pure functions from records to JSON-ready dicts, shared by the REST routes, the streaming and
subscribe sockets and the telephony result socket, so every output speaks one dialect.
"""
