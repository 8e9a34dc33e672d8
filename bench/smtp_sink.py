"""A local SMTP server that keeps every message it is given, so a drill can count emails exactly.

    with SmtpSink() as sink:            # EMAIL_URL=smtp://127.0.0.1:{sink.port}
        ...
        sink.subjects()                  # [subject of every message received, in order]

Standard library only (the `smtpd` module left Python in 3.12): a threaded socketserver speaking
the part of SMTP that Django's SMTP backend uses (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).
"""

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    sender: str
    recipients: tuple
    subject: str
    message_id: str


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 drill-smtp ready")
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-drill-smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb == "HELO":
                self.reply("250 drill-smtp")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].split()[0].strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].split()[0].strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.sink.keep(sender, recipients, self.read_data())
                self.reply("250 OK: queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def read_data(self):
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)  # undo dot-stuffing
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()
        self._server = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def keep(self, sender, recipients, data):
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        subject = " ".join(str(parsed["Subject"] or "").split())  # unfolded, as a mail client shows it
        message = Message(sender, tuple(recipients), subject, str(parsed["Message-ID"] or ""))
        with self._lock:
            self.messages.append(message)

    def received(self):
        with self._lock:
            return list(self.messages)

    def subjects(self):
        return [message.subject for message in self.received()]

    def __enter__(self):
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self
        threading.Thread(target=self._server.serve_forever, name="smtp-sink", daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
