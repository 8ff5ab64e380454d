# expect: shell_execution, obfuscation
mod = __import__("o" + "s")
mod.system("id")
