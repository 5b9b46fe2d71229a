"""``python -m app`` runs Encaisse."""

import sys

from app.main import main

sys.exit(main())
