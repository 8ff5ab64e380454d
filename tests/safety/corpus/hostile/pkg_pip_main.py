# expect: package_install
import pip

pip.main(["install", "requests"])
