# shellcheck shell=bash
# Shared helpers for scripts/pg, scripts/test and scripts/demo.
# Source it (". scripts/lib.sh"); it is not a command of its own.
#
# A cluster made here is laid out as
#   DIR/data        the data directory (owned by the postgres system user when run as root)
#   DIR/server.log  the server's log
#   DIR/.s.PGSQL.N  the unix socket: no TCP (listen_addresses = '')
# and is reached with the libpq conninfo "host=DIR port=N user=postgres dbname=…".

CARTERO_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
PG_BIN="${CARTERO_PG_BIN:-/usr/lib/postgresql/15/bin}"

# Progress and diagnostics go to stderr, so stdout stays for results (conninfo, CSV).
say() { printf '==> %s\n' "$*" >&2; }
note() { printf '    %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------------------
# Dependencies
# ---------------------------------------------------------------------------

# Installs PostgreSQL 15 (server, client, libpq headers), pkg-config, and pango with
# cairo and the DejaVu fonts for the letters, when missing: with apt-get when root,
# otherwise says what to install and exits 1.
ensure_postgres() {
  local missing=()
  if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ] || [ ! -x "$PG_BIN/postgres" ]; then
    missing+=(postgresql-15)
  fi
  if [ ! -x "$PG_BIN/psql" ] || [ ! -x "$PG_BIN/createdb" ]; then
    missing+=(postgresql-client-15)
  fi
  if [ ! -f /usr/include/postgresql/libpq-fe.h ]; then
    missing+=(libpq-dev)
  fi
  if ! command -v pkg-config >/dev/null 2>&1; then
    missing+=(pkg-config)
  fi
  # The letters are drawn with cairo and pango in DejaVu Sans (docs/pdf-library.md).
  if ! pkg-config --exists pangocairo 2>/dev/null; then
    missing+=(libpango1.0-dev)
  fi
  if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    missing+=(fonts-dejavu-core)
  fi
  [ "${#missing[@]}" -eq 0 ] && return 0

  if ! is_root; then
    printf 'error: missing packages: %s\n' "${missing[*]}" >&2
    printf '       install them (as root) with:\n' >&2
    printf '         apt-get update && apt-get install -y %s\n' "${missing[*]}" >&2
    exit 1
  fi
  # Debian's postgresql package would otherwise create and start a cluster
  # "15/main" of its own; the scripts make their own clusters.
  mkdir -p /etc/postgresql-common/createcluster.d
  printf 'create_main_cluster = false\n' >/etc/postgresql-common/createcluster.d/cartero.conf
  apt_install "${missing[@]}"
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 is installed but $PG_BIN/initdb is missing"
}

# apt_install PKG…: installs Debian packages (root only), quietly, showing the end of
# apt-get's output when it fails. Only what is named: packages already there are not
# upgraded under a running server.
apt_install() {
  say "installing $* (apt-get; a minute or two)"
  local log
  log="$(mktemp /tmp/cartero-apt.XXXXXX)"
  if ! {
    export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
    apt-get update -q && apt-get install -y -q "$@"
  } </dev/null >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "apt-get install $* failed (full output in $log)"
  fi
  rm -f -- "$log"
}

# Makes sure `swift` is on PATH (Swift 6 at /opt/swift/usr/bin on these machines).
ensure_swift() {
  if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    PATH="/opt/swift/usr/bin:$PATH"
    export PATH
  fi
  command -v swift >/dev/null 2>&1 \
    || die "swift is not on PATH: install a Swift 6 toolchain (https://www.swift.org/install/linux/) and put its usr/bin on PATH"
}

# ---------------------------------------------------------------------------
# Running PostgreSQL's programs: it refuses to run as root, so when root they
# run as the unprivileged system user `postgres` (created when missing).
# ---------------------------------------------------------------------------

ensure_postgres_user() {
  is_root || return 0
  id -u postgres >/dev/null 2>&1 && return 0
  say "creating the system user postgres"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin postgres
}

# as_pg CMD ARGS…: runs CMD as the postgres user when root, as is otherwise.
# It runs from / so that a working directory postgres can't enter doesn't matter.
as_pg() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# pg_user_can_enter DIR: true when the user the server runs as can reach DIR.
pg_user_can_enter() {
  if is_root; then
    runuser -u postgres -- test -x "$1" 2>/dev/null
  else
    test -x "$1"
  fi
}

