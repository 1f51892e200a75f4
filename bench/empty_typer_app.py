"""The start-up baseline: an empty typer app with pixelproof's settings."""

import typer

app = typer.Typer(
    name="empty",
    help="An empty app.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


@app.command()
def nothing() -> None:
    """Do nothing."""


@app.callback()
def _root() -> None:
    pass


if __name__ == "__main__":
    app()
