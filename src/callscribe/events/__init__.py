"""Live events between the pipeline and its subscribers (WebSockets, webhooks, other processes)."""

from callscribe.events.bus import EventBus, InProcessBus, Subscription

__all__ = ["EventBus", "InProcessBus", "Subscription"]
