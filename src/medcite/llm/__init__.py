"""Talking to OpenAI-compatible LLM servers (opt-in; see docs/llm.md)."""
