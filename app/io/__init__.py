"""Importers and exporters: CSV/XLSX, FEC, Factur-X/CII/UBL, bank statements (plain data in, plain data out)."""
