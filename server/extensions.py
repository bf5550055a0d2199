"""Extensions, created unbound; `create_app` binds them to an app."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from server.database import Base
from server.openapi import AssistecApi

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
api = AssistecApi()
csrf = CSRFProtect()
