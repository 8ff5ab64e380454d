# expect: obfuscation
name = "".join(chr(c) for c in [111, 115])
mod = __import__(name)
