"""The PySide6 desktop interface: windows, views, table models and dialogs over the services."""
