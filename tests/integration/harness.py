"""harness — runs the real pledged for integration tests.

A Daemon starts `pledged serve --port 0` on 127.0.0.1 with a database in a
fresh temporary directory, learns the port from its "listening" log line,
and is stopped by its PID with SIGTERM (SIGKILL only if it does not stop
within 15 s); a test that dies with an exception stops its daemons the
same way as Python exits. stop() returns the exit status and fails the run when the
log holds a sanitizer report. Tap prints TAP for meson and tests/summary.py.
"""
import atexit
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")

# Which engine a Daemon's database lives in (issue 15: meson runs every
# integration test twice, the second time with PLEDGED_TEST_ENGINE set).
# On PostgreSQL the test process starts one throwaway server (pgserver.py)
# on its first Daemon, gives each Daemon a new database on it, and stops it
# by PID when the process ends, after its daemons.
ENGINE = os.environ.get("PLEDGED_TEST_ENGINE", "sqlite")
POSTGRESQL = ENGINE == "postgresql"
_pg = None
_databases = 0

# Daemons this test process started and has not stopped. A test that dies
# with an exception still stops them, by PID, when Python exits.
_running = []


def _stop_leftovers():
    for d in list(_running):
        d.stop()
    if _pg:
        _pg.stop()


atexit.register(_stop_leftovers)


def new_database(folder, name="test"):
    """A new, empty database for a daemon: the SQLite file name.db in
    folder, or a new database on the test process's PostgreSQL."""
    global _pg, _databases
    if not POSTGRESQL:
        return os.path.join(folder, name + ".db")
    if _pg is None:
        import pgserver  # imports this module: not at the top
        server = pgserver.PgServer()
        server.start()
        _pg = server
    _databases += 1
    return _pg.createdb("test%d" % _databases)


# The npm packages some tests run (OpenAPI conformance, the dashboard in
# Chromium, the metrics parser, the OpenAPI lint), installed into
# BUILD/tools.
NPM_TOOLS = ("@stoplight/prism-cli@5.14.2", "playwright-core@1.49.1", "parse-prometheus-text-format@1.1.1",
             "@redocly/cli@1.34.20")


