from datetime import datetime, timedelta
from tests.conftest import ADDRESS, CPFS, make_case, make_customer, make_contract

def test_backdate(as_scheduler, customer):
    r1 = as_scheduler.post("/api/cases", json={"customer_id": customer.id, "reported_issue": "x"})
    print("r1", r1.status_code, r1.json.get("number"))
    r2 = as_scheduler.post("/api/cases", json={"customer_id": customer.id, "reported_issue": "x", "opened_at": f"{datetime.now().year-1}-12-20T10:00:00"})
    print("r2", r2.status_code, r2.json.get("number"), r2.json.get("opened_at"))
    r3 = as_scheduler.post("/api/cases", json={"customer_id": customer.id, "reported_issue": "x"})
    print("r3", r3.status_code, r3.json.get("number"))

def test_due_sort_page(as_scheduler, customer):
    for i in range(3):
        as_scheduler.post("/api/cases", json={"customer_id": customer.id, "reported_issue": "x"})
    r = as_scheduler.get("/api/cases?sort=due_at&limit=2")
    print("sort", r.status_code, r.json.get("next_cursor"), r.json.get("detail"))

def test_inline_contract(as_scheduler, contract):
    r = as_scheduler.post("/api/cases", json={"customer": {"name": "Outro"}, "contract_id": contract.id, "reported_issue": "x"})
    print("inline+contract", r.status_code, r.json.get("customer"), r.json.get("contract"), r.json.get("errors"))

def test_inline_dup(as_scheduler, customer):
    r = as_scheduler.post("/api/cases", json={"customer": {"name": "Outro", "document": CPFS[0], "address": ADDRESS}, "reported_issue": "x"})
    print("dup", r.status_code, r.json.get("errors"))
    r = as_scheduler.post("/api/cases", json={"customer": {"name": "Outro", "document": "123", "address": ADDRESS}, "reported_issue": "x", "foo": 1})
    print("bad", r.status_code, r.json.get("errors"))
    r = as_scheduler.post("/api/cases", json={"customer_id": customer.id, "reported_issue": "   "})
    print("blank", r.status_code, r.json.get("errors"))
