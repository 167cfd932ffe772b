"""The container image, built and run for real with Docker (Debian's
docker.io, a private dockerd started here and stopped by its PID; no
registry is needed: the Debian base images are made from the apt mirror by
tests/container/base-images.sh and cached). Checks what a user of the image
meets: it serves through a published port on 127.0.0.1, its HEALTHCHECK
turns healthy, it runs as uid/gid 10001, data survives a restart and a
re-create on the same volume, SIGTERM stops it with exit 0 within 2 s, it
runs with a read-only root filesystem, a root-owned bind mount gets a clear
message, commands other than serve touch nothing, a lost token file is made
again, the image is under 100 MB, and `compose up` serves and `compose down`
stops. Then docker/compose.postgres.yaml for real: PostgreSQL 15, two
replicas and nginx come up with one `compose up` and serve through nginx,
reads are shared by both replicas, one replica stopped or a PostgreSQL
restart leaves the service answering, `down -v` removes it all. Prints TAP;
run by `make test` (plain build only)."""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from harness import Tap, free_port

tap = Tap()
repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
cache = os.environ.get("PLEDGED_CONTAINER_CACHE", "/var/cache/pledged-test")
started = time.time()
work = tempfile.mkdtemp(prefix="pledged-container-")
sock = os.path.join(work, "docker.sock")
env = dict(os.environ, DOCKER_HOST="unix://" + sock, DOCKER_BUILDKIT="1",
           PATH="/usr/bin:/usr/sbin:/bin:/sbin:" + os.environ.get("PATH", ""))
env.pop("DOCKER_CONTEXT", None)
DOCKER = "/usr/bin/docker"  # Debian's client, matching Debian's dockerd
NAME = "pledged-test-%d" % os.getpid()
dockerd = None


def sh(*args, timeout=600, check=False, **kw):
    r = subprocess.run(list(args), env=env, capture_output=True, text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(args[:3]), r.stderr[-2000:]))
    return r


def docker(*args, **kw):
    return sh(DOCKER, *args, **kw)


def http(port, path, method="GET", body=None, token=None, timeout=5):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""


def wait_ready(port, seconds=40):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if http(port, "/readyz")[0] == 200:
            return True
        time.sleep(0.3)
    return False


def cleanup():
    if dockerd and dockerd.poll() is None:
        for c in docker("ps", "-aq", "--filter", "name=" + NAME).stdout.split():
            docker("rm", "-f", c)
        docker("volume", "prune", "-f")
        # The engine's state is cached between runs: a network left there
        # keeps its address range, and after some thirty runs none is free.
        docker("network", "prune", "-f")
        docker("image", "prune", "-f")  # the images this run replaced, so the cache stays small
        # The build cache too: with the vfs driver each of its layers is a
        # whole copy, and kept from run to run it filled 77 GB of disk.
        docker("builder", "prune", "-af")
        dockerd.send_signal(signal.SIGTERM)
        try:
            dockerd.wait(timeout=30)
        except subprocess.TimeoutExpired:
            dockerd.kill()
    shutil.rmtree(work, ignore_errors=True)


