"""Mixed load through the cluster's nginx (tests/cluster.sh): writes (registrations) and
reads (dashboard, persons list, a report) from several threads with two API tokens; one
instance is killed with SIGKILL halfway. Writes the outcome as JSON: every acknowledged
write's NIK, and when each request began and ended and how it was answered."""
import json
import os
import random
import signal
import sys
import threading
import time
import urllib.error
import urllib.request

url, seconds, kill_pid, out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def call(method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except Exception as e:  # connection reset, refused: in flight at the kill
        return 0, str(e).encode()


def login(username):
    status, body = call("POST", "/api/v1/auth/login", body={"username": username, "password": "demo-banjar-2012"})
    assert status == 200, (status, body)
    return json.loads(body)["token"]


# An operator registers people; the head of division reads the lists and figures (a
# session's own writes are read back from the primary, the others' reads go to the replica).
token = login("operator")
reader = login("kabid")

results, acked, lock = [], [], threading.Lock()
start = time.time()
killed_at = None


def worker(t):
    rnd = random.Random(t)
    i = 0
    while time.time() - start < seconds:
        i += 1
        pick = rnd.random()
        began = time.time()
        if pick < 0.4:
            # A NIK of kecamatan Langensari (32.79.04) born 1 Jan 1970 + thread, unique.
            day = t + 1
            month = 1 + (i // 9999) % 12
            nik = f"327904{day:02d}{month:02d}70{i % 9999 + 1:04d}"
            person = {"nik": nik, "name": f"Warga Klaster {t} {i}", "sex": "L",
                      "birth_date": f"1970-{month:02d}-{day:02d}", "village_code": "32.79.04.2002",
                      "confirm_duplicate": True}
            status, _ = call("POST", "/api/v1/persons", token, person)
            kind = "write"
            if status == 201:
                with lock:
                    acked.append(nik)
        elif pick < 0.7:
            status, _ = call("GET", "/api/v1/dashboard", reader)
            kind = "dashboard"
        elif pick < 0.9:
            status, _ = call("GET", "/api/v1/persons?limit=20", reader)
            kind = "list"
        else:
            status, _ = call("GET", "/api/v1/reports/kube-status", reader)
            kind = "report"
        with lock:
            results.append({"kind": kind, "began": began - start, "ended": time.time() - start, "status": status})


threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
for th in threads:
    th.start()
time.sleep(seconds / 2)
os.kill(kill_pid, signal.SIGKILL)
killed_at = time.time() - start
for th in threads:
    th.join()
json.dump({"killed_at": killed_at, "acked": acked, "results": results, "token": token}, open(out, "w"))
ok = sum(1 for r in results if 200 <= r["status"] < 300)
print(f"{len(results)} requests, {ok} answered 2xx, {len(acked)} writes acknowledged, instance killed at {killed_at:.1f} s")
