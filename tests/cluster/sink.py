"""The SMTP sink of the cluster: a real SMTP server (aiosmtpd) that records every delivery with
its Message-ID, and can be made slow. A slow sink keeps the message it received and only then
waits before its "250 OK": the hard case, where a sender killed while waiting sends the message
again and the receiving side must recognise it by its Message-ID."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections import Counter

from aiosmtpd.controller import Controller


class SlowSink:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: list[tuple[str, str]] = []  # (Message-ID, To), every time one arrives
        self.delay = 0.0
        self.in_progress = 0

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.deliveries.append((str(message["Message-ID"]), str(message["To"])))
            self.in_progress += 1
            delay = self.delay
        try:
            await asyncio.sleep(delay)
        finally:
            with self.lock:
                self.in_progress -= 1
        return "250 OK"

    def counts(self, to: set[str] | None = None) -> Counter:
        """How many times each Message-ID arrived (for these recipients)."""
        with self.lock:
            return Counter(mid for mid, rcpt in self.deliveries if to is None or rcpt in to)


def start_sink(port: int) -> tuple[SlowSink, Controller]:
    sink = SlowSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller
