# expect: package_install
conda install -y -c someone some-package
python repro.py
