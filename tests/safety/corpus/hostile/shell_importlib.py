# expect: shell_execution, obfuscation
import importlib

name = "sub" + "process"
importlib.import_module(name).run(["id"])
