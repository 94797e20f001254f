"""Insight extraction, offline on CPU: per message (sentiment, questions, action items,
follow-ups, entities, trackers, phrases) and per conversation (topics, summary, analytics).

Everything here is synchronous and CPU-bound: run it in a worker thread. Usage::

    engine = InsightEngine()
    engine.warm_up()                                   # loads spaCy, MiniLM, VADER (~10 s)
    ctx = ConversationContext(start=start, timezone="America/New_York",
                              members=(Person("Sarah Chen", "u-sarah"), Person("Mike Ross")))
    analyses = engine.analyze_many(messages, ctx)      # or engine.analyze(msg, ctx, ...)
    topics = TopicTracker()
    for m, a in zip(messages, analyses):
        topics.add(m, a)
    topics.topics()                                    # list[Topic], best first
    summarize(messages, analyses, endpoint=None)       # list[SummaryItem]
    compute_analytics(messages)                        # Analytics
"""

from callscribe.insights.analytics import compute_analytics
from callscribe.insights.classifier import parse_labelled, training_data
from callscribe.insights.duedate import find_due_date, parse_timezone
from callscribe.insights.engine import InsightEngine
from callscribe.insights.from_symbl import members_of, messages_from_symbl
from callscribe.insights.loaders import warm_up
from callscribe.insights.records import (
    Analytics,
    ConversationContext,
    CustomEntity,
    DueDate,
    Entity,
    Insight,
    MemberAnalytics,
    MessageAnalysis,
    MessageInput,
    Metric,
    Person,
    Sentiment,
    SummaryItem,
    Tag,
    Topic,
    Tracker,
    TrackerMatch,
)
from callscribe.insights.summary import LLMEndpoint, extractive, summarize
from callscribe.insights.topics import TopicTracker

__all__ = [
    "Analytics",
    "ConversationContext",
    "CustomEntity",
    "DueDate",
    "Entity",
    "Insight",
    "InsightEngine",
    "LLMEndpoint",
    "MemberAnalytics",
    "MessageAnalysis",
    "MessageInput",
    "Metric",
    "Person",
    "Sentiment",
    "SummaryItem",
    "Tag",
    "Topic",
    "TopicTracker",
    "Tracker",
    "TrackerMatch",
    "compute_analytics",
    "extractive",
    "find_due_date",
    "members_of",
    "messages_from_symbl",
    "parse_labelled",
    "parse_timezone",
    "summarize",
    "training_data",
    "warm_up",
]
