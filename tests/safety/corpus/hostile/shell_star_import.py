# expect: shell_execution
from subprocess import *

call("id", shell=True)