# A unix socket path holds at most 107 bytes; DIR/.s.PGSQL.NNNNN must fit, and
# DIR goes unquoted into conninfo strings and postgresql.conf.
pg_dir_is_usable_path() {
  [ "${#1}" -le 90 ] && [[ $1 =~ ^/[A-Za-z0-9_./@+-]*$ ]]
}

# ---------------------------------------------------------------------------
# Cluster location, settings, start and stop
# ---------------------------------------------------------------------------

pg_port() {
  local port="${CARTERO_PG_PORT:-5432}"
  if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
    die "CARTERO_PG_PORT must be a port number, not '$port'"
  fi
  printf '%s\n' "$port"
}

# The demo's / hand-work cluster: CARTERO_PG_DIR, else .pg/ in the repo when the
# postgres user can reach it, else /tmp/cartero-pg-<hash of the repo path>.
pg_dev_dir() {
  if [ -n "${CARTERO_PG_DIR:-}" ]; then
    local dir="$CARTERO_PG_DIR"
    case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
    pg_dir_is_usable_path "$dir" \
      || die "CARTERO_PG_DIR must be an absolute path of at most 90 characters from [A-Za-z0-9_./@+-]: '$dir'"
    printf '%s\n' "$dir"
    return 0
  fi
  local dir="$CARTERO_ROOT/.pg"
  if pg_dir_is_usable_path "$dir" && pg_user_can_enter "$CARTERO_ROOT"; then
    printf '%s\n' "$dir"
  else
    printf '/tmp/cartero-pg-%s\n' "$(printf '%s' "$CARTERO_ROOT" | sha256sum | cut -c1-10)"
  fi
}

# pg_conninfo DIR PORT [DBNAME]
pg_conninfo() {
  printf 'host=%s port=%s user=postgres%s\n' "$1" "$2" "${3:+ dbname=$3}"
}

# pg_prepare_dir DIR: creates DIR for the server's user, private to it.
pg_prepare_dir() {
  local dir=$1
  mkdir -p -- "$dir"
  if is_root; then
    chown postgres:postgres -- "$dir"
    pg_user_can_enter "$dir" \
      || die "the postgres user cannot enter $dir (a parent directory is closed to it); choose another CARTERO_PG_DIR"
  fi
  chmod 0700 -- "$dir"
}

pg_locale() {
  if locale -a 2>/dev/null | grep -Eiq '^c\.utf-?8$'; then
    printf 'C.UTF-8\n'
  else
    printf 'C\n'
  fi
}

# pg_initdb DIR: creates DIR/data on first use (trust auth over the private socket).
pg_initdb() {
  local dir=$1
  [ -f "$dir/data/PG_VERSION" ] && return 0
  pg_prepare_dir "$dir"
  local locale
  locale="$(pg_locale)"
  say "creating a PostgreSQL 15 cluster in $dir/data (locale $locale)"
  if ! as_pg "$PG_BIN/initdb" -D "$dir/data" --auth=trust -U postgres \
      --encoding=UTF8 --locale="$locale" >"$dir/initdb.log" 2>&1; then
    tail -n 20 "$dir/initdb.log" >&2
    die "initdb failed (full output in $dir/initdb.log)"
  fi
  printf "\n# Cartero's settings, rewritten at every start by scripts/lib.sh\ninclude_if_exists = 'cartero.conf'\n" \
    | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
}

# pg_write_conf DIR PORT dev|test: DIR/data/cartero.conf, for a machine with
# 24 GB of memory and 2 cores. The test cluster trades durability for speed.
pg_write_conf() {
  local dir=$1 port=$2 kind=$3
  local dsm=posix shm_kb
  # A small /dev/shm (64 MB in a default container) breaks parallel queries.
  shm_kb="$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $2 }')" || shm_kb=""
  if [ -z "$shm_kb" ] || [ "$shm_kb" -lt 2097152 ]; then dsm=mmap; fi
  {
    printf '# Written by scripts/lib.sh at every start: edit it there.\n'
    printf "listen_addresses = ''\n"
    printf 'port = %s\n' "$port"
    printf "unix_socket_directories = '%s'\n" "$dir"
    printf 'shared_buffers = 1GB\n'
    printf 'work_mem = 64MB\n'
    printf 'maintenance_work_mem = 512MB\n'
    printf 'max_wal_size = 4GB\n'
    printf 'effective_cache_size = 12GB\n'
    printf 'random_page_cost = 1.1\n'
    printf 'max_parallel_workers_per_gather = 2\n'
    printf 'max_parallel_maintenance_workers = 2\n'
    printf 'dynamic_shared_memory_type = %s\n' "$dsm"
    printf "log_line_prefix = '%%m [%%p] %%q%%u@%%d '\n"
    if [ "$kind" = test ]; then
      printf 'max_connections = 200\n'
      printf 'fsync = off\n'
      printf 'synchronous_commit = off\n'
      printf 'full_page_writes = off\n'
    else
      printf 'max_connections = 100\n'
    fi
  } | as_pg tee "$dir/data/cartero.conf" >/dev/null
}

