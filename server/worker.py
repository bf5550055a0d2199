"""The Huey consumer's entry point: `huey_consumer server.worker.huey` (Procfile `worker`)."""

from server import create_app
from server.jobs import huey, use_worker_app

app = create_app()
use_worker_app(app)

import server.documents.tasks  # noqa: E402  (registers the tasks)
import server.push.tasks  # noqa: E402, F401

__all__ = ["huey"]
