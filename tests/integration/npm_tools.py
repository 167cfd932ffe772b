#!/usr/bin/env python3
"""Installs the tests' npm packages (harness.NPM_TOOLS) into each BUILD/tools
before `meson test` starts, so that no test installs while another runs
them. usage: npm_tools.py BUILD [BUILD...]"""
import os
import sys

from harness import npm_tools

for build in sys.argv[1:]:
    npm_tools(os.path.join(build, "server", "pledged"))
