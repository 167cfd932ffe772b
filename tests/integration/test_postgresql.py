#!/usr/bin/env python3
"""The PostgreSQL engine (issue 15), as far as it is built: `--db
postgresql://...` selects it; `pledged migrate` builds the schema in one
transaction under an advisory lock, with the shipped rates loaded by COPY,
identical to what SQLite holds after its own migrations; the store's
contract checks pass on it as on SQLite (tests/unit/test_store.c and
test_store_records.c, every check of both: tokens, idempotency keys,
gauges, feeds, companies, announcements, pledges, USD values and their
refresh, filters, free text, stats, rates, transactions, history);
`pledged token` works on it. Runs a throwaway
PostgreSQL 15 (pgserver.py) on 127.0.0.1, stopped by PID.

usage: test_postgresql.py PLEDGED TEST_STORE TEST_STORE_RECORDS"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, run_cli  # noqa: E402
from pgserver import PgServer  # noqa: E402

MIGRATE_LOCK = "8102238401628418418"

binary = os.path.abspath(sys.argv[1])
test_store = os.path.abspath(sys.argv[2])
test_store_records = os.path.abspath(sys.argv[3])
tap = Tap()
pg = PgServer().start()
work = tempfile.mkdtemp(prefix="pledged-pgmig-")
try:
    url = pg.createdb("pledged")

    # --- the advisory lock: a migrate waits while another holds it ---------------
    holder = subprocess.Popen(["psql", "-X", "-q", "-At", "-d", url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    holder.stdin.write("SELECT pg_advisory_lock(%s);\n\\echo held\n" % MIGRATE_LOCK)
    holder.stdin.flush()
    held = ""
    for _ in range(5):  # the void result's empty line, then the echo
        held = holder.stdout.readline().strip()
        if held == "held":
            break
    first = subprocess.Popen([binary, "migrate", "--db", url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    tap.check(held == "held" and first.poll() is None,
              "pledged migrate waits while another session holds the migration lock", held)
    tables = pg.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", "pledged")[0][0]
    tap.eq(tables, "0", "nothing is created while it waits")
    # a second replica starting now waits too, and applies nothing
    second = subprocess.Popen([binary, "migrate", "--db", url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    holder.stdin.write("SELECT pg_advisory_unlock(%s);\n\\q\n" % MIGRATE_LOCK)
    holder.stdin.flush()
    holder.wait(timeout=30)
    out1, err1 = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    outs = sorted([out1.strip(), out2.strip()])
    tap.check(first.returncode == 0 and second.returncode == 0,
              "both migrations exit 0 once the lock is free", (err1, err2))
    tap.check(any("schema version 17 (was 0; 6 migrations applied)" in o for o in outs) and
              any("schema version 17 (was 17; 0 migrations applied)" in o for o in outs),
              "one replica applies the schema, the other finds it done", outs)
    rows = pg.psql("SELECT version, name FROM schema_migrations ORDER BY version", "pledged")
    tap.eq(rows, [["12", "0012_schema.sql"], ["13", "0013_checks_without_in.sql"],
                 ["14", "0014_pledge_precision.sql"], ["15", "0015_search_totals.sql"],
                 ["16", "0016_fts_merge.sql"], ["17", "0017_search_keep_steps.sql"]],
           "schema_migrations records each migration once")

    # --- the same schema version as SQLite ---------------------------------------------
    sdb = os.path.join(work, "s.db")
    res = run_cli(binary, "migrate", "--db", sdb)
    tap.check(res.returncode == 0 and "schema version 17 " in res.stdout,
              "SQLite's latest version is PostgreSQL's (17)", res.stdout)

    # --- the shipped rates, row for row -----------------------------------------------
    con = sqlite3.connect(sdb)
    want = sorted("%s\t%s\t%s\t%s" % r for r in con.execute("SELECT currency, date, per_usd, source FROM rates"))
    con.close()
    got = subprocess.run(["psql", "-X", "-At", "-d", url, "-c",
                          "COPY (SELECT currency, date, per_usd, source FROM rates) TO STDOUT"],
                         capture_output=True, text=True, timeout=120).stdout.splitlines()
    got.sort()
    tap.check(len(want) > 200000 and got == want,
              "the shipped rates in PostgreSQL equal SQLite's: %d rows, each currency, date, "
              "rate as written and source" % len(got),
              None if got == want else (len(got), len(want), [g for g in got if g not in set(want)][:3]))
    exact = pg.psql("SELECT per_usd::text FROM rates WHERE currency = 'JPY' AND date = '2024-04-10'", "pledged")
    tap.eq(exact, [["152.9000"]], "a rate is numeric, kept exactly as published, trailing zeros too (JPY on 2024-04-10)")

    # --- PostgreSQL's own types and search ----------------------------------------------
    types = dict((r[0], r[1]) for r in pg.psql(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'pledges'"
        " AND column_name IN ('amount_minor', 'amount_usd_minor', 'announced_on', 'created_at', 'usd_rate',"
        " 'search')", "pledged"))
    tap.eq(types, {"amount_minor": "bigint", "amount_usd_minor": "bigint", "announced_on": "date",
                   "created_at": "timestamp with time zone", "usd_rate": "numeric", "search": "tsvector"},
           "money is bigint minor units, rates numeric, dates date, instants timestamptz, no double")
    fold = pg.psql("SELECT pledged_fold('Électricité ÉNERGIE'), to_tsvector('simple', pledged_fold('Japon été'))"
                   " @@ to_tsquery('simple', 'ete')", "pledged")
    tap.eq(fold, [["electricite energie", "t"]], "search folds accents and case with unaccent, as SQLite's FTS5 does")
    stamp = pg.psql("SELECT rfc3339('2024-04-09 19:15:00+09')", "pledged")
    tap.eq(stamp, [["2024-04-09T10:15:00Z"]], "instants are shown as RFC 3339 UTC")

    # --- up to date, newer, unreachable -------------------------------------------------
    res = run_cli(binary, "migrate", "--db", url)
    tap.check(res.returncode == 0 and "(was 17; 0 migrations applied)" in res.stdout,
              "migrating again applies nothing", res.stdout + res.stderr)
    rates_before = pg.psql("SELECT count(*) FROM rates", "pledged")
    tap.eq(rates_before, [[str(len(want))]], "and loads no rate twice")
    newer = pg.createdb("newer")
    run_cli(binary, "migrate", "--db", newer)
    pg.psql("INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')", "newer")
    res = run_cli(binary, "migrate", "--db", newer)
    tap.check(res.returncode == 1 and "newer than this pledged knows" in res.stderr,
              "a database from a newer pledged is refused", res.stderr)
    kv = "host=127.0.0.1 port=%d user=pledged dbname=kv" % pg.port
    pg.createdb("kv")
    res = run_cli(binary, "migrate", "--db", kv)
    tap.check(res.returncode == 0 and "(was 0; 6 migrations applied)" in res.stdout,
              "a libpq key/value string selects PostgreSQL too", res.stdout + res.stderr)
    env_res = run_cli(binary, "migrate", env={"PLEDGED_DB": kv})
    tap.check(env_res.returncode == 0 and "(was 17; 0 migrations applied)" in env_res.stdout,
              "PLEDGED_DB selects it as --db does", env_res.stdout + env_res.stderr)
    res = run_cli(binary, "migrate", "--db", "postgresql://pledged@127.0.0.1:1/none?connect_timeout=3")
    tap.check(res.returncode == 1 and "cannot connect to PostgreSQL" in res.stderr and "Traceback" not in res.stderr,
              "an unreachable server is a clear error, exit 1", res.stderr)
    missing = run_cli(binary, "migrate", "--db", pg.url("nosuchdb"))
    tap.check(missing.returncode == 1 and "nosuchdb" in missing.stderr,
              "a database that does not exist is named in the error", missing.stderr)
    seeded = run_cli(binary, "seed", "--db", url)
    exported = run_cli(binary, "export", "--db", url)
    tap.check(seeded.returncode == 0 and "19 imported" in seeded.stdout and exported.returncode == 0
              and len(exported.stdout.splitlines()) == 19,
              "`pledged seed` and `pledged export` work on PostgreSQL (the daemon: every integration"
              " test runs on it too)", seeded.stdout + seeded.stderr + exported.stderr)
    backup = run_cli(binary, "backup", "/nonexistent-dir/copy.db", "--db", url)
    tap.check(backup.returncode == 1 and "pg_dump" in backup.stderr,
              "`pledged backup` on PostgreSQL points to pg_dump, exit 1", backup.stderr)

    # --- the store's contract, on PostgreSQL ---------------------------------------------
    def contract(exe, dbname, least, what):
        out = subprocess.run([exe, pg.createdb(dbname)], capture_output=True, text=True, timeout=300)
        lines = [l for l in out.stdout.splitlines() if l.startswith(("ok ", "not ok "))]
        for line in lines:
            tap.check(line.startswith("ok "), "%s on PostgreSQL: %s" % (os.path.basename(exe), line.split(" - ", 1)[-1]),
                      out.stderr[-2000:] if line.startswith("not ok") else None)
        tap.check(out.returncode == 0 and len(lines) >= least,
                  "%s ran on PostgreSQL (%d checks)" % (what, len(lines)), out.stderr[-2000:])

    contract(test_store, "contract", 68, "every check of test_store")
    contract(test_store_records, "records", 88, "every check of test_store_records")

    # --- pledged token on PostgreSQL --------------------------------------------------
    add = run_cli(binary, "token", "add", "alice", "--db", url)
    secret = add.stdout.strip().splitlines()[-1] if add.returncode == 0 else ""
    tap.check(add.returncode == 0 and secret.startswith("pld_"), "pledged token add works on PostgreSQL", add)
    again = run_cli(binary, "token", "add", "alice", "--db", url)
    tap.check(again.returncode == 1 and "alice" in again.stderr, "a taken name is refused", again.stderr)
    ro = run_cli(binary, "token", "add", "reader", "--read-only", "--db", url)
    listed = run_cli(binary, "token", "list", "--db", url)
    tap.check(ro.returncode == 0 and listed.returncode == 0 and "alice" in listed.stdout and "reader" in listed.stdout
              and secret not in listed.stdout, "token list names both and shows no secret", listed.stdout)
    stored = pg.psql("SELECT name, length(hash), scope, position(%s in hash::text) FROM tokens ORDER BY name"
                     % ("'" + secret[4:] + "'"), "pledged")
    tap.eq(stored, [["alice", "32", "write", "0"], ["reader", "32", "read", "0"]],
           "PostgreSQL keeps a 32-byte hash and the scope, never the token")
    rev = run_cli(binary, "token", "revoke", "alice", "--db", url)
    rev2 = run_cli(binary, "token", "revoke", "alice", "--db", url)
    tap.check(rev.returncode == 0 and rev2.returncode == 1, "revoke removes it; a second revoke fails", (rev, rev2))
    names = run_cli(binary, "migrate", "--db", "host=127.0.0.1 port=1 dbname=x connect_timeout=3")
    tap.check(names.returncode == 1 and "cannot connect to PostgreSQL" in names.stderr,
              "a text beginning with a libpq keyword and = is a connection string", names.stderr)
    local = subprocess.run([binary, "migrate", "--db", "./host=x.db"], capture_output=True, text=True, cwd=work,
                           timeout=60)
    tap.check(local.returncode == 0 and os.path.exists(os.path.join(work, "host=x.db")),
              "./host=x.db is a SQLite file", local.stdout + local.stderr)
finally:
    pg.stop()
    shutil.rmtree(work, ignore_errors=True)
tap.done()
