"""Log filters that keep private links out of the logs."""

import logging
import re

# Private links carry a secret in their path; the log keeps the route, never the secret.
PRIVATE_PATH = re.compile(r"(/(?:applications|resume|cancel|certificates)/)[^/\s\"'?]+")


def redact(text):
    return PRIVATE_PATH.sub(r"\1[redacted]", text)


class RedactPrivateTokens(logging.Filter):
    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            if isinstance(record.args, dict):
                record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
            else:
                record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
