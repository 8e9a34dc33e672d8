"""Log filters that keep private links and email addresses out of the logs."""

import logging
import re

# Private links carry a secret in their path; the log keeps the route, never the secret.
PRIVATE_PATH = re.compile(r"(/(?:applications|resume|cancel|certificates)/)[^/\s\"'?]+")
# Addresses reach the logs inside other messages (an SMTP server refusing a recipient names it), or
# in a query string, which ends them at "&" and starts them after "=", "?" or "/".
EMAIL_ADDRESS = re.compile(
    r"(?:\"[^\"\s]*\"|[^\s@<>()\[\],;:\"'/?=&]+)@[^\s@<>()\[\],;:\"'/?=&]+\.[^\s@<>()\[\],;:\"'.&/?=]+"
)
# ...and percent-encoded in a request line, as a browser sends what was typed in a search box:
# "@" as %40 (%2540 encoded twice), "+" as %2B or %2b, any other character as %XX, a space as "+".
_ENCODED_CHAR = r"(?:%[0-9A-Fa-f]{2})"
_ENCODED_LABEL = rf"(?:[A-Za-z0-9-]|{_ENCODED_CHAR})+"
ENCODED_EMAIL_ADDRESS = re.compile(
    rf"(?:[A-Za-z0-9._~!$'*+-]|{_ENCODED_CHAR})+(?:%40|%2540){_ENCODED_LABEL}(?:(?:\.|%2[Ee]){_ENCODED_LABEL})+"
)


def redact(text):
    text = PRIVATE_PATH.sub(r"\1[redacted]", text)
    return EMAIL_ADDRESS.sub("[email]", ENCODED_EMAIL_ADDRESS.sub("[email]", text))


class RedactPrivateTokens(logging.Filter):
    """Redacts the message, once its arguments are in it, and the text of an attached exception."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format: the handler reports it, as logging always does
            return True
        # The finished message, not the format: "/applications/%s/" must keep its placeholder.
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set, so the traceback is redacted like the message.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
