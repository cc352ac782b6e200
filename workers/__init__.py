"""Celery app and tasks for the distributed runner, and the function runtime (issues 4 and 7)."""
