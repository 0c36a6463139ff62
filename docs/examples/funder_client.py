#!/usr/bin/env python3
"""A funder's client for the Grappe API, with the standard library only.

    export GRAPPE_URL=https://grappe.example.org GRAPPE_TOKEN=grp_…
    python funder_client.py list [--state submitted]
    python funder_client.py show DC-2026-0001
    python funder_client.py download DC-2026-0001 [--to DC-2026-0001.zip]
    python funder_client.py decide DC-2026-0001 DEM-2026-000042 --approve [--amount 20000.00] \
        [--months 60 --rate 4.2 --guarantor bpifrance --share 80]   # a loan's terms
    python funder_client.py decide DC-2026-0001 DEM-2026-000042 --approve --act-date 2026-12-01
    python funder_client.py decide DC-2026-0001 DEM-2026-000043 --decline --code financials \
        --reason "…"

Each decision is sent with an Idempotency-Key: if the network fails mid-way, running the
same command again with the same --key records nothing twice. A 429 answer is waited out
(Retry-After) and retried.
"""

import argparse
import hashlib
import json
import os
import sys
import time
import uuid
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        error = body.get("error", {})
        self.status = status
        self.code = error.get("code", "unknown")
        self.details = error.get("details", [])
        super().__init__(f"{status} {self.code}: {error.get('message', '')}")


class Client:
    def __init__(self, base_url: str, token: str, *, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def call(self, method: str, path: str, body: dict | None = None, *, key: str = "") -> dict:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        for _ in range(5):
            request = Request(url, data=data, headers=headers, method=method)  # noqa: S310
            try:
                with urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    raw = response.read()
                    return json.loads(raw) if raw else {}
            except HTTPError as exc:
                payload = json.loads(exc.read() or b"{}")
                if exc.code == 429:
                    time.sleep(int(exc.headers.get("Retry-After", "1")))
                    continue
                raise ApiError(exc.code, payload) from None
        raise ApiError(429, {"error": {"code": "rate_limited", "message": "still limited"}})

    def bundles(self, **filters):
        """Every bundle sent to this funder, following the cursor from page to page."""
        url = "/api/v1/bundles/" + (f"?{urlencode(filters)}" if filters else "")
        while url:
            page = self.call("GET", url)
            yield from page["results"]
            url = page["next"]

    def bundle(self, reference: str) -> dict:
        return self.call("GET", f"/api/v1/bundles/{reference}/")

    def download(self, reference: str, path: str) -> str:
        """Stream the bundle's ZIP package to ``path``; returns its checked SHA-256."""
        request = Request(  # noqa: S310
            f"{self.base_url}/api/v1/bundles/{reference}/package/",
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/zip"},
        )
        digest = hashlib.sha256()
        try:
            with urlopen(request, timeout=self.timeout) as response, open(path, "wb") as out:  # noqa: S310
                expected = response.headers.get("ETag", "").strip('"')
                while chunk := response.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        except HTTPError as exc:
            raise ApiError(exc.code, json.loads(exc.read() or b"{}")) from None
        if expected and digest.hexdigest() != expected:
            raise ApiError(0, {"error": {"code": "corrupt_download", "message": path}})
        return digest.hexdigest()

    def decide(
        self,
        bundle: str,
        request: str,
        *,
        approved: bool,
        amount: str | None = None,
        reason: str = "",
        code: str = "",
        act_date: str = "",
        terms: dict | None = None,
        key: str = "",
    ) -> dict:
        body: dict = {"approved": approved, "reason": reason, "decline_code": code}
        if amount is not None:
            body["amount"] = amount
        if act_date:
            body["grant_act_date"] = act_date  # a grant: the date of the legal act
        if terms:
            body["loan_terms"] = terms  # a loan: duration, rate, deferral, guarantee
        return self.call(
            "POST",
            f"/api/v1/bundles/{bundle}/members/{request}/decision/",
            body,
            key=key or str(uuid.uuid4()),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="the bundles sent to you")
    listing.add_argument("--state", default="")
    listing.add_argument("--submitted-after", default="", help="YYYY-MM-DD")
    show = commands.add_parser("show", help="one bundle and its members")
    show.add_argument("bundle")
    download = commands.add_parser("download", help="save one bundle's ZIP package")
    download.add_argument("bundle")
    download.add_argument("--to", default="")
    decide = commands.add_parser("decide", help="record your decision on one member")
    decide.add_argument("bundle")
    decide.add_argument("request")
    choice = decide.add_mutually_exclusive_group(required=True)
    choice.add_argument("--approve", action="store_true")
    choice.add_argument("--decline", action="store_true")
    decide.add_argument("--amount")
    decide.add_argument("--reason", default="")
    decide.add_argument("--code", default="", help="decline reason code, e.g. financials")
    decide.add_argument("--act-date", default="", help="a grant's legal act, YYYY-MM-DD")
    decide.add_argument("--months", type=int, help="a loan's duration")
    decide.add_argument("--rate", default="", help="a loan's yearly rate, %%")
    decide.add_argument("--deferral", type=int, default=0)
    decide.add_argument("--guarantor", default="", choices=["", "bpifrance", "eib"])
    decide.add_argument("--share", default=None, help="guaranteed share, %%")
    decide.add_argument("--key", default="", help="Idempotency-Key (default: a new one)")
    args = parser.parse_args(argv)

    client = Client(os.environ["GRAPPE_URL"], os.environ["GRAPPE_TOKEN"])
    try:
        if args.command == "list":
            filters = {"state": args.state, "submitted_after": args.submitted_after}
            for bundle in client.bundles(**{k: v for k, v in filters.items() if v}):
                print(
                    f"{bundle['reference']}\t{bundle['state']}\t{bundle['member_count']} "
                    f"membres\t{bundle['kind']}\t{bundle['loan_total']} € prêts\t"
                    f"{bundle['grant_total']} € subventions\t{bundle['federation']}"
                )
        elif args.command == "show":
            print(json.dumps(client.bundle(args.bundle), indent=2, ensure_ascii=False))
        elif args.command == "download":
            path = args.to or f"{args.bundle}.zip"
            print(f"{path}\tsha256 {client.download(args.bundle, path)}")
        else:
            result = client.decide(
                args.bundle,
                args.request,
                approved=args.approve,
                amount=args.amount,
                reason=args.reason,
                code=args.code,
                act_date=args.act_date,
                terms=(
                    {
                        "duration_months": args.months,
                        "rate": args.rate,
                        "deferral_months": args.deferral,
                        "guarantor": args.guarantor,
                        "guarantee_share": args.share,
                    }
                    if args.months is not None
                    else None
                ),
                key=args.key,
            )
            member = result["member"]
            print(f"{member['request']}: {member['status']} ({member['decided_amount']})")
    except ApiError as error:
        print(error, file=sys.stderr)
        for detail in error.details:
            print(f"  - {detail.get('field') or ''} {detail['message']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
