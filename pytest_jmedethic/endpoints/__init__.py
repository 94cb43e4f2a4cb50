"""Model access: endpoint specs and keys, ``openai`` clients, the start-of-session probe, one
resilient call (response cache -> shared rate limit -> retries -> POST), and the servers the
plugin starts itself (``servers``: llama.cpp and the simulator, as child processes)."""
