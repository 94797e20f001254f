"""Test doubles and harnesses shipped with the package, for our tests and for users' own.

Import the module you need: ``callscribe.testing.server`` runs a real server process.
"""
