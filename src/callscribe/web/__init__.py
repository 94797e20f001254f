"""The server-rendered summary page of a conversation (Jinja templates shipped here)."""

from callscribe.web.page import render_page

__all__ = ["render_page"]
