"""The floor app: one indexed query, a ~60-line Jinja template over 20 rows.

Served exactly like Tekser (gunicorn, same worker class and count, same PostgreSQL), so the
ratio Tekser ÷ floor is what Tekser's own work costs on this machine, in this run.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
CATEGORIES = 50


class Item(db.Model):
    __tablename__ = "floor_item"
    __table_args__ = (Index("ix_floor_item_category_created", "category", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "floor")
    db.init_app(app)

    @app.get("/")
    def index():
        items = db.session.scalars(
            db.select(Item).where(Item.category == 7).order_by(Item.created_at.desc()).limit(20)
        ).all()
        return render_template("floor.html", items=items, category=7)

    return app


def seed(rows: int = 5000) -> None:
    """Create the table and ``rows`` items (idempotent: drops what was there)."""
    app = create_app()
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = datetime(2026, 1, 1, tzinfo=UTC)
        db.session.execute(
            db.insert(Item),
            [
                {
                    "category": i % CATEGORIES,
                    "title": f"Тексеру №{i}: claim about a viral photo",
                    "author": f"Автор {i % 97}",
                    "summary": "Қысқаша мазмұны — a short summary of the fact-check. " * 3,
                    "created_at": start + timedelta(minutes=i),
                }
                for i in range(rows)
            ],
        )
        db.session.commit()


if __name__ == "__main__":
    seed()
    print("{}")  # the benchmark runner reads one JSON line
