"""The folder service: the inbox and its plan, the ledger, watching, the index of outputs, the environment."""
