"""Stream a WAV file to the Streaming API and print the live results (asyncio).

    export CALLSCRIBE_URL=http://127.0.0.1:8000 CALLSCRIBE_APP_ID=... CALLSCRIBE_APP_SECRET=...
    python examples/stream_wav.py meeting.wav --realtime

16-bit PCM WAV at any rate from 8 to 48 kHz, mono or stereo. ``--realtime`` sends the audio
at its own pace, as a live microphone would.
"""

from __future__ import annotations

import argparse
import asyncio

from callscribe_sdk import AsyncClient, models


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wav")
    parser.add_argument("--realtime", action="store_true", help="send at the audio's pace")
    parser.add_argument("--speaker", default=None, help="who is speaking")
    args = parser.parse_args()

    async with (
        AsyncClient() as client,
        client.stream(args.wav, realtime=args.realtime, speaker_name=args.speaker) as stream,
    ):
        print(f"conversation {stream.conversation_id}")
        async for event in stream:
            if isinstance(event, models.RecognitionResult) and event.is_final:
                print(f"> {event.transcript}", flush=True)
            elif isinstance(event, models.InsightResponse):
                for insight in event.insights:
                    print(f"  [{insight.type}] {insight.text}")
            elif isinstance(event, models.TopicResponse):
                print("  topics: " + ", ".join(t.text for t in event.topics))
            elif isinstance(event, models.ErrorEvent):
                print(f"! {event.reason}: {event.message}")

        questions = await stream.conversation.questions()
        print(f"{len(questions)} question(s)")
        for question in questions:
            print(f"? {question.text}")


if __name__ == "__main__":
    asyncio.run(main())
