#!/usr/bin/env python3
"""A checked-in generated file is what its generator writes today
(tools/gen_pledge_groups.py -> migrations/sqlite/0009_pledge_groups.sql), so an
edit of one without the other fails. TAP.

usage: generated.py GENERATOR OUTPUT"""
import subprocess
import sys

gen, out = sys.argv[1], sys.argv[2]
made = subprocess.run([sys.executable, gen], capture_output=True, text=True, check=True).stdout
kept = open(out, encoding="utf-8").read()
ok = made.rstrip("\n") == kept.rstrip("\n")
print("%s 1 - %s is what %s writes" % ("ok" if ok else "not ok", out, gen))
if not ok:
    print("#   run: python3 %s > %s" % (gen, out))
print("1..1")
sys.exit(0 if ok else 1)
