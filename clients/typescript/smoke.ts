// Smoke test of a TypeScript client: types generated from the OpenAPI document by
// openapi-typescript, calls made with openapi-fetch (same project), compiled by tsc --strict
// and run with node against `samverkan serve --demo`.
//
// `.ci/contract` copies this file next to the generated `schema.d.ts` and runs it with the
// server's address in SAMVERKAN_URL and a platform administrator's token in SAMVERKAN_TOKEN.
// It does what an integrator's first program does:
// - lists agreements and pages through the signatories on one `as_of` date, with a client
//   that sends no token (public reads are open to anyone);
// - reads the same page again with `If-None-Match` and gets 304;
// - creates an organisation with an `Idempotency-Key` (and retries it: the same 201 comes back);
// - updates it with `If-Match` (and a stale ETag is refused, 412);
// - parses a 422 and a 409 into the typed `Problem` and switches on their codes.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Problem = components["schemas"]["Problem"];

function fail(message: string): never {
  console.error(`smoke (typescript): FAILED: ${message}`);
  process.exit(1);
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

// A fresh, valid organisationsnummer: nine digits (the third at least 2, so never a personal
// identity number) and the Luhn check digit.
function orgNumber(): string {
  const digits = [8, 0, 2, ...Array.from({ length: 6 }, () => Math.floor(Math.random() * 10))];
  const total = digits.reduce((sum, d, i) => {
    const p = d * (i % 2 === 0 ? 2 : 1);
    return sum + Math.floor(p / 10) + (p % 10);
  }, 0);
  const text = digits.join("") + String((10 - (total % 10)) % 10);
  return `${text.slice(0, 6)}-${text.slice(6)}`;
}

function withWrongCheckDigit(number: string): string {
  return number.slice(0, -1) + String((Number(number.slice(-1)) + 1) % 10);
}

function etagOf(response: Response): string {
  const etag = response.headers.get("ETag");
  check(etag !== null, `no ETag on a ${response.status} response`);
  return etag;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

async function main(): Promise<void> {
  const baseUrl = process.env["SAMVERKAN_URL"] ?? fail("SAMVERKAN_URL is not set");
  const token = process.env["SAMVERKAN_TOKEN"] ?? fail("SAMVERKAN_TOKEN is not set");
  // Public reads with a client that sends no token, as a municipal website makes them.
  const open = createClient<paths>({ baseUrl });
  const admin = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

  // 1. Agreements, then the signatories of the one with most, page by page, on one date.
  const listed = await open.GET("/api/v1/agreements", { params: { query: { limit: 50 } } });
  check(listed.data !== undefined, `list_agreements answered ${listed.response.status}`);
  const agreements = listed.data.items;
  check(agreements.length > 0, "the demo has no public agreement");

  const asOf = today();
  let best: { id: string; names: string[] } | undefined;
  for (const agreement of agreements) {
    const whole = await open.GET("/api/v1/agreements/{id}/signatories", {
      params: { path: { id: agreement.id }, query: { as_of: asOf, limit: 200 } },
    });
    const list = whole.data;
    check(list !== undefined, `list_signatories answered ${whole.response.status}`);
    const names = list.items.map((s) => s.name);
    if (best === undefined || names.length > best.names.length) {
      best = { id: agreement.id, names };
    }
  }
  check(best !== undefined && best.names.length >= 2, "no agreement with two signatories to page through");
  const { id: agreementId, names: everyone } = best;

  const paged: string[] = [];
  let cursor: string | undefined;
  let firstEtag: string | undefined;
  for (let i = 0; i <= everyone.length; i++) {
    const page = await open.GET("/api/v1/agreements/{id}/signatories", {
      params: { path: { id: agreementId }, query: { as_of: asOf, limit: 1, cursor } },
    });
    check(page.data !== undefined, `a page answered ${page.response.status}`);
    firstEtag ??= etagOf(page.response);
    paged.push(...page.data.items.map((s) => s.name));
    // Always sent, `null` on the last page.
    const next = page.data.next_cursor;
    if (next === null) break;
    cursor = next;
  }
  check(
    JSON.stringify(paged) === JSON.stringify(everyone),
    `paging with limit=1 gave ${JSON.stringify(paged)}, the whole list is ${JSON.stringify(everyone)}`,
  );
  console.log(`smoke (typescript): ${agreements.length} agreements; ${paged.length} signatories on ${asOf} in ${paged.length} pages`);

  // 2. The first page again, with its ETag: 304 and no body. (A 304 has no body, so
  // openapi-fetch gives neither `data` nor an `error` to read: the status is what tells.)
  check(firstEtag !== undefined, "no first page");
  const again = await open.GET("/api/v1/agreements/{id}/signatories", {
    params: { path: { id: agreementId }, query: { as_of: asOf, limit: 1 }, header: { "If-None-Match": firstEtag } },
  });
  check(again.response.status === 304, `If-None-Match with the current ETag answered ${again.response.status}`);
  console.log("smoke (typescript): If-None-Match → 304");

  // 3. A new organisation, created with an Idempotency-Key; the retry replays the 201.
  const number = orgNumber();
  const body = {
    name: `Röktestföreningen Ängsull ${Math.random().toString(16).slice(2, 10)}`,
    legal_form: "non_profit_association",
    org_number: number,
    municipality_codes: ["1285"],
  } satisfies components["schemas"]["NewOrganization"];
  const key = crypto.randomUUID();
  const created = await admin.POST("/api/v1/organizations", {
    params: { header: { "Idempotency-Key": key } },
    body,
  });
  check(created.response.status === 201 && created.data !== undefined, `create_organization answered ${created.response.status}: ${JSON.stringify(created.error)}`);
  const organization = created.data;
  check(organization.org_number === number, `org_number came back as ${organization.org_number}`);
  const retried = await admin.POST("/api/v1/organizations", {
    params: { header: { "Idempotency-Key": key } },
    body,
  });
  check(retried.response.status === 201 && retried.data?.id === organization.id, "the retry with the same Idempotency-Key created another organisation");
  console.log(`smoke (typescript): created ${JSON.stringify(organization.name)} (${number}); the retry replayed it`);

  // 4. Update it with If-Match; the old ETag is then stale (412).
  const oldEtag = etagOf(created.response);
  const renamed = `${organization.name} – ändrad`;
  const updated = await admin.PATCH("/api/v1/organizations/{id}", {
    params: { path: { id: organization.id }, header: { "If-Match": oldEtag } },
    body: { name: renamed },
  });
  check(updated.response.status === 200 && updated.data?.name === renamed, `update_organization answered ${updated.response.status}: ${JSON.stringify(updated.error)}`);
  check(etagOf(updated.response) !== oldEtag, "the ETag did not change with the update");
  const stale = await admin.PATCH("/api/v1/organizations/{id}", {
    params: { path: { id: organization.id }, header: { "If-Match": oldEtag } },
    body: { name: "För sent" },
  });
  check(stale.response.status === 412, `a stale If-Match answered ${stale.response.status}`);
  console.log("smoke (typescript): If-Match update → 200, stale If-Match → 412");

  // 5. A 422: the same number with a wrong check digit. The typed Problem lists each field.
  const invalid = await admin.POST("/api/v1/organizations", {
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body: { name: "Felsiffran", legal_form: "other", org_number: withWrongCheckDigit(number) },
  });
  check(invalid.response.status === 422 && invalid.error !== undefined, `a wrong check digit answered ${invalid.response.status}`);
  const problem: Problem = invalid.error;
  const fields = problem.errors ?? [];
  check(fields.length === 1, `the 422 lists ${JSON.stringify(fields)}`);
  const [field] = fields;
  check(field !== undefined, "the 422 lists no field");
  switch (field.code) {
    case "checksum":
      check(field.field === "org_number", `the checksum error is on ${field.field}`);
      console.log(`smoke (typescript): 422 ${problem.type}: org_number checksum (${field.message})`);
      break;
    default:
      fail(`the 422 names ${field.field} ${field.code}, not the org_number's checksum`);
  }

  // 6. A 409: another organisation with the same number. The rule is in `code`, one of the
  // `RuleCode`s (usage.ts holds the enum to the codes this operation can give).
  const taken = await admin.POST("/api/v1/organizations", {
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body: { name: "Dubbletten", legal_form: "other", org_number: number },
  });
  check(taken.response.status === 409 && taken.error !== undefined, `a taken org_number answered ${taken.response.status}`);
  const conflict: Problem = taken.error;
  switch (conflict.code) {
    case "org_number_taken":
      console.log(`smoke (typescript): 409 ${conflict.type}: org_number_taken (${conflict.detail})`);
      break;
    default:
      fail(`the 409's code is ${JSON.stringify(conflict.code)}, not org_number_taken`);
  }

  console.log("smoke (typescript): passed");
}

main().catch((e: unknown) => fail(String(e instanceof Error ? (e.stack ?? e.message) : e)));
