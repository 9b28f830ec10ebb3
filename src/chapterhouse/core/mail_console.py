"""The development mail backend: messages printed as a person reads them.

Django's console backend prints the message as it would go over the wire: a
subject outside ASCII ("Подтвердите комментарий", or just curly quotes) becomes
an encoded-word (``=?utf-8?b?0J/Qvt…?=``) and a long body may be quoted-printable.
This one prints the headers decoded and the body as text, so the mail a
developer triggers (a password reset, a comment's confirmation link) can be read
and its link followed. It is the default backend when ``DEBUG`` is on.
"""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage as ParsedMessage
from typing import Any

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

# Headers a reader of the console wants, in this order; the transport ones are left out.
SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Date", "Subject")


class EmailBackend(DjangoConsoleBackend):
    """Write each message to the stream with readable headers and body."""

    def write_message(self, message: Any) -> None:
        parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
        assert isinstance(parsed, ParsedMessage)
        lines = [
            f"{name}: {str(parsed[name]).strip()}"
            for name in SHOWN_HEADERS
            if parsed[name] is not None
        ]
        self.stream.write("\n".join(lines) + "\n\n")
        for part in parsed.walk():
            if part.is_multipart():
                continue
            if part.get_content_maintype() == "text":
                self.stream.write(str(part.get_content()).rstrip("\n") + "\n")
            else:
                name = part.get_filename() or part.get_content_type()
                self.stream.write(f"[attachment: {name}]\n")
        self.stream.write("-" * 79 + "\n")
