"""Orchestrators: implementations of `graphs.protocols.Orchestrator`, one per module."""
