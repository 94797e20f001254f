"""Request and response bodies (pydantic, camelCase on the wire as Symbl writes them)."""
