"""Liveness and readiness for load balancers and orchestrators."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from forum.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz/live")
def live():
    return jsonify(status="ok")


@bp.get("/healthz")
@bp.get("/healthz/ready")
def ready():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable", checks={"database": "unreachable"}), 503
    return jsonify(status="ok", checks={"database": "ok"})
