# expect: shell_execution
from os import system as s

s("whoami")
