"""Letters and documents rendered with ReportLab from plain letter data (no session, no Qt)."""
