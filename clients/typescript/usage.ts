// What a TypeScript integrator relies on in the types openapi-typescript generates from the
// OpenAPI document. `.ci/contract` checks this file with `tsc --noEmit --strict` next to the
// generated `schema.ts`; nothing here runs.
//
// The first part is ordinary client code. The second states the contract's promises (issue 10)
// as type assertions: each `Expect<…>` line fails to compile, with its comment as the reason,
// when the document stops keeping that promise. The types are reached through operation ids,
// not component names, so renaming a schema does not break them.
import type { components, operations } from "./schema.js";

type Json<Op extends keyof operations, Status extends keyof operations[Op]["responses"]> =
  operations[Op]["responses"][Status] extends { content: { "application/json": infer T } } ? T : never;
type ProblemOf<Op extends keyof operations, Status extends keyof operations[Op]["responses"]> =
  operations[Op]["responses"][Status] extends { content: { "application/problem+json": infer T } } ? T : never;
type Query<Op extends keyof operations> = NonNullable<operations[Op]["parameters"]["query"]>;
type Headers<Op extends keyof operations> = NonNullable<operations[Op]["parameters"]["header"]>;
type ResponseHeaders<Op extends keyof operations, Status extends keyof operations[Op]["responses"]> =
  operations[Op]["responses"][Status] extends { headers: infer H } ? H : never;

// ---------------------------------------------------------------------------------------------
// Client code: what a municipal website does with the public list.

type SignatoryPage = Json<"list_signatories", 200>;
type Signatory = SignatoryPage["items"][number];

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

/** One line of the public list: who the signatory is, and since when. */
export function describe(signatory: Signatory): string {
  const who = signatory.signatory;
  switch (who.kind) {
    case "organization":
      return `${signatory.name} (organisation ${who.id}), since ${signatory.signatory_since}`;
    case "public_body":
      return `${signatory.name} (public body ${who.id}), since ${signatory.signatory_since}`;
    default:
      return assertNever(who);
  }
}

/** Every name on the list, following `next_cursor` to the end. */
export async function allNames(
  fetchPage: (cursor: string | undefined) => Promise<SignatoryPage>,
): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    names.push(...page.items.map((s) => s.name));
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return names;
}

/** What to tell the person who typed an organisation number the server refused. */
export function explain(problem: components["schemas"]["Problem"]): string {
  return (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`).join("\n") || problem.detail;
}

// ---------------------------------------------------------------------------------------------
// The contract's promises.

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type IsRequired<T, K extends keyof T> = {} extends Pick<T, K> ? false : true;
type IsClosedSet<T> = [T] extends [never] ? false : string extends T ? false : true;
// The names a type declares, without its index signature (`[name: string]: unknown`).
type DeclaredKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
type Declares<T, K extends string> = [T] extends [never] ? false : K extends DeclaredKeys<T> ? true : false;

// Required means present.
// What the server always sends, `null` when empty, is required and nullable, so a client sees
// `T | null` and never has to handle `undefined` as well.
export type RequiredMeansPresent = [
  Expect<IsRequired<SignatoryPage, "next_cursor">>,
  Expect<Equal<SignatoryPage["next_cursor"], string | null>>,
  Expect<IsRequired<Json<"get_agreement", 200>, "termination">>,
  Expect<IsRequired<Json<"get_agreement", 200>, "working_version">>,
  Expect<IsRequired<Json<"get_accession", 200>, "board_decision">>,
  Expect<IsRequired<Signatory, "signatory_until">>,
];

// Closed sets are enums.
// A client then offers the choices and cannot send a typo.
export type ClosedSetsAreEnums = [
  Expect<Equal<Query<"list_signatories">["include"], "former" | undefined>>,
  Expect<Equal<Query<"export_signatories_csv">["delimiter"], "comma" | "semicolon" | undefined>>,
];

// Caching and paging are in the contract.
// Conditional reads and writes declare their headers, and a list says which headers it sends.
export type CachingIsDeclared = [
  Expect<Declares<Headers<"list_signatories">, "If-None-Match">>,
  Expect<Declares<Headers<"get_organization">, "If-None-Match">>,
  Expect<Declares<Headers<"update_organization">, "If-Match">>,
  Expect<Declares<ResponseHeaders<"list_signatories", 200>, "ETag">>,
  Expect<Declares<ResponseHeaders<"list_signatories", 200>, "Link">>,
  Expect<Declares<ResponseHeaders<"list_signatories", 200>, "Cache-Control">>,
  Expect<Declares<ResponseHeaders<"create_organization", 201>, "ETag">>,
  Expect<Declares<Query<"list_signatories">, "limit">>,
  Expect<Declares<Query<"list_signatories">, "cursor">>,
];

// Paging is one rule: every list is `{items, next_cursor}`; a paged list takes `limit` and
// `cursor`, a list that is never paged (a part of one resource, or a computed set such as the
// agenda, read whole) takes neither and its `next_cursor` is always `null`.
export type PagingIsOneRule = [
  Expect<Declares<Query<"list_agreements">, "cursor">>,
  Expect<IsRequired<Json<"list_agreement_versions", 200>, "next_cursor">>,
  Expect<IsRequired<Json<"list_steering_meetings", 200>, "next_cursor">>,
  Expect<IsRequired<Json<"get_administrator_agenda", 200>, "next_cursor">>,
  Expect<Equal<Declares<NonNullable<operations["list_steering_meetings"]["parameters"]["query"]>, "limit">, false>>,
];

// CSV is its own operation.
// The JSON call answers JSON only (openapi-fetch types `data` as the union of every media type
// a 200 declares); the CSV operation answers `text/csv` and declares its Content-Disposition.
export type JsonCallAnswersJson = [
  Expect<Equal<keyof NonNullable<operations["list_signatories"]["responses"][200]["content"]>, "application/json">>,
  Expect<Equal<keyof NonNullable<operations["export_signatories_csv"]["responses"][200]["content"]>, "text/csv">>,
  Expect<Declares<ResponseHeaders<"export_signatories_csv", 200>, "Content-Disposition">>,
];

// Tagged unions are named types with their tag.
// `signatory.kind` tells an organisation from a public body, each a schema of its own.
export type UnionsAreNamed = [
  Expect<Equal<components["schemas"]["Signatory"], components["schemas"]["OrganizationSignatory"] | components["schemas"]["PublicBodySignatory"]>>,
  Expect<Equal<components["schemas"]["OrganizationSignatory"]["kind"], "organization">>,
];

type CreateOrganizationConflict = NonNullable<ProblemOf<"create_organization", 409>["code"]>;

// Rule codes are enums.
// A client switches over the 409 codes exhaustively; a problem's `code` and `errors` are
// absent when they do not apply, never null.
export type RuleCodesAreEnums = [
  Expect<IsClosedSet<CreateOrganizationConflict>>,
  Expect<"org_number_taken" extends CreateOrganizationConflict ? true : false>,
  Expect<IsClosedSet<NonNullable<components["schemas"]["ProblemField"]["code"]>>>,
  Expect<Equal<components["schemas"]["Problem"]["code"], components["schemas"]["RuleCode"] | undefined>>,
];
