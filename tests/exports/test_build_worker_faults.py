"""A build job whose worker is killed (kill -9) is finished by another worker, once.

A real Redis and real ``celery worker`` processes sharing the PostgreSQL test database
(the fixtures of ``tests/workers``). The rows are the evidence: one build record, one
sealed → ready transition, the job done on its second attempt.
"""

import pytest

from exports.build import progress_total
from exports.models import DocumentBuild
from grouping.models import BundleTransition
from tests.exports.bundles import sealed_bundle
from tests.workers.conftest import live_broker, redis_server, start_worker  # noqa: F401
from tests.workers.processes import wait_for
from tests.workers.test_worker_faults import job_state, later
from workers.jobs import enqueue_job
from workers.models import Job, JobState
from workers.reconcile import reconcile

# serialized_rollback: the scheme parameters loaded by a data migration survive the flushes.
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MEMBERS = 30


@pytest.fixture
def world(transactional_db):
    # Made before the broker goes live: the members' notices are sent in process, so the
    # only job the workers see is the build.
    return sealed_bundle(MEMBERS)


def test_a_build_killed_with_its_worker_is_recorded_once_and_made_ready_once(
    settings,
    require_postgres,
    redis_server,  # noqa: F811
    world,
    start_worker,  # noqa: F811
    live_broker,  # noqa: F811
):
    redis_server.start()
    first = start_worker("first")
    job = enqueue_job(Job.Kind.BUILD_DOCUMENTS, world.bundle, created_by=world.officer)

    wait_for(
        lambda: job_state(job).progress_done >= 1,
        timeout=60,
        what="the build to be under way",
        context=first.tail,
    )
    first.kill9()

    job = job_state(job)
    assert job.state == JobState.RUNNING and job.attempts == 1, "killed in the middle of the job"

    second = start_worker("second")
    outcome = reconcile(now=later(settings.JOB_STALE_AFTER_SECONDS + 1))
    assert outcome.requeued == [job.pk]
    wait_for(
        lambda: job_state(job).state == JobState.DONE,
        timeout=120,
        what="the build to finish on the second worker",
        context=second.tail,
    )

    build = DocumentBuild.objects.get()
    assert job.attempts == 2
    assert job.result["build"] == build.pk
    total = progress_total(MEMBERS)
    assert (job.progress_done, job.progress_total) == (total, total)
    assert build.member_count == MEMBERS
    assert world.refresh().state == "ready"
    assert (
        BundleTransition.objects.filter(bundle=world.bundle, transition="mark_ready").count() == 1
    )
