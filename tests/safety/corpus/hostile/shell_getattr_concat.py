# expect: shell_execution, obfuscation
import os

getattr(os, "sys" + "tem")("id")
