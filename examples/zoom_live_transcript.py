"""Join a Zoom meeting by phone, print the live transcript, hang up after a while, and print
the action items (the tutorial's flow).

    export CALLSCRIBE_URL=http://127.0.0.1:8000 CALLSCRIBE_APP_ID=... CALLSCRIBE_APP_SECRET=...
    python examples/zoom_live_transcript.py --meeting 85012345678 --passcode 123456 \
        --phone +16465588656 --seconds 60 --email me@example.com

Against the demo setup (``callscribe bridge`` as the meeting, ``callscribe serve`` with
``CALLSCRIBE_TRUNK_HOST`` pointing at it) any ``--phone`` reaches the simulated meeting; or
call the bridge directly with ``--sip-uri sip:zoom@127.0.0.1:5080``.
"""

from __future__ import annotations

import argparse
import time

from callscribe_sdk import Client, models


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meeting", required=True, help="Zoom meeting ID")
    parser.add_argument("--passcode", help="numeric meeting passcode")
    parser.add_argument("--phone", help="Zoom dial-in number, e.g. +16465588656")
    parser.add_argument("--sip-uri", help="call this SIP URI instead of a phone number")
    parser.add_argument("--seconds", type=float, default=60.0, help="hang up after this long")
    parser.add_argument("--email", action="append", default=[], help="send the summary here")
    args = parser.parse_args()

    with Client() as client:  # URL and credentials from CALLSCRIBE_* variables
        call = client.join_zoom(
            args.meeting,
            args.passcode,
            phone_number=args.phone,
            sip_uri=args.sip_uri,
            name=f"Zoom meeting {args.meeting}",
            summary_emails=args.email,
        )
        print(f"connected: {call.connection_id} (conversation {call.conversation_id})")

        def on_insights(event: models.LiveEvent) -> None:
            assert isinstance(event, models.InsightResponse)
            for insight in event.insights:
                print(f"  [{insight.type}] {insight.text}")

        call.subscribe({"insight_response": on_insights})
        started = time.monotonic()
        stopping = False
        for event in call.events():
            if isinstance(event, models.MessageResponse):
                for message in event.messages:
                    speaker = message.from_.name if message.from_ and message.from_.name else "?"
                    print(f"{speaker}: {message.text}", flush=True)
            if not stopping and time.monotonic() - started > args.seconds:
                stopping = True
                call.stop()
                print(f"stopped: {call.state().end_reason}")
        print(f"call ended: {call.state().end_reason}")

        print("action items:")
        for item in call.conversation.action_items():
            who = item.assignee.name if item.assignee and item.assignee.name else "someone"
            due = f" (by {item.due_by:%a %d %b})" if item.due_by else ""
            print(f"- {who}: {item.text}{due}")


if __name__ == "__main__":
    main()
