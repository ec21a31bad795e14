"""The "What could Facebook learn about me?" explorer: ipywidgets over computed facts.

:func:`persona_explorer` builds a small form (country, Facebook account, number on
Facebook, uploads contacts, the 2016 choice, left on a day, friends' choices, a
professional's client, address books) over :func:`analysis.results.persona_facts_over_seeds`
and shows :func:`analysis.results.persona_detail` of the chosen situation as it changes.
Nothing is computed by hand here: the widget only picks rows of the facts.

In batch runs (``WAFB_BATCH=1``: ``make report`` and nbval) :func:`show_explorer` shows no
widget (its model ids would differ run to run) but one line saying where it appears; the
notebook shows static tables instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.results.personas import CHOICES, Situation, persona_detail, persona_summary

__all__ = ["persona_explorer", "show_explorer"]

_ANY = "any"


def _tri(description: str):
    import ipywidgets as w

    return w.Dropdown(options=[_ANY, "yes", "no"], value=_ANY, description=description)


def _value(x: str) -> bool | None:
    return None if x == _ANY else x == "yes"


def persona_explorer(facts: Mapping[int | None, pd.DataFrame]) -> Any:
    """Return an ipywidgets form whose output is the chosen situation's detail table.

    Parameters
    ----------
    facts : mapping
        :func:`analysis.results.persona_facts_over_seeds` output; the "left on day"
        choices are its leaving days.
    """
    import ipywidgets as w
    from IPython.display import display

    from analysis.report.tables import plain_table
    from analysis.world.params import COUNTRIES

    style = {"description_width": "12rem"}
    country = w.Dropdown(options=[_ANY, *COUNTRIES], value=_ANY, description="Country")
    fb, on_fb, uploads, client = (
        _tri("Facebook account"),
        _tri("Number on Facebook"),
        _tri("Uploads contacts"),
        _tri("A professional's client"),
    )
    choice = w.Dropdown(options=[_ANY, *CHOICES], value=_ANY, description="2016 choice")
    days = [d for d in facts if d is not None]
    left = w.Dropdown(options=[("did not leave", None)] + [(f"day {d}", d) for d in days])
    left.description = "Accepted, then left"
    friends = w.Dropdown(options=[_ANY, "most", "few"], value=_ANY, description="Ties sharing")
    books = w.IntSlider(value=0, min=0, max=100, step=5, description="In held books (min)")
    controls = [country, fb, on_fb, uploads, choice, left, friends, client, books]
    for c in controls:
        c.style = style
    out = w.Output()

    def update(_change=None) -> None:
        out.clear_output()
        with out:
            try:
                s = Situation(
                    country_code=None if country.value == _ANY else country.value,
                    has_facebook_account=_value(fb.value),
                    number_on_facebook=_value(on_fb.value),
                    uploads_contacts=_value(uploads.value),
                    choice=None if choice.value == _ANY else choice.value,
                    left_on_day=left.value,
                    friends_kept_default=None if friends.value == _ANY else friends.value,
                    is_client=_value(client.value),
                    min_held_books=books.value or None,
                )
            except ValueError as exc:
                print(exc)
                return
            summary = persona_summary({s.describe(): s}, facts)
            if summary.empty:
                print(f"Nobody in the worlds matches: {s.describe()}.")
                return
            print(f"{s.describe()}:")
            display(plain_table(persona_detail(summary, s.describe())))

    for c in controls:
        c.observe(update, names="value")
    update()
    return w.VBox([w.HBox([w.VBox(controls[:5]), w.VBox(controls[5:])]), out])


def show_explorer(facts: Mapping[int | None, pd.DataFrame]) -> Any:
    """Return the explorer in an interactive session; in batch runs, print where it is."""
    from analysis.core.progress import show_progress

    if not show_progress():
        print(
            "The explorer (drop-down menus for your own situation) appears when this "
            "notebook runs in JupyterLab (make lab); the tables below are computed the same way."
        )
        return None
    return persona_explorer(facts)
