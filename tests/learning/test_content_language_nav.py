"""The "Content language:" switcher names the three languages on every page that shows it: the
module page, the quiz and the quiz result (the quiz pages once showed the label alone)."""

import re

from tests.learning.test_pages import M1, WRONG, quiz_post


def languages_offered(html: str) -> list[str]:
    nav = re.search(r'<nav class="content-lang".*?</nav>', html, re.S)
    assert nav, "no content-language switcher"
    return re.findall(r'lang="(kk|ru|en)"', nav.group(0))


def test_module_quiz_and_result_offer_all_three_content_languages(client, student, login):
    login(client, student)
    for url in (M1, M1 + "/quiz"):
        html = client.get(url).get_data(as_text=True)
        assert sorted(languages_offered(html)) == ["en", "kk", "ru"], url
        assert f'href="{url}?lang=kk"' in html
    failed, _ = quiz_post(client, WRONG)
    result = failed.headers["Location"]
    html = client.get(result).get_data(as_text=True)
    assert sorted(languages_offered(html)) == ["en", "kk", "ru"]
    assert f'href="{result}?lang=ru"' in html
    # The chosen content language is marked, not linked.
    html = client.get(M1 + "/quiz?lang=ru").get_data(as_text=True)
    assert '<strong lang="ru" aria-current="true">Русский</strong>' in html
