"""The command line: flags, environment, migrate, tokens, refusal of a
database written by a newer pledged."""
import os
import shutil
import sys
import tempfile

from harness import Daemon, Tap, is_postgresql, new_database, run_cli, sql_exec, sql_rows

tap = Tap()
binary = sys.argv[1]
work = tempfile.mkdtemp(prefix="pledged-cli-")
db = new_database(work, "cli")

r = run_cli(binary, "--version")
tap.check(r.returncode == 0 and r.stdout.startswith("pledged "), "--version prints the version", r)
r = run_cli(binary, "--help")
tap.check(r.returncode == 0 and "pledged serve" in r.stdout and "token add" in r.stdout,
          "--help prints usage", r)
for args, why in [(["--bogus"], "an unknown flag"), ([], "no command"),
                  (["frobnicate"], "an unknown command"),
                  (["serve", "extra"], "serve with an argument"),
                  (["serve", "--port", "70000"], "a port over 65535"),
                  (["serve", "--port", "80a"], "a port with letters"),
                  (["serve", "--threads", "0"], "zero threads"),
                  (["migrate", "--port", "1"], "a serve flag on migrate"),
                  (["token"], "token without a verb"),
                  (["token", "add"], "token add without a name"),
                  (["token", "add", "a", "b"], "token add with two names"),
                  (["serve", "--db"], "a flag without its value"),
                  (["serve", "--bind", "999.1.1.1"], "a --bind that is no address"),
                  (["serve", "--bind", "localhost"], "a --bind that is a host name"),
                  (["serve", "--header-timeout", "0"], "a zero header timeout"),
                  (["serve", "--trusted-proxy", "10.1.2.3/8"], "a trusted proxy with host bits set"),
                  (["serve", "--trusted-proxy", "nowhere"], "a trusted proxy that is no address"),
                  (["serve", "--search-totals-at", "-1"], "a negative --search-totals-at"),
                  (["serve", "--search-totals-at", "many"], "a --search-totals-at that is no number"),
                  (["migrate", "--search-totals-at", "5"], "--search-totals-at on migrate"),
                  (["serve", "--search-totals-step", "0"], "a --search-totals-step of 0"),
                  (["serve", "--search-totals-step", "1000001"], "a --search-totals-step past a million"),
                  (["migrate", "--search-totals-step", "5"], "--search-totals-step on migrate")]:
    r = run_cli(binary, *args)
    cmd = args[0] if args and args[0] in ("serve", "token", "migrate") else None
    see = "see 'pledged %s --help'" % cmd if cmd else "see 'pledged --help'"
    tap.check(r.returncode == 2 and len(r.stderr.splitlines()) == 1 and r.stderr.startswith("pledged: ")
              and see in r.stderr and "usage:" not in r.stderr,
              "%s exits 2 with one line that says what is wrong and where to look" % why, r)
r = run_cli(binary, "healthcheck", "--threads", "2")
tap.check(r.returncode == 2 and "'--threads' is an option of serve only" in r.stderr,
          "healthcheck takes --port and --bind, not other serve options", r)
r = run_cli(binary, "migrate", "--port", "1")
tap.check("'--port' is an option of serve only" in r.stderr, "a misplaced flag is named as written", r)
for cmd, words in [("serve", ["--header-timeout", "--trusted-proxy", "--max-connections", "--db"]),
                   ("token", ["token add NAME", "--read-only"]), ("rates", ["rates import"]),
                   ("import", ["JSON Lines"]), ("backup", ["backup FILE"]), ("healthcheck", ["/readyz"])]:
    r = run_cli(binary, cmd, "--help")
    tap.check(r.returncode == 0 and r.stdout.startswith("usage: pledged %s" % cmd) and all(w in r.stdout for w in words),
              "pledged %s --help prints that command's options" % cmd, r.stdout[:300])
r = run_cli(binary, "rates", "import", "/nonexistent.csv", "--db", os.path.join(work, "x.db"))
tap.check(r.returncode == 1 and "cannot read /nonexistent.csv: No such file or directory" in r.stderr,
          "a missing file says why", r)
r = run_cli(binary, "import", "/nonexistent.jsonl", "--db", os.path.join(work, "x.db"))
tap.check(r.returncode == 1 and "cannot read /nonexistent.jsonl: No such file or directory" in r.stderr,
          "a missing import file says why", r)
r = run_cli(binary, "migrate", "--db", "/nonexistent-folder/x.db")
tap.check(r.returncode == 1 and "the folder /nonexistent-folder does not exist" in r.stderr,
          "a database in a missing folder says so", r)
r = run_cli(binary, "serve", env={"PLEDGED_PORT": "abc"})
tap.check(r.returncode == 2 and "PLEDGED_PORT" in r.stderr, "a bad PLEDGED_PORT exits 2 naming it", r)
r = run_cli(binary, "serve", env={"PLEDGED_SEARCH_TOTALS_AT": "-5"})
tap.check(r.returncode == 2 and "PLEDGED_SEARCH_TOTALS_AT" in r.stderr and "--search-totals-at" in r.stderr,
          "a bad PLEDGED_SEARCH_TOTALS_AT exits 2 naming it", r)
