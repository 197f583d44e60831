"""Workers: implementations of `graphs.protocols.Worker`, one per module.

Import the module you need (`orchestrator.workers.replay_worker`, ...): the anthropic SDK is heavy
to import, and a replay or external worker should not pay for it.
"""
