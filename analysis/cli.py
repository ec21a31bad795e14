"""Command-line entry point: ``python -m analysis ...``.

Sub-commands
------------
``run SCENARIO_FILE [--params P.toml] [--seed N] [--n-people N] [--out DIR] [--progress]``
    Build a synthetic world, link WhatsApp users to Facebook accounts under the scenario
    (and under ``no_opt_out`` for comparison), summarise friend suggestions and ad
    matching, and write tables (CSV + parquet) and figures into ``--out`` (default
    ``build/runs/<scenario-name>/``). The folder appears complete or not at all: it is
    filled under a temporary name beside it and renamed into place at the end.
``scenarios``
    List the built-in scenarios with their titles.
``params [--write FILE]``
    Print (or write) the default parameters of every section as one TOML file that
    ``run --params`` accepts.
``report``
    Build the HTML report (same as ``make report``).

Errors in the user's input (a bad scenario file, an unknown parameter) print one line
starting with ``error:`` and exit with status 2, without a traceback.

>>> main(["scenarios"])  # doctest: +ELLIPSIS
before_change ...
0
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from analysis.core.params import ParameterError, Params
from analysis.core.paths import BUILD_DIR

__all__ = [
    "COMMANDS",
    "COMPARISON",
    "RUNS_DIR",
    "USED_SECTIONS",
    "RunResult",
    "UsageError",
    "build_parser",
    "default_params_toml",
    "load_params",
    "load_params_text",
    "main",
    "parameter_sections",
    "resolve_params",
    "run_scenario",
]


#: Where ``run`` writes when no ``--out`` is given: ``RUNS_DIR / <scenario name>``.
RUNS_DIR = BUILD_DIR / "runs"


#: The comparison scenario every run is set against.
COMPARISON = "no_opt_out"


#: Sections a ``--params`` file may hold. The ``population`` and ``social`` worlds, the
#: linking mechanisms, friend suggestions (``exposure``) and ad matching (``ads``) are
#: used by ``run``; the others are accepted so that ``params --write`` output loads back.
USED_SECTIONS = ("population", "social", "linking", "suggestions", "ads")


class UsageError(ValueError):
    """A problem with the command line or an input file (exit status 2)."""


def parameter_sections() -> dict[str, type[Params]]:
    """Section name -> parameter class, for every parameter class of the package.

    >>> sorted(parameter_sections())[:3]
    ['ads', 'exposure', 'findings']
    """
    from analysis.results.methods import parameter_classes

    return {cls.section: cls for cls in parameter_classes()}


def default_params_toml() -> str:
    """Return the default parameters of every section as one TOML text.

    >>> text = default_params_toml()
    >>> sorted(load_params_text(text)) == sorted(parameter_sections())
    True
    """
    return tomli_w.dumps({name: cls().to_dict() for name, cls in parameter_sections().items()})


def load_params_text(text: str, *, origin: str = "<text>") -> dict[str, Params]:
    """Parse a combined parameter file into one validated object per section present.

    Sections left out keep their defaults (they are simply absent from the result).
    Unknown sections or keys and invalid values raise :class:`ParameterError` naming
    the file, the section and what is allowed.

    >>> load_params_text('''[population]
    ... n_people = 800''')["population"].n_people
    800
    >>> load_params_text("colour = 1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.core.params.ParameterError: <text>: unknown section [colour]; known sections ...
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{origin}: not valid TOML ({exc})") from None
    sections = parameter_sections()
    out: dict[str, Params] = {}
    for name, values in data.items():
        if name not in sections:
            known = ", ".join(f"[{s}]" for s in sorted(sections))
            raise ParameterError(f"{origin}: unknown section [{name}]; known sections are {known}")
        if not isinstance(values, dict):
            raise ParameterError(f"{origin}: {name} must be a table [{name}], not a single value")
        out[name] = sections[name].from_dict(values, origin=f"{origin} [{name}]")
    return out


def load_params(path: str | Path) -> dict[str, Params]:
    """Load a combined parameter file (see :func:`load_params_text`)."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{path}: parameter file not found")
    return load_params_text(path.read_text(encoding="utf-8"), origin=str(path))


def resolve_params(
    given: Mapping[str, Params] | None = None,
    *,
    seed: int | None = None,
    n_people: int | None = None,
) -> dict[str, Params]:
    """Every section's parameters: the given ones, defaults for the rest, CLI overrides applied.

    ``seed`` sets both the population and the social-world seed; ``n_people`` the
    population size.

    >>> p = resolve_params(seed=7, n_people=600)
    >>> p["population"].seed, p["social"].seed, p["population"].n_people
    (7, 7, 600)
    """
    sections = parameter_sections()
    out = {name: (given or {}).get(name) or cls() for name, cls in sections.items()}
    if seed is not None:
        out["population"] = out["population"].replace(seed=seed)
        out["social"] = out["social"].replace(seed=seed)
    if n_people is not None:
        out["population"] = out["population"].replace(n_people=n_people)
    return out


@dataclass
class RunResult:
    """What :func:`run_scenario` wrote.

    Attributes
    ----------
    out : pathlib.Path
        The output folder.
    files : list of str
        Relative paths of every file written, sorted (``/``-separated).
    """

    out: Path
    files: list[str]


def _tables(
    scenario: Any, params: Mapping[str, Params], progress: bool
) -> tuple[dict[str, pd.DataFrame], list[tuple[str, Any, pd.DataFrame, str]]]:
    """Compute every table and figure of a run (nothing is written here)."""
    from tqdm.auto import tqdm

    from analysis import linking
    from analysis.effects import ads, exposure
    from analysis.policy.scenarios import builtin_scenarios
    from analysis.world.population import generate_population
    from analysis.world.socialworld import build_social_world

    seed = params["population"].seed
    compare = {scenario.name: scenario}
    if scenario.name != COMPARISON:
        compare[COMPARISON] = builtin_scenarios()[COMPARISON]
    steps = tqdm(
        total=4 + len(compare),
        desc=f"run {scenario.name}",
        unit="step",
        disable=not progress,
        file=sys.stderr,
    )
    try:
        steps.set_postfix_str("people")
        people = generate_population(params["population"])
        steps.update()
        steps.set_postfix_str("social world")
        social = build_social_world(people, params["social"])
        steps.update()
        tables: dict[str, pd.DataFrame] = {}
        shares, scores, inferred = [], [], None
        for name, s in compare.items():
            steps.set_postfix_str(f"linking under {name}")
            links = linking.compute_links(
                people, s, social, params["linking"], seed=seed, inferred=inferred
            )
            inferred = links.inferred if not s.address_books else inferred
            table = linking.link_table(people, s, social, params["linking"], seed=seed, links=links)
            if name == scenario.name:
                tables["links"] = table
                tables["country_shares"] = linking.country_shares(table)
            shares.append(
                linking.mechanism_purpose_shares(table, links, people).assign(scenario=name)
            )
            scores.append(linking.mechanism_scores(people, links).assign(scenario=name))
            steps.update()
        tables["link_shares"] = _first(pd.concat(shares, ignore_index=True), "scenario")
        tables["mechanism_scores"] = _first(pd.concat(scores, ignore_index=True), "scenario")
        steps.set_postfix_str("friend suggestions")
        summary, _ = exposure.compare_scenarios(social, compare, params["suggestions"], seed=seed)
        tables["suggestion_summary"] = summary
        steps.update()
        steps.set_postfix_str("ad matching")
        res = ads.run_scenarios(people, social, params["ads"], seed=seed, scenarios=compare)
        tables["ad_match_rates"] = ads.overall_rates({"as_modelled": res}).drop(
            columns="facebook_data"
        )
        steps.update()
    finally:
        steps.close()
    from analysis.report.charts.run import run_figures

    return tables, run_figures(tables, scenario, COMPARISON)


def _first(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame[[column, *[c for c in frame.columns if c != column]]]


def _write_all(tmp: Path, scenario: Any, params: Mapping[str, Params], tables, figures) -> None:
    from analysis.core.io import atomic_write_text, write_csv, write_parquet
    from analysis.report.figures import save_figure

    used = {name: params[name].to_dict() for name in USED_SECTIONS}
    atomic_write_text(tmp / "parameters.toml", tomli_w.dumps(used))
    atomic_write_text(tmp / "scenario.toml", scenario.to_toml_text())
    for name, frame in tables.items():
        frame = frame.reset_index(drop=True)
        write_csv(frame, tmp / "tables" / f"{name}.csv")
        write_parquet(frame, tmp / "tables" / f"{name}.parquet")
    for slug, fig, data, caption in figures:
        save_figure(fig, data, slug, caption, directory=tmp / "figures", close=True)


def run_scenario(
    scenario: Any,
    params: Mapping[str, Params] | None = None,
    *,
    out: str | Path | None = None,
    progress: bool = False,
) -> RunResult:
    """Run one scenario on a fresh synthetic world and write its tables and figures.

    Parameters
    ----------
    scenario : analysis.policy.Scenario
    params : mapping of section name to Params, optional
        As returned by :func:`resolve_params` (missing sections use defaults).
    out : path, optional
        Output folder; defaults to ``build/runs/<scenario name>``. An existing folder
        is replaced only once the new one is complete.
    progress : bool
        Show a tqdm progress bar on stderr.

    Returns
    -------
    RunResult
    """
    params = resolve_params(params)
    out = Path(out) if out is not None else RUNS_DIR / scenario.name
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
    try:
        tables, figures = _tables(scenario, params, progress)
        _write_all(tmp, scenario, params, tables, figures)
        os.chmod(tmp, 0o777 & ~_umask())
        _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    return RunResult(out, files)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Rename ``tmp`` to ``out``; an existing ``out`` is moved aside first, then removed."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
        old.rmdir()
        os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_parser() -> argparse.ArgumentParser:
    """Build the ``python -m analysis`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="WhatsApp -> Facebook 2016 data-sharing model: run scenarios, list them, "
        "show parameters, build the report.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run a scenario file and write tables and figures")
    run.add_argument("scenario_file", metavar="SCENARIO_FILE", help="scenario TOML file")
    run.add_argument("--params", metavar="PARAMS.toml", help="parameter file ([population], ...)")
    run.add_argument("--seed", type=int, help="seed of the synthetic world")
    run.add_argument("--n-people", type=int, help="number of synthetic people")
    run.add_argument("--out", metavar="DIR", help="output folder (default build/runs/<name>)")
    run.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress bars (default: when stderr is a terminal)",
    )
    sub.add_parser("scenarios", help="list the built-in scenarios")
    params = sub.add_parser("params", help="print or write the default parameters as TOML")
    params.add_argument("--write", metavar="FILE", help="write to FILE instead of printing")
    sub.add_parser("report", help="execute every notebook and build the HTML report")
    return parser


def _default_progress() -> bool:
    from analysis.core.progress import show_progress

    return sys.stderr.isatty() and show_progress()


def _cmd_run(args: argparse.Namespace) -> int:
    from analysis.policy.scenarios import load_scenario

    scenario = load_scenario(args.scenario_file)
    given = load_params(args.params) if args.params else {}
    params = resolve_params(given, seed=args.seed, n_people=args.n_people)
    progress = _default_progress() if args.progress is None else args.progress
    result = run_scenario(scenario, params, out=args.out, progress=progress)
    print(f"scenario {scenario.name}: wrote {len(result.files)} files to {result.out}")
    for name in result.files:
        print(f"  {name}")
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from analysis.policy.scenarios import builtin_scenarios

    scenarios = builtin_scenarios()
    width = max(len(n) for n in scenarios)
    for name, s in scenarios.items():
        print(f"{name:<{width}}  {s.title}")
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    from analysis.core.io import atomic_write_text

    text = default_params_toml()
    if args.write:
        atomic_write_text(Path(args.write), text)
        print(f"wrote default parameters to {args.write}")
    else:
        sys.stdout.write(text)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from analysis.report.build import main as build_main

    return int(build_main() or 0)


COMMANDS = {
    "run": _cmd_run,
    "scenarios": _cmd_scenarios,
    "params": _cmd_params,
    "report": _cmd_report,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input, 130 interrupted).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.
    """
    from analysis.policy.flows import PolicyTableError
    from analysis.policy.scenarios import ScenarioError

    parser = build_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as exc:  # argparse already printed the message
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args)
    except (ScenarioError, ParameterError, PolicyTableError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=sys.stderr)
        return 130
