"""Error messages that say what to do, shared by the public forms (the application forms' own
fields word theirs beside them)."""

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org."


def email_messages(required="Enter your email address."):
    """`error_messages` for an email field: what to type when it is empty and when it is not an address."""
    return {"required": _sentence(required), "invalid": EMAIL_FORMAT}


def text_messages(*, what, limit, required=None):
    """`error_messages` for a text field: its length limit in words, and what to enter if it is needed."""
    messages = {"max_length": f"{what} must be {limit:,} characters or fewer."}
    if required:
        messages["required"] = _sentence(required)
    return messages


def choice_messages(what, required=None):
    """`error_messages` for a menu or a set of radio buttons."""
    messages = {"invalid_choice": f"Select {what} from the list."}  # noqa: S608 - a sentence, not SQL
    if required:
        messages["required"] = _sentence(required)
    return messages


def _sentence(text):
    """Every message ends as a sentence, like the multi-sentence ones shown beside it."""
    return text if text.endswith((".", "?", "!")) else f"{text}."