pg_is_running() {
  [ -f "$1/data/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

# pg_start DIR PORT dev|test: initdb when needed, then start; idempotent.
pg_start() {
  local dir=$1 port=$2 kind=$3
  ensure_postgres_user
  pg_initdb "$dir"
  pg_run "$dir" "$port" "$kind" PostgreSQL
}

# pg_run DIR PORT KIND WHAT: starts the cluster made in DIR unless it runs; WHAT names it
# in what is said ("PostgreSQL", "the standby").
pg_run() {
  local dir=$1 port=$2 kind=$3 what=$4
  if pg_is_running "$dir"; then
    note "$what is already running in $dir"
    return 0
  fi
  pg_write_conf "$dir" "$port" "$kind"
  say "starting $what (socket in $dir, port $port)"
  if ! as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 -s start; then
    printf 'error: %s did not start; the end of %s:\n' "$what" "$dir/server.log" >&2
    tail -n 40 "$dir/server.log" >&2 || true
    exit 1
  fi
}

# free_port: a TCP port of 127.0.0.1 that nothing listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pg_replica_start PRIMARY-DIR PORT REPLICA-DIR KIND: a hot standby of the cluster in
# PRIMARY-DIR, streaming from it (pg_basebackup -R over the primary's socket, whose
# trust authentication initdb also gives replication), in REPLICA-DIR with its own
# socket; made on first use, then started. Analysts' long queries run there.
pg_replica_start() {
  local primary=$1 port=$2 dir=$3 kind=$4
  pg_is_running "$primary" || die "the primary in $primary is not running"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pg_prepare_dir "$dir"
    say "copying the primary in $primary into a standby in $dir/data (pg_basebackup)"
    if ! as_pg "$PG_BIN/pg_basebackup" -h "$primary" -p "$port" -U postgres -D "$dir/data" -X stream -R -c fast \
        >"$dir/basebackup.log" 2>&1; then
      tail -n 20 "$dir/basebackup.log" >&2
      die "pg_basebackup failed (full output in $dir/basebackup.log)"
    fi
  fi
  pg_run "$dir" "$port" "$kind" "the standby"
}

# pg_replica_caught_up PRIMARY-DIR REPLICA-DIR PORT: waits (up to 30 s) until the standby
# has replayed everything the primary had written when it was called.
pg_replica_caught_up() {
  local primary=$1 dir=$2 port=$3 lsn
  lsn="$(pg_psql "$primary" "$port" postgres -qAt -c "SELECT pg_current_wal_lsn()")"
  for _ in $(seq 1 300); do
    [ "$(pg_psql "$dir" "$port" postgres -qAt -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && return 0
    sleep 0.1
  done
  die "the standby in $dir did not replay the primary's $lsn within 30 s"
}

# pg_stop DIR [fast|immediate]
pg_stop() {
  local dir=$1 mode=${2:-fast}
  pg_is_running "$dir" || return 0
  if ! as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m "$mode" -w -t 60 -s stop; then
    local pid
    pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
    if [[ $pid =~ ^[0-9]+$ ]]; then
      warn "pg_ctl stop failed; sending SIGQUIT to the postmaster ($pid)"
      kill -QUIT "$pid" 2>/dev/null || true
      sleep 2
    fi
  fi
}

# pg_psql DIR PORT DBNAME ARGS…: psql on that database, no psqlrc.
pg_psql() {
  local dir=$1 port=$2 db=$3
  shift 3
  "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -d "$(pg_conninfo "$dir" "$port" "$db")" "$@"
}

# pg_ensure_db DIR PORT DBNAME: creates the database when missing.
pg_ensure_db() {
  local dir=$1 port=$2 db=$3 found
  found="$(pg_psql "$dir" "$port" postgres -qAt \
    -c "select 1 from pg_database where datname = '$db'")"
  if [ "$found" != 1 ]; then
    say "creating database $db"
    "$PG_BIN/createdb" -h "$dir" -p "$port" -U postgres "$db"
  fi
}
