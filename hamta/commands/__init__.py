"""Subcommands of the hamta CLI: one thin module each (argparse only at import time)."""
