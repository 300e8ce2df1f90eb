"""The search index built the plain way, one organisation and one word at a time: what graph/search.py's
vectorised build must equal."""

import numpy as np

from graph import search_index, snapshot


def build_index(found: snapshot.Snapshot, columns: dict[str, list[str]]) -> search_index.SearchIndex:
    """Return the search index of the snapshot's organisations, with Python loops."""
    ids, names, countries, vat_ids = [], [], [], []
    for key, name, country, vat_id in zip(
        columns.get("keys", ()),
        columns.get("names", ()),
        columns.get("countries", ()),
        columns.get("vat_ids", ()),
        strict=True,
    ):
        organisation = found.id_of(key)
        if organisation is not None:
            ids.append(organisation)
            names.append(name.casefold())
            countries.append(country)
            vat_ids.append(vat_id)
    keys = found.keys
    by_rank = sorted(range(len(ids)), key=lambda i: (names[i], keys[ids[i]]))
    order = np.array([ids[i] for i in by_rank], np.int64)
    rank = np.full(len(keys), -1, np.int64)
    rank[order] = np.arange(len(order))
    postings: dict[str, list[int]] = {}
    for position, i in enumerate(by_rank):
        for word in set(search_index.WORD.findall(names[i])):
            postings.setdefault(word, []).append(position)
    vocabulary = tuple(sorted(postings))
    sizes = np.array([len(postings[word]) for word in vocabulary], np.int64)
    by_country: dict[str, list[int]] = {}
    by_vat_id: list[tuple[str, int]] = []
    for position, i in enumerate(by_rank):
        if countries[i]:
            by_country.setdefault(countries[i], []).append(position)
        if vat_ids[i] and (normalised := search_index.normalise_vat(vat_ids[i])):
            by_vat_id.append((normalised, position))
    by_vat_id.sort()
    return search_index.SearchIndex(
        token=found.token,
        keys=keys,
        order=order,
        rank=rank,
        names=tuple(names[i] for i in by_rank),
        vocabulary=vocabulary,
        offsets=np.concatenate(([0], np.cumsum(sizes))).astype(np.int64),
        postings=np.fromiter((p for word in vocabulary for p in postings[word]), np.int64),
        vat_ids=tuple(vat_id for vat_id, _ in by_vat_id),
        vat_ranks=np.array([position for _, position in by_vat_id], np.int64),
        countries={country: np.array(ranks, np.int64) for country, ranks in by_country.items()},
    )
