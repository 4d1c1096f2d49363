"""The rolled-back test transaction (tests/fixtures/app.py) keeps nothing and hides nothing:
requests inside it commit as usual, and every row is gone when it ends."""

from app.auth.models import User
from app.extensions import db
from tests.fixtures.app import Database, empty_tables, make_user_in, post_form
from tests.fixtures.rollback import rolled_back


def users(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(User))


def test_what_a_rolled_back_test_writes_is_gone_after_it(shared_app, tmp_path):
    with shared_app.app_context():
        empty_tables()
    with rolled_back(shared_app, tmp_path / "uploads") as app:
        assert Database.rolled_back is app
        user = make_user_in(app)(email="inside@example.com")
        assert users(app) == 1
        app.config["SOMETHING"] = "changed"
        # A request commits (a SAVEPOINT is released): the next request sees the change.
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        response = post_form(
            client,
            "/register",
            {
                "name": "Ақерке Сәрсенова",
                "email": "akerke@example.com",
                "password": "correct horse battery",
                "confirm": "correct horse battery",
            },
            token_from="/register",
        )
        assert response.status_code == 302
        assert users(app) == 2
        with app.app_context():
            assert db.session.get(User, user.id).email == "inside@example.com"
    assert Database.rolled_back is None
    assert users(shared_app) == 0
    assert "SOMETHING" not in shared_app.config
    assert shared_app.config["UPLOAD_DIR"] != str(tmp_path / "uploads")


def test_a_failed_savepoint_inside_keeps_the_rest(shared_app, tmp_path):
    """A service's ``begin_nested`` that fails rolls back only its own SAVEPOINT."""
    from sqlalchemy.exc import IntegrityError

    with shared_app.app_context():
        empty_tables()
    with rolled_back(shared_app, tmp_path / "uploads") as app:
        make_user_in(app)(email="one@example.com")
        with app.app_context():
            try:
                with db.session.begin_nested():
                    db.session.add(User(email="one@example.com", name="Twin"))
            except IntegrityError:
                pass
            else:
                raise AssertionError("a second user with the same email was accepted")
            db.session.commit()
        assert users(app) == 1
    assert users(shared_app) == 0
