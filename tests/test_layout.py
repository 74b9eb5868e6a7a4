"""The package's layout: an acyclic import graph (function-level imports included) and no private name
imported across modules."""

import ast

from conftest import ROOT

PACKAGE = ROOT / "labor_topics"


def _imports() -> dict[str, set[tuple[str, str]]]:
    """module -> {(imported module, imported name)} for every import of the package's own modules, wherever it
    stands in the file (top level or inside a function)."""
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    out = {}
    for path in PACKAGE.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found |= {(node.module.split(".")[0], a.name) for a in node.names}
                else:  # from . import x: a module, or a name of the package root
                    found |= {(a.name, "*") if a.name in modules else ("__init__", a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("labor_topics"):
                found |= {(node.module.split(".")[1] if "." in node.module else "__init__", a.name) for a in node.names}
        out[path.stem] = found
    return out


def test_the_import_graph_has_no_cycle():
    graph = {m: {target for target, _ in found if target != m} for m, found in _imports().items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_no_private_name_crosses_a_module_boundary():
    crossing = sorted((m, f"{target}.{name}") for m, found in _imports().items() for target, name in found
                      if name.startswith("_") and not name.startswith("__"))
    assert crossing == []


def test_model_file_depends_on_model_and_not_the_reverse():
    imports = _imports()
    assert "model" in {t for t, _ in imports["model_file"]}
    assert "model_file" not in {t for t, _ in imports["model"]}



def test_protections_md_holds_the_harness_table():
    import check_protections

    assert check_protections.table() in (ROOT / "tests" / "PROTECTIONS.md").read_text(encoding="utf-8")
