"""Smoke test of a Python client generated from the OpenAPI document by openapi-python-client.

Run by `.ci/contract` against `samverkan serve --demo`, with the generated package
`samverkan_client` on PYTHONPATH, the server's address in SAMVERKAN_URL and a platform
administrator's token in SAMVERKAN_TOKEN. It does what an integrator's first program does:

- lists agreements and pages through the signatories on one `as_of` date, with a client
  that has no token (public reads are open to anyone: `security: []`);
- reads the same page again with `If-None-Match` and gets 304;
- creates an organisation with an `Idempotency-Key` (and retries it: the same 201 comes back);
- updates it with `If-Match` (and a stale ETag is refused, 412);
- parses a 422 and a 409 into the typed `Problem` and switches on their codes (the enums
  `FieldCode` and `RuleCode`).

Every call goes through the generated functions and models; no hand-written types. `mypy
--strict` checks this file together with the generated package, so a contract that forces
a client to write around it fails the build here. (`isinstance` narrows each `parsed`: the
generator types a 304, which has no body, as `Any`.)
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import uuid
from typing import NoReturn, TypeVar

from samverkan_client import AuthenticatedClient, Client
from samverkan_client.api.accessions import list_signatories
from samverkan_client.api.agreements import list_agreements
from samverkan_client.api.parties import create_organization, update_organization
from samverkan_client.models import (
    AgreementList,
    FieldCode,
    LegalForm,
    NewOrganization,
    OrganizationPatch,
    OrganizationView,
    Problem,
    RuleCode,
    SignatoryList,
)
from samverkan_client.types import UNSET, Response, Unset


def fail(message: str) -> NoReturn:
    print(f"smoke (python): FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def org_number() -> str:
    """A fresh, valid organisationsnummer: nine digits (the third at least 2, so never a
    personal identity number) and the Luhn check digit."""
    digits = [8, 0, 2] + [random.randrange(10) for _ in range(6)]
    total = 0
    for i, d in enumerate(digits):
        p = d * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    check_digit = (10 - total % 10) % 10
    text = "".join(map(str, digits)) + str(check_digit)
    return f"{text[:6]}-{text[6:]}"


def with_wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


T = TypeVar("T")


def etag_of(response: Response[T]) -> str:
    etag = response.headers.get("etag")
    check(etag is not None, f"no ETag on a {int(response.status_code)} response")
    assert etag is not None
    return etag


def main() -> None:
    base = os.environ["SAMVERKAN_URL"]
    token = os.environ["SAMVERKAN_TOKEN"]
    # Public reads with a client that has no token, as a municipal website makes them.
    public = Client(base_url=base, raise_on_unexpected_status=True)
    admin = AuthenticatedClient(base_url=base, token=token, raise_on_unexpected_status=True)

    # 1. Agreements, then the signatories of the one with most, page by page, on one date.
    listed = list_agreements.sync_detailed(client=public, limit=50)
    agreements = listed.parsed
    check(isinstance(agreements, AgreementList), f"list_agreements answered {int(listed.status_code)}")
    assert isinstance(agreements, AgreementList)
    check(len(agreements.items) > 0, "the demo has no public agreement")

    as_of = datetime.date.today()
    best: tuple[uuid.UUID, list[str]] | None = None
    for agreement in agreements.items:
        whole = list_signatories.sync(agreement.id, client=public, as_of=as_of, limit=200)
        check(isinstance(whole, SignatoryList), "list_signatories did not answer a list")
        assert isinstance(whole, SignatoryList)
        names = [s.name for s in whole.items]
        if best is None or len(names) > len(best[1]):
            best = (agreement.id, names)
    assert best is not None
    agreement_id, everyone = best
    check(len(everyone) >= 2, "no agreement with two signatories to page through")

    paged: list[str] = []
    cursor: str | Unset = UNSET
    first_etag: str | None = None
    for _ in range(len(everyone) + 1):
        response = list_signatories.sync_detailed(
            agreement_id, client=public, as_of=as_of, limit=1, cursor=cursor
        )
        page = response.parsed
        check(isinstance(page, SignatoryList), f"a page answered {int(response.status_code)}")
        assert isinstance(page, SignatoryList)
        if first_etag is None:
            first_etag = etag_of(response)
        paged.extend(s.name for s in page.items)
        # The server always sends `next_cursor`, `null` on the last page: `str | None`.
        next_cursor: str | None = page.next_cursor
        if next_cursor is None:
            break
        cursor = next_cursor
    check(paged == everyone, f"paging with limit=1 gave {paged}, the whole list is {everyone}")
    print(
        f"smoke (python): {len(agreements.items)} agreements; {len(paged)} signatories on {as_of} in {len(paged)} pages"
    )

    # 2. The first page again, with its ETag: 304 and no body.
    assert first_etag is not None
    again = list_signatories.sync_detailed(
        agreement_id, client=public, as_of=as_of, limit=1, if_none_match=first_etag
    )
    check(again.status_code == 304, f"If-None-Match with the current ETag answered {int(again.status_code)}")
    print("smoke (python): If-None-Match → 304")

    # 3. A new organisation, created with an Idempotency-Key; the retry replays the 201.
    number = org_number()
    new = NewOrganization(
        name=f"Röktestföreningen Åkerbär {uuid.uuid4().hex[:8]}",
        legal_form=LegalForm.NON_PROFIT_ASSOCIATION,
        org_number=number,
        municipality_codes=["1285"],
    )
    key = str(uuid.uuid4())
    created = create_organization.sync_detailed(client=admin, body=new, idempotency_key=key)
    organization = created.parsed
    check(
        created.status_code == 201,
        f"create_organization answered {int(created.status_code)}: {created.content!r}",
    )
    check(isinstance(organization, OrganizationView), "the 201 is not an OrganizationView")
    assert isinstance(organization, OrganizationView)
    check(organization.org_number == number, f"org_number came back as {organization.org_number}")
    retried = create_organization.sync_detailed(client=admin, body=new, idempotency_key=key)
    check(retried.status_code == 201, f"the retry answered {int(retried.status_code)}")
    check(
        isinstance(retried.parsed, OrganizationView) and retried.parsed.id == organization.id,
        "the retry with the same Idempotency-Key created another organisation",
    )
    print(f"smoke (python): created {organization.name!r} ({number}); the retry replayed it")

    # 4. Update it with If-Match; the old ETag is then stale (412).
    old_etag = etag_of(created)
    renamed = f"{organization.name} – ändrad"
    updated = update_organization.sync_detailed(
        organization.id, client=admin, body=OrganizationPatch(name=renamed), if_match=old_etag
    )
    check(
        updated.status_code == 200,
        f"update_organization answered {int(updated.status_code)}: {updated.content!r}",
    )
    check(
        isinstance(updated.parsed, OrganizationView) and updated.parsed.name == renamed,
        "the update did not rename the organisation",
    )
    check(etag_of(updated) != old_etag, "the ETag did not change with the update")
    stale = update_organization.sync_detailed(
        organization.id, client=admin, body=OrganizationPatch(name="För sent"), if_match=old_etag
    )
    check(stale.status_code == 412, f"a stale If-Match answered {int(stale.status_code)}")
    print("smoke (python): If-Match update → 200, stale If-Match → 412")

    # 5. A 422: the same number with a wrong check digit. The typed Problem lists each field.
    invalid = create_organization.sync_detailed(
        client=admin,
        body=NewOrganization(
            name="Felsiffran", legal_form=LegalForm.OTHER, org_number=with_wrong_check_digit(number)
        ),
        idempotency_key=str(uuid.uuid4()),
    )
    check(invalid.status_code == 422, f"a wrong check digit answered {int(invalid.status_code)}")
    problem = invalid.parsed
    check(isinstance(problem, Problem), "the 422 is not a Problem")
    assert isinstance(problem, Problem)
    fields = problem.errors
    check(isinstance(fields, list) and len(fields) == 1, f"the 422 lists {fields!r}")
    assert isinstance(fields, list)
    match (fields[0].field, fields[0].code):
        case ("org_number", FieldCode.CHECKSUM):
            print(f"smoke (python): 422 {problem.type_}: org_number checksum ({fields[0].message})")
        case other:
            fail(f"the 422 names {other}, not the org_number's checksum")

    # 6. A 409: another organisation with the same number. The rule is in `code`, a `RuleCode`
    # (the document lists the codes of each operation's 409; this one's is `org_number_taken`,
    # or `idempotency_key_in_flight` for a key still being processed).
    taken = create_organization.sync_detailed(
        client=admin,
        body=NewOrganization(name="Dubbletten", legal_form=LegalForm.OTHER, org_number=number),
        idempotency_key=str(uuid.uuid4()),
    )
    check(taken.status_code == 409, f"a taken org_number answered {int(taken.status_code)}")
    conflict = taken.parsed
    check(isinstance(conflict, Problem), "the 409 is not a Problem")
    assert isinstance(conflict, Problem)
    match conflict.code:
        case RuleCode.ORG_NUMBER_TAKEN:
            print(f"smoke (python): 409 {conflict.type_}: org_number_taken ({conflict.detail})")
        case code:
            fail(f"the 409's code is {code!r}, not org_number_taken")

    print("smoke (python): passed")


if __name__ == "__main__":
    main()
