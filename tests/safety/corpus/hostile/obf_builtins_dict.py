# expect: obfuscation, shell_execution
import builtins

builtins.__dict__["ev" + "al"]("1 + 1")
