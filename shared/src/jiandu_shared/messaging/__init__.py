"""Messaging kernel: topology, broker, outbox relay, inbox, consumers."""
