"""The social world: contract conformance, structure against targets, determinism."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from analysis import report
from analysis import world as world_stage
from analysis.core import ParameterError
from analysis.world import (
    PERSON_ATTRS,
    ROLES,
    SENSITIVE_KINDS,
    TIE_KINDS,
    TIES,
    SocialParams,
    SocialWorld,
    WorldParams,
    build_social_world,
    degree_distribution,
    generate_population,
    local_clustering,
    structure_report,
    symmetric_matrix,
    tie_kind_mix,
)

PARAMS = SocialParams(seed=11, median_ties=30)


@pytest.fixture(scope="module")
def world(small_people) -> SocialWorld:
    return build_social_world(small_people, PARAMS)


def test_ties_match_the_contract(world):
    ties = world.ties
    assert list(ties.columns) == TIES.columns
    # int32 ids (half the memory of int64 at a million people); cast before packing pairs
    assert ties["person_a_id"].dtype == np.int32 and ties["person_b_id"].dtype == np.int32
    assert isinstance(ties["tie_kind"].dtype, pd.CategoricalDtype)
    assert list(ties["tie_kind"].cat.categories) == list(TIE_KINDS)
    assert ties["is_sensitive"].dtype == bool and ties["is_facebook_friend"].dtype == bool
    assert set(ties["tie_kind"].astype(str)) == set(TIE_KINDS), (
        "every kind occurs in a 4,000-person world"
    )


def test_no_self_loops_no_duplicate_pairs(world):
    a = world.ties["person_a_id"].to_numpy(np.int64)
    b = world.ties["person_b_id"].to_numpy(np.int64)
    assert (a != b).all()
    key = np.minimum(a, b) * world.n_people + np.maximum(a, b)
    assert np.unique(key).size == key.size
    assert a.min() >= 0 and max(a.max(), b.max()) < world.n_people


def test_orientation_professional_first_otherwise_sorted(world):
    ties = world.ties
    kind = ties["tie_kind"].astype(str)
    role = world.person_attrs["sensitive_role"].astype(str).to_numpy()
    expected_role = {
        "patient_clinician": "clinician",
        "client_lawyer": "lawyer",
        "source_journalist": "journalist",
        "client_sex_worker": "sex_worker",
    }
    for k, r in expected_role.items():
        pros = ties.loc[kind == k, "person_a_id"].to_numpy()
        assert pros.size > 0
        assert (role[pros] == r).all(), k
    symmetric = ~kind.isin(list(expected_role))
    assert (ties.loc[symmetric, "person_a_id"] < ties.loc[symmetric, "person_b_id"]).all()


def test_sensitive_flag_and_facebook_only_between_facebook_users(world):
    ties = world.ties
    assert (ties["is_sensitive"] == ties["tie_kind"].astype(str).isin(SENSITIVE_KINDS)).all()
    fb_user = world.people["is_facebook_user"].to_numpy()
    friends = ties[ties["is_facebook_friend"]]
    assert len(friends) > 0
    assert fb_user[friends["person_a_id"]].all() and fb_user[friends["person_b_id"]].all()
    # sensitive ties are friended far less often than family or friends
    mix = tie_kind_mix(world).set_index("tie_kind")
    sensitive = mix.loc[list(SENSITIVE_KINDS[:4])]
    assert sensitive["facebook_friend_count"].sum() / sensitive["tie_count"].sum() < 0.05
    assert mix.loc["family", "facebook_friend_share"] > 0.2


def test_person_attrs_match_the_contract(world):
    attrs = world.person_attrs
    assert list(attrs.columns) == PERSON_ATTRS.columns
    assert attrs["person_id"].tolist() == list(range(world.n_people))
    assert list(attrs["sensitive_role"].cat.categories) == list(ROLES)
    assert attrs["uploads_contacts_to_facebook"].dtype == bool
    assert attrs["tie_count"].dtype == np.int64 and attrs["facebook_friend_count"].dtype == np.int64
    assert attrs["tie_count"].sum() == 2 * len(world.ties)
    assert attrs["facebook_friend_count"].sum() == 2 * int(world.ties["is_facebook_friend"].sum())
    fb = world.people["is_facebook_user"].to_numpy()
    assert not attrs["uploads_contacts_to_facebook"].to_numpy()[~fb].any()
    share = attrs["uploads_contacts_to_facebook"].to_numpy()[fb].mean()
    assert abs(share - PARAMS.uploads_contacts_to_facebook) < 0.05
    assert world.people is not None and len(world.people) == len(attrs)


def test_graphs_and_matrices_agree(world):
    g = world.tie_graph()
    assert isinstance(g, nx.Graph)
    assert g.number_of_nodes() == world.n_people and g.number_of_edges() == len(world.ties)
    a, b = int(world.ties["person_a_id"].iloc[0]), int(world.ties["person_b_id"].iloc[0])
    assert g.edges[a, b]["tie_kind"] == str(world.ties["tie_kind"].iloc[0])
    m = world.tie_matrix()
    assert m.shape == (world.n_people, world.n_people)
    assert (m != m.T).nnz == 0 and m.diagonal().sum() == 0 and set(np.unique(m.data)) == {1}
    assert m.nnz == 2 * len(world.ties)
    fm = world.facebook_matrix()
    assert fm.nnz == 2 * int(world.ties["is_facebook_friend"].sum())
    assert (fm.multiply(m) != fm).nnz == 0, "every Facebook friendship is a tie"
    fg = world.facebook_graph()
    assert fg.number_of_nodes() == world.n_people and fg.number_of_edges() == fm.nnz // 2


def test_structure_within_tolerance_of_targets(world):
    report = structure_report(world).set_index("metric")
    achieved = report["achieved"]
    median = achieved["median ties per person"]
    assert abs(median - PARAMS.median_ties) <= 0.15 * PARAMS.median_ties
    assert abs(achieved["share of ties across countries"] - PARAMS.cross_country_share) < 0.03
    # heavy tail: the 99th percentile is several times the median
    assert achieved["99th percentile of ties"] > 3 * median
    # clustering far above a random graph of the same density, below a clique world
    density = achieved["mean ties per person"] / world.n_people
    cc = achieved["local clustering near the median degree (0.8-1.2 x target)"]
    assert 5 * density < cc < 0.4
    # community structure: many ties inside one city although cities are small
    assert achieved["share of ties within one city"] > 0.2


def test_degree_distribution_sums_to_everyone(world):
    dist = degree_distribution(world)
    assert dist["people_count"].sum() == world.n_people
    assert dist["people_share"].sum() == pytest.approx(1.0)
    assert (dist["tie_count"] * dist["people_count"]).sum() == 2 * len(world.ties)
    assert dist.equals(degree_distribution(world.ties, world.n_people))


def test_local_clustering_matches_networkx(world):
    g = world.tie_graph()
    nodes = np.arange(0, world.n_people, 97)
    ours = local_clustering(world.tie_matrix(), nodes)
    theirs = np.array([nx.clustering(g, int(v)) for v in nodes])
    np.testing.assert_allclose(ours, theirs)


def test_median_degree_follows_the_parameter(small_people):
    low = build_social_world(small_people, PARAMS.replace(median_ties=15), address_books=False)
    high = build_social_world(small_people, PARAMS.replace(median_ties=45), address_books=False)
    assert np.median(low.person_attrs["tie_count"]) < np.median(high.person_attrs["tie_count"])
    assert abs(np.median(high.person_attrs["tie_count"]) - 45) <= 0.15 * 45


def test_professionals_keep_several_clients(world):
    role = world.person_attrs["sensitive_role"].astype(str)
    clinicians = np.flatnonzero(role.to_numpy() == "clinician")
    assert clinicians.size > 0
    patients = world.ties[world.ties["tie_kind"] == "patient_clinician"]
    per = patients.groupby("person_a_id").size()
    assert per.mean() > 5, "a clinician has several patients (the PYMK case)"


def test_same_seed_same_frames_other_seed_differs(small_people, world):
    again = build_social_world(small_people, PARAMS)
    pd.testing.assert_frame_equal(again.ties, world.ties)
    pd.testing.assert_frame_equal(again.person_attrs, world.person_attrs)
    pd.testing.assert_frame_equal(again.address_book, world.address_book)
    other = build_social_world(small_people, PARAMS.replace(seed=12), address_books=False)
    assert not other.ties[["person_a_id", "person_b_id"]].equals(
        world.ties[["person_a_id", "person_b_id"]]
    )


def test_params_validate_and_round_trip():
    p = SocialParams(median_ties=50)
    assert SocialParams.from_toml_text(p.to_toml_text()) == p
    with pytest.raises(ParameterError, match="median_ties"):
        SocialParams(median_ties=0)
    with pytest.raises(ParameterError, match="facebook_friend_probability"):
        SocialParams(facebook_friend_probability={**p.facebook_friend_probability, "family": 1.5})
    with pytest.raises(ParameterError, match="role_shares"):
        SocialParams(
            role_shares={"clinician": 0.4, "lawyer": 0.2, "journalist": 0.0, "sex_worker": 0.0}
        )
    with pytest.raises(ParameterError, match="missing tie kinds"):
        SocialParams(address_book_inclusion={"family": 0.5})
    doc = pd.DataFrame(SocialParams.documentation())
    assert doc["description"].str.len().min() > 10


def test_bad_people_frame_is_rejected(small_people):
    with pytest.raises(ValueError, match="missing columns"):
        build_social_world(small_people.drop(columns=["city"]), PARAMS)
    with pytest.raises(ValueError, match="row position"):
        build_social_world(small_people.iloc[::-1].reset_index(drop=True), PARAMS)


def test_single_country_world_has_no_cross_country_ties():
    people = generate_population(WorldParams(n_people=800, seed=5, country_weights={"GB": 1.0}))
    w = build_social_world(people, SocialParams(seed=5, median_ties=20), address_books=False)
    report = structure_report(w).set_index("metric")["achieved"]
    assert report["share of ties across countries"] == 0.0
    assert len(w.ties) > 0


def test_symmetric_matrix_merges_reversed_pairs():
    m = symmetric_matrix(np.array([0, 1]), np.array([1, 0]), 2)
    assert m.toarray().tolist() == [[0, 1], [1, 0]]


def test_visibility_by_kind_is_consistent(world):
    seen = world_stage.visibility_by_kind(world).set_index("tie_kind")
    assert seen.loc["all ties", "tie_count"] == len(world.ties)
    assert seen.drop("all ties")["tie_count"].sum() == len(world.ties)
    kinds = seen.drop("all ties")
    # WhatsApp holds a subset of the phones' books; Facebook sees friends plus uploads
    assert (kinds["whatsapp_sees_share"] <= kinds["in_any_phone_share"] + 1e-12).all()
    assert (kinds["facebook_sees_share"] >= kinds["facebook_friend_share"] - 1e-12).all()
    assert (kinds["facebook_sees_share"] >= kinds["facebook_upload_share"] - 1e-12).all()
    sensitive = kinds.loc[list(SENSITIVE_KINDS[:4])]
    # sensitive ties: almost never friendships, but uploads reveal many of them
    assert (sensitive["facebook_upload_share"] > 3 * sensitive["facebook_friend_share"]).all()


def test_ego_network_and_figures(world):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ego = int(world.ties.loc[world.ties["tie_kind"] == "patient_clinician", "person_a_id"].iloc[0])
    g = world_stage.ego_network(world, ego)
    assert ego in g and g.degree(ego) == world.person_attrs.loc[ego, "tie_count"]
    assert any(d["is_sensitive"] for _, _, d in g.edges(data=True))
    fig, data = report.plot_ego_network(world, ego, seed=1)
    assert len(data) == g.number_of_edges()
    _, again = report.plot_ego_network(world, ego, seed=1)
    pd.testing.assert_frame_equal(data, again)  # seeded layout
    plt.close("all")
    table = world_stage.clustering_by_degree(world, sample=500)
    assert table["local_clustering"].between(0, 1).all()
    # clustering falls with the number of ties, as on Facebook
    assert table["local_clustering"].iloc[0] > table["local_clustering"].iloc[-1]
    for fig, data in (
        report.plot_degree_distribution(world),
        report.plot_clustering_by_degree(table),
    ):
        assert not data.empty
        plt.close(fig)


# --------------------------------------------------------------------------------------
# notebook helpers: tables and charts
# --------------------------------------------------------------------------------------
def _agg():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def test_clustering_by_world_size_and_its_chart(world):
    plt = _agg()
    table = world_stage.clustering_by_world_size(world, [800], sample=200)
    assert list(table.columns) == [
        "people",
        "median_ties",
        "clustering_near_median",
        "cross_country_share",
    ]
    assert table["people"].tolist() == [world.n_people, 800]
    assert table["clustering_near_median"].between(0, 1).all()
    fig, data = report.plot_clustering_by_world_size(table)
    assert isinstance(fig, plt.Figure) and not data.empty
    assert "clustering_near_median" in data.columns
    plt.close(fig)


def test_plot_visibility_by_kind_returns_the_plotted_shares(world):
    plt = _agg()
    seen = world_stage.visibility_by_kind(world)
    fig, data = report.plot_visibility_by_kind(seen)
    assert isinstance(fig, plt.Figure) and len(data) == len(seen)
    assert {"tie_kind", "in_any_phone_share", "facebook_sees_share"} <= set(data.columns)
    bars = [p for p in fig.axes[0].patches]
    assert len(bars) == 4 * len(seen)
    plt.close(fig)


def test_plot_normalisation_by_country_returns_a_row_per_country(world):
    from analysis.world import normalisation_by_country

    plt = _agg()
    by_country = normalisation_by_country(world.address_book, world.people)
    fig, data = report.plot_normalisation_by_country(by_country)
    assert isinstance(fig, plt.Figure) and not data.empty
    assert {"country_code", "normalised_share", "person_right_number_share"} <= set(data.columns)
    assert data["country_code"].is_unique
    plt.close(fig)


def test_address_book_of_shows_one_owner(world):
    owner = int(world.address_book["owner_person_id"].iloc[-1])
    book = world_stage.address_book_of(world, owner, n=5)
    assert 0 < len(book) <= 5
    assert list(book.columns) == [
        "entry_label",
        "entry_raw",
        "contact_kind",
        "entry_e164",
        "normalise_reason",
    ]
    mine = world.address_book.loc[book.index, "owner_person_id"]
    assert (mine == owner).all()


def test_example_person_picks_the_fewest_ties_in_range(world):
    attrs = world.person_attrs
    ego = world_stage.example_person(world, role="clinician", tie_range=(0, 10_000))
    clinicians = attrs[attrs["sensitive_role"] == "clinician"]
    assert attrs.loc[attrs["person_id"] == ego, "sensitive_role"].item() == "clinician"
    assert attrs.loc[attrs["person_id"] == ego, "tie_count"].item() == clinicians["tie_count"].min()
    with pytest.raises(ValueError, match="role"):
        world_stage.example_person(world, role="astronaut")
    with pytest.raises(ValueError, match="ties"):
        world_stage.example_person(world, tie_range=(10_000, 20_000))
