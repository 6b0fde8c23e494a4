"""A real SMTP server for the test session (aiosmtpd on 127.0.0.1) that keeps what it receives.

Tests read the raw messages back with the standard `email` package, as a mail client would.
"""

import email
import email.policy
import logging
import socket
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """The aiosmtpd handler: every DATA becomes one (envelope recipients, parsed message) entry."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.greetings = 0  # EHLO/HELO commands seen: one per SMTP session
        self._lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:
        with self._lock:
            self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname) -> str:
        with self._lock:
            self.greetings += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self._lock:
            self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self.greetings = 0

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        with self._lock:
            return [m for rcpts, m in self.received if to is None or to in rcpts]

    def wait_for(self, count: int, *, to: str | None = None, timeout: float = 15.0) -> list[EmailMessage]:
        """The messages once at least `count` arrived (a real worker may still be sending)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages(to)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        return self.messages(to)


def start() -> tuple[Controller, SmtpSink]:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection at INFO
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, sink
