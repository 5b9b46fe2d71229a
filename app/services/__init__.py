"""Use cases: one function per verb; they own sessions and return frozen DTOs."""
