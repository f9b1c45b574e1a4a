"""A deal page opened with ?currency=USD&price_year=2024 gave a signed-in editor edit links
without them, so after saving (or following the form's History link) the editor was back on
the deal in EUR. The edit links, the form's action and History link, and the deal page after
saving keep the reader's currency and price year now."""

from __future__ import annotations

import html as markup
import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import login  # noqa: E402

DEAL = "l_stargate_us_2025_01"
MONEY = {"currency": ["USD"], "price_year": ["2024"]}


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def hrefs(html: str, prefix: str) -> list[str]:
    return [markup.unescape(h) for h in re.findall(rf'href="({re.escape(prefix)}[^"]*)"', html)]


def test_the_edit_links_form_and_save_keep_currency_and_price_year(app):
    eve = login(app, "eve")
    deal = eve.get(f"/ledger/deals/{DEAL}?currency=USD&price_year=2024")
    assert deal.status_code == 200, deal.text
    edits = hrefs(deal.text, "/ledger/edit/")
    assert {urlsplit(h).path for h in edits} >= {f"/ledger/edit/deal/{DEAL}",
                                                 "/ledger/edit/claim/stargate_us_announced"}
    assert all(parse_qs(urlsplit(h).query) == MONEY for h in edits), edits
    edit = f"/ledger/edit/deal/{DEAL}?currency=USD&price_year=2024"
    form = eve.get(edit)
    assert form.status_code == 200, form.text
    action = re.search(r'<form method="post" action="(/ledger/edit/[^"]+)"', form.text).group(1)
    assert markup.unescape(action) == edit
    assert f"/ledger/history/deal/{DEAL}?currency=USD&price_year=2024" in \
        hrefs(form.text, "/ledger/history/")
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.text))
    fields.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>',
                             form.text))
    fields = {k: markup.unescape(v) for k, v in fields.items()}
    saved = eve.post(markup.unescape(action), data={**fields, "reason": "no change"},
                     follow_redirects=False)
    assert saved.status_code == 303, saved.text
    back = urlsplit(saved.headers["location"])
    assert back.path == f"/ledger/deals/{DEAL}"
    assert parse_qs(back.query) == {**MONEY, "done": ["saved"]}


def test_the_edit_form_checks_the_money_as_the_deal_page_does(app):
    eve = login(app, "eve")
    refused = eve.get(f"/ledger/edit/deal/{DEAL}?currency=XYZ")
    assert refused.status_code == 400
    assert "currency" in refused.text and "XYZ" in refused.text
