"""Graceful shutdown (issue 23): writes organisations at a real `samverkan serve` from
several threads until it stops accepting, recording each acknowledged (201) write; then,
against the restarted server, checks that every acknowledged write is stored and that no
response was cut off mid-body. Python standard library only.

  client.py stream BASE TOKEN JOURNAL THREADS TAG   (until the server refuses)
  client.py verify BASE TOKEN JOURNAL               (prints "N passed, M failed")
"""
import http.client
import json
import sys
import threading
import urllib.parse


def request(base, method, path, token, body=None):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        headers = {"Authorization": "Bearer " + token, "Connection": "close"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        res = conn.getresponse()
        # IncompleteRead here is a response cut mid-body: the failure this test looks for.
        payload = res.read()
        return res.status, payload
    finally:
        conn.close()


def stream(base, token, journal, threads, tag):
    lock = threading.Lock()
    out = open(journal, "a", encoding="utf-8")

    def write(line):
        with lock:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()

    def worker(n):
        i = 0
        while True:
            i += 1
            name = f"Föreningen Nedstängd {tag}-{n}-{i} åäö"
            body = {"name": name, "org_number": None, "legal_form": "non_profit_association",
                    "municipality_codes": ["1285"]}
            try:
                status, payload = request(base, "POST", "/api/v1/organizations", token, body)
            except http.client.IncompleteRead as e:
                write({"cut": True, "name": name, "error": repr(e)})
                continue
            except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected,
                    BrokenPipeError, TimeoutError, OSError):
                # Refused or closed before any response: not acknowledged; the server is
                # going (a refused connection means it no longer accepts).
                write({"ack": False, "name": name})
                return
            if status == 201:
                try:
                    org = json.loads(payload)
                except ValueError:
                    write({"cut": True, "name": name, "error": "201 with a body that is not JSON"})
                    continue
                write({"ack": True, "name": name, "id": org["id"]})
            elif status == 503:
                write({"ack": False, "name": name, "status": status})
            else:
                write({"unexpected": status, "name": name, "body": payload.decode("utf-8", "replace")[:200]})

    ts = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def verify(base, token, journal):
    passed = failed = 0
    with open(journal, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    for line in lines:
        if line.get("cut") or "unexpected" in line:
            failed += 1
            print("FAIL:", line)
        elif line.get("ack"):
            status, payload = request(base, "GET", "/api/v1/organizations/" + line["id"], token)
            if status == 200 and json.loads(payload)["name"] == line["name"]:
                passed += 1
            else:
                failed += 1
                print("FAIL: acknowledged but not stored:", line, status)
    acked = sum(1 for line in lines if line.get("ack"))
    if acked == 0:
        failed += 1
        print("FAIL: no write was acknowledged before the stop")
    print(f"{passed} passed, {failed} failed")
    return failed == 0


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "stream":
        stream(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])
    elif cmd == "verify":
        sys.exit(0 if verify(sys.argv[2], sys.argv[3], sys.argv[4]) else 1)
    else:
        sys.exit(f"unknown command {cmd}")
