"""Imports between Grappe's packages run only downward, and the grouping engine stays pure.

The layers, bottom first: the project's shared helpers (``grappe``), then the job
infrastructure (``workers``) and the people (``accounts``), then the domain (``dossiers``,
then ``grouping``), then what is built on it (``exports``, ``webhooks``), then the
interfaces (``api``, ``portals``) and the demo. A package may import any package of a
lower layer, never one of its own layer or above. An import placed inside a function
counts like any other: hiding it does not make a cycle go away.

A new package must be given its layer here.
"""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    {"grappe"},
    {"workers", "accounts"},
    {"dossiers"},
    {"grouping"},
    {"exports", "webhooks"},
    {"aids", "costs", "providers", "intake", "reading"},
    {"guides"},
    {"api"},
    {"timerules"},
    {"portals"},
    {"demo"},
]
LAYER_OF = {package: depth for depth, layer in enumerate(LAYERS) for package in layer}
NOT_SHIPPED = {"tests", "benchmarks", "docs", "locale", "var"}
# The grouping engine is pure Python: it imports the standard library and itself only.
ENGINE = ROOT / "grouping" / "engine"
# Django's AppConfig.ready() is where an app loads what must exist once Django is set up.
READY_HOOKS = {("workers/apps.py", "workers")}


def packages() -> set[str]:
    return {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_SHIPPED and not path.parent.name.startswith(".")
    }


def imported_modules(tree: ast.AST) -> list[tuple[ast.stmt, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node, node.module))
    return found


def source_files(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def app_imports() -> dict[str, dict[str, list[str]]]:
    """package -> imported package -> where ("dossiers/tasks.py:12")."""
    graph: dict[str, dict[str, list[str]]] = {}
    ours = packages()
    for package in ours:
        edges = graph.setdefault(package, {})
        for path in source_files(package):
            relative = path.relative_to(ROOT).as_posix()
            for node, module in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
                target = module.split(".")[0]
                if target in ours and target != package:
                    if (relative, target) in READY_HOOKS:
                        continue
                    edges.setdefault(target, []).append(f"{relative}:{node.lineno}")
    return graph


def test_every_package_has_a_layer():
    assert packages() - set(LAYER_OF) == set(), "give the new package its layer in LAYERS"


def test_packages_import_only_packages_of_a_lower_layer():
    upward = [
        f"{package} imports {target} ({', '.join(places)})"
        for package, edges in sorted(app_imports().items())
        for target, places in sorted(edges.items())
        if LAYER_OF[target] >= LAYER_OF[package]
    ]
    assert upward == []


def test_the_import_graph_between_packages_has_no_cycle():
    graph = {package: set(edges) for package, edges in app_imports().items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as cycle:  # pragma: no cover - the failure message is the point
        pytest.fail(f"import cycle between packages: {' -> '.join(cycle.args[1])}")
    assert order[0] in LAYERS[0] | LAYERS[1]


def test_the_grouping_engine_imports_nothing_outside_itself():
    ours = packages()
    outside = []
    for path in sorted(ENGINE.rglob("*.py")):
        for node, module in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            top = module.split(".")[0]
            if top == "django" or (top in ours and not module.startswith("grouping.engine")):
                outside.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno} {module}")
    assert outside == []
