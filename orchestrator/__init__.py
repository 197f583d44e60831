"""The concrete parts of Ratchet: the CLI, workspaces, agents and runners; the composition root."""
