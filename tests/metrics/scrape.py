"""The metrics read back with Prometheus's own Python parser (prometheus_client): after known
traffic at a real `samverkan serve --demo`, the counters moved as the traffic implies, route
labels are templates (their braces parse), and /metrics is not on the public port.

  scrape.py BASE METRICS_BASE      (prints "metrics: ok" or fails with the reason)
"""
import json
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def scrape(metrics_base):
    status, text = get(metrics_base + "/metrics")
    assert status == 200, status
    samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples, text


def value(samples, name, **labels):
    return sum(v for (n, ls), v in samples.items()
               if n == name and all(dict(ls).get(k) == w for k, w in labels.items()))


def main(base, metrics_base):
    before, _ = scrape(metrics_base)
    status, body = get(base + "/api/v1/agreements")
    assert status == 200, status
    agreement = json.loads(body)["items"][0]["id"]
    for _ in range(3):
        assert get(f"{base}/api/v1/agreements/{agreement}/signatories")[0] == 200
    assert get(base + "/ingenstans")[0] == 404
    assert get(base + "/metrics")[0] == 404, "the metrics are not on the public port"
    after, text = scrape(metrics_base)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    route = "/api/v1/agreements/{id}/signatories"
    checks = [
        (moved("samverkan_http_requests_total", route=route, method="GET", status="2xx"), 3),
        (moved("samverkan_http_requests_total", route="/api/v1/agreements", method="GET", status="2xx"), 1),
        (moved("samverkan_http_requests_total", route="unmatched", status="4xx"), 2),
        (moved("samverkan_http_request_duration_seconds_count", route=route, method="GET"), 3),
        # Only the signatory list is cached: one miss, then hits (or a second miss when the
        # watcher cleared the cache meanwhile); three reads either way.
        (moved("samverkan_cache_hits_total") + moved("samverkan_cache_misses_total"), 3),
        (value(after, "samverkan_build_info", version=sys.argv[3]), 1),
    ]
    failed = [(i, got, want) for i, (got, want) in enumerate(checks) if got != want]
    assert not failed, f"checks (index, got, wanted): {failed}\n{text}"
    assert agreement not in text, "no ids in labels"
    assert value(after, "process_start_time_seconds") > 1.7e9
    assert any(float(dict(ls)["le"]) < 0.0001
               for (n, ls) in after if n == "samverkan_http_request_duration_seconds_bucket"), \
        "a bucket under 0.1 ms"
    print("metrics: ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
