"""A background job (workers.Job) as the API shows its progress."""

from rest_framework import serializers

from workers.models import FINISHED, Job


class JobSerializer(serializers.ModelSerializer):
    finished = serializers.SerializerMethodField()
    percent = serializers.IntegerField(allow_null=True, read_only=True)
    done = serializers.IntegerField(source="progress_done")
    total = serializers.IntegerField(source="progress_total")
    error = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id", "kind", "state", "finished", "done", "total", "percent", "error", "result",
            "created_at", "started_at", "finished_at",
        ]  # fmt: skip

    def get_finished(self, job: Job) -> bool:
        return job.state in FINISHED

    def get_error(self, job: Job) -> str:
        return job.error if job.state == "failed" else ""
