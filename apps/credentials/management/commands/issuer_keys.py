"""`manage.py issuer_keys create|rotate|show`: the issuer key file (apps/credentials/keys.py)."""

import contextlib
import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.credentials import keys

BACKUP_REMINDER = (
    "Back this file up somewhere safe: a lost key cannot sign again, and the credentials it signed can "
    "no longer be verified once it is gone."
)


def write_key_file(path, data, *, replace):
    """Write the key file atomically with mode 0600 (readers never see half a file). Without
    `replace`, an existing file is never overwritten, even one created meanwhile: FileExistsError."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            os.fchmod(file.fileno(), 0o600)
            json.dump(data, file, indent=2)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def new_key_id(taken):
    """Today's date (UTC), with a counter when a key of the same day exists: 2026-12-07, 2026-12-07-2."""
    day = timezone.now().date().isoformat()
    key_id, number = day, 1
    while key_id in taken:
        number += 1
        key_id = f"{day}-{number}"
    return key_id


class Command(BaseCommand):
    help = (
        "Create, rotate or show the Ed25519 keys the portal signs Open Badges credentials with "
        "(CREDENTIALS_KEYS_FILE, or CREDENTIALS_KEYS). Private keys are never printed."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,rotate,show}")
        create = actions.add_parser("create", help="Write a new key file with one key.")
        when_present = create.add_mutually_exclusive_group()
        when_present.add_argument(
            "--force", action="store_true", help="Replace an existing key file (its keys are lost)."
        )
        when_present.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when the file exists or CREDENTIALS_KEYS gives the keys (for `make run`).",
        )
        rotate = actions.add_parser("rotate", help="Add a new key and make it current; the old ones stay published.")
        show = actions.add_parser("show", help="Print the DID, the key ids and the public keys.")
        for action in (create, rotate, show):
            action.add_argument("--file", type=Path, help="This key file instead of CREDENTIALS_KEYS_FILE.")

    def handle(self, *args, action, file=None, **options):
        path = file or Path(settings.CREDENTIALS_KEYS_FILE)
        if action == "create":
            self.create(path, force=options["force"], if_missing=options["if_missing"], default_file=file is None)
        elif action == "rotate":
            self.rotate(path, default_file=file is None)
        else:
            self.show(path if file else None)

    def create(self, path, *, force, if_missing, default_file):
        if if_missing and default_file and settings.CREDENTIALS_KEYS:
            self.stdout.write("The issuer keys come from CREDENTIALS_KEYS: no key file written.")
            return
        if path.exists() and if_missing:
            self.stdout.write(f"The issuer key file {path} exists: left as it is.")
            return
        if path.exists() and not force:
            raise CommandError(
                f"{path} exists already, and credentials may have been signed with its keys. Use "
                "`manage.py issuer_keys rotate` for a new key, or --force to replace the file (credentials "
                "signed with its keys would no longer verify)."
            )
        entry = keys.generate_key(new_key_id(set()), timezone.now())
        try:
            write_key_file(path, {"current": entry["id"], "keys": [entry]}, replace=force)
        except FileExistsError:
            raise CommandError(f"{path} was created meanwhile: left as it is.") from None
        self.stdout.write(f"Created the issuer key {entry['id']} in {path} (mode 0600).")
        self.stdout.write(f"Issuer: {keys.issuer_did()}")
        self.stdout.write(BACKUP_REMINDER)
        self.warn_if_overridden(default_file)

    def rotate(self, path, *, default_file):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"There is no key file at {path}: create one with `{keys.CREATE_COMMAND}`.") from None
        try:
            found = keys.parse_keys(text, str(path))
        except keys.KeyConfigurationError as error:
            raise CommandError(str(error)) from None
        # The file's own JSON is kept as it is (other fields, PEM keys); only the new key is added.
        data = json.loads(text)
        entry = keys.generate_key(new_key_id({key.id for key in found.keys}), timezone.now())
        data["keys"].append(entry)
        data["current"] = entry["id"]
        write_key_file(path, data, replace=True)
        previous = ", ".join(key.id for key in found.keys)
        self.stdout.write(f"Added the issuer key {entry['id']} to {path}: it signs from now on.")
        self.stdout.write(f"Still published, so credentials signed with them still verify: {previous}.")
        self.stdout.write(BACKUP_REMINDER)
        self.warn_if_overridden(default_file)

    def show(self, path):
        try:
            if path is not None:
                found = keys.parse_keys(path.read_text(encoding="utf-8"), str(path))
            else:
                found = keys.keyring()
                if found is None:
                    keys.signing_key()  # raises, saying what to configure
        except FileNotFoundError:
            raise CommandError(f"There is no key file at {path}: create one with `{keys.CREATE_COMMAND}`.") from None
        except keys.KeyConfigurationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Issuer: {keys.issuer_did()}")
        self.stdout.write(f"Keys from: {found.source}")
        for key in found.keys:
            marker = " (current: signs new credentials)" if key is found.current else ""
            self.stdout.write(f"{key.id}{marker}, created {key.created.isoformat()}")
            self.stdout.write(f"  Multikey    {key.verification_method}  {key.public_key_multibase}")
            self.stdout.write(f"  JsonWebKey  {key.jwk_verification_method}  x={key.jwk()['x']}")
        file = path or (None if settings.CREDENTIALS_KEYS else Path(settings.CREDENTIALS_KEYS_FILE))
        if file is not None and file.stat().st_mode & 0o077:
            self.stderr.write(f"{file} can be read by other users: `chmod 600 {file}`.")

    def warn_if_overridden(self, default_file):
        if default_file and settings.CREDENTIALS_KEYS:
            self.stderr.write(
                "CREDENTIALS_KEYS is set and takes precedence over this file: put the file's content in that "
                "secret for the portal to use it."
            )
