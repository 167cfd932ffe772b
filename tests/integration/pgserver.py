"""pgserver — a throwaway PostgreSQL 15 for the tests (issue 15).

Debian's `postgresql` package, no network and no service: `initdb` in a
fresh temporary folder, then `postgres` listening on 127.0.0.1 at a free
port and on a socket in that folder. PostgreSQL refuses to run as root, so
when the tests run as root the folder is given to the package's `postgres`
user (or `nobody`) and both programs run as that user. The server is
stopped by its PID (SIGINT: a fast shutdown; SIGKILL only if it has not
stopped within 15 s) and the folder removed. Its superuser is `pledged`,
with trust authentication on loopback only.
"""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

from harness import free_port

BIN = "/usr/lib/postgresql/15/bin"
USER = "pledged"


def _runas():
    """(uid, gid) of the unprivileged user to run PostgreSQL as, or None."""
    if os.getuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
            return pw.pw_uid, pw.pw_gid
        except KeyError:
            pass
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


class PgServer:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pledged-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.proc = None
        self.ids = _runas()

    def _as_user(self):
        if self.ids:
            uid, gid = self.ids
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)

    def start(self):
        if self.ids:
            os.chown(self.dir, *self.ids)
            os.chmod(self.dir, 0o700)
        out = subprocess.run([os.path.join(BIN, "initdb"), "-D", self.data, "-U", USER, "-A", "trust",
                              "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                             capture_output=True, text=True, preexec_fn=self._as_user, timeout=120)
        if out.returncode != 0:
            raise RuntimeError("initdb failed: %s %s" % (out.stdout, out.stderr))
        return self.run()

    def run(self):
        """Starts postgres on the data folder (made by start) and waits until
        it accepts connections."""
        self.log = open(os.path.join(self.dir, "postgres.log"), "a")
        self.proc = subprocess.Popen([os.path.join(BIN, "postgres"), "-D", self.data, "-p", str(self.port),
                                      "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + self.dir,
                                      "-c", "max_connections=50", "-c", "shared_buffers=32MB"],
                                     stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=self._as_user)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("postgres exited: %s" % self.log_text())
            if subprocess.run([os.path.join(BIN, "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"]).returncode == 0:
                return self
            time.sleep(0.1)
        raise RuntimeError("postgres did not accept connections within 30 s: %s" % self.log_text())

    def log_text(self):
        try:
            with open(os.path.join(self.dir, "postgres.log")) as fh:
                return fh.read()
        except OSError:
            return ""

    def url(self, dbname="postgres"):
        return "postgresql://%s@127.0.0.1:%d/%s" % (USER, self.port, dbname)

    def psql(self, sql, dbname="postgres"):
        """Runs SQL; returns its rows as lists of strings (unaligned, tab-separated)."""
        out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", self.url(dbname),
                              "-c", sql], capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError("psql failed: %s" % out.stderr)
        return [line.split("\t") for line in out.stdout.splitlines()]

    def createdb(self, name):
        self.psql('CREATE DATABASE "%s"' % name)
        return self.url(name)

    def halt(self):
        """Stops the server by PID (a fast shutdown), keeping its data:
        run() starts it again on the same port."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc and not self.log.closed:
            self.log.close()

    def stop(self):
        self.halt()
        shutil.rmtree(self.dir, ignore_errors=True)
