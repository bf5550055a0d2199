def test_scheduler_opens_a_case_through_the_api(as_scheduler, customer):
    response = as_scheduler.post("/api/cases", json={"customer_id": customer.id, "reported_issue": "Gaveta não fecha."})
    assert response.status_code == 201, response.json
    assert response.json["number"].startswith("AT-")
    assert response.json["status"] == "open"
