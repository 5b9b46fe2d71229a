"""Pure domain: money, dates, figures and rules; stdlib only, every date-dependent function takes as_of."""
