"""Command-line entry point: ``python -m analysis ...``.

Sub-commands
------------
``run SCENARIO [--params P.toml] [--seed N] [--n-people N] [--out DIR] [--progress]
[--edges FILE [--weighted] [--delimiter D]]``
    Build a synthetic world (or, with ``--edges``, a world on a real network: its ties
    kept, synthetic people on its nodes), link WhatsApp users to Facebook accounts under
    the scenario (a TOML file or a built-in name such as ``mix_2016``; and under every
    built-in scenario for comparison, ``no_opt_out`` among them), summarise friend
    suggestions and ad matching, and write tables (CSV + parquet) and figures into
    ``--out`` (default
    ``build/runs/<scenario-name>/`` under the current directory). On a network, every
    per-person table has a ``node_label`` column beside each person id: the file's label.
``world [--n-people N] [--seed S] [--out DIR] [--params P.toml] [--edges FILE ...]``
    Export every table of one world (people, ties, Facebook friendships, address books,
    customer lists, match keys) as parquet with its data dictionary and phone audit
    (default ``build/worlds/seed<S>-n<N>/``). ``--edges`` builds it on a real network.

Both write fail-safe: everything is checked before computing (the output folder can be
written and is not a file, the world is big enough, every file parses); the folder
appears complete or not at all (it is filled under a temporary ``.part`` name beside it
and renamed into place); Ctrl-C and SIGTERM remove the temporary folder, and temporary
folders left by killed runs are removed at the next start.
``scenarios``
    List the built-in scenarios with their titles.
``params [--write FILE]``
    Print (or write) the default parameters of every section as one TOML file that
    ``run --params`` accepts.
``report``
    Build the HTML report (same as ``make report``).
``shards SCENARIO [--n-people N | --shard-people N] [--countries ...] [--dask]
[--scheduler ADDR]``
    Build and score the world as country shards, one after another or one Dask task per
    shard (:mod:`analysis.cli.shards`).
``convergence [--sizes N ...] [--seeds S ...] [--out DIR] [--max-worlds K]``
    Every headline in default worlds of several sizes into ``data/results/convergence/``
    (``make convergence``; resumes an interrupted run).
``uniqueness [--sizes N ...] [--seeds S ...] [--out DIR]``
    Fingerprint uniqueness against population size, and its extrapolation to each
    country's WhatsApp users, into ``data/results/uniqueness/`` (``make uniqueness``).

Errors in the user's input (a bad scenario file, an unknown parameter, an unusable
output folder or edge list) print one line starting with ``error:`` and exit with
status 2, without a traceback.

>>> main(["scenarios"])  # doctest: +ELLIPSIS
before_change ...
0
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from analysis.cli.output import RunResult, Terminated, UsageError, atomic_output, check_out
from analysis.cli.scale import add_scale_parsers, cmd_convergence, cmd_uniqueness
from analysis.cli.shards import add_shards_parser, cmd_shards
from analysis.cli.sweep import add_sweep_parser, cmd_sweep
from analysis.core.params import ParameterError, Params

__all__ = [
    "COMMANDS",
    "COMPARISON",
    "MIN_PEOPLE",
    "RUNS_DIR",
    "USED_SECTIONS",
    "WORLDS_DIR",
    "RunResult",
    "Terminated",
    "UsageError",
    "build_parser",
    "default_params_toml",
    "load_params",
    "load_params_text",
    "main",
    "parameter_sections",
    "resolve_params",
    "run_scenario",
    "run_world",
]


#: Where ``run`` writes when no ``--out`` is given: ``RUNS_DIR / <scenario name>``, under
#: the current directory.
RUNS_DIR = Path("build") / "runs"


#: Where ``world`` writes when no ``--out`` is given, under the current directory.
WORLDS_DIR = Path("build") / "worlds"


#: The smallest world ``run`` and ``world`` accept, and why.
MIN_PEOPLE = 200
_MIN_PEOPLE_REASON = (
    "the 8 countries would hold fewer than 25 people each: too few for ties, friend "
    "suggestions and customer lists, so every table would come out empty or zero"
)


#: The comparison scenario every run is set against.
COMPARISON = "no_opt_out"


#: Sections a ``--params`` file may hold. The ``population`` and ``social`` worlds, the
#: linking mechanisms, friend suggestions (``exposure``) and ad matching (``ads``) are
#: used by ``run``; the others are accepted so that ``params --write`` output loads back.
USED_SECTIONS = ("population", "social", "linking", "suggestions", "ads")


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
        try:
            out[name] = sections[name].from_dict(values, origin=f"{origin} [{name}]")
        except ParameterError as exc:
            message = str(exc)
            if not message.startswith(origin):
                message = f"{origin} [{name}]: {message}"
            raise ParameterError(message) from None
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
    try:
        if seed is not None:
            out["population"] = out["population"].replace(seed=seed)
            out["social"] = out["social"].replace(seed=seed)
    except ParameterError as exc:
        raise ParameterError(f"--seed {seed}: {exc}") from None
    try:
        if n_people is not None:
            out["population"] = out["population"].replace(n_people=n_people)
    except ParameterError as exc:
        raise ParameterError(f"--n-people {n_people}: {exc}") from None
    return out


def _tables(
    scenario: Any, params: Mapping[str, Params], progress: bool, edges: pd.DataFrame | None = None
) -> tuple[dict[str, pd.DataFrame], list[tuple[str, Any, pd.DataFrame, str]]]:
    """Compute every table and figure of a run (nothing is written here)."""
    from tqdm.auto import tqdm

    from analysis import linking
    from analysis.effects import ads, exposure
    from analysis.policy.scenarios import builtin_scenarios
    from analysis.world.addressbook import empty_address_book
    from analysis.world.edgelist import build_social_world_from_edges, with_node_labels
    from analysis.world.population import generate_population
    from analysis.world.socialworld import build_social_world

    seed = params["population"].seed
    # the chosen scenario first, then every built-in one (the comparison among them)
    compare = {scenario.name: scenario}
    for name, s in builtin_scenarios().items():
        compare.setdefault(name, s)
    steps = tqdm(
        total=4 + len(compare),
        desc=f"run {scenario.name}",
        unit="step",
        disable=not progress,
        file=sys.stderr,
    )
    try:
        steps.set_postfix_str("people")
        if edges is None:
            people = generate_population(params["population"])
        steps.update()
        steps.set_postfix_str("social world")
        if edges is None:
            social = build_social_world(people, params["social"])
        else:
            social = build_social_world_from_edges(edges, params["social"], params["population"])
            people = social.people
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
                tables["links"] = with_node_labels(table, social)
                tables["country_shares"] = linking.country_shares(table)
            shares.append(
                linking.mechanism_purpose_shares(table, links, people).assign(scenario=name)
            )
            scores.append(linking.mechanism_scores(people, links).assign(scenario=name))
            steps.update()
        tables["link_shares"] = _first(pd.concat(shares, ignore_index=True), "scenario")
        tables["mechanism_scores"] = _first(pd.concat(scores, ignore_index=True), "scenario")
        # Ads before suggestions: ads read the address books (WhatsApp's copies, for the
        # scenarios that let them flow), suggestions need only their resolved matches
        # (the contact universe). Making those and then dropping the books keeps the
        # largest table out of memory during the ranking, the largest working set.
        steps.set_postfix_str("ad matching")
        res = ads.run_scenarios(
            people, social, params["ads"], seed=seed, scenarios=compare, inferred=inferred
        )
        ad_rates = ads.overall_rates({"as_modelled": res}).drop(columns="facebook_data")
        del res, inferred
        steps.update()
        steps.set_postfix_str("friend suggestions")
        universe = exposure.contact_universe(social)
        social = dataclasses.replace(social, address_book=empty_address_book())
        summary, made = exposure.compare_scenarios(
            social,
            compare,
            params["suggestions"],
            seed=seed,
            keep=(scenario.name,),
            universe=universe,
        )
        del universe
        tables["suggestion_summary"] = summary
        tables["whatsapp_only_suggestions"] = with_node_labels(
            made[scenario.name].whatsapp_only, social
        )
        tables["ad_match_rates"] = ad_rates
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
    edges: pd.DataFrame | None = None,
) -> RunResult:
    """Run one scenario on a fresh synthetic world and write its tables and figures.

    Parameters
    ----------
    scenario : analysis.policy.Scenario
    params : mapping of section name to Params, optional
        As returned by :func:`resolve_params` (missing sections use defaults).
    out : path, optional
        Output folder; defaults to ``build/runs/<scenario name>`` under the current
        directory. An existing folder is replaced only once the new one is complete.
    progress : bool
        Show a tqdm progress bar on stderr.
    edges : pandas.DataFrame, optional
        A real network (:func:`analysis.world.load_edge_list`): the world is built on its
        edges, with one synthetic person per node (``n_people`` is the node count), and
        per-person tables carry the file's node labels (``node_label`` columns).

    Returns
    -------
    RunResult
    """
    params = resolve_params(params)
    if edges is None:
        _check_size(params["population"].n_people)
    out = check_out(Path(out) if out is not None else RUNS_DIR / scenario.name)

    def fill(tmp: Path) -> None:
        tables, figures = _tables(scenario, params, progress, edges)
        _write_all(tmp, scenario, params, tables, figures)
        if edges is not None:
            _write_network(tmp, edges)

    return atomic_output(out, fill)


def _write_network(tmp: Path, edges: pd.DataFrame) -> None:
    """Record the network a run was built on (its size; the labels are in the tables)."""
    from analysis.core.io import atomic_write_text
    from analysis.world.edgelist import node_order

    source = edges.attrs.get("source", "")
    facts = {"source": str(source), "node_count": int(node_order(edges).size)}
    facts["edge_count"] = len(edges)
    atomic_write_text(tmp / "network.toml", tomli_w.dumps({"network": facts}))


def run_world(
    params: Mapping[str, Params] | None = None,
    *,
    out: str | Path | None = None,
    edges: pd.DataFrame | None = None,
) -> RunResult:
    """Export every table of one world (see :func:`analysis.results.export_world`).

    Parameters
    ----------
    params : mapping of section name to Params, optional
        ``population``, ``social`` and ``ads`` are used.
    out : path, optional
        Defaults to ``build/worlds/seed<S>-n<N>`` under the current directory.
    edges : pandas.DataFrame, optional
        A real network (:func:`analysis.world.load_edge_list`); the world is built on it.
    """
    params = resolve_params(params)
    population = params["population"]
    if edges is None:
        _check_size(population.n_people)
    default = WORLDS_DIR / f"seed{population.seed}-n{population.n_people}"
    out = check_out(Path(out) if out is not None else default)

    def fill(tmp: Path) -> None:
        from analysis.results.world_export import export_world
        from analysis.world.edgelist import build_social_world_from_edges

        world = None
        if edges is not None:
            world = build_social_world_from_edges(edges, params["social"], population)
        export_world(tmp, population, params["social"], params["ads"], world=world)
        atomic_write_text_used(tmp, params, ("population", "social", "ads"))

    return atomic_output(out, fill)


def atomic_write_text_used(tmp: Path, params: Mapping[str, Params], sections) -> None:
    """Write the parameters a command used as ``parameters.toml``."""
    from analysis.core.io import atomic_write_text

    used = {name: params[name].to_dict() for name in sections}
    atomic_write_text(tmp / "parameters.toml", tomli_w.dumps(used))


def _check_size(n_people: int) -> None:
    if n_people < MIN_PEOPLE:
        raise UsageError(
            f"--n-people {n_people}: a world needs at least {MIN_PEOPLE} people "
            f"({_MIN_PEOPLE_REASON})"
        )


def build_parser() -> argparse.ArgumentParser:
    """Build the ``python -m analysis`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="WhatsApp -> Facebook 2016 data-sharing model: run scenarios, list them, "
        "show parameters, build the report.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run a scenario and write tables and figures")
    run.add_argument(
        "scenario_file",
        metavar="SCENARIO",
        help="scenario TOML file, or a built-in name (python -m analysis scenarios)",
    )
    run.add_argument("--params", metavar="PARAMS.toml", help="parameter file ([population], ...)")
    run.add_argument("--seed", type=int, help="seed of the synthetic world")
    run.add_argument("--n-people", type=int, help="number of synthetic people")
    run.add_argument("--out", metavar="DIR", help="output folder (default ./build/runs/<name>)")
    run.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress bars (default: when stderr is a terminal)",
    )
    _edge_arguments(run)
    world = sub.add_parser("world", help="export every table of one world as parquet")
    world.add_argument("--n-people", type=int, help="number of synthetic people")
    world.add_argument("--seed", type=int, help="seed of the synthetic world")
    world.add_argument("--params", metavar="PARAMS.toml", help="parameter file ([population], ...)")
    world.add_argument(
        "--out", metavar="DIR", help="output folder (default ./build/worlds/seed<S>-n<N>)"
    )
    _edge_arguments(world)
    sub.add_parser("scenarios", help="list the built-in scenarios")
    params = sub.add_parser("params", help="print or write the default parameters as TOML")
    params.add_argument("--write", metavar="FILE", help="write to FILE instead of printing")
    sub.add_parser("report", help="execute every notebook and build the HTML report")
    add_sweep_parser(sub)
    add_shards_parser(sub)
    add_scale_parsers(sub)
    return parser


def _edge_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--edges", metavar="FILE", help="build the world on a real edge list (.gz accepted)"
    )
    command.add_argument(
        "--weighted",
        action="store_true",
        help="the edge list has a third column (a weight), which is ignored",
    )
    command.add_argument(
        "--delimiter", metavar="D", help="field separator of the edge list, e.g. ',' for CSV"
    )


def _edges(args: argparse.Namespace) -> pd.DataFrame | None:
    """Load the edge list named on the command line, or None (checks the flags with it)."""
    from analysis.world.edgelist import load_edge_list

    if not args.edges:
        if args.weighted or args.delimiter:
            raise UsageError("--weighted and --delimiter describe an edge list: add --edges FILE")
        return None
    if args.n_people is not None:
        raise UsageError("--n-people and --edges: the edge list sets the number of people")
    edges = load_edge_list(args.edges, weighted=args.weighted, delimiter=args.delimiter)
    edges.attrs["source"] = str(args.edges)
    return edges


def _default_progress() -> bool:
    from analysis.core.progress import show_progress

    return sys.stderr.isatty() and show_progress()


def _scenario(name_or_path: str) -> Any:
    """Return the scenario of a TOML file, or a built-in one by name."""
    from analysis.policy.scenarios import builtin_scenarios, load_scenario

    path = Path(name_or_path)
    builtins = builtin_scenarios()
    if not path.exists() and name_or_path in builtins:
        return builtins[name_or_path]
    if not path.exists():
        raise UsageError(
            f"{name_or_path}: no such scenario file, and not a built-in scenario "
            f"(built-in: {', '.join(builtins)})"
        )
    return load_scenario(path)


def _cmd_run(args: argparse.Namespace) -> int:
    scenario = _scenario(args.scenario_file)
    given = load_params(args.params) if args.params else {}
    params = resolve_params(given, seed=args.seed, n_people=args.n_people)
    progress = _default_progress() if args.progress is None else args.progress
    edges = _edges(args)
    result = run_scenario(scenario, params, out=args.out, progress=progress, edges=edges)
    print(f"scenario {scenario.name}: wrote {len(result.files)} files to {result.out}")
    for name in result.files:
        print(f"  {name}")
    return 0


def _cmd_world(args: argparse.Namespace) -> int:
    given = load_params(args.params) if args.params else {}
    params = resolve_params(given, seed=args.seed, n_people=args.n_people)
    edges = _edges(args)
    result = run_world(params, out=args.out, edges=edges)
    print(f"world: wrote {len(result.files)} files to {result.out}")
    for name in result.files:
        print(f"  {name}")
    return 0


def _cmd_shards(args: argparse.Namespace) -> int:
    given = load_params(args.params) if args.params else {}
    params = resolve_params(given, seed=args.seed, n_people=args.n_people)
    return cmd_shards(args, _scenario(args.scenario_file), params)


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
    "world": _cmd_world,
    "scenarios": _cmd_scenarios,
    "params": _cmd_params,
    "report": _cmd_report,
    "sweep": cmd_sweep,
    "shards": _cmd_shards,
    "convergence": cmd_convergence,
    "uniqueness": cmd_uniqueness,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    0 ok, 2 bad input, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.
    """
    from analysis.policy.flows import PolicyTableError
    from analysis.policy.scenarios import ScenarioError
    from analysis.world.edgelist import EdgeListError

    parser = build_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as exc:  # argparse already printed the message
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args)
    except (ScenarioError, ParameterError, PolicyTableError, UsageError, EdgeListError) as exc:
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated: nothing was written", file=sys.stderr)
        return 143
