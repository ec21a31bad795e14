"""Generated documentation is current; figures and files are written completely or not at all."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.core import DATA_DICTIONARY, Table, apply_dtypes, atomic_path, write_csv
from analysis.report import save_figure
from analysis.results import data_dictionary_markdown
from analysis.world import PEOPLE


def test_committed_data_dictionary_is_current():
    assert DATA_DICTIONARY.read_text() == data_dictionary_markdown(), (
        "data/DATA_DICTIONARY.md is stale: run `make dictionary`"
    )


def test_every_registering_module_is_imported_by_the_stages():
    import pathlib
    import sys

    import analysis
    from analysis.results import all_tables

    all_tables()
    package = pathlib.Path(analysis.__file__).parent
    declaring = {
        "analysis." + ".".join(p.relative_to(package).with_suffix("").parts)
        for p in package.rglob("*.py")
        if "register(" in p.read_text() and p.name != "schema.py"
    }
    assert declaring and declaring <= set(sys.modules)


def test_dictionary_documents_every_people_column():
    text = data_dictionary_markdown()
    for column in PEOPLE.columns:
        assert f"`{column}`" in text


def test_apply_dtypes_rejects_undocumented_columns():
    table = Table("t", "demo", PEOPLE.fields[:1])
    with pytest.raises(ValueError, match="undocumented columns"):
        apply_dtypes(pd.DataFrame({"person_id": [1], "extra": [2]}), table)


def test_save_figure_writes_png_csv_and_caption(tmp_path):
    fig, ax = plt.subplots()
    data = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    ax.plot(data.x, data.y)
    paths = save_figure(fig, data, "demo-chart", "A  demo\nchart.", directory=tmp_path)
    plt.close(fig)
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pd.read_csv(paths["csv"]).equals(data)
    assert paths["txt"].read_text() == "A demo chart.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "demo-chart.csv",
        "demo-chart.png",
        "demo-chart.txt",
    ]


@pytest.mark.parametrize(
    ("slug", "data", "caption", "message"),
    [
        ("Bad Slug", pd.DataFrame({"a": [1]}), "c", "slug"),
        ("ok", pd.DataFrame(), "c", "non-empty DataFrame"),
        ("ok", pd.DataFrame({"a": [1]}), "  ", "caption"),
    ],
)
def test_save_figure_rejects_bad_input(tmp_path, slug, data, caption, message):
    fig = plt.figure()
    with pytest.raises(ValueError, match=message):
        save_figure(fig, data, slug, caption, directory=tmp_path)
    plt.close(fig)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_write_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out.csv"
    write_csv(pd.DataFrame({"a": [1]}), target)
    before = target.read_bytes()
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise KeyboardInterrupt
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
