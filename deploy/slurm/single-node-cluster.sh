#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for running and testing tiled
# soilmap runs (soilmap-array.sbatch, run-province.sh) without a real cluster.
#
#   single-node-cluster.sh [start]   install if needed, configure, start, wait for the node
#   single-node-cluster.sh stop      stop the daemons this script started
#   single-node-cluster.sh status    show what runs and the node's state
#
# Debian 12 (slurm-wlm 22.05), run as root. Works without systemd (the daemons
# are started directly) and without cgroup delegation (proctrack/linuxproc,
# task/none, no accounting). Safe to run again: what is installed, configured
# and running is left as it is; a changed configuration restarts the daemons.
#
# Environment:
#   SOILMAP_SLURM_DIR        state, spool, logs, pid files and slurm.conf (default /tmp/soilmap-slurm)
#   SOILMAP_SLURM_MEM_MARGIN memory (MB) kept back from Slurm (default: max(512, 5% of the memory))
#   SOILMAP_SLURM_TIMEOUT    seconds to wait for the node to be idle (default 60)
#   SOILMAP_SLURM_CTLD_PORT / SOILMAP_SLURM_SLURMD_PORT   (default 6817 / 6818)
#
# The configuration is written to $SOILMAP_SLURM_DIR/etc/slurm.conf and linked
# from /etc/slurm/slurm.conf (so sinfo/sbatch find it) unless that file is
# someone else's; then export SLURM_CONF=$SOILMAP_SLURM_DIR/etc/slurm.conf
# (the script says so).
set -euo pipefail

DIR=${SOILMAP_SLURM_DIR:-/tmp/soilmap-slurm}
TIMEOUT=${SOILMAP_SLURM_TIMEOUT:-60}
CTLD_PORT=${SOILMAP_SLURM_CTLD_PORT:-6817}
SLURMD_PORT=${SOILMAP_SLURM_SLURMD_PORT:-6818}
CONF_DIR=$DIR/etc
CONF=$CONF_DIR/slurm.conf
MARKER="# written by soilmap deploy/slurm/single-node-cluster.sh"
NODE=$(hostname -s)
export SLURM_CONF=$CONF

since() { local d=$(( ${EPOCHREALTIME/[.,]/} - $1 )); printf '%d.%d' $((d / 1000000)) $((d / 100000 % 10)); }
log() { printf '[single-node-cluster] %s\n' "$*" >&2; }
die() { printf '[single-node-cluster] error: %s\n' "$*" >&2; exit 1; }

# pid from a pid file if that process is alive and runs the named program
live_pid() { # pidfile program
    local pid
    [[ -r $1 ]] || return 1
    pid=$(tr -dc 0-9 <"$1")
    [[ -n $pid && -d /proc/$pid ]] || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$2"* ]] || return 1
    echo "$pid"
}

