"""Gunicorn reads this file from the folder it starts in: its access and error logs redact
private links and email addresses, like the portal's own logs (apps/core/logging.py)."""

from gunicorn.glogging import Logger

from apps.core.logging import RedactPrivateTokens


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, RedactPrivateTokens) for f in log.filters):
                log.addFilter(RedactPrivateTokens())


logger_class = RedactingLogger
