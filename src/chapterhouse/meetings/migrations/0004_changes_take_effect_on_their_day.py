"""A change a decision makes takes effect on the decision's day (decision 0013).

Until now an end left to default (an `end_term` without `end`, the terms and
mandates a `dissolve_body` ends, the body itself) was stored as the day after
the decision, so on the decision's day both the outgoing and the incoming
holder showed; mandates passed on the dissolved body's last day; and a
reappointment ended the old term the day after the new one began. Stored data
moves to the new rule: those ends become the decision's day, transferred
mandates start on the day their body is no longer there, and a reappointed
term's predecessor ends on the day the new one starts. Ends written
explicitly in an effect are the last day held, as before, and are left alone.
"""

import datetime as dt

from django.db import migrations
from django.db.models import Q

ONE_DAY = dt.timedelta(days=1)


def forward(apps, schema_editor):
    Decision = apps.get_model("meetings", "Decision")
    Body = apps.get_model("registry", "Body")
    Term = apps.get_model("registry", "Term")
    Mandate = apps.get_model("registry", "Mandate")

    for decision in Decision.objects.filter(status="adopted").iterator():
        day = decision.date
        for effect in decision.effects or []:
            op = effect.get("op")
            if op == "end_term" and not effect.get("end"):
                Term.objects.filter(ended_by=decision, end=day + ONE_DAY, start__lt=day).update(
                    end=day
                )
            elif op == "dissolve_body":
                body = Body.objects.filter(slug=effect.get("body"), dissolved_by=decision).first()
                if body is None:
                    continue
                if not effect.get("date") and body.dissolved == day + ONE_DAY:
                    if body.founded is None or body.founded < day:
                        Body.objects.filter(pk=body.pk).update(dissolved=day)
                        body.dissolved = day
                        Term.objects.filter(
                            body=body, ended_by=decision, end=day + ONE_DAY, start__lt=day
                        ).update(end=day)
                        Mandate.objects.filter(
                            body=body, ended_by=decision, end=day + ONE_DAY
                        ).filter(Q(start__isnull=True) | Q(start__lt=day)).update(end=day)
                # The receivers hold the mandates from the first day the body is gone.
                Mandate.objects.filter(transferred_from=body, decision=decision).filter(
                    Q(end__isnull=True) | Q(end__gt=body.dissolved)
                ).update(start=body.dissolved)

    # Reappointments: the old term ends on the day the new one starts.
    for term in Term.objects.filter(end_reason="reappointed", end__isnull=False).iterator():
        successor_start = term.end - ONE_DAY
        successor = Term.objects.filter(
            person_id=term.person_id,
            body_id=term.body_id,
            role=term.role,
            title_key=term.title_key,
            how="reappointed",
            start=successor_start,
        ).exists()
        if successor and term.start < successor_start:
            Term.objects.filter(pk=term.pk).update(end=successor_start)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_internal"),
        ("registry", "0005_custody_fields"),
    ]

    # Backwards the data stays as it is: the old rule cannot be told apart from ends
    # written on purpose once both exist.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
