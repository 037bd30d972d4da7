# Shared by scripts/setup, scripts/run and scripts/test.

MIN_RUST=1.90.0   # Tauri 2.12
MIN_NODE=20.19.0  # Vite 8
NODE_VENV=.tools/node

step() { printf '\033[1;32m==>\033[0m %s\n' "$*" >&2; }
note() { printf '    %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# version_at_least HAVE WANT: true when HAVE >= WANT (dotted numbers).
version_at_least() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

# Puts the registry-installed Node first on PATH when setup had to install it.
use_node_venv() {
  if [[ -x "$NODE_VENV/bin/node" ]]; then
    export PATH="$PWD/$NODE_VENV/bin:$PATH"
  fi
  if [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
}
