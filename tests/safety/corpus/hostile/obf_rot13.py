# expect: obfuscation
import codecs

name = codecs.decode("flfgrz", "rot13")
