"""The admin home (issue 19): linked from the header, every admin page one click away, products kept there."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import Product
from tests.conftest import login
from tests.factories import make_product, make_user


def test_admins_find_the_admin_home_from_the_header(client):
    login(client, make_user(role="admin"))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin">Admin</a>' in page
    home = client.get("/admin").get_data(as_text=True)
    for href in ("/admin/settings", "/mod/settings", "/admin/care", "/admin/fields", "/admin/webhooks", "/admin/sso"):
        assert f'href="{href}"' in home


def test_members_and_moderators_get_no_admin_home(client):
    login(client, make_user(role="moderator"))
    assert 'href="/admin">Admin</a>' not in client.get("/").get_data(as_text=True)
    assert client.get("/admin").status_code == 403


def test_admins_add_and_rename_products(client):
    make_product()
    login(client, make_user(role="admin"))
    r = client.post("/admin/products", data={"name": "Northwind Smart Plug", "slug": "smart-plug",
                                             "description": "The plug."})
    assert r.status_code == 302
    assert "“Northwind Smart Plug” is added." in client.get(r.headers["Location"]).get_data(as_text=True)
    r = client.post("/admin/products", data={"name": "Plug again", "slug": "smart-plug"})
    assert r.status_code == 422 and "is taken by another product" in r.get_data(as_text=True)
    r = client.post("/admin/products", data={"name": "X", "slug": "Bad Slug!"})
    assert r.status_code == 422
    r = client.post("/admin/products/thermostat", data={"name": "Northwind Thermostat 2", "description": "New."})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Product.name).where(Product.slug == "thermostat")) == "Northwind Thermostat 2"
    assert client.post("/admin/products/nope", data={"name": "Whatever"}).status_code == 404
