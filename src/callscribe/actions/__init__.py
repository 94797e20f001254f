"""After (and at the start of) a conversation: summary e-mails, webhooks, summary-page links.

Public API::

    Actions                 the service: hooks that record deliveries, and run() that sends them
    ActionRequest           pydantic model of one item of a request's ``actions`` list
    stored_actions          what to keep under ``conversation.settings["actions"]``
    PageLinks, base_url     unguessable summary-page links (expiring, revocable)
    verify_signature, sign  the webhook signature scheme (see :mod:`callscribe.actions.webhooks`)
"""

from callscribe.actions.links import DEFAULT_EXPIRES_IN, LinkCheck, PageLinks, base_url
from callscribe.actions.report import ConversationReport, build_report, load_report
from callscribe.actions.service import Actions, ActionStatus, mailer_for
from callscribe.actions.spec import ActionRequest, ActionSpec, parse_actions, stored_actions
from callscribe.actions.webhooks import sign, validate_url, verify_signature

__all__ = [
    "DEFAULT_EXPIRES_IN",
    "ActionRequest",
    "ActionSpec",
    "ActionStatus",
    "Actions",
    "ConversationReport",
    "LinkCheck",
    "PageLinks",
    "base_url",
    "build_report",
    "load_report",
    "mailer_for",
    "parse_actions",
    "sign",
    "stored_actions",
    "validate_url",
    "verify_signature",
]
