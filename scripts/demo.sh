#!/usr/bin/env bash
# The main job: sets everything up if needed, then runs the neos-swift demo. Arguments go to the demo.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"
cd "$root" && exec .venv/bin/python -m neos_swift.demo "$@"
