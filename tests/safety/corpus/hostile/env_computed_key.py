# expect: environment
import os

key = input()
os.environ[key] = "1"
