def test_landing_page_renders(client):
    response = client.get("/", headers={"Accept-Language": "ru"})
    assert response.status_code == 200
    assert '<html lang="ru">' in response.get_data(as_text=True)
