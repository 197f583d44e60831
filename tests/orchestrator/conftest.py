from __future__ import annotations

from orchestrator.messages_server import ScriptedMessagesServer
from orchestrator.model_client import ModelConfig
from orchestrator.pricing import Price, PriceTable

SCRIPTED_MODEL = "scripted-model"
# $1 per million input tokens, $2 per million output tokens: costs are easy to check.
SCRIPTED_PRICES = PriceTable({SCRIPTED_MODEL: Price(1.0, 2.0)})


def model_config(server: ScriptedMessagesServer, max_retries: int = 3) -> ModelConfig:
    return ModelConfig(
        model=SCRIPTED_MODEL,
        max_tokens=1024,
        max_retries=max_retries,
        timeout_s=10.0,
        base_url=server.base_url,
        api_key="test-key",
        prices=SCRIPTED_PRICES,
    )
