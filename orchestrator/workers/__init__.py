"""Workers: implementations of `graphs.protocols.Worker`, one per module."""

from orchestrator.workers.anthropic_worker import AnthropicWorker, AnthropicWorkerConfig
from orchestrator.workers.replay_worker import ReplayWorker

__all__ = ["AnthropicWorker", "AnthropicWorkerConfig", "ReplayWorker"]
