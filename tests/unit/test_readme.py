"""The README, for the people who use the demo: it opens with the two commands, and its
settings table is the one the settings' declarations make."""

from pathlib import Path

from app.settings.table import settings_table

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
START = "<!-- settings table: made by app/settings/table.py -->\n"
END = "<!-- end of the settings table -->"


def test_the_readmes_settings_table_is_the_one_the_declarations_make():
    shown = README[README.index(START) + len(START) : README.index(END)]
    assert shown == settings_table(), (
        "the README's settings table is stale: replace it with "
        "python -c 'from app.settings.table import settings_table; print(settings_table())'"
    )


def test_the_readme_opens_with_the_two_commands():
    first_block = README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert first_block[0].startswith("pip install -e . && panel serve app")
    assert first_block[1].startswith("bash tests/run.sh")
    assert (
        (Path(__file__).resolve().parents[2] / ".ci" / "run")
        .read_text()
        .strip()
        .endswith("bash tests/run.sh")
    )
