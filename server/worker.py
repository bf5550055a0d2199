"""The consumers' entry point (`Procfile`): `huey_consumer server.worker.huey` runs e-mails,
`huey_consumer server.worker.push_huey` runs push notifications."""

import server.auth.tasks
import server.documents.tasks
import server.push.tasks  # noqa: F401
from server import create_app
from server.jobs import huey, push_huey, use_worker_app

use_worker_app(create_app())

__all__ = ["huey", "push_huey"]
