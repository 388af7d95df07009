"""A throwaway PostgreSQL server for the history tests (issue 11, point 2).

Started from the Debian package's binaries (`pg_config --bindir`, else
/usr/lib/postgresql/<version>/bin) with initdb and pg_ctl in a temporary folder,
on a free port of 127.0.0.1, trusting local connections; stopped and removed at
the end of the session. PostgreSQL refuses to run as root, so as root it runs as
the `postgres` user the package creates (runuser). `find_bindir()` is None when
no server is installed: the tests that need one skip then, and only then.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when no PostgreSQL server is installed."""
    candidates: list[Path] = []
    if shutil.which("pg_config"):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if found.returncode == 0:
            candidates.append(Path(found.stdout.strip()))
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name)
    )
    candidates.extend(reversed(versions))
    return next(
        (c for c in candidates if (c / "initdb").exists() and (c / "pg_ctl").exists()), None
    )


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One running server; `new_database()` gives each test a database of its own."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="cs-kpi-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.user = "postgres"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self._count = 0

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*self._as_user, *command], capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}{tail}")

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D", str(self.data), "-A", "trust", "-U", self.user,
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
            str(self.folder / "server.log"), "-w", "-t", "60", "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", user: str | None = None) -> str:
        return f"postgresql://{user or self.user}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, database: str = "postgres") -> None:
        """Run statements as the superuser, outside a transaction (CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname=database, autocommit=True
        ) as connection:
            connection.execute(sql)

    def new_database(self) -> str:
        self._count += 1
        name = f"history_{self._count}"
        self.admin(f"CREATE DATABASE {name} STRATEGY = FILE_COPY")
        return name


@contextlib.contextmanager
def running_server() -> Iterator[Server | None]:
    """A started server for the session, or None when PostgreSQL is not installed."""
    bindir = find_bindir()
    if bindir is None:
        yield None
        return
    server = Server(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", name="postgres")
def postgres_fixture() -> Iterator[Server | None]:
    """The session's server (None without PostgreSQL); tests/conftest.py imports both
    fixtures, and a test asks for `server`."""
    with running_server() as started:
        yield started


@pytest.fixture(name="server")
def server_fixture(postgres: Server | None) -> Server:
    if postgres is None:
        pytest.skip("no PostgreSQL installed (Debian: apt-get install postgresql)")
    return postgres
