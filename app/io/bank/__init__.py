"""Bank statement parsers (CAMT.053, CFONB 120, OFX/QFX, MT940): bytes in, BankLines and problems out."""
