"""Small builders for the dossiers tests: people around a request, requests in a state."""

from dossiers import demo
from dossiers.models import FundingRequest, RequestTransition
from tests.factories import FederationFactory, FunderFactory, UserFactory, make_request


def request_in(state: str, **kwargs) -> FundingRequest:
    """A request walked to ``state`` through the workflow (the system acting)."""
    return demo.advance(make_request(**kwargs), demo.PATHS[state])


def applicant_of(request: FundingRequest):
    return request.enterprise.representatives.get()


def officer_of(request: FundingRequest, **kwargs):
    return UserFactory(officer=True, organisation=request.campaign.federation, **kwargs)


def manager_of(request: FundingRequest, **kwargs):
    return UserFactory(manager=True, organisation=request.campaign.federation, **kwargs)


def receiving_funder_of(request: FundingRequest, **kwargs):
    assert request.sent_to is not None, "the request was not sent to a funder"
    return UserFactory(funder=True, organisation=request.sent_to, **kwargs)


def other_federation_member():
    return UserFactory(officer=True, organisation=FederationFactory())


def other_funder_member():
    return UserFactory(funder=True, organisation=FunderFactory())


def last_log(request: FundingRequest) -> RequestTransition:
    return request.history.order_by("-at", "-pk").first()


def assert_logged(request: FundingRequest, *, transition, actor, from_state, to_state, note=""):
    """The newest history row is exactly this one."""
    log = last_log(request)
    assert (log.transition, log.actor, log.from_state, log.to_state, log.note) == (
        transition,
        actor,
        from_state,
        to_state,
        note,
    )
    return log
