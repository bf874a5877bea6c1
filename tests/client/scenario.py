"""An office's day through a client generated from SIKUBE's served OpenAPI document by a
standard generator (openapi-python-client, pinned in tests/client/requirements.txt): log
in, list persons with filters, register persons, form a KUBE, take a proposal through its
steps, record a visit, read the dashboard, export a list. The client raises on any status
the document does not list, so the document cannot drift from the server unnoticed.

Usage: PYTHONPATH=<dir holding sikube_client> python3 scenario.py BASE_URL TODAY
"""
import datetime
import sys

from sikube_client import AuthenticatedClient, Client
from sikube_client.api.aid import (
    get_items, get_programmes, post_proposals, post_proposals_id_action)
from sikube_client.api.auth import post_auth_login
from sikube_client.api.dashboard import get_dashboard
from sikube_client.api.export import get_persons_export
from sikube_client.api.kube import get_kube, get_kube_id, post_kube
from sikube_client.api.monitoring import post_kube_id_visits
from sikube_client.api.persons import get_persons, post_persons
from sikube_client.models import (
    ActBody, ErrorBody, ItemQty, KubeCreate, ListOfKubeOut, ListOfPersonOut, LoginRequest,
    MemberIn, PersonCreate, ProposalCreate, VisitIn)

BASE, TODAY = sys.argv[1], datetime.date.fromisoformat(sys.argv[2])
PASSWORD = "demo-banjar-2012"
REJASARI = "32.79.04.2002"


def check(value, kind, what):
    """The answer is the documented success type, not an error body or nothing."""
    if not isinstance(value, kind):
        raise SystemExit(f"{what}: expected {kind.__name__}, got {value!r}")
    return value


def login(username):
    anonymous = Client(base_url=BASE, raise_on_unexpected_status=True)
    r = post_auth_login.sync(client=anonymous, body=LoginRequest(username=username, password=PASSWORD))
    if isinstance(r, ErrorBody) or r is None:
        raise SystemExit(f"login {username}: {r!r}")
    return AuthenticatedClient(base_url=BASE, token=r.token, raise_on_unexpected_status=True)


op = login("operator")

# The persons of a village, filtered by name.
listed = check(get_persons.sync(client=op, village_code=REJASARI, limit=5), ListOfPersonOut, "persons")
assert listed.total > 0 and len(listed.items) <= 5, listed
assert all(p.village_code == REJASARI for p in listed.items)
first = listed.items[0].name.split()[0]
named = check(get_persons.sync(client=op, q=first, village_code=REJASARI), ListOfPersonOut, "persons?q")
assert all(first.lower() in p.name.lower() for p in named.items), first

# Five working-age residents registered (NIK: kecamatan, birth date, a number).
ids = []
for i in range(5):
    born = datetime.date(1980 + i, 3, 10 + i)
    nik = f"327904{born.day:02d}{born.month:02d}{born.year % 100:02d}97{i:02d}"
    person = PersonCreate(nik=nik, name=f"Warga Klien {i}", sex="L", birth_date=born,
                          village_code=REJASARI, household_role="kepala_keluarga",
                          occupation="lainnya", confirm_duplicate=True)
    created = post_persons.sync(client=op, body=person)
    assert getattr(created, "id", None), created
    ids.append(created.id)

# A KUBE of them.
roles = ["ketua", "sekretaris", "bendahara", "anggota", "anggota"]
kube = post_kube.sync(client=op, body=KubeCreate(
    name="KUBE Klien Generator", business_type="warungan", village_code=REJASARI,
    formed_on=TODAY - datetime.timedelta(days=60), funding_source="apbd_kota",
    members=[MemberIn(person_id=p, role=r) for p, r in zip(ids, roles)]))
assert getattr(kube, "registration_number", "").startswith("KUBE-3279-"), kube
found = check(get_kube.sync(client=op, q=kube.registration_number), ListOfKubeOut, "kube?q")
assert [k.id for k in found.items] == [kube.id], found

# A proposal: drafted and submitted by the operator, verified by another officer,
# approved by the head of division.
programmes = get_programmes.sync(client=op, year=TODAY.year)
programme = next(p for p in programmes.items if p.target == "kube")
item = get_items.sync(client=op)[0]
proposal = post_proposals.sync(client=op, body=ProposalCreate(
    kube_id=kube.id, programme_id=programme.id, items=[ItemQty(item_id=item.id, quantity=1)],
    justification="Modal warung kelompok"))
assert proposal.state == "draft", proposal
for who, action, state in [(op, "submit", "submitted"), (login("admin"), "verify", "verified"),
                           (login("kabid"), "approve", "approved")]:
    proposal = post_proposals_id_action.sync(proposal.id, action, client=who, body=ActBody())
    assert getattr(proposal, "state", None) == state, (action, proposal)

# A monitoring visit; the group's health follows it.
visit = post_kube_id_visits.sync(kube.id, client=op, body=VisitIn(
    visited_on=TODAY, operating=True, meetings_held=2, members_present=5,
    books_up_to_date=True, revenue=3_000_000, expenses=2_000_000, savings_balance=500_000))
assert visit.health.status == "berjalan", visit
detail = get_kube_id.sync(kube.id, client=op)
assert detail.id == kube.id and len(detail.members) == 5

# The dashboard counts the new group; a list exported as a spreadsheet.
dash = get_dashboard.sync(client=op)
assert dash.kube_total == 151, dash.kube_total
sheet = get_persons_export.sync(client=op, village_code=REJASARI, format_="xlsx")
assert sheet.payload.read(2) == b"PK", "an XLSX (zip) file"
print("generated client: the scenario passed")
