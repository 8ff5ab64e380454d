# expect: package_install, shell_execution
import os

os.system("pip install --upgrade some-package")
