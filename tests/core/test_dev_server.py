"""`make run` (scripts/dev-server.sh): the address in emails follows the address served."""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "dev-server.sh"


@pytest.fixture
def run_dev_server(tmp_path):
    """Run the script in `tmp_path` with a stand-in for Python that logs SITE_URL and each command."""
    log = tmp_path / "commands.log"
    python = tmp_path / "python"
    python.write_text(f'#!/usr/bin/env bash\necho "$SITE_URL $*" >> {log}\n')
    python.chmod(0o755)

    def run(*args, **environment):
        env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
        env.update(PYTHON=str(python), **environment)
        subprocess.run(  # noqa: S603 - our own script, fixed arguments
            ["/bin/bash", str(SCRIPT), *args], cwd=tmp_path, env=env, check=True, capture_output=True
        )
        return dict(reversed(line.split(" ", 1)) for line in log.read_text().splitlines())

    return run


def test_make_run_links_to_the_port_it_serves(run_dev_server):
    commands = run_dev_server("127.0.0.1", "8201")

    assert commands["manage.py runserver 127.0.0.1:8201"] == "http://127.0.0.1:8201"
    assert commands["manage.py migrate --no-input"] == "http://127.0.0.1:8201"


def test_make_run_on_every_interface_links_to_the_loopback(run_dev_server):
    commands = run_dev_server("0.0.0.0", "8080")  # noqa: S104 - nothing listens: Python is a stand-in

    assert commands["manage.py runserver 0.0.0.0:8080"] == "http://127.0.0.1:8080"


def test_an_explicit_site_url_wins_over_the_address_served(run_dev_server):
    commands = run_dev_server("127.0.0.1", "8201", SITE_URL="https://nmt.example.org")

    assert commands["manage.py runserver 127.0.0.1:8201"] == "https://nmt.example.org"


def test_a_site_url_in_dot_env_wins_over_the_address_served(run_dev_server, tmp_path):
    (tmp_path / ".env").write_text("DJANGO_DEBUG=true\nSITE_URL=https://nmt.example.org\n")

    commands = run_dev_server("127.0.0.1", "8201")

    # The script leaves SITE_URL unset, so settings.py reads it from .env.
    assert commands["manage.py runserver 127.0.0.1:8201"] == ""
