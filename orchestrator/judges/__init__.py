"""Judges: implementations of `graphs.protocols.Judge`, one per module."""
