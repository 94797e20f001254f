"""Process a recording (a file in any common format, or a URL) and print what was found.

export CALLSCRIBE_URL=http://127.0.0.1:8000 CALLSCRIBE_APP_ID=... CALLSCRIBE_APP_SECRET=...
python examples/process_recording.py call.mp3
python examples/process_recording.py https://files.example.com/call.wav
"""

from __future__ import annotations

import argparse

from callscribe_sdk import Client, NotFound


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("recording", help="a file path or an http(s) URL")
    parser.add_argument("--name", default=None)
    args = parser.parse_args()

    with Client() as client:
        if args.recording.startswith(("http://", "https://")):
            job = client.process_audio_url(args.recording, name=args.name)
        else:
            job = client.process_audio_file(args.recording, name=args.name)
        print(f"job {job.job_id}: conversation {job.conversation_id}", flush=True)
        job.wait(timeout=1800)

        conversation = job.conversation
        print("transcript:")
        for message in conversation.messages():
            print(f"  [{message.time_offset:6.1f}s] {message.text}")
        print("topics: " + ", ".join(t.text for t in conversation.topics()))
        for item in conversation.action_items():
            print(f"action item: {item.text}")
        for question in conversation.questions():
            print(f"question: {question.text}")
        try:
            for line in conversation.summary():
                print(f"summary: {line.text}")
        except NotFound as exc:  # the summary is computed last
            print(f"summary not ready: {exc.message}")


if __name__ == "__main__":
    main()
