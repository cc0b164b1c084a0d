#!/usr/bin/env bash
# Installs the real binaries the test suite runs (Caddy, Consul,
# terraform-config-inspect) from pinned Debian packages into .tools/, without
# root and without touching the system's apt state. See scripts/README.md.
#
#   bash scripts/install-test-tools.sh     # idempotent; a no-op when all is there
#   PRENV_TOOLS_DIR=/some/dir bash scripts/install-test-tools.sh
set -Eeuo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo_root=$(cd -- "$script_dir/.." && pwd -P)
tools_dir=${PRENV_TOOLS_DIR:-$repo_root/.tools}
[[ $tools_dir == /* ]] || tools_dir=$PWD/$tools_dir
bin_dir=$tools_dir/bin
pkgs_dir=$tools_dir/pkgs
apt_dir=$tools_dir/apt

mirror=http://deb.debian.org/debian
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
suites=(bookworm bullseye trixie)

# Each tool is a Debian package of the same name holding usr/bin/<name>.
tool_names=(caddy consul terraform-config-inspect)
declare -A deb_version=(
  [caddy]=2.6.2-5
  [consul]=1.8.7+dfsg1-2+b3
  [terraform-config-inspect]=0.0~git20230614.f32df32-2+b8
)
declare -A deb_suite=(
  [caddy]=bookworm
  [consul]=bullseye
  [terraform-config-inspect]=trixie
)
declare -A upstream_version=(
  [caddy]=2.6.2
  [consul]=1.8.7
  [terraform-config-inspect]=0.0~git20230614.f32df32
)

say() { printf 'install-test-tools: %s\n' "$*"; }

fail() {
  printf 'install-test-tools: FAILED: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}

trap 'fail "unexpected error (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

scratch=$(mktemp -d "${TMPDIR:-/tmp}/prenv-tools.XXXXXX")
trap 'rm -rf -- "$scratch"' EXIT

# Runs a command with its output in a log; on failure names the step and
# shows the end of the log.
run_step() {
  local step=$1
  shift
  local log=$scratch/step.log rc=0
  "$@" >"$log" 2>&1 || rc=$?
  if ((rc != 0)); then
    local tail_lines=()
    mapfile -t tail_lines < <(tail -n 15 "$log")
    fail "$step (exit $rc)" "${tail_lines[@]}"
  fi
}

# Prints the tool's own version report; succeeds only if it is the pinned one.
check_reported_version() {
  local name=$1 bin=$bin_dir/$1 out
  case $name in
    caddy)
      out=$("$bin" version 2>&1) || { printf '%s\n' "$out"; return 1; }
      printf '%s\n' "$out"
      [[ ${out%% *} == "${upstream_version[caddy]}" || ${out%% *} == "v${upstream_version[caddy]}" ]]
      ;;
    consul)
      out=$("$bin" version 2>&1) || { printf '%s\n' "$out"; return 1; }
      printf '%s\n' "$out"
      [[ $(head -n 1 <<<"$out") == "Consul v${upstream_version[consul]}" ]]
      ;;
    terraform-config-inspect)
      # It has no version flag: the pinned package version is checked through
      # the marker file; here it must inspect an empty module successfully.
      mkdir -p "$scratch/empty-module"
      out=$("$bin" --json "$scratch/empty-module" 2>&1) || { printf '%s\n' "$out"; return 1; }
      printf '%s\n' "$out"
      [[ $out == *'"path"'* ]]
      ;;
  esac
}

# True when Debian version $2 packages the pinned upstream version of tool $1
# (a rebuild or security revision of the same release is accepted).
same_upstream() {
  local upstream=${2#*:}
  upstream=${upstream%-*}
  [[ $upstream == "${upstream_version[$1]}"* ]]
}

marker_file() { printf '%s/%s/.deb-version' "$pkgs_dir" "$1"; }

tool_present() {
  local name=$1 marker
  marker=$(marker_file "$name")
  [[ -x $bin_dir/$name && -f $marker ]] || return 1
  same_upstream "$name" "$(<"$marker")" || return 1
  check_reported_version "$name" >/dev/null 2>&1
}

summary() {
  local name sep=''
  for name in "${tool_names[@]}"; do
    printf '%s%s %s' "$sep" "$name" "${upstream_version[$name]}"
    sep=', '
  done
}

write_apt_config() {
  mkdir -p "$apt_dir"/{apt.conf.d,sources.list.d,preferences.d,trusted.gpg.d,log,debs} \
    "$apt_dir"/state/lists/partial "$apt_dir"/cache/archives/partial
  : >"$apt_dir/state/status"
  : >"$apt_dir/empty.conf"
  local suite arch user
  arch=$(dpkg --print-architecture)
  user=$(id -un)
  {
    for suite in "${suites[@]}"; do
      printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite"
    done
  } >"$apt_dir/sources.list"
  # Every directory apt reads or writes is private, and the host's apt.conf.d
  # (with its update hooks) is not read.
  cat >"$apt_dir/apt.conf" <<EOF
Dir::Etc::Main "$apt_dir/empty.conf";
Dir::Etc::Parts "$apt_dir/apt.conf.d";
Dir::Etc::SourceList "$apt_dir/sources.list";
Dir::Etc::SourceParts "$apt_dir/sources.list.d";
Dir::Etc::Preferences "$apt_dir/preferences";
Dir::Etc::PreferencesParts "$apt_dir/preferences.d";
Dir::Etc::Trusted "$apt_dir/trusted.gpg";
Dir::Etc::TrustedParts "$apt_dir/trusted.gpg.d";
Dir::State "$apt_dir/state";
Dir::State::Lists "$apt_dir/state/lists";
Dir::State::status "$apt_dir/state/status";
Dir::State::extended_states "$apt_dir/state/extended_states";
Dir::Cache "$apt_dir/cache";
Dir::Cache::Archives "$apt_dir/cache/archives";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Dir::Log "$apt_dir/log";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
APT::Sandbox::User "$user";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
EOF
}

install_tool() {
  local name=$1 version=${deb_version[$1]} suite=${deb_suite[$1]}
  say "installing $name ${upstream_version[$name]} (Debian $suite package $name=$version) ..."

  local offered available=() candidate
  offered=$(apt-cache madison "$name" 2>&1) || true
  if ! awk -F'|' '{gsub(/ /, "", $2); print $2}' <<<"$offered" | grep -xF -- "$version" >/dev/null; then
    # The pinned revision is gone: take a rebuild of the same upstream release from the same suite.
    version=''
    while read -r candidate; do
      if same_upstream "$name" "$candidate"; then version=$candidate && break; fi
    done < <(grep -F " $suite/" <<<"$offered" | awk -F'|' '{gsub(/ /, "", $2); print $2}')
    if [[ -z $version ]]; then
      [[ -n $offered ]] && mapfile -t available <<<"$offered"
      fail "$name ${upstream_version[$name]} is not offered by $mirror ($suite); update the pin in scripts/install-test-tools.sh" \
        "the mirror offers:" "${available[@]:-nothing}"
    fi
    say "pinned $name=${deb_version[$name]} is gone; using the rebuild $name=$version"
  fi

  rm -rf -- "$apt_dir/debs" && mkdir -p "$apt_dir/debs"
  cd "$apt_dir/debs"
  run_step "apt-get download $name=$version" apt-get download "$name=$version"
  cd "$repo_root"
  local debs=("$apt_dir"/debs/*.deb)
  [[ ${#debs[@]} == 1 && -f ${debs[0]} ]] ||
    fail "apt-get download $name=$version left no single .deb in $apt_dir/debs"

  local stage=$pkgs_dir/.$name.new
  rm -rf -- "$stage" && mkdir -p "$pkgs_dir"
  run_step "dpkg-deb -x ${debs[0]##*/}" dpkg-deb -x "${debs[0]}" "$stage"
  [[ -x $stage/usr/bin/$name ]] || fail "package $name=$version has no usr/bin/$name"
  rm -rf -- "${pkgs_dir:?}/$name"
  mv -- "$stage" "$pkgs_dir/$name"
  mkdir -p "$bin_dir"
  ln -sfn "../pkgs/$name/usr/bin/$name" "$bin_dir/$name"
  rm -rf -- "$apt_dir/debs"

  local report rc=0 report_lines=()
  report=$(check_reported_version "$name" 2>&1) || rc=$?
  if ((rc != 0)); then
    mapfile -t report_lines <<<"$report"
    fail "$name does not run or does not report version ${upstream_version[$name]}" "${report_lines[@]}"
  fi
  printf '%s\n' "$version" >"$(marker_file "$name")"
}


