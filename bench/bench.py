#!/usr/bin/env python3
"""Helpers of bench/run.sh (standard library only).

  setup      creates, through the API, the agreement and its first accession (the template)
  generate   clones the template with SQL into N signatories, plus spare organisations
             for the write path (PostgreSQL: INSERT ... SELECT generate_series; SQLite:
             Python's sqlite3)
  prepare    fetches the first page (the bytes nginx serves), the ETag, writes the request
             path files and the pgbench scripts, and checks the data through the API
  sqlite-ceiling  runs the list SQL in a loop on one SQLite connection
  record     turns one wrk or pgbench output into a line of results.jsonl
  report     prints the table and writes RESULTS.md

Names are invented. Generated names use å, ä and ö; their Swedish sort key is computed
here exactly as `samverkan_domain::collation::swedish_sort_key` does for these letters.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

STATEMENT = "Vi står för demokratiska värderingar och alla människors lika värde."
MUNICIPALITY = "1285"  # Eslövs kommun
SECOND_MUNICIPALITY = "1281"  # Lunds kommun
TEMPLATE_NAME = "Föreningen Ängsblomman"
TEMPLATE_ORG_NUMBER = "802002-4280"
FIRST_APPROVAL = dt.date(2015, 11, 2)
APPROVAL_SPREAD_DAYS = 3000  # generated approvals fall between 2015-11-02 and early 2024

# Generated names: FIRST SECOND NUMBER, e.g. "Båtklubben Ängsblomman 4711".
FIRST = [
    "Föreningen", "Idrottsklubben", "Kulturföreningen", "Hembygdsföreningen",
    "Scoutkåren", "Körsällskapet", "Studiecirkeln", "Ungdomsrådet",
    "Pensionärsföreningen", "Föräldraföreningen", "Naturskyddsgruppen",
    "Teatersällskapet", "Båtklubben", "Fotbollsklubben", "Schackklubben", "Väveriet",
]
SECOND = [
    "Ängsblomman", "Åkern", "Östanvind", "Björken", "Lärkan", "Strömmen", "Ekbacken",
    "Solrosen", "Måsen", "Tallåsen", "Hägern", "Älvdalen", "Vågen", "Nyponet",
    "Gläntan", "Rönnen", "Källan",
]
# The `?q=` searches: each matches about 1/17 of the signatories (a SECOND word).
Q_WORDS = ["ängsblomman", "åkern", "östanvind", "strömmen", "lärkan", "hägern",
           "älvdalen", "vågen"]
LEGAL_FORMS = ["non_profit_association", "non_profit_association", "foundation",
               "economic_association", "religious_community"]


def sort_key(text):
    """swedish_sort_key for the letters used here: lowercase, å ä ö after z."""
    out = []
    for ch in text.strip().lower():
        out.append({"å": "{", "ä": "|", "ö": "}", "é": "e"}.get(ch, ch))
    return "".join(out)


def like_contains(needle):
    escaped = "".join("\\" + c if c in "%_\\" else c for c in needle)
    return f"%{escaped}%"


def luhn_digit(nine):
    total = 0
    for pos, ch in enumerate(nine):
        d = int(ch)
        if pos % 2 == 0:  # positions 1, 3, 5, 7, 9 from the left are doubled
            d *= 2
            d = d // 10 + d % 10
        total += d
    return (10 - total % 10) % 10


def org_number(i):
    nine = "803" + f"{i:06d}"
    ten = nine + str(luhn_digit(nine))
    return f"{ten[:6]}-{ten[6:]}"


def uuid7(ms, seed):
    h = f"{ms:012x}"
    r = hashlib.md5(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-7{r[:3]}-8{r[3:6]}-{r[6:18]}"


def gen_name(i):
    first = FIRST[i % len(FIRST)]
    second = SECOND[(i // len(FIRST)) % len(SECOND)]
    return f"{first} {second} {i}"


def gen_approved_on(i):
    return FIRST_APPROVAL + dt.timedelta(days=(i * 7919) % APPROVAL_SPREAD_DAYS)


def sql_str(s):
    return "'" + str(s).replace("'", "''") + "'"


def sql_array(values):
    return "ARRAY[" + ", ".join(sql_str(v) for v in values) + "]"


# ------------------------------------------------------------------ HTTP


def http(method, url, token=None, body=None, headers=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def expect(status, got, what):
    code, _, body = got
    if code != status:
        sys.exit(f"bench: {what}: expected {status}, got {code}: {body[:500]!r}")
    return json.loads(body) if body else None


def mint(binary, *args):
    out = subprocess.run([binary, "token", *args], check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def cmd_setup(a):
    base = a.base.rstrip("/")
    platform = mint(a.bin, "--sub", "bench-plattform", "--role", "platform_admin", "--ttl", "12h")
    body = expect(200, http("GET", f"{base}/api/v1/public-bodies?kind=municipality&scb_code={MUNICIPALITY}"),
                  "find Eslövs kommun")["items"][0]
    admin = mint(a.bin, "--sub", f"processledare-{body['id']}", "--role", "agreement_admin",
                 "--public-body", body["id"], "--ttl", "12h")
    agreement = expect(201, http("POST", f"{base}/api/v1/agreements", admin, {
        "owner_public_body_id": body["id"],
        "party_public_body_ids": [body["id"]],
        "civil_society_party": {"kind": "sector", "name": "Den idéburna sektorn"},
        "scope": "municipal",
        "municipality_codes": [MUNICIPALITY],
        "settings": {"approval_mode": "registration", "eligibility_statements": [STATEMENT]},
        "content": {
            "title": "Överenskommelse om samverkan (prestandatest)",
            "purpose": "Att stärka samverkan mellan kommunen och den idéburna sektorn.",
            "background": "Framtagen gemensamt under året.",
            "principles": [
                {"number": 1, "title": "Dialog", "description": "Parterna för en öppen dialog."},
                {"number": 2, "title": "Självständighet och oberoende",
                 "description": "Föreningarnas självständighet respekteras."},
            ],
            "commitments": [
                {"party": "public_body", "title": "Information",
                 "text": "Kommunen informerar i god tid.", "principles": [1]},
                {"party": "civil_society", "title": "Förankring",
                 "text": "Sektorn förankrar i sina nätverk.", "principles": [1, 2]},
            ],
            "development_areas": [],
        },
    }), "create agreement")["id"]
    expect(200, http("POST", f"{base}/api/v1/agreements/{agreement}/adoption", admin, {
        "decided_by": "Kommunfullmäktige", "decision_date": "2015-06-15",
        "diary_number": "KS 2015/99", "valid_from": "2015-09-01", "valid_until": None,
    }), "adopt agreement")
    org = expect(201, http("POST", f"{base}/api/v1/organizations", platform, {
        "name": TEMPLATE_NAME, "org_number": TEMPLATE_ORG_NUMBER,
        "legal_form": "non_profit_association", "municipality_codes": [MUNICIPALITY],
        "website": "https://angsblomman.example", "description": None,
    }), "create organisation")["id"]
    accession = expect(201, http("POST", f"{base}/api/v1/agreements/{agreement}/accessions", admin, {
        "signatory": {"kind": "organization", "id": org},
        "channel": "board_minutes",
        "board_decision": {"decided_on": "2015-10-05", "minutes_reference": "§ 7",
                           "received_on": "2015-10-12", "diary_number": None},
        "affirmed_statements": [STATEMENT],
        "contact_person": {"name": "Kim Kontaktsson", "email": "kim@forening.example",
                           "phone": "+46 70 000 00 00"},
    }), "submit accession")["id"]
    expect(200, http("POST", f"{base}/api/v1/accessions/{accession}/approval", admin, {
        "approved_on": FIRST_APPROVAL.isoformat(), "decision_id": None,
    }), "approve accession")
    state = {"agreement": agreement, "organization": org, "accession": accession,
             "public_body": body["id"], "admin_token": admin, "platform_token": platform}
    with open(a.state, "w") as f:
        json.dump(state, f)


# ------------------------------------------------------------------ data generation


def psql(url, sql, *extra):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *extra, url],
                          input=sql, check=True, capture_output=True, text=True).stdout


def generate_postgres(url, st, size, spare):
    tacc = st["accession"]
    # The template row tells the base of the generated ids' timestamps.
    created = psql(url, f"SELECT (extract(epoch FROM created_at) * 1000)::bigint FROM accessions WHERE id = {sql_str(tacc)}",
                   "-At").strip()
    if not created:
        sys.exit("bench: the template accession is missing")
    base_ms = int(created) - 10_000_000_000  # generated rows look older than the template
    first_keys = [sort_key(w) for w in FIRST]
    second_keys = [sort_key(w) for w in SECOND]
    nf, ns = len(FIRST), len(SECOND)
    last = size + spare - 1
    sql = f"""
