"""The server-rendered summary page of a conversation (Jinja templates shipped here)."""

from callscribe.web.page import LiveLinks, render_page

__all__ = ["LiveLinks", "render_page"]
