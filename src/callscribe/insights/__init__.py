"""Insight extraction, offline on CPU: per message (sentiment, questions, action items,
follow-ups, entities, trackers, phrases) and per conversation (topics, summary, analytics).
"""

from callscribe.insights.classifier import parse_labelled, training_data
from callscribe.insights.duedate import find_due_date, parse_timezone
from callscribe.insights.engine import InsightEngine
from callscribe.insights.model import (
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

__all__ = [
    "Analytics",
    "ConversationContext",
    "CustomEntity",
    "DueDate",
    "Entity",
    "Insight",
    "InsightEngine",
    "MemberAnalytics",
    "MessageAnalysis",
    "MessageInput",
    "Metric",
    "Person",
    "Sentiment",
    "SummaryItem",
    "Tag",
    "Topic",
    "Tracker",
    "TrackerMatch",
    "find_due_date",
    "parse_labelled",
    "parse_timezone",
    "training_data",
]
