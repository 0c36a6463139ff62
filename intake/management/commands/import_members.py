"""``manage.py import_members FILE --campaign REF [--dry-run] [--json]``

Imports a federation's member sheet into a campaign, as the portal and the API do: the
preview first, then (without ``--dry-run``) the confirmation of exactly that preview.
Both run in this process; the invitations are queued as a job.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from dossiers.models import Campaign
from dossiers.workflow import Conflict
from intake import apply, preview
from intake.models import MemberImport
from intake.services import check_sheet, receive_sheet


class Command(BaseCommand):
    help = "Import a member sheet (.xlsx, .ods, .csv) into a campaign: preview, then apply."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--campaign", required=True, help="campaign reference")
        parser.add_argument("--dry-run", action="store_true", help="preview only")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--user", help="username recorded as the importer")
        parser.add_argument("--base-url", default="", help="site address for invitation links")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        campaign = Campaign.objects.filter(reference=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"No campaign with reference {options['campaign']!r}")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']!r}")
        data = path.read_bytes()
        try:
            check_sheet(path.name, data)
            member_import = self._preview(campaign, path, data, actor, options["base_url"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if member_import.state == MemberImport.State.FAILED:
            raise CommandError(member_import.error)
        rows = member_import.iter_rows()
        result = {
            "import": member_import.pk,
            "sha256": member_import.snapshot_sha256,
            "counts": member_import.counts,
            "errors": [{"row": row["row"], **error} for row in rows for error in row["errors"]],
        }
        if not options["dry_run"]:
            try:
                result["applied"] = apply.confirm_import(
                    member_import, actor=actor, expected_sha256=member_import.snapshot_sha256
                )
            except Conflict as exc:
                raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        counts = result["counts"]
        self.stdout.write(
            f"Import {member_import.pk}: {counts['new']} new, {counts['update']} to update, "
            f"{counts['unchanged']} unchanged, {counts['error']} in error"
        )
        for error in result["errors"]:
            self.stdout.write(
                f"  row {error['row']}, column {error['column'] or '?'} "
                f"({error['header']}): {error['reason']}"
            )
        if "applied" in result:
            self.stdout.write(
                "Applied: " + ", ".join(f"{k} {v}" for k, v in result["applied"].items())
            )
        else:
            self.stdout.write("Dry run: nothing applied.")

    def _preview(self, campaign, path, data, actor, base_url) -> MemberImport:
        # In this process, not in a worker: the command prints the preview it applies.
        member_import = receive_sheet(
            campaign=campaign, name=path.name, data=data, actor=actor, base_url=base_url
        )
        return preview.preview_import(member_import)
