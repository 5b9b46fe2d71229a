"""Entry and edit dialogs: clients, invoices and credit notes, payments, disputes, promises, plans, costs."""