try:
    # --- the engine and the base images -------------------------------------------------------
    t0 = time.time()
    r = sh("sh", os.path.join(repo, "tests", "container", "base-images.sh"), cache, timeout=1800)
    tap.check(r.returncode == 0, "the Debian base images exist (made from the apt mirror, cached in %s; %.0f s)"
              % (cache, time.time() - t0), r.stderr[-2000:])
    os.makedirs(os.path.join(cache, "docker"), exist_ok=True)
    dockerd = subprocess.Popen(
        ["dockerd", "--data-root", os.path.join(cache, "docker"), "--exec-root", os.path.join(work, "exec"),
         "--pidfile", os.path.join(work, "docker.pid"), "-H", "unix://" + sock, "--storage-driver", "vfs",
         "--iptables=false", "--ip6tables=false", "--bridge=none"],
        env=env, stdout=open(os.path.join(work, "dockerd.log"), "wb"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline and docker("info").returncode != 0:
        time.sleep(0.5)
    tap.check(docker("info").returncode == 0, "a private dockerd runs (stopped by its PID at the end)",
              open(os.path.join(work, "dockerd.log")).read()[-1500:])
    for tag, tar in [("debian:bookworm", "bookworm.tar"), ("debian:bookworm-slim", "bookworm-slim.tar")]:
        st = os.stat(os.path.join(cache, tar))
        stamp = "%d-%d" % (st.st_mtime, st.st_size)  # re-imported when the tarball is made again
        have = docker("image", "inspect", "-f", '{{index .Config.Labels "org.pledged.base"}}', tag).stdout.strip()
        if have != stamp:
            with open(os.path.join(cache, tar), "rb") as fh:
                sh(DOCKER, "import", "--change", 'CMD ["bash"]', "--change", "LABEL org.pledged.base=" + stamp,
                   "-", tag, stdin=fh, check=True)
    docker("network", "prune", "-f")  # what runs before this fix left in the cached state
    net = NAME + "-net"
    docker("network", "create", net)

    # --- build -----------------------------------------------------------------------------------
    t0 = time.time()
    r = docker("build", "--network", "host", "-f", os.path.join(repo, "docker", "Dockerfile"), "-t", "pledged:test",
               repo, timeout=1800)
    build_s = time.time() - t0
    tap.check(r.returncode == 0, "docker build makes the image (%.0f s)" % build_s, (r.stdout + r.stderr)[-3000:])
    size = int(docker("image", "inspect", "-f", "{{.Size}}", "pledged:test").stdout.strip() or 0)
    tap.check(0 < size < 100 * 1000 * 1000, "the image is under 100 MB (%.1f MB)" % (size / 1e6))
    cfg = json.loads(docker("image", "inspect", "pledged:test").stdout or "[{}]")[0].get("Config", {})
    tap.check(cfg.get("User") == "pledged" and "pledged" in json.dumps(cfg.get("Healthcheck", {}))
              and cfg.get("StopSignal") == "SIGTERM", "the image runs as pledged, checks itself and stops on SIGTERM", cfg)

    def run(name, port, *extra, volume=None):
        # The image refreshes rates from the publishers; no test reaches outside the machine.
        args = ["run", "-d", "--name", name, "--network", net, "-p", "127.0.0.1:%d:8080" % port,
                "--health-interval", "1s", "--health-start-period", "1s", "-e", "PLEDGED_RATES_REFRESH=0"]
        if volume:
            args += ["-v", volume + ":/data"]
        return docker(*(args + list(extra) + ["pledged:test"]))

    # --- run: published port, health, user ------------------------------------------------------
    port = free_port()
    vol = NAME + "-data"
    c1 = NAME + "-1"
    r = run(c1, port, "-e", "PLEDGED_SEED=1", volume=vol)
    ready = r.returncode == 0 and wait_ready(port)
    tap.check(ready, "the container answers /readyz through the published port on 127.0.0.1",
              (r.stderr, docker("logs", c1).stderr[-1500:]))
    status, body = http(port, "/v1/pledges?limit=100")
    tap.check(status == 200 and len(json.loads(body or b"{}").get("data", [])) == 18,
              "and serves the sample data's 18 pledges", body[:200])
    health = ""
    deadline = time.time() + 30
    while time.time() < deadline and health != "healthy":
        health = docker("inspect", "-f", "{{.State.Health.Status}}", c1).stdout.strip()
        time.sleep(0.5)
    tap.eq(health, "healthy", "the HEALTHCHECK (pledged healthcheck, no curl) turns healthy")
    ids = docker("exec", c1, "sh", "-c", "id -u; id -g; id -un").stdout.split()
    tap.eq(ids, ["10001", "10001", "pledged"], "the process runs as pledged, uid and gid 10001")

    # --- data survives a restart and a re-create -------------------------------------------------
    token = docker("exec", c1, "cat", "/data/admin.token").stdout.strip()
    status, _ = http(port, "/v1/companies", "POST", {"name": "Persisted Co"}, token)
    tap.check(token.startswith("pld_") and status == 201, "the token in /data/admin.token writes", (token[:8], status))
    docker("restart", "-t", "10", c1)
    tap.check(wait_ready(port) and http(port, "/v1/companies/persisted-co")[0] == 200,
              "a record written survives a container restart")
    docker("rm", "-f", c1)
    c2 = NAME + "-2"
    run(c2, port, volume=vol)
    tap.check(wait_ready(port) and http(port, "/v1/companies/persisted-co")[0] == 200
              and docker("exec", c2, "cat", "/data/admin.token").stdout.strip() == token,
              "and a re-created container on the same volume, with the same token")

    # --- SIGTERM ---------------------------------------------------------------------------------
    t0 = time.time()
    docker("stop", "-t", "10", c2)
    stop_s = time.time() - t0
    code = docker("inspect", "-f", "{{.State.ExitCode}}", c2).stdout.strip()
    tap.check(code == "0" and stop_s < 2, "docker stop (SIGTERM) ends it with exit 0 in %.2f s" % stop_s, code)
    docker("rm", "-f", c2)

    # --- a lost token file is made again ---------------------------------------------------------
    c3 = NAME + "-3"
    run(c3, port, volume=vol)
    wait_ready(port)
    docker("exec", c3, "rm", "/data/admin.token")
    docker("restart", "-t", "10", c3)
    wait_ready(port)
    new_token = docker("exec", c3, "cat", "/data/admin.token").stdout.strip()
    status, _ = http(port, "/v1/companies", "POST", {"name": "After Loss"}, new_token)
    tap.check(new_token.startswith("pld_") and new_token != token and status == 201
              and http(port, "/v1/companies", "POST", {"name": "Old Token"}, token)[0] == 401,
              "a token file lost from the volume is made again; the old admin token no longer works",
              (new_token[:8], status, docker("logs", c3).stderr[-800:]))
    docker("rm", "-f", c3)

    # --- read-only root filesystem ---------------------------------------------------------------
    c4 = NAME + "-4"
    r = run(c4, port, "--read-only", volume=NAME + "-ro")
    ok = r.returncode == 0 and wait_ready(port)
    tok4 = docker("exec", c4, "cat", "/data/admin.token").stdout.strip()
    status, _ = http(port, "/v1/companies", "POST", {"name": "Read Only Root"}, tok4)
    search = http(port, "/v1/pledges?q=cloud")[0]
    tap.check(ok and status == 201 and search == 200, "--read-only with the data volume serves, writes and searches",
              docker("logs", c4).stderr[-1500:])
    docker("rm", "-f", c4)

    # --- a root-owned bind mount -----------------------------------------------------------------
    hostdir = tempfile.mkdtemp(prefix="pledged-bind-", dir=work)
    os.chmod(hostdir, 0o755)
    r = docker("run", "--rm", "--network", net, "-v", hostdir + ":/data", "-e", "PLEDGED_RATES_REFRESH=0",
               "pledged:test", timeout=60)
    tap.check(r.returncode == 1 and "chown 10001:10001" in r.stderr and "not writable" in r.stderr,
              "a root-owned bind mount fails with a message saying how to prepare it", r.stderr[-600:])
    os.chown(hostdir, 10001, 10001)
    c5 = NAME + "-5"
    docker("run", "-d", "--name", c5, "--network", net, "-p", "127.0.0.1:%d:8080" % port, "-v",
           hostdir + ":/data", "-e", "PLEDGED_RATES_REFRESH=0", "pledged:test")
    tap.check(wait_ready(port), "after chown 10001:10001 the bind mount works", docker("logs", c5).stderr[-600:])
    docker("rm", "-f", c5)

    # --- commands other than serve touch nothing ---------------------------------------------------
    vol6 = NAME + "-empty"
    r = docker("run", "--rm", "-v", vol6 + ":/data", "pledged:test", "--version")
    listing = docker("run", "--rm", "-v", vol6 + ":/data", "--entrypoint", "sh", "pledged:test", "-c", "ls -A /data")
    tap.check(r.stdout.startswith("pledged ") and listing.stdout.strip() == "",
              "docker run pledged --version creates no database and no token", (r.stdout, listing.stdout))

    # --- compose ---------------------------------------------------------------------------------
    docker("tag", "pledged:test", "pledged:latest")
    cport = free_port()
    compose = ["docker-compose", "-f", os.path.join(repo, "docker", "compose.yaml")]
    cenv = dict(env, PLEDGED_HOST_PORT=str(cport), PLEDGED_RATES_REFRESH="0")
    r = subprocess.run(compose + ["up", "-d", "--no-build"], env=cenv, capture_output=True, text=True, timeout=300)
    up = r.returncode == 0 and wait_ready(cport)
    status, body = http(cport, "/v1/stats/summary")
    tap.check(up and status == 200 and json.loads(body or b"{}").get("pledges") == 18,
              "compose up serves the sample data (project 'pledged')", (r.stdout + r.stderr)[-1500:])
    names = docker("ps", "--format", "{{.Names}}").stdout.split()
    vols = docker("volume", "ls", "--format", "{{.Name}}").stdout.split()
    tap.check(any(n.startswith("pledged") for n in names) and "pledged_pledged-data" in vols,
              "the compose project is named pledged (volume pledged_pledged-data)", (names, vols))
    r = subprocess.run(compose + ["down", "-v"], env=cenv, capture_output=True, text=True, timeout=120)
    tap.check(r.returncode == 0 and http(cport, "/readyz")[0] == 0, "compose down stops it", r.stderr[-800:])

    # --- compose.postgres.yaml: PostgreSQL 15, two replicas, nginx ----------------------------------
    # No registry is reachable here, so postgres:15 and nginx:1.22 are stand-ins built from
    # Debian 12's own PostgreSQL 15 and nginx 1.22 packages (tests/container/standins), keeping
    # the part of the official images' contract the compose file uses. Kept between runs, and
    # built again when their files change.
    t0 = time.time()
    built = []
    for tag, folder in [("postgres:15", "postgres"), ("nginx:1.22", "nginx")]:
        path = os.path.join(repo, "tests", "container", "standins", folder)
        digest = hashlib.sha256()
        for f in sorted(os.listdir(path)):
            digest.update(f.encode() + b"\0" + open(os.path.join(path, f), "rb").read())
        stamp = digest.hexdigest()[:16]
        have = docker("image", "inspect", "-f", '{{index .Config.Labels "org.pledged.standin"}}', tag).stdout.strip()
        if have != stamp:
            r = docker("build", "--network", "host", "--label", "org.pledged.standin=" + stamp, "-t", tag, path,
                       timeout=1200)
            built.append((tag, r.returncode, (r.stdout + r.stderr)[-1500:]))
    tap.check(all(rc == 0 for _, rc, _ in built),
              "the stand-ins for postgres:15 and nginx:1.22 exist, from Debian's packages (%.0f s)"
              % (time.time() - t0), built)
    pport = free_port()
    pcompose = ["docker-compose", "-f", os.path.join(repo, "docker", "compose.postgres.yaml")]
    penv = dict(env, PLEDGED_HOST_PORT=str(pport), PLEDGED_RATES_REFRESH="0")

    def pc(*args, timeout=300):
        return subprocess.run(pcompose + list(args), env=penv, capture_output=True, text=True, timeout=timeout)

    r = pc("up", "-d", "--no-build")
    up = r.returncode == 0 and wait_ready(pport, 90)
    # pledged-2 may serve before pledged-1 has loaded the sample data: wait for it.
    deadline = time.time() + 60
    status, body = 0, b""
    while up and time.time() < deadline:
        status, body = http(pport, "/v1/stats/summary")
        if status == 200 and json.loads(body).get("pledges", 0) >= 18:
            break
        time.sleep(0.3)
    tap.check(up and status == 200 and json.loads(body or b"{}").get("pledges") == 18,
              "compose.postgres.yaml: one `up` serves the sample data through nginx, loaded once",
              ((r.stdout + r.stderr)[-1000:], status, body[:300], pc("logs", "--tail", "20").stdout[-2500:]))
    out = pc("exec", "-T", "pledged-1", "pledged", "token", "add", "compose").stdout.strip().splitlines()
    ptoken = out[-1] if out else ""
    status, _ = http(pport, "/v1/companies", "POST", {"name": "Compose Co"}, ptoken)
    reads = [http(pport, "/v1/companies/compose-co")[0] for _ in range(8)]
    tap.check(ptoken.startswith("pld_") and status == 201 and reads == [200] * 8,
              "a token made in one replica writes through nginx, and the write is read at once", (status, reads))
    time.sleep(1)  # the access log is written in batches, a fraction of a second late
    served = [sum('"path":"/v1/companies/compose-co"' in line for line in pc("logs", "--no-color", name).stdout.splitlines())
              for name in ("pledged-1", "pledged-2")]
    tap.check(served[0] > 0 and served[1] > 0 and sum(served) == 8,
              "nginx shares the reads between both replicas %s" % served, served)
    pc("stop", "-t", "20", "pledged-1")
    reads = [http(pport, "/v1/companies/compose-co")[0] for _ in range(4)]
    status, _ = http(pport, "/v1/companies", "POST", {"name": "After Stop Co"}, ptoken)
    tap.check(reads == [200] * 4 and status == 201,
              "with pledged-1 stopped, nginx sends reads and writes to pledged-2", (reads, status))
    r = pc("restart", "-t", "20", "postgres")
    deadline = time.time() + 60
    resumed = False
    while time.time() < deadline and not resumed:
        resumed = http(pport, "/v1/companies/after-stop-co")[0] == 200 \
            and http(pport, "/v1/companies", "POST", {"name": "After Restart Co"}, ptoken)[0] == 201
        time.sleep(0.5)
    tap.check(r.returncode == 0 and resumed, "after a restart of PostgreSQL the service resumes, data kept",
              (r.stderr[-500:], pc("logs", "--tail", "10", "pledged-2").stdout[-1500:]))
    r = pc("down", "-v", timeout=120)
    vols = docker("volume", "ls", "--format", "{{.Name}}").stdout.split()
    tap.check(r.returncode == 0 and http(pport, "/readyz")[0] == 0 and "pledged_pledged-pg" not in vols,
              "compose down -v stops the four containers and removes the database volume", (r.stderr[-800:], vols))
    tap.check(True, "the container test took %.0f s (image build %.0f s)" % (time.time() - started, build_s))
finally:
    cleanup()
tap.done()