# The Terraform CLI (for `terraform fmt -check` and templatefile() in test/terraform) is not a
# Debian package (it is under the BSL): it is not installed here, only looked for. The tests
# that need it fail with the same advice when it is missing.
check_terraform() {
  local tf=${PRENV_TERRAFORM_BIN:-}
  [[ -n $tf ]] || tf=$(command -v terraform || true)
  [[ -n $tf ]] || { [[ -x $bin_dir/terraform ]] && tf=$bin_dir/terraform; }
  if [[ -z $tf ]]; then
    say "WARNING: no terraform CLI (>= 1.10) found; test/terraform will fail until one is installed:"
    say "  HashiCorp's apt repository (https://developer.hashicorp.com/terraform/install):"
    say "    apt-get install terraform"
    say "  or unzip the release from https://releases.hashicorp.com/terraform/ to $bin_dir/terraform"
    say "  or set PRENV_TERRAFORM_BIN=/path/to/terraform"
  else
    say "terraform CLI for the tests: $tf"
  fi
  # test/backup restores a dump into a real PostgreSQL 15 (Debian's server package).
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
    say "PostgreSQL 15 for the tests: /usr/lib/postgresql/15/bin"
  else
    say "WARNING: no PostgreSQL 15 server at /usr/lib/postgresql/15/bin; test/backup will fail until"
    say "  apt-get install postgresql-15   (Debian/Ubuntu)"
  fi
}

