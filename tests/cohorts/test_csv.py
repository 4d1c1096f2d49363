"""Reading enrolment CSVs as spreadsheets export them (no database needed)."""

import codecs
import io

import pytest

from app.cohorts.csvparse import FileProblem, Reason, map_header, read_rows


def rows(data: bytes | str, max_rows: int = 100, encoding: str = "utf-8"):
    raw = data.encode(encoding) if isinstance(data, str) else data
    return list(read_rows(io.BytesIO(raw), max_rows=max_rows))


def problem(data, **kwargs) -> FileProblem:
    with pytest.raises(FileProblem) as caught:
        rows(data, **kwargs)
    return caught.value


def test_comma_without_bom(app):
    with app.app_context():
        got = rows("name,email,language\nAigul,AIGUL@Example.com,kk\n")
    assert [(r.name, r.email, r.locale, r.reason) for r in got] == [
        ("Aigul", "aigul@example.com", "kk", None)
    ]


def test_semicolon_with_bom_and_russian_headers(app):
    data = (
        codecs.BOM_UTF8
        + "ФИО;Эл. почта;Язык\r\nИрина Ковалёва;irina@example.ru;русский\r\n".encode()
    )
    with app.app_context():
        (row,) = rows(data)
    assert (row.name, row.email, row.locale) == ("Ирина Ковалёва", "irina@example.ru", "ru")


def test_kazakh_headers_and_names(app):
    data = (
        "Аты-жөні;Пошта;Тіл\n"
        "Әлия Сейітқызы;aliya@example.kz;қазақша\n"
        "Ғалым Жұмабаев;galym@example.kz;\n"
    )
    with app.app_context():
        got = rows(data)
    assert [(r.name, r.locale) for r in got] == [("Әлия Сейітқызы", "kk"), ("Ғалым Жұмабаев", None)]


def test_separate_surname_column(app):
    with app.app_context():
        (row,) = rows("Фамилия;Имя;Email\nКим;Анна;anna@example.com\n")
    assert row.name == "Анна Ким"


def test_utf16_from_excel_unicode_text(app):
    data = "name\temail\nDana\tdana@example.com\n".encode("utf-16")
    with app.app_context():
        (row,) = rows(data)
    assert (row.name, row.email) == ("Dana", "dana@example.com")


def test_cp1251_is_refused_with_a_clear_reason(app):
    data = "ФИО;Почта\nИрина Ковалёва;irina@example.ru\n".encode("cp1251")
    with app.app_context():
        found = problem(data)
    assert found.code == "encoding" and found.details["cp1251"] is True


def test_missing_columns(app):
    with app.app_context():
        found = problem("name,phone\nAigul,123\n")
    assert found.code == "columns" and found.details["missing"] == ["email"]


def test_empty_file(app):
    with app.app_context():
        assert problem("").code == "empty"
        assert problem("\n\n").code == "empty"


def test_too_many_rows_stops_reading(app):
    data = "name,email\n" + "".join(f"P{n},p{n}@example.com\n" for n in range(11))
    with app.app_context():
        found = problem(data, max_rows=10)
    assert found.code == "too_many_rows" and found.details["limit"] == 10


def test_row_reasons(app):
    data = (
        "name,email,language\n"
        "Good One,good@example.com,en\n"
        ",noname@example.com,\n"
        "No Email,,\n"
        "Bad Email,not-an-email,\n"
        '=HYPERLINK("http://x"),formula@example.com,\n'
        "Plus,+1@example.com,\n"
        "Again,GOOD@example.com,\n"
        "Lang,lang@example.com,klingon\n"
        "Ctrl\u200bName,ctrl@example.com,\n"
        "\n"
        "Short\n"
    )
    with app.app_context():
        got = rows(data)
    reasons = [(r.line, r.reason, r.detail) for r in got]
    assert reasons == [
        (2, None, None),
        (3, Reason.NAME_MISSING, None),
        (4, Reason.EMAIL_MISSING, None),
        (5, Reason.EMAIL_INVALID, None),
        (6, Reason.FORMULA, None),
        (7, Reason.FORMULA, None),
        (8, Reason.DUPLICATE, 2),
        (9, Reason.LANGUAGE_UNKNOWN, "klingon"),
        (10, Reason.NAME_INVALID, None),
        (12, Reason.EMAIL_MISSING, None),
    ]


def test_quoted_cells_with_delimiters_and_newlines(app):
    data = 'name;email\n"Ким; Анна";anna@example.com\n"Two\nLines";two@example.com\n'
    with app.app_context():
        got = rows(data)
    assert [r.name for r in got] == ["Ким; Анна", "Two Lines"]


@pytest.mark.parametrize(
    "header, expected",
    [
        (["Name", "E-mail"], {"name": 0, "email": 1}),
        (["\ufeffemail", "Full name", "Lang"], {"email": 0, "name": 1, "language": 2}),
        (["Аты", "Электрондық пошта", "Тіл"], {"name": 0, "email": 1, "language": 2}),
        (["имя*", "почта:", "язык"], {"name": 0, "email": 1, "language": 2}),
    ],
)
def test_header_names(header, expected):
    assert map_header(header) == expected
