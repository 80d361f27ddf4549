#!/usr/bin/env bash
# Installs what the notebooks need, from Debian's packages only (no PyPI on this machine):
# scikit-learn, pandas, onnx, nbconvert/nbclient with a Python kernel to run notebooks headless,
# matplotlib for the calibration plot, and the IBM Telco churn data (r-cran-modeldata, read with
# python3-rdata). Run as root (or with sudo); safe to run again.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends r-base-core \
  python3 python3-sklearn python3-pandas python3-numpy python3-onnx python3-matplotlib \
  python3-nbconvert python3-nbclient python3-ipykernel python3-rdata r-cran-modeldata
python3 -c "import sklearn, pandas, onnx, rdata, nbclient; print('notebooks: sklearn', sklearn.__version__, '· onnx', onnx.__version__)"
