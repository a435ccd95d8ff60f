"""The values the filters offer, on SQLite and PostgreSQL: the agencies that lead or partner an
action of this plan (not every agency in the deployment), board codes and names, themes in plan
order, and owner names only when asked for and never those of restricted actions."""

from sqlmodel import select

from models import Action, ActionPartner, Agency
from plan.db import session_scope
from plan.plans import filter_choices, owner_choices


def test_filter_choices_offer_what_this_plan_uses(seeded) -> None:  # noqa: ANN001
    with session_scope() as session:
        session.add(Agency(name="Zeta Housing Trust (no action)", kind="charity"))
        lead = session.exec(select(Action).where(Action.plan_id == seeded.id, Action.ref == "1.1")).one()
        partner_only = Agency(name="Alpha Youth Service (partner only)", kind="charity")
        session.add(partner_only)
        session.flush()
        session.add(ActionPartner(action_id=lead.id, agency_id=partner_only.id))
    with session_scope() as session:
        choices = filter_choices(session, plan_id=seeded.id)
        with_owners = filter_choices(session, plan_id=seeded.id, owners=True)
        leads = set(session.exec(select(Agency.name).join(Action, Action.lead_agency_id == Agency.id)
                                         .where(Action.plan_id == seeded.id)).all())
        partners = set(session.exec(
            select(Agency.name).join(ActionPartner, ActionPartner.agency_id == Agency.id)
            .join(Action, Action.id == ActionPartner.action_id).where(Action.plan_id == seeded.id)).all())
        open_owners = set(session.exec(select(Action.lead_owner).where(
            Action.plan_id == seeded.id, Action.restricted.is_(False), Action.lead_owner != "")).all())
        restricted_owners = set(session.exec(select(Action.lead_owner).where(
            Action.plan_id == seeded.id, Action.restricted.is_(True))).all()) - open_owners
        assert owner_choices(session, plan_id=seeded.id) == with_owners.owners
    assert "Alpha Youth Service (partner only)" in partners - leads
    assert choices.agencies == sorted(leads | partners)
    assert "Zeta Housing Trust (no action)" not in choices.agencies
    assert choices.themes == ["Prepare", "Prevent", "Protect", "Pursue"]
    assert set(choices.board_names) == set(choices.boards) and choices.boards
    assert choices.owners == []  # the Dashboard does not ask for them
    assert set(with_owners.owners) == open_owners and len(with_owners.owners) == len(open_owners)
    assert with_owners.owners == sorted(with_owners.owners, key=str.lower)
    assert not restricted_owners & set(with_owners.owners)
