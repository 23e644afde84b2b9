#!/usr/bin/env python3
"""Crash-durability client for `.ci/crash` (issue 6). Standard library only.

  client.py setup  BASE                      -> prints the id of a new adopted agreement
  client.py stream BASE AGREEMENT JOURNAL THREADS PREFIX
  client.py verify BASE AGREEMENT JOURNAL    -> prints "N passed, M failed"; exit 1 on failure

Tokens come from the environment: CRASH_PLATFORM_TOKEN (creates organisations) and
CRASH_ADMIN_TOKEN (the agreement administrator of Eslövs kommun: registers, approves and
withdraws accessions).

`stream` runs THREADS writers until the server stops answering (it is killed with SIGKILL
by `.ci/crash`) or the file JOURNAL.stop appears. Every write is journalled as one JSON
line once its fate is known to the client: `ack: true` for a 2xx answer, `ack: false` for
a write whose answer never came (connection refused, reset, timed out) or was not 2xx.

`verify` checks, through the API of the restarted server, that every acknowledged write is
there; that every unacknowledged write is either wholly there or wholly absent; that every
accession's history (GET /accessions/{id}) is a chain that ends in its current state; and
that the agreement holds no accession the journal cannot account for.
"""

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

STATEMENT = "Vi står för demokratiska värderingar och alla människors lika värde."
CONTACT = {"name": "Kim Kontaktsson", "email": "kim@forening.example", "phone": None}
# The state each journalled operation leads to.
STATE_AFTER = {"submit": "submitted", "approve": "approved", "withdraw": "withdrawn"}
EVENTS = {
    "submitted": ["submitted"],
    "approved": ["submitted", "approved"],
    "withdrawn": ["submitted", "approved", "withdrawn"],
}


class Unanswered(Exception):
    """The server gave no answer: the write's fate is unknown to the client."""


def request(base, method, path, token=None, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, {"raw": raw.decode(errors="replace")}
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
        raise Unanswered(str(e)) from e
    except Exception as e:  # http.client.RemoteDisconnected, IncompleteRead, BadStatusLine…
        raise Unanswered(repr(e)) from e


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set")
    return value


def application(org_id):
    return {
        "signatory": {"kind": "organization", "id": org_id},
        "channel": "board_minutes",
        "board_decision": {
            "decided_on": "2024-02-01",
            "minutes_reference": "§ 7",
            "received_on": "2024-02-10",
            "diary_number": None,
        },
        "affirmed_statements": [STATEMENT],
        "contact_person": CONTACT,
    }


# ---------------------------------------------------------------- setup


def setup(base):
    admin = env("CRASH_ADMIN_TOKEN")
    status, body = request(
        base, "GET", "/api/v1/public-bodies?kind=municipality&scb_code=1285"
    )
    assert status == 200, body
    eslov = body["items"][0]["id"]
    content = {
        "title": "Överenskommelse om samverkan (krocktest)",
        "purpose": "Att stärka samverkan mellan kommunen och den idéburna sektorn.",
        "background": "Framtagen gemensamt.",
        "principles": [
            {"number": 1, "title": "Dialog", "description": "Parterna för en öppen dialog."}
        ],
        "commitments": [],
        "development_areas": [],
    }
    status, body = request(
        base,
        "POST",
        "/api/v1/agreements",
        admin,
        {
            "owner_public_body_id": eslov,
            "party_public_body_ids": [eslov],
            "civil_society_party": {"kind": "sector", "name": "Den idéburna sektorn"},
            "scope": "municipal",
            "municipality_codes": ["1285"],
            "settings": {
                "approval_mode": "registration",
                "eligibility_statements": [STATEMENT],
            },
            "content": content,
        },
    )
    assert status == 201, body
    agreement = body["id"]
    status, body = request(
        base,
        "POST",
        f"/api/v1/agreements/{agreement}/adoption",
        admin,
        {
            "decided_by": "Kommunfullmäktige",
            "decision_date": "2020-01-15",
            "diary_number": "KS 2020/1",
            "valid_from": "2020-02-01",
            "valid_until": None,
        },
    )
    assert status == 200, body
    print(agreement)


# ---------------------------------------------------------------- stream


class Journal:
    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")
        self.lock = threading.Lock()

    def write(self, **entry):
        entry["t"] = time.time()
        with self.lock:
            self.file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.file.flush()


def stream(base, agreement, journal_path, threads, prefix):
    platform = env("CRASH_PLATFORM_TOKEN")
    admin = env("CRASH_ADMIN_TOKEN")
    journal = Journal(journal_path)
    stop_file = journal_path + ".stop"
    dead = threading.Event()

    def write(op, method, path, token, body, **facts):
        """One write; journals its fate and returns the answer's body, or None."""
        try:
            status, answer = request(base, method, path, token, body)
        except Unanswered as e:
            journal.write(op=op, ack=False, why=str(e)[:200], **facts)
            dead.set()
            return None
        ok = 200 <= status < 300
        journal.write(
            op=op,
            ack=ok,
            status=status,
            id=(answer or {}).get("id") if ok else facts.get("id"),
            **{k: v for k, v in facts.items() if k != "id"},
            **({} if ok else {"why": json.dumps(answer, ensure_ascii=False)[:300]}),
        )
        return answer if ok else None

    def worker(n):
        i = 0
        while not dead.is_set() and not os.path.exists(stop_file):
            i += 1
            name = f"Krocktestföreningen {prefix}-{n}-{i} i Ödeshög"
            org = write(
                "org",
                "POST",
                "/api/v1/organizations",
                platform,
                {
                    "name": name,
                    "legal_form": "non_profit_association",
                    "municipality_codes": ["1285"],
                },
                name=name,
            )
            if org is None:
                continue
            acc = write(
                "submit",
                "POST",
                f"/api/v1/agreements/{agreement}/accessions",
                admin,
                application(org["id"]),
                org=org["id"],
            )
            if acc is None:
                continue
            approved = write(
                "approve",
                "POST",
                f"/api/v1/accessions/{acc['id']}/approval",
                admin,
                {"approved_on": "2024-03-01", "decision_id": None},
                id=acc["id"],
            )
            if approved is None or i % 3:
                continue
            write(
                "withdraw",
                "POST",
                f"/api/v1/accessions/{acc['id']}/withdrawal",
                admin,
                {
                    "received_on": "2025-05-20",
                    "reference": f"Styrelseprotokoll § {i}",
                    "effective_on": "2025-06-01",
                },
                id=acc["id"],
            )

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


# ---------------------------------------------------------------- verify


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)
        return ok


