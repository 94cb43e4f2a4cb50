"""Servers the plugin starts itself, each in a child process: llama.cpp (``llamacpp``,
``llamacpp_server``) and the simulated endpoint (``simulator``), launched the same way
(``child_process``) and started once per session (``session``)."""
