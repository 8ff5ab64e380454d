# expect: file_outside_tmp
from pathlib import Path

Path("/usr/local/lib/python3.11/site-packages/sitecustomize.py").write_text("import os\n")
