"""A plain-Python reference of the visibility rules of DOMAIN.md, sharing no code with graph/visibility.py.

A `World` is the whole graph as lists of tuples; `Reference` answers every visibility question over it by
brute force, day by day, with dates inclusive and None for an open end.

Two days, never mixed up: what a caller may see is decided on `today`, the day of the request (their assignments
and substitutions, the organisations' ancestors that day); what is shown is the structure of `as_of`. The methods
that take a single `day` answer for that day alone; :meth:`Reference.portfolio` and :meth:`Reference.descendants`
take both.
"""

import datetime
import re
from dataclasses import dataclass, field

EVERYTHING = {"analyst", "admin"}


def name_of(key: str) -> str:
    """The name the tests give every node."""
    return f"Name of {key}"


@dataclass(frozen=True)
class Window:
    """A period: first and last day, both inclusive, None for open."""

    start: datetime.date | None
    end: datetime.date | None

    def holds(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class World:
    """Everything visibility depends on."""

    territories: dict[str, str | None] = field(default_factory=dict)  # territory -> parent territory
    users: dict[str, str] = field(default_factory=dict)  # user -> role
    assignments: dict[tuple[str, str], tuple[str, Window]] = field(default_factory=dict)  # (user, territory)
    covers: dict[tuple[str, str], Window] = field(default_factory=dict)  # (covering user, absent user)
    organisations: list[str] = field(default_factory=list)
    links: list[tuple[str, str, str, Window]] = field(default_factory=list)  # parent, child, kind, window
    placements: set[tuple[str, str]] = field(default_factory=set)  # (organisation, territory)
    employments: dict[tuple[str, str], Window] = field(default_factory=dict)  # (contact, organisation)
    contacts: list[str] = field(default_factory=list)


class Reference:
    """Visibility answers over a World, by brute force."""

    def __init__(self, world: World):
        self.world = world

    def parent(self, organisation, day):
        found = [(p, kind, w) for p, c, kind, w in self.world.links if c == organisation and w.holds(day)]
        assert len(found) <= 1, "the generator never gives two parents on a day"
        return found[0] if found else None

    def holders(self, organisation, day, inherit):
        """The organisation, then with inheritance its ancestors that day, nearest first."""
        chain = [organisation]
        while inherit and self.parent(chain[-1], day) is not None:
            chain.append(self.parent(chain[-1], day)[0])
        return chain

    def territories_up(self, territory):
        """The territory and those above it, nearest first."""
        chain = [territory]
        while self.world.territories[chain[-1]] is not None:
            chain.append(self.world.territories[chain[-1]])
        return chain

    def covered(self, user, day):
        """The user and the users they cover for that day."""
        return [user] + sorted(absent for (u, absent), w in self.world.covers.items() if u == user and w.holds(day))

    def assigned(self, user, day):
        return {t for (u, t), (_, w) in self.world.assignments.items() if u == user and w.holds(day)}

    def granted(self, user, day):
        direct = {t for someone in self.covered(user, day) for t in self.assigned(someone, day)}
        return {t for t in self.world.territories if direct.intersection(self.territories_up(t))}

    def held(self, territories, day, inherit):
        return {
            o
            for o in self.world.organisations
            if any((h, t) in self.world.placements for h in self.holders(o, day, inherit) for t in territories)
        }

    def visible(self, user, day, inherit):
        if self.world.users[user] in EVERYTHING:
            return set(self.world.organisations)
        return self.held(self.granted(user, day), day, inherit)

    def portfolio(self, user, as_of, inherit, caller=None, today=None):
        """The user's portfolio on `as_of`, less what `caller` may not see on `today`: (shown, hidden count)."""
        held = self.held(self.granted(user, as_of), as_of, inherit)
        if caller is None:
            return held, 0
        seen = self.visible(caller, today, inherit)
        return held & seen, len(held - seen)

    def descendants(self, organisation, as_of):
        """The organisation's descendants on `as_of` (not itself)."""
        return {
            o for o in self.world.organisations if o != organisation and organisation in self.holders(o, as_of, True)
        }

    def visible_contacts(self, user, day, inherit):
        if self.world.users[user] in EVERYTHING:
            return set(self.world.contacts)
        seen = self.visible(user, day, inherit)
        return {c for (c, o), w in self.world.employments.items() if w.holds(day) and o in seen}

    def grants(self, user, organisation, day, inherit):
        """(assigned territory, absent user or None) of every assignment through which the user sees it."""
        reach = {
            up
            for h in self.holders(organisation, day, inherit)
            for (o, t) in self.world.placements
            if o == h
            for up in self.territories_up(t)
        }
        found = set()
        for someone in self.covered(user, day):
            for t in self.assigned(someone, day) & reach:
                found.add((t, None if someone == user else someone))
        return found

    def viewers(self, organisation, day, inherit):
        """Each user who sees it, with their grants."""
        found = {}
        for user, role in self.world.users.items():
            grants = self.grants(user, organisation, day, inherit)
            if grants or role in EVERYTHING:
                found[user] = grants
        return found

    def shortest(self, user, organisation, day, inherit):
        """The fewest relationships on a chain that grants access; None when there is none."""
        lengths = []
        for depth, h in enumerate(self.holders(organisation, day, inherit)):
            for o, t in self.world.placements:
                if o != h:
                    continue
                for hops, up in enumerate(self.territories_up(t)):
                    for someone in self.covered(user, day):
                        if up in self.assigned(someone, day):
                            lengths.append((someone != user) + 1 + hops + 1 + depth)
        return min(lengths, default=None)

    def giving_territory(self, organisation, granted, day, inherit):
        """The territory that puts an organisation in a portfolio: of its nearest holder, the smallest key."""
        for h in self.holders(organisation, day, inherit):
            found = sorted(t for o, t in self.world.placements if o == h and t in granted)
            if found:
                return found[0]
        return None

    def roots(self, day):
        return {o: self.holders(o, day, True)[-1] for o in self.world.organisations}

    def one_face(self, day):
        """Root -> owner -> owned members, for the groups with more than one owner."""
        groups: dict[str, dict[str, set[str]]] = {}
        roots = self.roots(day)
        for (user, territory), (role, w) in self.world.assignments.items():
            if role != "owner" or not w.holds(day):
                continue
            for o, t in self.world.placements:
                if t == territory:
                    groups.setdefault(roots[o], {}).setdefault(user, set()).add(o)
        return {root: owners for root, owners in groups.items() if len(owners) > 1}

    def check_path(self, path, user, organisation, day, inherit):
        """Assert that an explained path is a chain of the world that grants `user` the organisation that day."""
        shape = ""
        for index, step in enumerate(path):
            if index % 2 == 0:
                assert step.name == name_of(step.key) and step.note is None
                shape += {"User": "U", "Territory": "T", "Organisation": "O"}[step.label]
                continue
            before, after = path[index - 1].key, path[index + 1].key
            if step.type == "SUBSTITUTES":
                assert (step.start, step.end) == (before, after)
                window = self.world.covers[(before, after)]
                assert window.holds(day)
                assert step.properties == {"valid_from": window.start, "valid_to": window.end}
                shape += "s"
            elif step.type == "ASSIGNED_TO" and path[index - 1].label == "User":
                assert (step.start, step.end) == (before, after)
                role, window = self.world.assignments[(before, after)]
                assert window.holds(day)
                assert step.properties == {"role": role, "valid_from": window.start, "valid_to": window.end}
                shape += "a"
            elif step.type == "ASSIGNED_TO":
                assert (step.start, step.end) == (after, before)
                assert (after, before) in self.world.placements
                shape += "r"
            elif path[index - 1].label == "Territory":
                assert step.type == "PARENT_OF" and (step.start, step.end) == (before, after)
                assert self.world.territories[after] == before
                shape += "p"
            else:
                assert step.type == "PARENT_OF" and (step.start, step.end) == (before, after)
                parent, kind, window = self.parent(after, day)
                assert parent == before
                assert (step.properties["kind"], step.properties["valid_from"], step.properties["valid_to"]) == (
                    kind,
                    window.start,
                    window.end,
                )
                shape += "l"
        pattern = r"U(sU)?aT(pT)*rO(lO)*" if inherit else r"U(sU)?aT(pT)*rO"
        assert re.fullmatch(pattern, shape), shape
        assert path[0].key == user and path[-1].key == organisation
        assert len(path) // 2 == self.shortest(user, organisation, day, inherit)
