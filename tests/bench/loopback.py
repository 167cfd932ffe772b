"""What the benchmark scripts share: a free port on 127.0.0.1, waiting for a
server to listen there, stopping it by its PID (SIGTERM, then SIGKILL
after 30 s), and one wrk run. Every loop is bounded."""
import re
import signal
import socket
import subprocess
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, tries=400):
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listens on port %d" % port)


def stop(proc):
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def wrk_run(url, script, seconds):
    """wrk -t2 -c32 for `seconds` (with a Lua script or none): requests/s,
    the p99 latency as wrk writes it, and the count of non-2xx answers."""
    cmd = ["wrk", "-t2", "-c32", "-d%ds" % seconds, "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(non2xx.group(1)) if non2xx else 0
