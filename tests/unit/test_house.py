"""The folders of app/ are layers, and imports point down: each folder's rule, as its
__init__.py states it, checked on every import of every module (inside functions too)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
# What each folder may import of the app (besides itself) and which libraries it must not.
BELOW = {
    "engine": ((), ("param", "panel", "bokeh", "PIL")),
    "settings": (("engine",), ("panel", "bokeh")),
    "scene": (("engine",), ("param", "panel", "bokeh", "PIL")),
    "figures": (("engine", "scene"), ("param", "panel")),
    "layers": (("engine", "settings", "scene", "figures"), ("panel",)),
    "exports": (("engine", "settings", "scene", "figures", "layers"), ("panel",)),
    "page": (("engine", "settings", "scene", "figures", "layers", "exports"), ()),
}


def imported(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("folder", BELOW)
def test_each_folder_imports_only_the_layers_below_it(folder):
    allowed, forbidden = BELOW[folder]
    for path in sorted((APP / folder).glob("*.py")):
        for name in imported(path):
            top, _, rest = name.partition(".")
            if top == "app":
                layer = rest.split(".")[0]
                assert layer in (folder, *allowed), f"{path.name} imports {name}"
            assert top not in forbidden, f"{path.name} imports {name}"


def test_every_folder_of_the_app_has_a_rule():
    folders = {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(BELOW)


@pytest.mark.parametrize(
    ("module", "absent"),
    [
        ("app.engine", ("param", "panel", "bokeh")),
        ("app.transposed", ("param", "panel", "bokeh")),
        ("app.scene", ("param", "panel", "bokeh")),
        ("app.settings", ("panel", "bokeh")),
    ],
)
def test_the_lower_layers_load_no_gui_library(module, absent):
    code = f"import sys, {module}; sys.exit(any(m in sys.modules for m in {absent!r}))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_no_module_asks_which_layer_it_holds():
    """What differs between layers is said in their entry of app.layers.LAYERS; nothing
    branches on an engine's or a scene's type."""
    layered = {"Convolution", "TransposedConvolution", "ConvolutionScene", "TransposedScene",
               "ImageScene", "ConvolutionFigure", "TransposedFigure"}  # fmt: skip
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance":
                named = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
                assert not named & layered, f"{path.relative_to(APP)}:{node.lineno}"
