"""Summarises a Spectral or Redocly JSON report for .ci/contract: the counts by severity, then
each rule with its count and a few of the places it fires. Exits 1 when there is any error or
warning (the exceptions live in .spectral.yaml and redocly.yaml, not here).

    python3 lint-summary.py spectral|redocly REPORT.json [EXAMPLES]
"""

import collections
import json
import sys

tool, path = sys.argv[1], sys.argv[2]
examples = int(sys.argv[3]) if len(sys.argv) > 3 else 3

with open(path, encoding="utf-8") as f:
    report = json.load(f)


def place(segments):
    """`GET /api/v1/x responses.200` for a place in an operation, `info.license` elsewhere."""
    segments = [str(s) for s in segments]
    if len(segments) >= 3 and segments[0] == "paths":
        return " ".join([segments[2].upper(), segments[1]] + ([".".join(segments[3:])] if segments[3:] else []))
    if len(segments) == 2 and segments[0] == "paths":
        return segments[1]
    return ".".join(segments) or "(document)"


# (severity, rule, where, message) for every finding.
findings = []
if tool == "spectral":
    names = {0: "error", 1: "warning", 2: "info", 3: "hint"}
    for r in report:
        where = place(r.get("path", []))
        findings.append((names.get(r["severity"], str(r["severity"])), r["code"], where, r["message"]))
elif tool == "redocly":
    names = {"error": "error", "warn": "warning"}
    for p in report["problems"]:
        location = (p.get("location") or [{}])[0]
        pointer = location.get("pointer", "#").lstrip("#").strip("/")
        where = place([p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")] if pointer else [])
        findings.append((names.get(p["severity"], p["severity"]), p["ruleId"], where, p["message"]))
else:
    sys.exit(f"unknown tool {tool}")

counts = collections.Counter(severity for severity, *_ in findings)
errors, warnings = counts["error"], counts["warning"]
others = sum(n for s, n in counts.items() if s not in ("error", "warning"))
print(f"{tool}: {errors} errors, {warnings} warnings" + (f" ({others} info/hints, not counted)" if others else ""))

by_rule = collections.defaultdict(list)
for severity, rule, where, message in findings:
    by_rule[(severity, rule)].append((where, message))
order = {"error": 0, "warning": 1}
for (severity, rule), places in sorted(by_rule.items(), key=lambda kv: (order.get(kv[0][0], 2), kv[0][1])):
    print(f"  {severity:7} {rule} ×{len(places)}: {places[0][1]}")
    for where, _ in places[:examples]:
        print(f"            {where}")
    if len(places) > examples:
        print(f"            … and {len(places) - examples} more")

sys.exit(1 if errors or warnings else 0)