def all_accessions(base, admin, agreement, state=None):
    items, cursor = [], None
    while True:
        path = f"/api/v1/agreements/{agreement}/accessions?limit=200"
        if state:
            path += "&state=" + state
        if cursor:
            path += "&cursor=" + urllib.parse.quote(cursor)
        status, body = request(base, "GET", path, admin, timeout=30)
        assert status == 200, body
        items.extend(body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            return items


def all_signatories(base, agreement):
    items, cursor = [], None
    while True:
        path = f"/api/v1/agreements/{agreement}/signatories?limit=200"
        if cursor:
            path += "&cursor=" + urllib.parse.quote(cursor)
        status, body = request(base, "GET", path, timeout=30)
        assert status == 200, body
        items.extend(body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            return items


def history_is_a_chain(acc):
    history = acc.get("history") or []
    if not history or history[0]["event"] != "submitted" or history[0]["from"] is not None:
        return False
    for before, after in zip(history, history[1:]):
        if after["from"] != before["to"]:
            return False
    return history[-1]["to"] == acc["state"]


def verify(base, agreement, journal_path):
    platform = env("CRASH_PLATFORM_TOKEN")
    admin = env("CRASH_ADMIN_TOKEN")
    with open(journal_path, encoding="utf-8") as f:
        entries = [json.loads(line) for line in f if line.strip()]
    c = Checks()

    acked = [e for e in entries if e["ack"]]
    unacked = [e for e in entries if not e["ack"]]
    # An answer that is not 2xx (a 409, a 500) is a bug met while streaming, not an effect
    # of the crash: only writes left without an answer are excused.
    for e in unacked:
        c.check(
            "status" not in e,
            f"the stream met an unexpected refusal: {e}",
        )

    # Organisations: acknowledged ones are there whole; in-flight ones whole or absent.
    for e in entries:
        if e["op"] != "org":
            continue
        status, body = request(
            base,
            "GET",
            "/api/v1/organizations?q=" + urllib.parse.quote(e["name"]),
        )
        found = [o for o in (body or {}).get("items", []) if o["name"] == e["name"]]
        if e["ack"]:
            c.check(
                len(found) == 1 and found[0]["id"] == e["id"],
                f"acknowledged organisation missing or doubled: {e['name']} {found}",
            )
        else:
            c.check(len(found) <= 1, f"in-flight organisation doubled: {found}")
        for o in found:
            c.check(
                o["legal_form"] == "non_profit_association"
                and o["municipality_codes"] == ["1285"],
                f"organisation half there: {o}",
            )

    # Accessions: the expected state from the journal, per accession.
    last_acked = {}  # accession id -> state after its last acknowledged write
    in_flight = {}  # accession id -> state its unacknowledged write would lead to
    submitted_orgs = {}  # org id -> accession id, acknowledged submissions
    pending_orgs = set()  # org ids with an unacknowledged submission
    for e in entries:
        if e["op"] == "submit":
            if e["ack"]:
                submitted_orgs[e["org"]] = e["id"]
                last_acked[e["id"]] = "submitted"
            else:
                pending_orgs.add(e["org"])
        elif e["op"] in ("approve", "withdraw"):
            if e["ack"]:
                last_acked[e["id"]] = STATE_AFTER[e["op"]]
            else:
                in_flight[e["id"]] = STATE_AFTER[e["op"]]

    listed = all_accessions(base, admin, agreement)
    by_org = {}
    for a in listed:
        by_org.setdefault(a["signatory"]["id"], []).append(a)

    for acc_id, state in last_acked.items():
        status, acc = request(base, "GET", f"/api/v1/accessions/{acc_id}", admin)
        if not c.check(status == 200, f"acknowledged accession {acc_id} is gone: {status}"):
            continue
        allowed = {state, in_flight.get(acc_id, state)}
        c.check(
            acc["state"] in allowed,
            f"accession {acc_id}: state {acc['state']}, the journal allows {sorted(allowed)}",
        )
        c.check(
            history_is_a_chain(acc),
            f"accession {acc_id}: history does not end in its state: {acc.get('history')}",
        )
        events = [h["event"] for h in acc.get("history", [])]
        c.check(
            events == EVENTS.get(acc["state"]),
            f"accession {acc_id}: history {events} for state {acc['state']}",
        )
        c.check(
            acc["contact_person"]["name"] == CONTACT["name"]
            and acc["affirmed_statements"] == [STATEMENT],
            f"accession {acc_id} half there: {acc}",
        )

    for org in pending_orgs:
        found = by_org.get(org, [])
        if not c.check(len(found) <= 1, f"in-flight submission doubled for {org}"):
            continue
        for a in found:
            status, acc = request(base, "GET", f"/api/v1/accessions/{a['id']}", admin)
            c.check(
                status == 200
                and acc["state"] == "submitted"
                and [h["event"] for h in acc["history"]] == ["submitted"]
                and acc["contact_person"]["name"] == CONTACT["name"],
                f"in-flight submission half there: {acc}",
            )

    # Every accession of the agreement is accounted for, and its history (read one by one)
    # ends in its current state.
    for a in listed:
        org = a["signatory"]["id"]
        c.check(
            submitted_orgs.get(org) == a["id"] or org in pending_orgs,
            f"accession {a['id']} is not in the journal",
        )
        status, acc = request(base, "GET", f"/api/v1/accessions/{a['id']}", admin)
        c.check(
            status == 200 and history_is_a_chain(acc),
            f"accession {a['id']}: history does not end in its state",
        )
    # What is stored beside the document agrees with it: the state filter (a column) and
    # the public signatory list (the approval and leaving dates).
    by_state = {}
    for state in ("submitted", "approved", "withdrawn"):
        subset = all_accessions(base, admin, agreement, state)
        c.check(
            all(a["state"] == state for a in subset),
            f"?state={state} lists accessions in other states",
        )
        by_state[state] = {a["id"] for a in subset}
    c.check(
        sum(len(ids) for ids in by_state.values()) == len(listed)
        and set().union(*by_state.values()) == {a["id"] for a in listed},
        "the state filter and the documents disagree",
    )
    approved_orgs = sorted(a["signatory"]["id"] for a in listed if a["state"] == "approved")
    signatories = sorted(s["signatory"]["id"] for s in all_signatories(base, agreement))
    c.check(
        signatories == approved_orgs,
        f"the public list has {len(signatories)} signatories for {len(approved_orgs)} "
        "approved accessions",
    )
    c.check(
        len(submitted_orgs) <= len(listed) <= len(submitted_orgs) + len(pending_orgs),
        f"{len(listed)} accessions listed for {len(submitted_orgs)} acknowledged and "
        f"{len(pending_orgs)} in-flight submissions",
    )

    writes = {op: sum(1 for e in acked if e["op"] == op) for op in ("org", "submit", "approve", "withdraw")}
    print(
        f"journal: {len(acked)} acknowledged writes {writes}, {len(unacked)} unacknowledged; "
        f"{len(listed)} accessions on the agreement"
    )
    for f in c.failed[:20]:
        print("FAILED:", f)
    print(f"{c.passed} passed, {len(c.failed)} failed")
    return 1 if c.failed else 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "setup":
        setup(argv[2])
        return 0
    if len(argv) == 7 and argv[1] == "stream":
        stream(argv[2], argv[3], argv[4], int(argv[5]), argv[6])
        return 0
    if len(argv) == 5 and argv[1] == "verify":
        return verify(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
