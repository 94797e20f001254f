"""Test doubles and harnesses shipped with the package, for our tests and for users' own.

Import the module you need: ``callscribe.testing.server`` runs a real server process.
``callscribe.testing.sip`` is a scripted SIP backend (``FakeSipBackend``) for the call layer.
"""
