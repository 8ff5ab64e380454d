# expect: external_load, network
from urllib.request import urlretrieve

urlretrieve("http://example.com/weights.bin", "weights.bin")
