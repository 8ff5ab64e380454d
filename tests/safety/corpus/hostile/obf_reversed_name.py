# expect: shell_execution, obfuscation
import os

getattr(os, "metsys"[::-1])("id")