BEGIN;
CREATE FUNCTION pg_temp.uuid7(ms bigint, seed text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(r, 1, 3) || '-8'
      || substr(r, 4, 3) || '-' || substr(r, 7, 12)
  FROM (SELECT lpad(to_hex(ms), 12, '0') AS h, md5(seed) AS r) x
$$;
-- Luhn check digit over the nine digits: positions 1, 3, 5, 7 and 9 doubled.
CREATE FUNCTION pg_temp.org_number(nine text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr(nine, 1, 6) || '-' || substr(nine, 7, 3) || ((10 - sum(
      CASE WHEN p % 2 = 1 THEN (2 * substr(nine, p, 1)::int) / 10 + (2 * substr(nine, p, 1)::int) % 10
           ELSE substr(nine, p, 1)::int END) % 10) % 10)::text
  FROM generate_series(1, 9) AS p
$$;
CREATE TEMP TABLE gen ON COMMIT DROP AS
SELECT i,
       pg_temp.uuid7({base_ms} + i, 'org' || i) AS org_id,
       pg_temp.uuid7({base_ms} + i, 'acc' || i) AS acc_id,
       ({sql_array(FIRST)})[1 + i % {nf}] || ' ' || ({sql_array(SECOND)})[1 + (i / {nf}) % {ns}] || ' ' || i AS name,
       ({sql_array(first_keys)})[1 + i % {nf}] || ' ' || ({sql_array(second_keys)})[1 + (i / {nf}) % {ns}] || ' ' || i AS sort_key,
       DATE {sql_str(FIRST_APPROVAL.isoformat())} + ((i::bigint * 7919) % {APPROVAL_SPREAD_DAYS})::int AS approved_on,
       i < {size} AS signatory
FROM generate_series(1, {last}) AS i;

INSERT INTO organizations (id, name, sort_key, org_number, legal_form, website, description,
                           row_version, created_at, updated_at)
SELECT org_id, name, sort_key, pg_temp.org_number('803' || lpad(i::text, 6, '0')),
       ({sql_array(LEGAL_FORMS)})[1 + i % {len(LEGAL_FORMS)}],
       'https://forening' || i || '.example', NULL, 1,
       approved_on - 60 + time '08:00', approved_on - 60 + time '08:00'
FROM gen;

INSERT INTO organization_municipalities (organization_id, municipality_code)
SELECT org_id, {sql_str(MUNICIPALITY)} FROM gen
UNION ALL
SELECT org_id, {sql_str(SECOND_MUNICIPALITY)} FROM gen WHERE i % 4 = 0;

INSERT INTO accessions (id, agreement_id, signatory_kind, signatory_id, organization_id,
                        public_body_id, signatory_name, signatory_sort_key, state, approved_on,
                        left_on, reconfirm_by, document, row_version, created_at, updated_at)
SELECT g.acc_id, t.agreement_id, 'organization', g.org_id, g.org_id, NULL, g.name, g.sort_key,
       'approved', g.approved_on, NULL, NULL,
       regexp_replace(regexp_replace(
           replace(replace(t.document, t.id, g.acc_id), t.organization_id, g.org_id),
           '"approved_on":"[0-9-]+"', '"approved_on":"' || to_char(g.approved_on, 'YYYY-MM-DD') || '"'),
           '"submitted_at":"[^"]*"', '"submitted_at":"' || to_char(g.approved_on - 30, 'YYYY-MM-DD') || 'T09:00:00Z"'),
       t.row_version, g.approved_on - 30 + time '09:00', g.approved_on + time '10:00'
FROM gen g CROSS JOIN accessions t
WHERE t.id = {sql_str(tacc)} AND g.signatory;

INSERT INTO accession_history (accession_id, seq, event, from_state, to_state, at, by_sub, reason)
SELECT g.acc_id, h.seq, h.event, h.from_state, h.to_state,
       CASE WHEN h.seq = 0 THEN g.approved_on - 30 + time '09:00' ELSE g.approved_on + time '10:00' END,
       h.by_sub, h.reason
FROM gen g CROSS JOIN accession_history h
WHERE h.accession_id = {sql_str(tacc)} AND g.signatory;

-- The public list reads the projection every accession save writes (signatory_terms):
-- one open term per generated signatory, as the server's own merge would give it.
INSERT INTO signatory_terms (id, agreement_id, signatory_kind, signatory_id, organization_id,
                             signatory_name, signatory_sort_key, since, until)
SELECT g.acc_id, t.agreement_id, 'organization', g.org_id, g.org_id, g.name, g.sort_key,
       g.approved_on, NULL
FROM gen g CROSS JOIN accessions t
WHERE t.id = {sql_str(tacc)} AND g.signatory;

\\copy (SELECT org_id FROM gen WHERE NOT signatory ORDER BY i) TO '{{spare_file}}'
COMMIT;
VACUUM ANALYZE;
"""
    return sql


def ts_like(template, value):
    """A timestamp formatted the way the template's column stores it (SQLite text)."""
    sep = "T" if "T" in template else " "
    text = value.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
    if "." in template:
        text += ".000000"
    return text


def generate_sqlite(path, st, size, spare, spare_file):
    tacc = st["accession"]
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    con.row_factory = sqlite3.Row
    t = con.execute("SELECT * FROM accessions WHERE id = ?", (tacc,)).fetchone()
    if t is None:
        sys.exit("bench: the template accession is missing")
    hist = con.execute("SELECT * FROM accession_history WHERE accession_id = ? ORDER BY seq",
                       (tacc,)).fetchall()
    torg = con.execute("SELECT * FROM organizations WHERE id = ?", (t["organization_id"],)).fetchone()
    doc = json.loads(t["document"])
    created = dt.datetime.fromisoformat(t["created_at"].replace(" ", "T").split(".")[0])
    base_ms = int(created.replace(tzinfo=dt.timezone.utc).timestamp() * 1000) - 10_000_000_000
    orgs, codes, accs, hrows, terms, spares = [], [], [], [], [], []
    for i in range(1, size + spare):
        org_id = uuid7(base_ms + i, f"org{i}")
        name = gen_name(i)
        approved_on = gen_approved_on(i)
        org_time = dt.datetime.combine(approved_on - dt.timedelta(days=60), dt.time(8))
        orgs.append((org_id, name, sort_key(name), org_number(i), LEGAL_FORMS[i % len(LEGAL_FORMS)],
                     f"https://forening{i}.example", None, 1,
                     ts_like(torg["created_at"], org_time), ts_like(torg["updated_at"], org_time)))
        codes.append((org_id, MUNICIPALITY))
        if i % 4 == 0:
            codes.append((org_id, SECOND_MUNICIPALITY))
        if i >= size:
            spares.append(org_id)
            continue
        acc_id = uuid7(base_ms + i, f"acc{i}")
        submitted = dt.datetime.combine(approved_on - dt.timedelta(days=30), dt.time(9))
        approved = dt.datetime.combine(approved_on, dt.time(10))
        d = dict(doc)
        d["id"] = acc_id
        d["signatory"] = {**doc["signatory"], "id": org_id}
        d["approved_on"] = approved_on.isoformat()
        d["submitted_at"] = submitted.strftime("%Y-%m-%dT%H:%M:%SZ")
        accs.append((acc_id, t["agreement_id"], "organization", org_id, org_id, None, name,
                     sort_key(name), "approved", approved_on.isoformat(), None, None,
                     json.dumps(d, ensure_ascii=False, separators=(",", ":")), t["row_version"],
                     ts_like(t["created_at"], submitted), ts_like(t["updated_at"], approved)))
        terms.append((acc_id, t["agreement_id"], "organization", org_id, org_id, name,
                      sort_key(name), approved_on.isoformat(), None))
        for h in hist:
            at = submitted if h["seq"] == 0 else approved
            hrows.append((acc_id, h["seq"], h["event"], h["from_state"], h["to_state"],
                          ts_like(h["at"], at), h["by_sub"], h["reason"]))
    with con:
        con.executemany("INSERT INTO organizations (id, name, sort_key, org_number, legal_form, website, "
                        "description, row_version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)", orgs)
        con.executemany("INSERT INTO organization_municipalities (organization_id, municipality_code) "
                        "VALUES (?,?)", codes)
        con.executemany("INSERT INTO accessions (id, agreement_id, signatory_kind, signatory_id, "
                        "organization_id, public_body_id, signatory_name, signatory_sort_key, state, "
                        "approved_on, left_on, reconfirm_by, document, row_version, created_at, updated_at) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", accs)
        con.executemany("INSERT INTO accession_history (accession_id, seq, event, from_state, to_state, "
                        "at, by_sub, reason) VALUES (?,?,?,?,?,?,?,?)", hrows)
        # The public list reads the projection every accession save writes.
        con.executemany("INSERT INTO signatory_terms (id, agreement_id, signatory_kind, signatory_id, "
                        "organization_id, signatory_name, signatory_sort_key, since, until) "
                        "VALUES (?,?,?,?,?,?,?,?,?)", terms)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with open(spare_file, "w") as f:
        f.write("\n".join(spares) + "\n")


def cmd_generate(a):
    with open(a.state) as f:
        st = json.load(f)
    started = time.monotonic()
    if a.backend == "postgres":
        sql = generate_postgres(a.db, st, a.size, a.spare).replace("{spare_file}", a.spare_file)
        psql(a.db, sql)
    else:
        generate_sqlite(a.db, st, a.size, a.spare, a.spare_file)
    print(f"generated {a.size - 1} signatories (+ the template) and {a.spare} spare organisations "
          f"in {time.monotonic() - started:.1f} s")


# ------------------------------------------------------------------ prepare


# The list query exactly as diesel sends it to PostgreSQL (read off the server's statement
# log), with pgbench variables for its parameters. The `?q=` form adds one condition.
LIST_SQL_PG = (
    'SELECT "signatory_terms"."id", "signatory_terms"."signatory_kind", '
    '"signatory_terms"."signatory_id", "signatory_terms"."signatory_name", '
    '"signatory_terms"."signatory_sort_key", "signatory_terms"."since", "signatory_terms"."until" '
    'FROM "signatory_terms" WHERE {open}((("signatory_terms"."agreement_id" = :agreement) '
    'AND ("signatory_terms"."since" <= :as_of)) '
    'AND (("signatory_terms"."until" IS NULL) OR ("signatory_terms"."until" > :as_of))){q} '
    'ORDER BY "signatory_terms"."signatory_sort_key" ASC, "signatory_terms"."id" ASC LIMIT :limit'
)
Q_CONDITION = ' AND ("signatory_terms"."signatory_sort_key" LIKE :pattern ESCAPE :esc))'
# SQLite's form of the same search (issue 15): the FTS5 trigram table, a quoted phrase.
Q_CONDITION_SQLITE = (' AND signatory_terms.rowid IN (SELECT rowid FROM signatory_terms_search '
                      'WHERE signatory_terms_search MATCH :phrase))')

# The other statements of one list request (persistence::parties), in the server's order:
# r2d2's connection check, the agreement, the page, then the register's details.
REQUEST_SQL_PG = [
    "SELECT 1",
    'SELECT "agreements"."id", "agreements"."document", "agreements"."row_version", '
    '"agreements"."created_at", "agreements"."updated_at" FROM "agreements" '
    'WHERE ("agreements"."id" = :agreement) LIMIT :one',
    None,  # the list query
    'SELECT "organizations"."id", "organizations"."name", "organizations"."sort_key", '
    '"organizations"."org_number", "organizations"."legal_form", "organizations"."website", '
    '"organizations"."description", "organizations"."row_version", "organizations"."created_at", '
    '"organizations"."updated_at" FROM "organizations" WHERE ("organizations"."id" = ANY(:orgs))',
    'SELECT "organization_municipalities"."organization_id", '
    '"organization_municipalities"."municipality_code" FROM "organization_municipalities" '
    'WHERE ("organization_municipalities"."organization_id" = ANY(:orgs)) '
    'ORDER BY "organization_municipalities"."organization_id", '
    '"organization_municipalities"."municipality_code"',
    'SELECT "public_bodies"."id", "public_bodies"."name", "public_bodies"."sort_key", '
    '"public_bodies"."kind", "public_bodies"."scb_code", "public_bodies"."website", '
    '"public_bodies"."row_version", "public_bodies"."created_at", "public_bodies"."updated_at" '
    'FROM "public_bodies" WHERE ("public_bodies"."id" = ANY(:no_bodies))',
    'SELECT "public_bodies"."scb_code", "public_bodies"."name" FROM "public_bodies" '
    'WHERE (("public_bodies"."kind" = :municipality) AND ("public_bodies"."scb_code" = ANY(:codes)))',
]


def list_sql(q=False, sqlite=False):
    """The first page's list query as persistence::accessions::signatories builds it."""
    condition = Q_CONDITION_SQLITE if sqlite else Q_CONDITION
    sql = LIST_SQL_PG.replace("{open}", "(" if q else "").replace("{q}", condition if q else "")
    return sql


def fts5_phrase(needle):
    return '"' + needle.replace('"', '""') + '"'


def cmd_prepare(a):
    with open(a.state) as f:
        st = json.load(f)
    base = a.base.rstrip("/")
    agreement = st["agreement"]
    out = a.out
    os.makedirs(out, exist_ok=True)
    list_path = f"/api/v1/agreements/{agreement}/signatories?limit=50"
    code, headers, body = http("GET", base + list_path)
    if code != 200:
        sys.exit(f"bench: list: {code} {body[:300]!r}")
    page = json.loads(body)
    if len(page["items"]) != min(50, a.size) or (a.size > 50) != bool(page.get("next_cursor")):
        sys.exit(f"bench: list: expected a first page of {min(50, a.size)}, got {len(page['items'])}")
    etag = {k.lower(): v for k, v in headers.items()}["etag"]
    code, _, _ = http("GET", base + list_path, headers={"If-None-Match": etag})
    if code != 304:
        sys.exit(f"bench: If-None-Match gave {code}, not 304")
    # nginx serves the same bytes at the same path (it ignores the query string).
    docroot = os.path.join(out, "docroot")
    target = os.path.join(docroot, list_path.split("?")[0].lstrip("/"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as f:
        f.write(body)
    with open(os.path.join(out, "list.paths"), "w") as f:
        f.write(list_path + "\n")
    with open(os.path.join(out, "q.paths"), "w") as f:
        for w in Q_WORDS:
            f.write(f"{list_path}&q={urllib.parse.quote(w)}\n")
    for w in Q_WORDS[:2]:
        code, _, b = http("GET", f"{base}{list_path}&q={urllib.parse.quote(w)}")
        n = len(json.loads(b)["items"]) if code == 200 else -1
        if n < 1:
            sys.exit(f"bench: ?q={w}: {code}, {n} items")
    # The data set has the size asked for (counted in the database: the API's whole-list
    # endpoints are measured, not used as checks), and generated accessions read back
    # through the domain (their documents and history deserialize).
    count_sql = ("SELECT count(*) FROM accessions WHERE agreement_id = '%s' AND state = 'approved'"
                 % agreement)
    if a.backend == "sqlite":
        con = sqlite3.connect(a.db)
        count = con.execute(count_sql).fetchone()[0]
        con.close()
    else:
        count = int(psql(a.db, count_sql, "-At").strip())
    if count != a.size:
        sys.exit(f"bench: expected {a.size} signatories, found {count}")
    sample = [i["signatory"]["id"] for i in page["items"][:3]]
    for org in sample:
        code, _, b = http("GET", f"{base}/api/v1/organizations/{org}")
        if code != 200:
            sys.exit(f"bench: organisation {org}: {code}")
    checked = check_accessions(a, st, base)
    # CSV: only where it is measured, and only if the server has it.
    csv = csv_request(a.binary, agreement) if a.csv else None
    with open(os.path.join(out, "csv.json"), "w") as f:
        json.dump(csv, f)
    if csv:
        started = time.monotonic()
        code, h, b = http("GET", base + csv["path"], headers=csv["headers"], timeout=600)
        csv["seconds"] = round(time.monotonic() - started, 2)
        csv["status"], csv["bytes"] = code, len(b)
        csv["lines"] = b.count(b"\n")
        with open(os.path.join(out, "csv.json"), "w") as f:
            json.dump(csv, f)
        if code == 200:
            with open(os.path.join(out, "csv.paths"), "w") as f:
                f.write(csv["path"] + "\n")
        else:
            print(f"warning: the CSV export answered {code}: (2) will be skipped")
    as_of = dt.date.today().isoformat()
    # pgbench scripts (PostgreSQL): the server's statements with its parameters, run with
    # -M prepared as diesel runs them (named prepared statements, cached per connection).
    with open(os.path.join(out, "list.sql"), "w") as f:
        f.write("-- The first page of the public list (persistence::accessions::signatories).\n")
        f.write(list_sql() + ";\n")
    with open(os.path.join(out, "q.sql"), "w") as f:
        f.write("-- The first page of the list with ?q=WORD, WORD one of the searches wrk sends.\n")
        f.write(f"\\set w random(1, {len(Q_WORDS)})\n")
        patterns = sql_array(like_contains(sort_key(w)) for w in Q_WORDS)
        f.write(list_sql(q=True).replace(":pattern", f"({patterns})[:w]") + ";\n")
    with open(os.path.join(out, "request.sql"), "w") as f:
        f.write("-- Every statement of one first-page request, in the server's order.\n")
        for sql in REQUEST_SQL_PG:
            f.write((sql or list_sql()) + ";\n")
    orgs = sorted(i["signatory"]["id"] for i in page["items"])
    codes = sorted({c for i in page["items"] for c in i.get("municipality_codes", [])})
    variables = {"agreement": agreement, "states": "{approved,withdrawn,ended}", "as_of": as_of,
                 "limit": "51", "esc": "\\", "one": "1", "orgs": "{" + ",".join(orgs) + "}",
                 "no_bodies": "{}", "municipality": "municipality", "codes": "{" + ",".join(codes) + "}"}
    with open(os.path.join(out, "pgbench.args"), "w") as f:
        for k, v in variables.items():
            f.write(f"-D\n{k}={v}\n")
    states = variables["states"]
    meta = {"etag": etag, "list_bytes": len(body), "as_of": as_of, "states": states,
            "agreement": agreement, "accessions_checked": checked, "csv": csv,
            "first_page_orgs": [i["signatory"]["id"] for i in page["items"]]}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f)
    print(f"first page: {len(body)} bytes, ETag {etag}; {count} signatories; "
          f"{checked} generated accessions read back; CSV: "
          + (f"{csv['path']} {csv.get('bytes')} bytes in {csv.get('seconds')} s" if csv
             else "not measured here" if not a.csv else "not in the OpenAPI document"))


def cmd_explain(a):
    """The plan of the ?q= list query, as the server runs it (issue 15: the index is used)."""
    with open(a.meta) as f:
        meta = json.load(f)
    word = sort_key(Q_WORDS[0])
    if a.backend == "postgres":
        sql = (list_sql(q=True).replace(":agreement", sql_str(meta["agreement"]))
               .replace(":as_of", sql_str(meta["as_of"])).replace(":limit", "51")
               .replace(":pattern", sql_str(like_contains(word))).replace(":esc", sql_str("\\")))
        # Fresh statistics, as autovacuum would have them after the load.
        psql(a.db, "ANALYZE signatory_terms")
        plan = psql(a.db, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, "-At")
    else:
        con = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
        rows = con.execute("EXPLAIN QUERY PLAN " + list_sql(q=True, sqlite=True),
                           {"agreement": meta["agreement"], "as_of": meta["as_of"], "limit": 51,
                            "phrase": fts5_phrase(word)}).fetchall()
        con.close()
        plan = "\n".join(f"{'  ' * 0}{r[-1]}" for r in rows)
    text = f"{a.backend} {a.size}, ?q={Q_WORDS[0]}:\n{plan}"
    print(text)
    with open(a.out, "w") as f:
        f.write(text + "\n")


def cmd_embed_cold(a):
    """The embeddable page built from scratch (issue 15): one request at a time, each with a
    date no request asked before (a cache miss), dates chosen so that about --rows
    signatories are current; the server's CPU time per page from /proc."""
    with open(a.state) as f:
        st = json.load(f)
    agreement = st["agreement"]
    if a.size > a.rows:
        first_day = round(a.rows * APPROVAL_SPREAD_DAYS / a.size)
    else:
        first_day = APPROVAL_SPREAD_DAYS + 400  # every signatory
    tick = os.sysconf("SC_CLK_TCK")

    def cpu():
        with open(f"/proc/{a.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    lat, rows_seen, failed = [], [], 0
    c0, start = cpu(), time.perf_counter()
    for k in range(a.count):
        day = FIRST_APPROVAL + dt.timedelta(days=first_day + k)
        t0 = time.perf_counter()
        code, _, body = http("GET", f"{a.base}/embed/agreements/{agreement}/signatories"
                             f"?as_of={day.isoformat()}")
        lat.append(time.perf_counter() - t0)
        if code != 200:
            failed += 1
        rows_seen.append(body.count(b"<tr") - 1)
    elapsed, used = time.perf_counter() - start, cpu() - c0
    lat.sort()
    per_page_ms = used / a.count * 1000
    rows = round(statistics.fmean(rows_seen))
    print("BENCH_JSON " + json.dumps({
        "requests": a.count, "duration_us": int(elapsed * 1e6), "bytes": 0,
        "errors": {"status": failed},
        "server_cpu_ms": per_page_ms, "rows": rows,
        "latency_us": {"p50": lat[len(lat) // 2] * 1e6, "p90": lat[int(len(lat) * 0.9)] * 1e6,
                       "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1e6,
                       "max": lat[-1] * 1e6, "mean": statistics.fmean(lat) * 1e6}}))


def check_accessions(a, st, base):
    """Reads a few generated accessions through GET /accessions/{id}: their documents and
    history must deserialize as the server's own."""
    if a.backend == "sqlite":
        con = sqlite3.connect(a.db)
        ids = [r[0] for r in con.execute(
            "SELECT id FROM accessions WHERE agreement_id = ? AND id <> ? ORDER BY id LIMIT 3",
            (st["agreement"], st["accession"]))]
        con.close()
    else:
        ids = psql(a.db, f"SELECT id FROM accessions WHERE agreement_id = {sql_str(st['agreement'])} "
                         f"AND id <> {sql_str(st['accession'])} ORDER BY id LIMIT 3", "-At").split()
    for i in ids:
        code, _, b = http("GET", f"{base}/api/v1/accessions/{i}", st["admin_token"])
        doc = json.loads(b) if code == 200 else {}
        if code != 200 or doc.get("state") != "approved" or len(doc.get("history", [])) != 2:
            sys.exit(f"bench: generated accession {i} does not read back: {code} {b[:300]!r}")
    return len(ids)


def csv_request(binary, agreement):
    doc = json.loads(subprocess.run([binary, "openapi"], check=True, capture_output=True,
                                    text=True).stdout)
    paths = doc.get("paths", {})
    for p in paths:
        if p.endswith("/signatories.csv"):
            return {"path": p.replace("{id}", agreement), "headers": {}}
    op = paths.get("/api/v1/agreements/{id}/signatories", {}).get("get", {})
    content = op.get("responses", {}).get("200", {}).get("content", {})
    if any(k.startswith("text/csv") for k in content):
        return {"path": f"/api/v1/agreements/{agreement}/signatories", "headers": {"Accept": "text/csv"}}
    return None


# ------------------------------------------------------------------ SQLite ceiling


def cmd_sqlite_ceiling(a):
    with open(a.meta) as f:
        meta = json.load(f)
    con = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    sql = list_sql(a.which == "q", sqlite=True)
    phrases = [fts5_phrase(sort_key(w)) for w in Q_WORDS]
    params = {"agreement": meta["agreement"], "as_of": meta["as_of"], "limit": 51, "esc": "\\",
              "s1": "approved", "s2": "withdrawn", "s3": "ended"}
    lat = []
    n = 0
    end = time.perf_counter() + a.duration
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        if t0 >= end:
            break
        if a.which == "q":
            params["phrase"] = phrases[n % len(phrases)]
        rows = con.execute(sql, params).fetchall()
        if not rows:
            sys.exit("bench: the SQLite list query found nothing")
        lat.append(time.perf_counter() - t0)
        n += 1
    elapsed = time.perf_counter() - start
    lat.sort()
    print("BENCH_JSON " + json.dumps({
        "requests": n, "duration_us": int(elapsed * 1e6), "bytes": 0,
        "errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0},
        "latency_us": {"p50": lat[len(lat) // 2] * 1e6, "p90": lat[int(len(lat) * 0.9)] * 1e6,
                       "p99": lat[int(len(lat) * 0.99)] * 1e6, "max": lat[-1] * 1e6,
                       "mean": statistics.fmean(lat) * 1e6}}))


# ------------------------------------------------------------------ results


def parse_pgbench(text, logs):
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    done = re.search(r"number of transactions actually processed: (\d+)", text)
    if not tps or not done:
        return None
    lat = []
    for path in logs:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3:
                    lat.append(int(parts[2]))
    lat.sort()
    pick = (lambda p: lat[min(len(lat) - 1, int(len(lat) * p))]) if lat else (lambda p: 0)
    n = int(done.group(1))
    rate = float(tps.group(1))
    return {"requests": n, "duration_us": int(n / rate * 1e6) if rate else 0, "bytes": 0,
            "errors": {"failed": int(failed.group(1)) if failed else 0},
            "latency_us": {"p50": pick(0.5), "p90": pick(0.9), "p99": pick(0.99),
                           "max": lat[-1] if lat else 0,
                           "mean": statistics.fmean(lat) if lat else 0}}


def cmd_record(a):
    text = open(a.output, encoding="utf-8", errors="replace").read()
    data = parse_pgbench(text, a.log or []) if a.kind == "pgbench" else None
    m = re.search(r"^BENCH_JSON (.*)$", text, re.M)
    if a.kind not in ("pgbench", "startup") and m:
        data = json.loads(m.group(1))
    if a.kind == "startup":
        # bench/run.sh wrote "seconds" for the time from spawn to the first 200 of /ready.
        secs = float(text.strip() or 0)
        data = {"requests": 1, "duration_us": int(secs * 1e6), "bytes": 0,
                "errors": {"not_ready": 0 if secs > 0 else 1}, "startup_s": secs,
                "latency_us": {"p50": secs * 1e6, "p90": secs * 1e6, "p99": secs * 1e6,
                               "max": secs * 1e6, "mean": secs * 1e6}}
    note = a.note or ""
    if data is None:
        # The run failed: keep going, and say so in the table (it counts as an error).
        print(f"bench: no result from {a.scenario}; its output ends:\n" + text[-1500:], file=sys.stderr)
        data = {"requests": 0, "duration_us": 0, "bytes": 0, "errors": {"no_result": 1},
                "latency_us": {"p50": 0, "p90": 0, "p99": 0, "max": 0, "mean": 0}}
        note = f"FAILED, no result (see {os.path.basename(a.output)}); " + note
    data.update({"backend": a.backend, "size": a.size, "scenario": a.scenario,
                 "connections": a.connections, "peak_kb": a.peak_kb, "note": note.rstrip("; ")})
    if a.cpu is not None:
        data["cpu_pct"] = a.cpu
    if data.get("ran_out"):
        data["errors"]["ran_out"] = data["ran_out"]
        data["note"] = ("ran out of spare organisations, so the rate is understated: raise "
                        "BENCH_SPARE; " + data["note"]).rstrip("; ")
    secs = data["duration_us"] / 1e6 if data["duration_us"] else 0
    data["rps"] = data["requests"] / secs if secs else 0
    if "approved" in data and secs:
        data["approvals_per_s"] = data["approved"] / secs
    if data["requests"]:
        data["bytes_per_response"] = data["bytes"] / data["requests"]
        # A 304 has headers only: bodies mean the ETag did not match.
        if a.scenario.endswith("_304") and data["bytes_per_response"] > 1500:
            data["errors"]["not_304"] = data["requests"]
            data["note"] = (f"NOT 304s: {data['bytes_per_response']:.0f} bytes a response; "
                            + data["note"]).rstrip("; ")
    data["errors_total"] = sum(data["errors"].values())
    with open(a.results, "a") as f:
        f.write(json.dumps(data, ensure_ascii=False) + "\n")
    print(f"  {a.scenario:<28} {data['rps']:>10.0f} req/s  p50 {data['latency_us']['p50'] / 1000:.2f} ms"
          f"  p99 {data['latency_us']['p99'] / 1000:.2f} ms  errors {data['errors_total']}"
          + (f"  peak {a.peak_kb / 1024:.1f} MB" if a.peak_kb else "")
          + (f"  CPU {a.cpu} %" if a.cpu is not None else ""))


SCENARIOS = [
    ("list", "(1) list, first page of 50"),
    ("list_304", "(1) list, If-None-Match → 304"),
    ("list_q", "list ?q= (uncached)"),
    ("list_flood", "cache flood (random parameters and q=)"),
    ("embed_cold", "embed page built from scratch"),
    ("csv", "(2) CSV export"),
    ("write", "(3) submit + approve"),
    ("startup_empty", "start-up to /ready, empty database"),
    ("startup", "start-up to /ready, with the data"),
    ("nginx", "(4) nginx, same bytes"),
    ("nginx_304", "(4) nginx, 304"),
    ("pgbench_list", "(4) pgbench, list SQL"),
    ("pgbench_q", "(4) pgbench, ?q= SQL"),
    ("pgbench_request", "(4) pgbench, all SQL of one list request"),
    ("sqlite_list", "(4) sqlite3 loop, list SQL"),
    ("sqlite_q", "(4) sqlite3 loop, ?q= SQL"),
]
LABEL = dict(SCENARIOS)
ORDER = {k: i for i, (k, _) in enumerate(SCENARIOS)}


def fmt_int(n):
    return f"{n:,.0f}".replace(",", " ")


def cmd_report(a):
    rows = [json.loads(l) for l in open(a.results, encoding="utf-8") if l.strip()]
    with open(a.machine) as f:
        machine = json.load(f)
    rows.sort(key=lambda r: (r["backend"], r["size"], ORDER.get(r["scenario"], 99)))
    by = {(r["backend"], r["size"], r["scenario"]): r for r in rows}
    lines = []
    head = ("| backend | signatories | measurement | conns | req/s | p50 ms | p99 ms | errors "
            "| peak MB | CPU | notes |")
    lines += [head, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        note = r.get("note", "")
        if "server_cpu_ms" in r:
            note = (f"{r['server_cpu_ms']:.1f} ms server CPU a page of ~{fmt_int(r['rows'])} rows"
                    + (f"; {note}" if note else ""))
        if "startup_s" in r:
            note = f"{r['startup_s']:.2f} s to the first 200 of /ready" + (f"; {note}" if note else "")
        if "approvals_per_s" in r:
            note = (f"{fmt_int(r['approvals_per_s'])} approvals/s "
                    f"({r['submitted']} submitted, {r['approved']} approved)"
                    + (f"; {note}" if note else ""))
        lines.append("| {} | {} | {} | {} | {} | {:.2f} | {:.2f} | {} | {} | {} | {} |".format(
            r["backend"], fmt_int(r["size"]), LABEL.get(r["scenario"], r["scenario"]),
            r["connections"], fmt_int(r["rps"]), r["latency_us"]["p50"] / 1000,
            r["latency_us"]["p99"] / 1000, r["errors_total"],
            f"{r['peak_kb'] / 1024:.1f}" if r.get("peak_kb") else "–",
            f"{r['cpu_pct']} %" if r.get("cpu_pct") is not None else "–", note))

    def ratio(x, y):
        return x / y if x is not None and y else None

    rlines = ["| backend | signatories | list / nginx | 304 / nginx 304 | list / DB list SQL "
              "| ?q= / DB ?q= SQL | list / DB all SQL of a request | approvals/s |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    checks = []
    backends = sorted({r["backend"] for r in rows})
    sizes = sorted({r["size"] for r in rows})
    for b in backends:
        db = "pgbench" if b == "postgres" else "sqlite"
        for n in sizes:
            g = lambda s: by.get((b, n, s), {}).get("rps")
            vals = [ratio(g("list"), g("nginx")), ratio(g("list_304"), g("nginx_304")),
                    ratio(g("list"), g(f"{db}_list")), ratio(g("list_q"), g(f"{db}_q")),
                    ratio(g("list"), g(f"{db}_request"))]
            w = by.get((b, n, "write"), {}).get("approvals_per_s")
            if not (all(v is None for v in vals) and w is None):
                rlines.append(f"| {b} | {fmt_int(n)} | " + " | ".join(
                    "–" if v is None else f"{v * 100:.0f} %" for v in vals)
                    + f" | {fmt_int(w) if w is not None else '–'} |")
            if vals[0] is not None:
                checks.append((f"{b} {fmt_int(n)}: list ≥ 80 % of nginx", vals[0] >= 0.8, f"{vals[0] * 100:.0f} %"))
            if vals[1] is not None:
                checks.append((f"{b} {fmt_int(n)}: 304 ≥ 90 % of nginx's 304", vals[1] >= 0.9, f"{vals[1] * 100:.0f} %"))
            if vals[3] is not None:
                checks.append((f"{b} {fmt_int(n)}: ?q= ≥ 50 % of {'pgbench' if b == 'postgres' else 'the sqlite3 loop'} on the same indexed SQL",
                               vals[3] >= 0.5, f"{vals[3] * 100:.0f} %"))
            q = by.get((b, n, "list_q"))
            if b == "postgres" and q and n >= 100000:
                checks.append((f"{b} {fmt_int(n)}: ?q= ≥ 2 000 req/s, p99 < 20 ms (issue 15)",
                               q["rps"] >= 2000 and q["latency_us"]["p99"] < 20_000,
                               f"{fmt_int(q['rps'])} req/s, p99 {q['latency_us']['p99'] / 1000:.1f} ms"))
            wr = by.get((b, n, "write"))
            if b == "postgres" and w is not None:
                checks.append((f"{b} {fmt_int(n)}: ≥ 1 000 approvals/s, p99 < 100 ms, no errors", w >= 1000
                               and wr["latency_us"]["p99"] < 100_000 and wr["errors_total"] == 0,
                               f"{fmt_int(w)}/s, p99 {wr['latency_us']['p99'] / 1000:.1f} ms, {wr['errors_total']} errors"))
            if b == "sqlite" and w is not None:
                checks.append((f"{b} {fmt_int(n)}: ≥ 700 approvals/s", w >= 700, fmt_int(w)))
            e = by.get((b, n, "embed_cold"))
            if e and "server_cpu_ms" in e:
                checks.append((f"{b} {fmt_int(n)}: embed page of ~{fmt_int(e['rows'])} rows (3 000 asked) built in < 20 ms of server CPU",
                               e["server_cpu_ms"] < 20, f"{e['server_cpu_ms']:.1f} ms"))
            c = by.get((b, n, "csv"))
            if c and c.get("peak_kb"):
                checks.append((f"{b} {fmt_int(n)}: CSV export peak RSS < 100 MB", c["peak_kb"] < 100 * 1024,
                               f"{c['peak_kb'] / 1024:.1f} MB"))
            f = by.get((b, n, "list_flood"))
            if f and f.get("peak_kb"):
                checks.append((f"{b} {fmt_int(n)}: cache flood peak RSS < 100 MB", f["peak_kb"] < 100 * 1024,
                               f"{f['peak_kb'] / 1024:.1f} MB"))
            for scenario, limit in (("startup_empty", 1.0), ("startup", 3.0)):
                r0 = by.get((b, n, scenario))
                if r0 and (scenario == "startup_empty" or n >= 100000):
                    checks.append((f"{b} {fmt_int(n)}: {LABEL[scenario]} < {limit:.0f} s",
                                   r0["startup_s"] < limit, f"{r0['startup_s']:.2f} s"))
        small, large = by.get((b, min(sizes), "list")), by.get((b, max(sizes), "list"))
        if small and large and min(sizes) != max(sizes):
            v = large["rps"] / small["rps"]
            checks.append((f"{b}: list rate at {fmt_int(max(sizes))} within 10 % of {fmt_int(min(sizes))}",
                           v >= 0.9, f"{v * 100:.0f} %"))
    server = [r for r in rows if r["scenario"] in ("list", "list_304", "list_q", "csv", "write")]
    p99 = [r for r in server if r["connections"] == 64]
    if p99:
        worst = max(p99, key=lambda r: r["latency_us"]["p99"])
        checks.append(("p99 < 10 ms at 64 connections (server)", worst["latency_us"]["p99"] < 10_000,
                       f"worst {worst['latency_us']['p99'] / 1000:.2f} ms ({worst['backend']} "
                       f"{fmt_int(worst['size'])} {worst['scenario']})"))
    errs = sum(r["errors_total"] for r in rows)
    checks.append(("zero errors", errs == 0, f"{errs}"))
    peaks = [r for r in server if r.get("peak_kb")]
    if peaks:
        top = max(peaks, key=lambda r: r["peak_kb"])
        checks.append(("server peak memory < 100 MB", top["peak_kb"] < 100 * 1024,
                       f"{top['peak_kb'] / 1024:.1f} MB ({top['backend']} {fmt_int(top['size'])} {top['scenario']})"))
    clines = ["| target | met | measured |", "|---|---|---|"]
    clines += [f"| {t} | {'yes' if ok else '**no**'} | {m} |" for t, ok, m in checks]

    md = [f"# Benchmark results{' (QUICK RUN: short, smallest size only; not for the record)' if machine.get('quick') else ''}",
          "",
          f"Run on {machine['date']} by `bench/run.sh` (see `bench/README.md` for what each figure means).",
          "",
          "## Machine", ""]
    md += [f"- {k}: {v}" for k, v in machine["facts"].items()]
    md += ["", "## Measurements", "",
           f"Each measurement ran {machine['duration']} s; server pinned to CPU {machine['server_cpu']}, "
           f"load generator to CPU {machine['client_cpu']} (`taskset`). Latency in milliseconds; "
           "peak MB is the server's VmHWM during that measurement; CPU is the share of one CPU "
           "the server (for the nginx rows, nginx's worker) used while the load ran.", ""]
    md += lines
    md += ["", "## Ratios", ""] + rlines
    md += ["", "## Targets (issues 6, 13, 15)", "",
           "Each row names its target and whether this run met it."] + [""] + clines
    plans = [open(p, encoding="utf-8").read().rstrip() for p in a.plans if os.path.exists(p)]
    if plans:
        md += ["", "## Plans of the ?q= query (EXPLAIN, printed once per backend)", ""]
        for plan in plans:
            md += ["```", plan, "```", ""]
    if machine.get("notes"):
        md += ["", "## Notes", ""] + [f"- {n}" for n in machine["notes"]]
    text = "\n".join(md) + "\n"
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    print("\n".join(lines + [""] + rlines + [""] + clines))


def cmd_machine(a):
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
        except Exception:  # noqa: BLE001 - a fact we cannot read is left out
            return ""
    cpu = sh("lscpu | sed -n 's/^Model name: *//p' | head -n1")
    facts = {
        "CPU": f"{cpu} ({os.cpu_count()} logical CPUs)",
        "memory": sh("awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo"),
        "OS": sh(". /etc/os-release && echo \"$PRETTY_NAME\"") + ", kernel " + os.uname().release,
        "load average at start": open("/proc/loadavg").read().split(" ")[0:3] and " ".join(open("/proc/loadavg").read().split()[:3]),
        "samverkan": sh("git rev-parse --short HEAD") + (" (with uncommitted changes)" if sh("git status --porcelain --untracked-files=no") else ""),
        "rustc": sh("rustc --version"),
        "PostgreSQL": sh("psql -X -At -c 'SHOW server_version' " + (a.pg or "''") + " 2>/dev/null") if a.pg else "not used",
        "SQLite": "bundled with libsqlite3-sys (server); Python's sqlite3 " + sqlite3.sqlite_version + " (generator, ceiling loop)",
        "wrk": sh("wrk -v 2>&1 | head -n1"),
        "nginx": sh("nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1"),
        "pgbench": sh("pgbench --version"),
    }
    data = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "facts": facts, "duration": a.duration, "server_cpu": a.server_cpu,
            "client_cpu": a.client_cpu, "quick": a.quick, "notes": a.note or []}
    with open(a.out, "w") as f:
        json.dump(data, f, ensure_ascii=False)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup")
    s.add_argument("--base", required=True)
    s.add_argument("--bin", required=True)
    s.add_argument("--state", required=True)
    s = sub.add_parser("generate")
    s.add_argument("--backend", choices=["postgres", "sqlite"], required=True)
    s.add_argument("--db", required=True)
    s.add_argument("--state", required=True)
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--spare", type=int, required=True)
    s.add_argument("--spare-file", required=True)
    s = sub.add_parser("prepare")
    s.add_argument("--backend", choices=["postgres", "sqlite"], required=True)
    s.add_argument("--db", required=True)
    s.add_argument("--base", required=True)
    s.add_argument("--state", required=True)
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--binary", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--csv", action="store_true", help="the CSV export is measured on this data set")
    s = sub.add_parser("sqlite-ceiling")
    s.add_argument("--db", required=True)
    s.add_argument("--meta", required=True)
    s.add_argument("--which", choices=["list", "q"], required=True)
    s.add_argument("--duration", type=float, required=True)
    s = sub.add_parser("explain")
    s.add_argument("--backend", choices=["postgres", "sqlite"], required=True)
    s.add_argument("--db", required=True)
    s.add_argument("--meta", required=True)
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("embed-cold")
    s.add_argument("--base", required=True)
    s.add_argument("--state", required=True)
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--pid", type=int, required=True)
    s.add_argument("--rows", type=int, default=3000)
    s.add_argument("--count", type=int, default=50)
    s = sub.add_parser("record")
    s.add_argument("--kind", choices=["wrk", "pgbench", "loop", "startup"], required=True)
    s.add_argument("--output", required=True)
    s.add_argument("--log", nargs="*")
    s.add_argument("--results", required=True)
    s.add_argument("--backend", required=True)
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--scenario", required=True)
    s.add_argument("--connections", type=int, required=True)
    s.add_argument("--peak-kb", type=int, default=0)
    s.add_argument("--cpu", type=int, help="per cent of one CPU the server used")
    s.add_argument("--note")
    s = sub.add_parser("report")
    s.add_argument("--results", required=True)
    s.add_argument("--machine", required=True)
    s.add_argument("--plans", nargs="*", default=[])
    s.add_argument("--out", required=True)
    s = sub.add_parser("machine")
    s.add_argument("--out", required=True)
    s.add_argument("--pg")
    s.add_argument("--duration", required=True)
    s.add_argument("--server-cpu", required=True)
    s.add_argument("--client-cpu", required=True)
    s.add_argument("--quick", action="store_true")
    s.add_argument("--note", action="append")
    a = p.parse_args()
    {"setup": cmd_setup, "generate": cmd_generate, "prepare": cmd_prepare,
     "sqlite-ceiling": cmd_sqlite_ceiling, "record": cmd_record, "report": cmd_report,
     "explain": cmd_explain, "embed-cold": cmd_embed_cold,
     "machine": cmd_machine}[a.cmd](a)


if __name__ == "__main__":
    main()
