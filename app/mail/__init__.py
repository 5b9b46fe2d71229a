"""E-mail sending: SMTP, the outbox, passwords through the OS keyring."""
