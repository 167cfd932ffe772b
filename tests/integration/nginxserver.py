"""nginxserver — Debian's nginx in front of pledged replicas, on loopback,
for the replicas test and the PostgreSQL benchmark (issue 15).

It runs in the foreground (daemon off) from a config written into a fresh
temporary folder (its pid file, logs and temp folders there too) that
includes docker/nginx/pledged-proxy.conf, the proxy settings compose uses,
and listens on 127.0.0.1 at a free port. It is stopped by its PID.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from harness import free_port

HERE = os.path.dirname(os.path.abspath(__file__))
PROXY_CONF = os.path.abspath(os.path.join(HERE, "..", "..", "docker", "nginx", "pledged-proxy.conf"))
PROGRAM = shutil.which("nginx") or "/usr/sbin/nginx"


class NginxServer:
    def __init__(self, upstream_ports, workers=1):
        self.dir = tempfile.mkdtemp(prefix="pledged-nginx-")
        self.port = free_port()
        self.proc = None
        user = "user root root;\n" if os.geteuid() == 0 else ""
        servers = "".join("        server 127.0.0.1:%d max_fails=2 fail_timeout=5s;\n" % p
                          for p in upstream_ports)
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as fh:
            fh.write("%sworker_processes %d;\ndaemon off;\npid %s/nginx.pid;\n"
                     "error_log %s/error.log warn;\nevents { worker_connections 1024; }\n"
                     "http {\n    access_log off;\n"
                     "    client_body_temp_path %s/body;\n    proxy_temp_path %s/proxy;\n"
                     "    fastcgi_temp_path %s/fastcgi;\n    uwsgi_temp_path %s/uwsgi;\n"
                     "    scgi_temp_path %s/scgi;\n"
                     "    upstream pledged {\n%s        keepalive 32;\n    }\n"
                     "    server {\n        listen 127.0.0.1:%d;\n        include %s;\n    }\n}\n"
                     % ((user, workers) + (self.dir,) * 7 + (servers, self.port, PROXY_CONF)))

    def start(self):
        self.proc = subprocess.Popen([PROGRAM, "-c", self.conf, "-p", self.dir, "-e",
                                      os.path.join(self.dir, "error.log")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: " + self.log_text())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not listen within 15 s: " + self.log_text())

    def log_text(self):
        try:
            with open(os.path.join(self.dir, "error.log")) as fh:
                return fh.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
