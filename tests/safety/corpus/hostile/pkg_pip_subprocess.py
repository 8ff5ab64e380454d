# expect: package_install, shell_execution
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "pip", "install", "totally-safe-package"])