def npm_tools(binary):
    """BUILD/tools (BUILD holds server/pledged), with every NPM_TOOLS package
    installed in one `npm install`, under a file lock: the SQLite and the
    PostgreSQL runs of a test start together, and an npm install rewrites
    node_modules under any other test using it. make test installs them
    before the tests start; a test run alone installs them itself."""
    import fcntl
    tools = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(binary))), "tools")
    os.makedirs(tools, exist_ok=True)
    with open(os.path.join(tools, ".install.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = [spec for spec in NPM_TOOLS
                   if not os.path.isdir(os.path.join(tools, "node_modules", spec.rsplit("@", 1)[0]))]
        if missing:
            subprocess.run(["npm", "install", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error"]
                           + list(NPM_TOOLS), capture_output=True, timeout=900)
    return tools


def is_postgresql(db):
    return db.startswith(("postgresql://", "postgres://"))


def _value(text):
    try:
        return int(text)
    except ValueError:
        return text


def sql_rows(db, query):
    """The rows a query (no parameters: the tests write their values in)
    answers on a daemon's database, either engine: tuples, integers as int,
    NULL as None on SQLite and "" on PostgreSQL (psql's unaligned text)."""
    if not is_postgresql(db):
        conn = sqlite3.connect(db)
        try:
            return [tuple(r) for r in conn.execute(query).fetchall()]
        finally:
            conn.close()
    return [tuple(_value(v) for v in row) for row in _pg.psql(query, dbname=db.rsplit("/", 1)[1])]


def sql_exec(db, statement):
    """Runs one statement that returns no rows on a daemon's database."""
    if not is_postgresql(db):
        conn = sqlite3.connect(db)
        try:
            conn.execute(statement)
            conn.commit()
        finally:
            conn.close()
        return
    _pg.psql(statement, dbname=db.rsplit("/", 1)[1])


class WriteLockHolder:
    """Another process holding the database's write lock, as a second
    pledged or an operator's session would: SQLite's BEGIN IMMEDIATE, or
    PostgreSQL's advisory lock that every pledged write takes first."""

    def __init__(self, db):
        self.db = db
        if not is_postgresql(db):
            self.conn = sqlite3.connect(db, timeout=1, isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
            return
        self.proc = subprocess.Popen(["psql", "-X", "-q", "-At", "-d", db], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.proc.stdin.write("BEGIN; SELECT pg_advisory_xact_lock(8102238401644800628);"
                              " SELECT 'held';\n")
        self.proc.stdin.flush()
        while self.proc.stdout.readline().strip() != "held":
            pass

    def release(self):
        if not is_postgresql(self.db):
            self.conn.execute("ROLLBACK")
            self.conn.close()
            return
        self.proc.communicate("ROLLBACK;\n", timeout=30)


class Tap:
    def __init__(self):
        self.count = 0
        self.failures = 0

    def check(self, cond, name, detail=None):
        self.count += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.count, name))
        if not cond:
            self.failures += 1
            if detail is not None:
                for line in str(detail).splitlines()[:40]:
                    print("#   " + line)
        sys.stdout.flush()
        return cond

    def eq(self, got, want, name):
        return self.check(got == want, name, "got:  %r\nwant: %r" % (got, want))

    def done(self):
        print("1..%d" % self.count)
        sys.exit(1 if self.failures else 0)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body
        self._json = None

    @property
    def json(self):
        if self._json is None:
            self._json = json.loads(self.body.decode("utf-8"))
        return self._json

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<%d %s %r>" % (self.status, self.headers.get("content-type"), self.body[:300])


def free_port():
    """A TCP port free on 127.0.0.1 at the time of asking."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run_cli(binary, *args, env=None, input_text=None, timeout=30):
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run([binary] + list(args), capture_output=True, text=True,
                          env=full_env, input=input_text, timeout=timeout)


class Daemon:
    def __init__(self, binary, *extra, token=True, env=None, workdir=None, db=None):
        self.binary = binary
        self.dir = workdir or tempfile.mkdtemp(prefix="pledged-test-")
        self.db = db or new_database(self.dir)
        self.log_path = os.path.join(self.dir, "daemon.log")
        self.token = None
        self.extra = list(extra)
        self.env = env
        if token:
            out = run_cli(binary, "token", "add", "tests", "--db", self.db)
            if out.returncode != 0:
                raise RuntimeError("token add failed: " + out.stderr)
            self.token = out.stdout.strip().splitlines()[-1]
        self.start()

    def start(self):
        full_env = dict(os.environ)
        if self.env:
            full_env.update(self.env)
        self.log = open(self.log_path, "ab")
        self.offset = self.log.tell()
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--port", "0", "--bind", "127.0.0.1", "--db", self.db,
             "--threads", "2"] + self.extra,
            stdout=subprocess.DEVNULL, stderr=self.log, env=full_env)
        if self not in _running:
            _running.append(self)
        self.port = None
        deadline = time.time() + 15
        while time.time() < deadline and self.port is None:
            if self.proc.poll() is not None:
                raise RuntimeError("pledged exited at start:\n" + self.log_text())
            for line in self.log_text().splitlines():
                if '"msg":"listening"' in line:
                    self.port = json.loads(line)["port"]
            time.sleep(0.02)
        if self.port is None:
            self.proc.kill()
            raise RuntimeError("pledged did not start:\n" + self.log_text())

    def log_after_flush(self):
        """The log once the access lines of the requests so far are out:
        they are written in batches at least every 100 ms (log.h), so this
        waits a little longer than that."""
        time.sleep(0.3)
        return self.log_text()

    def log_text(self):
        with open(self.log_path, "rb") as fh:
            fh.seek(self.offset)
            return fh.read().decode("utf-8", "replace")

    def request(self, method, path, body=None, headers=None, auth=True, raw=None,
                content_type="application/json"):
        hdrs = dict(headers or {})
        if auth is True and self.token and method not in ("GET", "HEAD", "OPTIONS"):
            hdrs.setdefault("Authorization", "Bearer " + self.token)
        elif isinstance(auth, str):
            hdrs["Authorization"] = auth
        data = raw
        if body is not None:
            data = json.dumps(body).encode("utf-8")
        if data is not None and content_type:
            hdrs.setdefault("Content-Type", content_type)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            payload = r.read()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, payload)
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def raw_exchange(self, data, read_timeout=5.0):
        """Sends raw bytes on one socket and returns everything read back
        until the server closes or read_timeout passes without data."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout)
        try:
            s.sendall(data)
            chunks = []
            while True:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            s.close()

    def stop(self, sig=signal.SIGTERM):
        """Stops the daemon by PID; returns its exit status."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()
        if self in _running:
            _running.remove(self)
        return self.proc.returncode

    def sanitizer_report(self):
        text = self.log_text()
        return next((m for m in SANITIZER_MARKS if m in text), None)

    def cleanup(self):
        if self.proc.poll() is None:
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def finish(tap, daemon):
    """Stops the daemon, checks it exited cleanly with no sanitizer report,
    removes its files and ends the TAP stream."""
    rc = daemon.stop()
    report = daemon.sanitizer_report()
    tap.check(rc == 0, "the daemon exits 0 on SIGTERM", "exit status %r\n%s" % (rc, daemon.log_text()[-3000:]))
    tap.check(report is None, "no sanitizer report in the daemon's log",
              daemon.log_text()[-6000:] if report else None)
    daemon.cleanup()
    tap.done()
