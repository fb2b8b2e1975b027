"""The `gongwen` command: one parser (flows/cli/command.py), its subcommands, one settings loader."""