r = run_cli(binary, "serve", "--help")
tap.check(r.returncode == 0 and "--search-totals-at N" in r.stdout and "PLEDGED_SEARCH_TOTALS_AT" in r.stdout
          and "--search-totals-step N" in r.stdout and "PLEDGED_SEARCH_TOTALS_STEP" in r.stdout,
          "serve --help names --search-totals-at, --search-totals-step and their variables", r)
r = run_cli(binary, "serve", env={"PLEDGED_SEARCH_TOTALS_STEP": "0"})
tap.check(r.returncode == 2 and "PLEDGED_SEARCH_TOTALS_STEP" in r.stderr and "--search-totals-step" in r.stderr,
          "a bad PLEDGED_SEARCH_TOTALS_STEP exits 2 naming it", r)

# migrate: first run applies, second applies nothing.
r = run_cli(binary, "migrate", "--db", db)
tap.check(r.returncode == 0 and "applied" in r.stdout and "(was 0" in r.stdout,
          "migrate applies the migrations to a new database", r)
r = run_cli(binary, "migrate", env={"PLEDGED_DB": db})
tap.check(r.returncode == 0 and "0 migrations applied" in r.stdout,
          "migrate again (database from PLEDGED_DB) applies nothing", r)

# tokens; options before or after the arguments.
r = run_cli(binary, "token", "add", "alice", "--db", db)
token = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
tap.check(r.returncode == 0 and token.startswith("pld_") and len(token) == 47,
          "token add prints a new token alone on the last line", r)
r = run_cli(binary, "--db", db, "token", "add", "bob")
tok_bob = r.stdout.strip().splitlines()[-1]
tap.check(r.returncode == 0 and tok_bob != token, "options may come before the command", r)
r = run_cli(binary, "token", "add", "alice", "--db", db)
tap.check(r.returncode == 1 and "exists" in r.stderr, "a duplicate token name is refused", r)
r = run_cli(binary, "token", "add", "bad name!", "--db", db)
tap.check(r.returncode == 1, "a bad token name is refused", r)
r = run_cli(binary, "token", "list", "--db", db)
tap.check(r.returncode == 0 and "alice" in r.stdout and "bob" in r.stdout and token not in r.stdout,
          "token list shows names but never the tokens", r)
# bytea comes back from psql as \x and hex
stored = [h if isinstance(h, bytes) else bytes.fromhex(h[2:]) for (h,) in sql_rows(db, "SELECT hash FROM tokens")]
tap.check(len(stored) == 2 and all(len(h) == 32 for h in stored) and not any(token.encode() in h for h in stored),
          "only 32-byte hashes of tokens are stored")

# A token works against the daemon until it is revoked.
d = Daemon(binary, token=False, workdir=work, db=db)
r = d.request("POST", "/v1/companies", body={"name": "Alice Corp"}, auth="Bearer " + token)
tap.eq(r.status, 201, "a created token authorises writes")
r = run_cli(binary, "token", "revoke", "alice", "--db", db)
tap.check(r.returncode == 0, "token revoke succeeds", r)
r = d.request("POST", "/v1/companies", body={"name": "Alice Two"}, auth="Bearer " + token)
tap.eq(r.status, 401, "a revoked token is refused by the running daemon")
r = d.request("POST", "/v1/companies", body={"name": "Bob Corp"}, auth="Bearer " + tok_bob)
tap.eq(r.status, 201, "other tokens still work")
r = run_cli(binary, "token", "revoke", "alice", "--db", db)
tap.check(r.returncode == 1 and "no token" in r.stderr, "revoking an unknown token fails", r)
rc = d.stop()
tap.eq(rc, 0, "the daemon stops cleanly")
tap.check(d.sanitizer_report() is None, "no sanitizer report", d.log_text()[-4000:])

# A database from a newer pledged is refused, by migrate and by serve.
sql_exec(db, "INSERT INTO schema_migrations (version, name, applied_at)"
             " VALUES (9999, '9999_future.sql', '2030-01-01T00:00:00Z')")
r = run_cli(binary, "migrate", "--db", db)
tap.check(r.returncode == 1 and "newer" in r.stderr, "migrate refuses a newer database", r)
r = run_cli(binary, "serve", "--db", db, "--port", "0")
tap.check(r.returncode == 1 and "newer" in r.stderr, "serve refuses a newer database", r)

# A file that is not a database is refused with a message.
junk = os.path.join(work, "junk.db")
with open(junk, "wb") as fh:
    fh.write(b"this is not sqlite" * 100)
r = run_cli(binary, "migrate", "--db", junk)
tap.check(r.returncode == 1 and r.stderr.startswith("pledged:"), "a non-database file is refused", r)

shutil.rmtree(work, ignore_errors=True)
tap.done()
