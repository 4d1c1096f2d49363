"""Who may reach the operations endpoints: the probes answer anyone; /metrics nobody until
METRICS_ALLOW or METRICS_TOKEN lets someone in (tests/ops/test_metrics.py), and then 404 for
everyone else, as for a page that does not exist."""

import pytest

from app.policy import Role

ENDPOINTS = {"ops.healthz", "ops.readyz", "ops.metrics_page"}
WHO = ["anonymous", Role.STUDENT, Role.REVIEWER, Role.ADMIN]
MATRIX = {"/healthz": 200, "/readyz": 200, "/metrics": 404}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url", sorted(MATRIX))
def test_access_matrix(client, make_user, login, url, who):
    if who != "anonymous":
        login(client, make_user(who))
    assert client.get(url).status_code == MATRIX[url]
