"""Names of the conversation-level documents kept by the insight store."""

TOPICS = "topics"
SUMMARY = "summary"
ANALYTICS = "analytics"
