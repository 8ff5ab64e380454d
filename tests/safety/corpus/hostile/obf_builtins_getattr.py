# expect: obfuscation, shell_execution
f = getattr(__builtins__, "ex" + "ec")
f("print(1)")
