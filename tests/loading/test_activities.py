"""The `activities` and `opportunities` load files: their checks, attribution through the contacts' employer on
the activity's day, reruns, dry runs and links (docs/load-files.md)."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin, loading
from tests.loading.helpers import counts, file_report, rejections, rows, write

ORGANISATIONS = "key,name\nORG-A,Alpha\nORG-B,Beta\nORG-C,Gamma\n"
CONTACTS = "key,last_name\nCON-1,Eins\nCON-2,Zwei\nCON-3,Drei\nCON-4,Vier\n"
# CON-1 moved from Alpha to Beta on 2024-07-01; CON-2 works at Alpha and Gamma, main contact at Gamma; CON-3 works
# at both with no main one; CON-4 left Alpha at the end of 2020.
EMPLOYMENTS = (
    "contact_key,organisation_key,is_main_contact,since,until\n"
    "CON-1,ORG-A,true,2019-01-01,2024-06-30\n"
    "CON-1,ORG-B,true,2024-07-01,\n"
    "CON-2,ORG-A,false,,\n"
    "CON-2,ORG-C,true,,\n"
    "CON-3,ORG-A,false,,\n"
    "CON-3,ORG-B,false,,\n"
    "CON-4,ORG-A,true,,2020-12-31\n"
)
USERS = "key,name,role\nann,Ann,rep\nbob,Bob,rep\n"
ACTIVITY_HEADER = "key,type,status,date,subject,organisation_key,contact_keys,owner_key\n"
OPPORTUNITY_HEADER = "key,name,organisation_key,amount,stage,probability,expected_close,status,closed_on,owner_key\n"


@pytest.fixture
def people(tmp_path):
    """Organisations, contacts with a history of employment, and two users."""
    directory = tmp_path / "people"
    directory.mkdir()
    for name, text in (
        ("organisations.csv", ORGANISATIONS),
        ("contacts.csv", CONTACTS),
        ("employments.csv", EMPLOYMENTS),
        ("users.csv", USERS),
    ):
        write(directory, name, text)
    return directory


async def load(store, *paths, **options):
    return await loading.load_paths(store, list(paths), **options)


def folder(parent, name):
    """Return the directory `name` in `parent`, created: one per load of a test."""
    directory = parent / name
    directory.mkdir(exist_ok=True)
    return directory


async def stored_activities(store) -> dict[str, tuple]:
    """Return (organisation, sorted contacts, owner, type, status, date, subject) of every activity, by key."""
    found = await rows(
        store,
        "MATCH (a:Activity)-[:ABOUT]->(o:Organisation) "
        "OPTIONAL MATCH (a)-[:OWNED_BY]->(u:User) "
        "OPTIONAL MATCH (a)-[:WITH]->(c:Contact) "
        "RETURN a.key AS key, o.key AS organisation, collect(c.key) AS contacts, u.key AS owner, a.type AS type, "
        "a.status AS status, a.date AS date, a.subject AS subject",
        days=("date",),
    )
    return {
        row["key"]: (
            row["organisation"],
            sorted(row["contacts"]),
            row["owner"],
            row["type"],
            row["status"],
            row["date"],
            row["subject"],
        )
        for row in found
    }


async def test_activities_load_with_their_organisation_contacts_and_owner(store, tmp_path, people):
    await load(store, people)
    path = write(
        tmp_path,
        "activities.csv",
        ACTIVITY_HEADER + "ACT-1,meeting,done,2024-03-01,Kick-off,ORG-A,CON-1;CON-2,ann\n"
        "ACT-2,task,open,2026-01-15,,ORG-C,,\n",
    )

    report = await load(store, path)

    assert counts(report.files[0]) == (2, 0, 0, 0)
    assert await stored_activities(store) == {
        "ACT-1": ("ORG-A", ["CON-1", "CON-2"], "ann", "meeting", "done", datetime.date(2024, 3, 1), "Kick-off"),
        "ACT-2": ("ORG-C", [], None, "task", "open", datetime.date(2026, 1, 15), None),
    }


@pytest.mark.parametrize(
    ("contacts", "day", "organisation"),
    [
        ("CON-1", "2024-06-30", "ORG-A"),  # the last day at Alpha
        ("CON-1", "2024-07-01", "ORG-B"),  # the first day at Beta
        ("CON-2", "2025-01-01", "ORG-C"),  # two employers that day: the one where they are the main contact
        ("CON-1;CON-2", "2019-05-01", None),  # at Alpha and at Gamma: different organisations
    ],
)
async def test_an_activity_without_organisation_belongs_to_the_contacts_employer_on_its_day(
    store, tmp_path, people, contacts, day, organisation
):
    await load(store, people)
    path = write(tmp_path, "activities.csv", ACTIVITY_HEADER + f"ACT-1,call,done,{day},,,{contacts},\n")

    report = await load(store, path)

    if organisation is None:
        assert rejections(report) == {
            (
                2,
                "organisation_key",
                f"the contacts worked at different organisations on {day} (CON-1 at ORG-A, CON-2 at ORG-C): "
                "name the organisation_key",
            )
        }
    else:
        assert rejections(report) == set()
        assert (await stored_activities(store))["ACT-1"][:2] == (organisation, contacts.split(";"))


async def test_what_was_said_before_a_contact_changed_company_stays_with_the_old_employer(store, tmp_path, people):
    await load(store, people)
    before = write(folder(tmp_path, "1"), "activities.csv", ACTIVITY_HEADER + "ACT-1,call,done,2023-02-01,,,CON-1,\n")
    await load(store, before)
    # The contact's move is recorded after the activity was loaded: the activity keeps the organisation of its day.
    moved = write(folder(tmp_path, "2"), "activities.csv", ACTIVITY_HEADER + "ACT-2,call,done,2025-02-01,,,CON-1,\n")

    await load(store, moved)

    stored = await stored_activities(store)
    assert (stored["ACT-1"][0], stored["ACT-2"][0]) == ("ORG-A", "ORG-B")


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (
            "ACT-9,call,done,2024-01-01,,,CON-404,",
            "contact_keys",
            "unknown contact 'CON-404': neither in this load nor stored",
        ),
        (
            "ACT-9,call,done,2022-01-01,,,CON-4,",
            "organisation_key",
            "contact 'CON-4' worked at no organisation on 2022-01-01: name the organisation_key",
        ),
        (
            "ACT-9,call,done,2024-01-01,,,CON-3,",
            "organisation_key",
            "contact 'CON-3' worked at 2 organisations on 2024-01-01 (ORG-A, ORG-B) and is the main contact of none: "
            "name the organisation_key",
        ),
        (
            "ACT-9,call,done,2024-01-01,,,,",
            "organisation_key",
            "neither organisation_key nor contact_keys is given: one is needed",
        ),
        (
            "ACT-9,visit,done,2024-01-01,,ORG-A,,",
            "type",
            "unknown value 'visit'; expected one of call, meeting, email, offer, task, note",
        ),
        ("ACT-9,call,done,,,ORG-A,,", "date", "is required but empty"),
        ("ACT-9,call,done,2024-01-01,,ORG-A,CON-1;CON-2;CON-1,", "contact_keys", "'CON-1' is given twice"),
        (
            "ACT-9,call,done,2024-01-01,,ORG-A,,nobody",
            "owner_key",
            "unknown user 'nobody': neither in this load nor stored",
        ),
    ],
    ids=[
        "unknown contact",
        "no employer that day",
        "two employers, no main",
        "neither",
        "bad type",
        "no date",
        "contact twice",
        "owner",
    ],
)
async def test_a_bad_activity_is_rejected_with_its_reason_and_the_others_load(
    store, tmp_path, people, row, field, reason
):
    await load(store, people)
    path = write(tmp_path, "activities.csv", ACTIVITY_HEADER + f"ACT-1,call,done,2024-01-01,,ORG-A,,\n{row}\n")

    report = await load(store, path)

    assert rejections(report) == {(3, field, reason)}
    assert set(await stored_activities(store)) == {"ACT-1"}


async def test_loading_activities_again_changes_nothing_and_a_changed_contact_list_replaces_the_old(
    store, tmp_path, people
):
    await load(store, people)
    first = (
        ACTIVITY_HEADER
        + "ACT-1,meeting,done,2024-03-01,Kick-off,ORG-A,CON-1;CON-2,ann\nACT-2,call,done,2024-08-01,,,CON-1,bob\n"
    )
    await load(store, write(folder(tmp_path, "1"), "activities.csv", first))

    again = await load(store, write(folder(tmp_path, "2"), "activities.csv", first))
    changed = await load(
        store,
        write(
            folder(tmp_path, "3"),
            "activities.csv",
            ACTIVITY_HEADER
            + "ACT-1,meeting,done,2024-03-01,Kick-off,ORG-A,CON-2,\nACT-2,call,done,2024-08-01,,ORG-C,CON-1,bob\n",
        ),
    )

    assert counts(again.files[0]) == (0, 0, 2, 0)
    assert counts(changed.files[0]) == (0, 2, 0, 0)
    stored = await stored_activities(store)
    assert stored["ACT-1"][:3] == ("ORG-A", ["CON-2"], None)
    assert stored["ACT-2"][:3] == ("ORG-C", ["CON-1"], "bob")


async def test_a_file_without_the_contact_and_owner_columns_keeps_the_stored_links(store, tmp_path, people):
    await load(store, people)
    await load(
        store,
        write(
            folder(tmp_path, "1"), "activities.csv", ACTIVITY_HEADER + "ACT-1,call,done,2024-03-01,,ORG-A,CON-1,ann\n"
        ),
    )

    report = await load(
        store,
        write(
            folder(tmp_path, "2"),
            "activities.csv",
            "key,type,status,date,organisation_key\nACT-1,call,done,2024-03-01,ORG-A\n",
        ),
    )

    assert counts(report.files[0]) == (0, 0, 1, 0)
    assert (await stored_activities(store))["ACT-1"][:3] == ("ORG-A", ["CON-1"], "ann")


async def test_a_dry_run_attributes_through_the_employments_it_would_load(store, tmp_path):
    directory = tmp_path / "all"
    directory.mkdir()
    write(directory, "organisations.csv", ORGANISATIONS)
    write(directory, "contacts.csv", CONTACTS)
    write(directory, "employments.csv", EMPLOYMENTS)
    write(directory, "activities.csv", ACTIVITY_HEADER + "ACT-1,call,done,2024-08-01,,,CON-1,\n")

    dry = await load(store, directory, dry_run=True)
    real = await load(store, directory)

    assert counts(file_report(dry, "activities")) == counts(file_report(real, "activities")) == (1, 0, 0, 0)
    assert (await stored_activities(store))["ACT-1"][0] == "ORG-B"


# -- Opportunities ---------------------------------------------------------------------------------


async def test_opportunities_load_with_their_organisation_and_owner_and_again_unchanged(store, tmp_path, people):
    await load(store, people)
    text = OPPORTUNITY_HEADER + (
        "OPP-1,Big deal,ORG-A,1200.50,proposal,40,2026-03-31,open,,ann\n"
        "OPP-2,Lost one,ORG-B,99.99,,,,lost,2025-11-02,\n"
    )

    first = await load(store, write(folder(tmp_path, "1"), "opportunities.csv", text))
    again = await load(store, write(folder(tmp_path, "2"), "opportunities.csv", text))

    assert counts(first.files[0]) == (2, 0, 0, 0)
    assert counts(again.files[0]) == (0, 0, 2, 0)
    found = await rows(
        store,
        "MATCH (o:Opportunity)-[:FOR]->(org:Organisation) OPTIONAL MATCH (o)-[:OWNED_BY]->(u:User) "
        "RETURN o.key AS key, org.key AS organisation, u.key AS owner, o.amount AS amount, o.stage AS stage, "
        "o.probability AS probability, o.status AS status, o.closed_on AS closed_on ORDER BY key",
        days=("closed_on",),
    )
    assert found == [
        {
            "key": "OPP-1",
            "organisation": "ORG-A",
            "owner": "ann",
            "amount": 120050,
            "stage": "proposal",
            "probability": 40,
            "status": "open",
            "closed_on": None,
        },
        {
            "key": "OPP-2",
            "organisation": "ORG-B",
            "owner": None,
            "amount": 9999,
            "stage": None,
            "probability": None,
            "status": "lost",
            "closed_on": datetime.date(2025, 11, 2),
        },
    ]


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (
            "OPP-9,Deal,ORG-A,100.00,closing,,,,,",
            "stage",
            "'closing' is not a stage; the stages are qualification, analysis, proposal, negotiation, commitment",
        ),
        ("OPP-9,Deal,ORG-A,-100.00,,,,,,", "amount", "-100.00 is negative"),
        ("OPP-9,Deal,ORG-A,100.00,,101,,,,", "probability", "101 is not a percentage from 0 to 100"),
        ("OPP-9,Deal,ORG-A,100.00,,-1,,,,", "probability", "-1 is not a percentage from 0 to 100"),
        ("OPP-9,Deal,,100.00,,,,,,", "organisation_key", "is required but empty"),
        ("OPP-9,Deal,ORG-A,100.00,,,,pending,,", "status", "unknown value 'pending'; expected one of open, won, lost"),
    ],
    ids=["unknown stage", "negative amount", "over 100", "below 0", "no organisation", "bad status"],
)
async def test_a_bad_opportunity_is_rejected_with_its_reason(store, tmp_path, people, row, field, reason):
    await load(store, people)
    path = write(tmp_path, "opportunities.csv", OPPORTUNITY_HEADER + f"OPP-1,Fine,ORG-A,0.00,,0,,,,\n{row}\n")

    report = await load(store, path)

    assert rejections(report) == {(3, field, reason)}
    assert counts(report.files[0]) == (1, 0, 0, 1)


# -- Attribution against a plain-Python reference -------------------------------------------------------

DAYS = st.dates(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
JOB = st.tuples(st.sampled_from(["ORG-A", "ORG-B", "ORG-C"]), st.booleans(), st.none() | DAYS, st.none() | DAYS)


def employer_by_reference(day: datetime.date, jobs: list[tuple[str, bool, datetime.date | None, datetime.date | None]]):
    """The employer of one contact on `day`: the one organisation they worked at, else the one they were the main
    contact of; None when there is no such single organisation."""
    working = {
        org for org, _, since, until in jobs if (since or datetime.date.min) <= day <= (until or datetime.date.max)
    }
    if len(working) == 1:
        return working.pop()
    main = {
        org
        for org, is_main, since, until in jobs
        if is_main and (since or datetime.date.min) <= day <= (until or datetime.date.max)
    }
    return main.pop() if len(working) > 1 and len(main) == 1 else None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    jobs=st.dictionaries(st.sampled_from(["ORG-A", "ORG-B", "ORG-C"]), JOB.map(lambda job: job[1:]), max_size=3),
    days=st.lists(DAYS, min_size=1, max_size=6),
)
async def test_attribution_through_the_employer_matches_a_reference(store, tmp_path_factory, jobs, days):
    await admin.delete_everything(store)
    directory = tmp_path_factory.mktemp("attribution")
    write(directory, "organisations.csv", ORGANISATIONS)
    write(directory, "contacts.csv", "key,last_name\nCON-1,Eins\n")
    ordered = {
        organisation: (is_main, *sorted((since, until), key=lambda day: day or datetime.date.min))
        if since and until
        else (is_main, since, until)
        for organisation, (is_main, since, until) in jobs.items()
    }
    if ordered:
        write(
            directory,
            "employments.csv",
            "contact_key,organisation_key,is_main_contact,since,until\n"
            + "".join(
                f"CON-1,{org},{str(is_main).lower()},{since or ''},{until or ''}\n"
                for org, (is_main, since, until) in ordered.items()
            ),
        )
    write(
        directory,
        "activities.csv",
        ACTIVITY_HEADER + "".join(f"ACT-{number},call,done,{day},,,CON-1,\n" for number, day in enumerate(days)),
    )

    report = await load(store, directory)

    stored = await stored_activities(store)
    flat = [(org, is_main, since, until) for org, (is_main, since, until) in ordered.items()]
    for number, day in enumerate(days):
        expected = employer_by_reference(day, flat)
        assert (stored.get(f"ACT-{number}", (None,))[0]) == expected, (day, flat)
    assert report.rejected == sum(employer_by_reference(day, flat) is None for day in days)
