"""Conversations: turning received messages into a finished, analysed conversation."""