stop_pids() { # "pidfile program" ...: TERM all, wait up to 15 s, then KILL
    local spec pidfile prog pid pids=()
    for spec in "$@"; do
        pidfile=${spec% *} prog=${spec#* }
        if pid=$(live_pid "$pidfile" "$prog"); then
            log "stopping $prog (pid $pid)"
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
        fi
        rm -f "$pidfile"
    done
    for _ in $(seq 1 75); do
        for pid in "${pids[@]}"; do [[ -d /proc/$pid ]] && break; pid=""; done
        [[ -z ${pid:-} ]] && return 0
        sleep 0.2
    done
    for pid in "${pids[@]}"; do
        [[ -d /proc/$pid ]] && { log "pid $pid still there after 15 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
    done
    return 0
}

install_packages() {
    local missing=()
    command -v slurmctld >/dev/null || missing+=(slurmctld)
    command -v slurmd >/dev/null || missing+=(slurmd)
    command -v sbatch >/dev/null || missing+=(slurm-client)
    command -v munged >/dev/null || missing+=(munge)
    ((${#missing[@]})) || return 0
    [[ $(id -u) == 0 ]] || die "packages missing (${missing[*]}) and not root: cannot apt-get install"
    log "installing slurm-wlm and munge (missing: ${missing[*]})"
    local t0=${EPOCHREALTIME/[.,]/} policy=/usr/sbin/policy-rc.d ours=0
    # The packages' postinst scripts would try to start the services through
    # init scripts; keep them from doing so (this script starts them itself).
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; ours=1
    fi
    local rc=0
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge
    } >"$DIR/apt.log" 2>&1 || rc=$?
    ((ours)) && rm -f "$policy"
    ((rc == 0)) || { tail -n 30 "$DIR/apt.log" >&2; die "apt-get failed (log: $DIR/apt.log)"; }
    log "packages installed in $(since "$t0") s"
}

start_munge() {
    local key=/etc/munge/munge.key
    if [[ ! -s $key ]]; then
        log "creating munge key $key"
        mkdir -p /etc/munge
        mungekey --create --keyfile="$key" 2>/dev/null || dd if=/dev/urandom of="$key" bs=1 count=1024 status=none
    fi
    chown munge:munge /etc/munge "$key"; chmod 0700 /etc/munge; chmod 0400 "$key"
    if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi   # a munged answers already
    mkdir -p /run/munge /var/lib/munge /var/log/munge
    chown munge:munge /run/munge /var/lib/munge /var/log/munge
    chmod 0755 /run/munge
    log "starting munged"
    runuser -u munge -- munged --pid-file=/run/munge/munged.pid --log-file=/var/log/munge/munged.log ||
        die "munged did not start (log: /var/log/munge/munged.log)"
    for _ in $(seq 1 50); do
        if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
            cp /run/munge/munged.pid "$DIR/run/munged.pid"    # ours: `stop` ends it
            return 0
        fi
        sleep 0.1
    done
    die "munged does not answer (log: /var/log/munge/munged.log)"
}

mem_mb() { # memory Slurm may hand out: min(RAM, cgroup limit) minus a margin
    local total lim margin
    total=$(free -m | awk '/^Mem:/ {print $2}')
    for f in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
        [[ -r $f ]] || continue
        lim=$(cat "$f")
        [[ $lim =~ ^[0-9]+$ ]] || continue
        lim=$((lim / 1048576))
        ((lim < total)) && total=$lim
    done
    margin=${SOILMAP_SLURM_MEM_MARGIN:-$((total / 20 > 512 ? total / 20 : 512))}
    local m=$((total - margin))
    ((m >= 256)) || m=256
    echo "$m"
}

write_conf() { # prints "changed" when the configuration file changed
    local cpus mem new
    cpus=$(nproc)
    mem=$(mem_mb)
    mkdir -p "$CONF_DIR" "$DIR/state" "$DIR/spool/slurmd-$NODE" "$DIR/log" "$DIR/run"
    new=$(mktemp "$CONF_DIR/.slurm.conf.XXXXXX")
    cat >"$new" <<EOF
$MARKER
# One node ($NODE), $cpus CPUs, $mem MB for jobs. Regenerated on each start.
ClusterName=soilmap
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/slurmd-%n
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# no cgroups (none delegated in a container): plain process tracking, no binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
# CPUs and memory are consumable; CR_CPU (not CR_Core) so that a hyperthreaded
# core is not handed out whole to a 1-CPU task
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
# without a default a job that asks for no memory takes the whole node
DefMemPerCPU=$((mem / cpus))
# the node is what this file says, whatever slurmd measures (no drain on mismatch)
SlurmdParameters=config_overrides
ReturnToService=2
SchedulerType=sched/backfill
# start queued tasks as soon as CPUs free up (default: batch jobs wait up to 3 s)
SchedulerParameters=batch_sched_delay=0
InactiveLimit=0
KillWait=10
MinJobAge=600
SlurmdTimeout=120
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=soilmap Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
    chmod 644 "$new"
    if [[ -f $CONF ]] && cmp -s "$new" "$CONF"; then
        rm -f "$new"
    else
        mv -f "$new" "$CONF"
        echo changed
    fi
    # no cgroup.conf: proctrack/linuxproc and task/none do not read one
    link_conf
}

link_conf() {
    local sys=/etc/slurm/slurm.conf
    mkdir -p /etc/slurm
    if [[ -L $sys && $(readlink "$sys") == "$CONF" ]]; then return 0; fi
    if [[ ! -e $sys && ! -L $sys ]] || { [[ -L $sys ]] && [[ ! -e $sys ]]; } ||
        { [[ -L $sys ]] && grep -qF "$MARKER" "$sys" 2>/dev/null; } ||
        { [[ -f $sys && ! -L $sys ]] && head -n1 "$sys" | grep -qF "$MARKER"; }; then
        ln -sfn "$CONF" "$sys"
    else
        log "note: $sys belongs to another setup and is left alone; for sinfo/sbatch on this cluster:"
        log "      export SLURM_CONF=$CONF"
    fi
}

node_state() { sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null | head -n1; }

fail_with_logs() {
    log "error: $*"
    local f
    for f in "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log" /var/log/munge/munged.log; do
        [[ -f $f ]] || continue
        printf '\n--- last lines of %s ---\n' "$f" >&2
        tail -n 15 "$f" >&2
    done
    printf '\nlogs: %s/log/slurmctld.log %s/log/slurmd.log /var/log/munge/munged.log; configuration: %s\n' "$DIR" "$DIR" "$CONF" >&2
    exit 1
}

start() {
    [[ $(id -u) == 0 ]] || die "run as root (the daemons run as root, packages are installed with apt-get)"
    mkdir -p "$DIR/run" "$DIR/log"
    local t0=${EPOCHREALTIME/[.,]/} changed restart=0
    install_packages
    start_munge
    changed=$(write_conf)
    [[ -n $changed ]] && restart=1
    if ((restart)); then
        stop_pids "$DIR/run/slurmd.pid slurmd" "$DIR/run/slurmctld.pid slurmctld"
    fi
    if ! live_pid "$DIR/run/slurmctld.pid" slurmctld >/dev/null; then
        log "starting slurmctld"
        slurmctld -f "$CONF" || fail_with_logs "slurmctld did not start"
    fi
    if ! live_pid "$DIR/run/slurmd.pid" slurmd >/dev/null; then
        log "starting slurmd ($NODE)"
        slurmd -f "$CONF" -N "$NODE" || fail_with_logs "slurmd did not start"
    fi
    local state="" resumed=0 deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS < deadline)); do
        state=$(node_state)
        case $state in
            idle | mixed | allocated | completing) break ;;
            *drain* | down*)
                if ((!resumed)); then
                    scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true
                    resumed=1
                fi ;;
        esac
        live_pid "$DIR/run/slurmctld.pid" slurmctld >/dev/null || fail_with_logs "slurmctld exited"
        live_pid "$DIR/run/slurmd.pid" slurmd >/dev/null || fail_with_logs "slurmd exited"
        sleep 0.5
    done
    case $state in
        idle | mixed | allocated | completing) ;;
        *) fail_with_logs "node $NODE not idle after $TIMEOUT s (state: ${state:-no answer from slurmctld})" ;;
    esac
    log "node $NODE is $state ($(nproc) CPUs, $(awk -F'RealMemory=' '/^NodeName/ {split($2,a," "); print a[1]}' "$CONF") MB) after $(since "$t0") s; SLURM_CONF=$CONF"
}

stop() {
    stop_pids "$DIR/run/slurmd.pid slurmd" "$DIR/run/slurmctld.pid slurmctld"
    if [[ -f $DIR/run/munged.pid ]]; then    # only a munged this script started
        stop_pids "$DIR/run/munged.pid munged"
        rm -f /run/munge/munged.pid
    fi
    local left
    left=$(pgrep -x slurmstepd || true)
    [[ -z $left ]] || log "note: slurmstepd processes remain (pids: $(echo "$left" | tr '\n' ' ')); they end with their job steps"
    log "stopped"
}

status() {
    local p
    for p in slurmctld slurmd munged; do
        if pid=$(live_pid "$DIR/run/$p.pid" "$p"); then echo "$p: running (pid $pid)"; else echo "$p: not running (from this script)"; fi
    done
    echo "SLURM_CONF=$CONF"
    if live_pid "$DIR/run/slurmctld.pid" slurmctld >/dev/null; then sinfo -N -l || true; fi
}

case ${1:-start} in
    start) start ;;
    stop) stop ;;
    status) status ;;
    -h | --help | help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown subcommand '$1' (start, stop, status)" ;;
esac
