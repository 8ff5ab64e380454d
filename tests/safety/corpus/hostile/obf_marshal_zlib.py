# expect: obfuscation, shell_execution
import marshal
import zlib

blob = b"x\x9c\xcb\x00\x00"
exec(marshal.loads(zlib.decompress(blob)))
