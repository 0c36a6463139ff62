"""Builders for the time-rule tests."""

from timerules.models import DeadlineRule, Stage

SVA_REASON = (
    "Décision implicite d'acceptation : article L. 231-1 du code des relations entre "
    "le public et l'administration."
)


def instruction_rule(campaign, **overrides) -> DeadlineRule:
    fields = {
        "stage": Stage.INSTRUCTION,
        "start_event": "submit",
        "amount": 30,
        "unit": DeadlineRule.Unit.CALENDAR_DAYS,
        "on_changes": DeadlineRule.OnChanges.PAUSE,
        "action": DeadlineRule.Action.ACCEPT,
        "legal_reason": SVA_REASON,
        **overrides,
    }
    rule = DeadlineRule(campaign=campaign, **fields)
    rule.full_clean()
    rule.save()
    return rule
