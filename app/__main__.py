"""The command line: `python -m app export demo.html --stride 1`, `python -m app gif demo.gif`,
`python -m app poster step5.png --step 5`.

Settings take the same names and limits as the page's URL; a bad value stops the command
with a message naming it, and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.figures.animated import QUESTIONS
from app.layers import DemoSettings
from app.settings import SETTINGS
from app.settings.query import (
    MOST_EVERY,
    parse_every,
    parse_settings,
    parse_some,
    parse_step,
    parse_switch,
)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m app", description=__doc__.splitlines()[0])
    commands = main.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="a self-contained HTML file that plays offline")
    gif = commands.add_parser("gif", help="every step as a GIF frame, for slides")
    gif.add_argument("--fps", default="1", help="steps per second, 0.5 to 50 (default 1)")
    poster = commands.add_parser("poster", help="one step as a PNG, for a PDF or a slide")
    for command in (export, gif, poster):
        command.add_argument("output", type=Path, help="the file to write")
        for name in SETTINGS:
            parameter = DemoSettings.param[name]
            bounds = getattr(parameter, "bounds", None) or getattr(parameter, "objects", None)
            command.add_argument(
                f"--{name}", f"--{name.replace('_', '-')}", dest=name, metavar="VALUE",
                help=f"{parameter.doc or parameter.label} ({bounds or 'true/false'})",
            )  # fmt: skip
    export.add_argument("--step", default="1", help="the step shown first, from 1")
    export.add_argument("--predict", default="false", help="ask before each step (true/false)")
    export.add_argument("--ask", default=",".join(QUESTIONS),
                        help=f"Predict's questions, any of {','.join(QUESTIONS)}")  # fmt: skip
    export.add_argument("--every", default="1", help=f"ask at every Nth step, 1 to {MOST_EVERY}")
    poster.add_argument("--step", default="1", help="the step drawn, from 1")
    return main


def fail(messages: list[str]) -> int:
    for message in messages:
        print(f"error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    given = {name: getattr(args, name) for name in SETTINGS if getattr(args, name) is not None}
    values, messages = parse_settings(given)
    if messages:
        return fail([message.rsplit("; using", 1)[0] for message in messages])
    settings = DemoSettings()
    settings.param.update(values)
    if settings.error:
        return fail([settings.error])
    if args.command in ("export", "poster"):
        from app.exports.gif import settings_poster
        from app.exports.html import standalone_html
        from app.figures.animated import Predict

        try:
            step = parse_step(args.step, len(settings.conv))
            if args.command == "poster":
                args.output.write_bytes(settings_poster(settings, step))
            else:
                predict = Predict(
                    parse_switch("--predict", args.predict),
                    parse_some("--ask", args.ask, QUESTIONS),
                    parse_every(args.every),
                )
                args.output.write_text(standalone_html(settings, step, predict), encoding="utf-8")
        except ValueError as error:
            return fail([str(error)])
    else:
        from app.exports.gif import settings_gif

        try:
            fps = float(args.fps)
        except ValueError:
            fps = float("nan")
        if not 0.5 <= fps <= 50:
            return fail(
                [f"--fps={args.fps[:40]!r} must be a number of steps per second, 0.5 to 50"]
            )
        try:
            data = settings_gif(settings, fps)
        except ValueError as error:
            return fail([str(error)])
        args.output.write_bytes(data)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
