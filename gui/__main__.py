"""``python -m backprop_lab.gui``."""

import sys

from backprop_lab.gui.app import main

sys.exit(main())