mkdir -p "$tools_dir"
exec 9>"$tools_dir/.lock"
flock -w 900 9 || fail "another install is still running (lock $tools_dir/.lock)"

# Two tests need Debian system packages, not the tools above: the dashboard's browser test
# drives Chromium (test/e2e), and test/store/group-commit-sync traces the state writer's system
# calls with strace. Both link the system's shared libraries, so they go in with the system's
# apt, as root; anyone else is told what to run.
#   need_system_package <package> <path of its program> <what needs it>
need_system_package() {
  local package=$1 program=$2 why=$3
  [[ -x $program ]] && return 0
  if [[ $(id -u) != 0 ]]; then
    fail "$program not found: $why needs Debian's $package" \
      "install it as root: apt-get update && apt-get install -y --no-install-recommends $package"
  fi
  command -v apt-get >/dev/null || fail "$program not found and apt-get is missing: install Debian's $package"
  say "installing Debian's $package for $why ..."
  run_step "apt-get update (system)" env -u APT_CONFIG apt-get -q update
  run_step "apt-get install $package" env -u APT_CONFIG DEBIAN_FRONTEND=noninteractive \
    apt-get -q install -y --no-install-recommends "$package"
  [[ -x $program ]] || fail "apt-get installed $package but $program is not there"
}
need_system_package chromium /usr/bin/chromium "the dashboard's browser test"
need_system_package strace /usr/bin/strace "the state writer's sync test"

missing=()
for name in "${tool_names[@]}"; do
  tool_present "$name" || missing+=("$name")
done
if ((${#missing[@]} == 0)); then
  say "all test tools present in $bin_dir ($(summary))"
  check_terraform
  exit 0
fi

for cmd in apt-get apt-cache dpkg-deb dpkg; do
  command -v "$cmd" >/dev/null || fail "$cmd not found: this script needs Debian's apt and dpkg"
done
[[ -r $keyring ]] || fail "Debian archive keyring $keyring not found (package debian-archive-keyring)"

write_apt_config
export APT_CONFIG=$apt_dir/apt.conf
say "updating private package lists (${suites[*]}) from $mirror ..."
run_step "apt-get update" apt-get -q update --error-on=any

for name in "${missing[@]}"; do install_tool "$name"; done
# The package lists are only needed again for the next install, which updates them.
rm -rf -- "$apt_dir/state/lists" "$apt_dir/cache"
say "all test tools installed in $bin_dir ($(summary))"
check_terraform
