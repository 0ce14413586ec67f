#!/bin/bash
# shellcheck disable=SC2034  # the MC_* settings are read by tests/e2e/lib/milter-cases.sh
# test_metrics.sh -- milter-tlspolicy -M scraped by a real Prometheus, mail through a real Postfix 3.7
#
# Usage (as root, from the build directory, or with MILTER/PROBE set):
#     tests/e2e/postfix/test_metrics.sh
# Environment:
#     MILTER, PROBE   as for test_milter.sh
#     PROMETHEUS, PROMTOOL  Debian's prometheus and promtool (default: from PATH)
#     KEEP_WORK=1     keep the work directory
#
# The private Postfix of test_milter.sh (tests/e2e/lib/postfix-harness.sh) with the daemon on a loopback
# port and -M on another; Debian's prometheus on a third (its own config and storage in the work
# directory, scraping the daemon every second, evaluating contrib/prometheus/milter-tlspolicy.rules.yml
# every second). Sessions sent with tlspolicy-probe: TLS 1.0 on the MX listener (tagged), TLS 1.3
# (accepted), TLS 1.0 with AUTH on submission (deferred), then a failed reload (an invalid file and
# SIGHUP) and a good one (a rule renamed, a rollout changed). Checked through Prometheus' HTTP API:
# sum by (tls, action) of the transactions counter and the reload counters equal what was sent; the
# rollout gauge follows the reload and a removed rule's counter stays; the reload-failed alert fires;
# every panel query of contrib/grafana/milter-tlspolicy.json returns data. Checked on the daemon's
# own /metrics: every series equals the number of transaction log lines with its label values; 404
# for other paths; without -M the daemon listens only on its milter socket.
# Last line: "N passed, N failed".
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
. "$HERE/../lib/postfix-harness.sh"
. "$HERE/../lib/milter-cases.sh"

PROMETHEUS=${PROMETHEUS:-$(command -v prometheus)}
PROMTOOL=${PROMTOOL:-$(command -v promtool)}
if [ ! -x "$PROMETHEUS" ] || [ ! -x "$PROMTOOL" ]; then echo "$0: prometheus and promtool needed (apt-get install prometheus)"; exit 2; fi
RULES=$TOP/contrib/prometheus/milter-tlspolicy.rules.yml
DASHBOARD=$TOP/contrib/grafana/milter-tlspolicy.json

mc_init
e2e_alloc_port METRICS_PORT
e2e_alloc_port PROM_PORT
METRICS=http://127.0.0.1:$METRICS_PORT
PROM=http://127.0.0.1:$PROM_PORT

# ---------------------------------------------------------------- HTTP and JSON, through python3

cat > "$E2E_WORK/prom.py" <<'EOF'
import collections, json, re, sys, urllib.error, urllib.parse, urllib.request

def get(url, method="GET"):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()

def query(prom, expr):
    status, _, body = get(prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    data = json.loads(body)
    if data.get("status") != "success":
        raise SystemExit("query failed: %s: %s" % (expr, body))
    return data["data"]["result"]

def labels(metric, skip=("instance", "job")):
    return ",".join("%s=%s" % (k, v) for k, v in sorted(metric.items()) if k not in skip)

cmd = sys.argv[1]
if cmd == "status":        # URL [METHOD]: "CODE CONTENT-TYPE"
    status, ctype, _ = get(sys.argv[2], *(sys.argv[3:4]))
    print(status, ctype)
elif cmd == "query":       # PROM EXPR: "labels value" lines, sorted
    for s in sorted(query(sys.argv[2], sys.argv[3]), key=lambda s: labels(s["metric"])):
        v = s["value"][1]
        print(labels(s["metric"]), v if not re.match(r"^-?\d+\.0+$", v) else v.split(".")[0])
elif cmd == "count":       # PROM EXPR: how many series (or points) the query returns
    print(len(query(sys.argv[2], sys.argv[3])))
elif cmd == "alerts":      # PROM: "alertname state" lines
    for a in json.loads(get(sys.argv[2] + "/api/v1/alerts")[2])["data"]["alerts"]:
        print(a["labels"]["alertname"], a["state"])
elif cmd == "panels":      # DASHBOARD: every panel's query, Grafana's variables filled in as Grafana does
    for p in json.load(open(sys.argv[2]))["panels"]:
        for t in p.get("targets", []):
            print(p["title"] + "\t" + t["expr"].replace("$__rate_interval", "1m").replace("$__range", "1h"))
elif cmd == "vs-log":      # METRICS TXNLOG: the daemon's series against the log lines, "same" or the diff
    keys = ("listener", "tls", "rule", "action", "mode")
    series = collections.Counter()
    for line in get(sys.argv[2])[2].splitlines():
        m = re.match(r'milter_tlspolicy_transactions_total\{(.*)\} (\d+)$', line)
        if m:
            d = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(1)))
            series[tuple(d[k] for k in keys)] += int(m.group(2))
    lines = collections.Counter()
    for line in open(sys.argv[3]):
        d = dict(re.findall(r' (\w+)=("(?:[^"\\]|\\.)*"|\S*)', line))
        lines[tuple(d[k].strip('"') for k in keys)] += 1
    print("same %d" % sum(lines.values()) if series == lines else "differ: metrics %s log %s" % (dict(series), dict(lines)))
EOF
py() { "${PYTHON:-python3}" "$E2E_WORK/prom.py" "$@"; }

# prom_wait EXPR EXPECTED [T]: wait until the query's "labels value" lines equal EXPECTED (scrapes lag ~1 s)
prom_wait() {
    local expr=$1 want=$2 t=${3:-20}
    wait_for "[ \"\$(py query '$PROM' '$expr' 2>&1)\" = '$want' ]" "$t" && return 0
    t_fail "$expr: want [$want], got [$(py query "$PROM" "$expr" 2>&1)]"
    return 1
}

mta_port() {
    case $1 in mx) echo "$PF_PORT_MX" ;; submission) echo "$PF_PORT_SUBMISSION" ;; legacy) echo "$PF_PORT_LEGACY" ;; esac
}

# listening PID: the loopback addresses PID listens on, sorted, on one line
listening() { ss -ltnpH | grep "pid=$1," | awk '{print $4}' | sort | tr '\n' ' ' | sed 's/ $//'; }

# ---------------------------------------------------------------- the run

PF_MAIN_EXTRA="smtpd_peername_lookup = no" HARNESS_MILTER="inet:127.0.0.1:$MPORT" pf_setup \
    || { echo "pf_setup failed"; exit 2; }
MC_SINK_LEGACY_PORT=$PF_PORT_SINK_LEGACY
MAIN=$(policy main)
milter_start "$MAIN" -M "inet:$METRICS_PORT@127.0.0.1" || exit 2
pf_start || { echo "pf_start failed"; exit 2; }

t_begin "promtool accepts the shipped alerting rules and their unit tests"
out=$("$PROMTOOL" check rules "$RULES" 2>&1)
assert_eq 0 $? "promtool check rules: $out"
assert_match 'SUCCESS: 2 rules found' "$out" "two rules"
out=$(cd "$(dirname "$RULES")" && "$PROMTOOL" test rules milter-tlspolicy.rules.test.yml 2>&1)
assert_eq 0 $? "promtool test rules: $out"
t_end

t_begin "-M: GET and HEAD /metrics in text format 0.0.4, 404 elsewhere, 405 for POST"
assert_eq "200 text/plain; version=0.0.4; charset=utf-8" "$(py status "$METRICS/metrics")" "GET /metrics"
assert_eq "200 text/plain; version=0.0.4; charset=utf-8" "$(py status "$METRICS/metrics" HEAD)" "HEAD /metrics"
assert_match '^404 ' "$(py status "$METRICS/")" "GET /"
assert_match '^404 ' "$(py status "$METRICS/metrics/x")" "GET /metrics/x"
assert_match '^405 ' "$(py status "$METRICS/metrics" POST)" "POST /metrics"
assert_file_contains "$MLOG" "metrics: serving /metrics on inet:$METRICS_PORT@127.0.0.1"
t_end

t_begin "without -M the daemon listens on its milter socket only"
e2e_alloc_port MPORT2
"$MILTER" -f -c "$MAIN" -p "inet:$MPORT2@127.0.0.1" -L "$E2E_WORK/txn2.log" > "$E2E_WORK/second.log" 2>&1 &
p2=$!
e2e_track "$p2" milter-no-metrics
wait_for "grep -q 'started: socket' '$E2E_WORK/second.log'" 20 || t_fail "second daemon did not start"
assert_eq "127.0.0.1:$MPORT2" "$(listening "$p2")" "listening sockets of a daemon without -M"
assert_eq "$(printf '127.0.0.1:%s\n' "$MPORT" "$METRICS_PORT" | sort | tr '\n' ' ' | sed 's/ $//')" \
    "$(listening "$MPID")" "with -M"
kill -TERM "$p2"; wait "$p2"
t_end

t_begin "prometheus starts on loopback and scrapes the daemon"
mkdir -p "$E2E_WORK/prom-data"
cat > "$E2E_WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [ "$RULES" ]
scrape_configs:
  - job_name: milter-tlspolicy
    static_configs:
      - targets: [ "127.0.0.1:$METRICS_PORT" ]
EOF
e2e_bg prometheus "$PROMETHEUS" --config.file="$E2E_WORK/prometheus.yml" \
    --storage.tsdb.path="$E2E_WORK/prom-data" --web.listen-address="127.0.0.1:$PROM_PORT"
PROM_PID=$E2E_BG_PID
[ -n "$PROM_PID" ] || t_fail "no prometheus"
wait_for "[ \"\$(py status '$PROM/-/ready' 2>/dev/null | cut -d' ' -f1)\" = 200 ]" 30 \
    || { t_fail "prometheus not ready"; t_note "$(tail -5 "$E2E_WORK/logs/prometheus.log")"; }
prom_wait 'up{job="milter-tlspolicy"}' "__name__=up 1" 20
prom_wait 'milter_tlspolicy_build_info' "__name__=milter_tlspolicy_build_info,version=$("$MILTER" -V | awk '{print $2}') 1"
t_end

# What is sent: name | listener | tls | auth | probe exit
SENT=(
 "m-tls10-a|mx|1.0|-|0"
 "m-tls10-b|mx|1.0|-|0"
 "m-tls13-a|mx|1.3|-|0"
 "m-tls13-b|mx|1.3|-|0"
 "m-tls13-c|submission|1.3|alice:secret123|0"
 "m-defer|submission|1.0|alice:secret123|4"
)
t_begin "sessions through Postfix: TLS 1.0 tagged, TLS 1.3 accepted, TLS 1.0 + AUTH deferred"
for c in "${SENT[@]}"; do
    IFS='|' read -r name lst tls auth want_rc <<< "$c"
    args=(--to rcpt@example.test)
    [ "$auth" != - ] && args+=(--auth "$auth")
    send "$name" "127.0.0.1:$(mta_port "$lst")" "$tls" "${args[@]}"
    assert_eq "$want_rc" "$RC" "$name: probe exit ($LAST)"
done
wait_for "[ \$(grep -c ' rule=' '$TXN_LOG') -ge 6 ]" 15 || t_fail "not 6 log lines"
t_end

t_begin "prometheus: sum by (tls, action) of the transactions equals what was sent"
prom_wait 'sum by (tls, action) (milter_tlspolicy_transactions_total)' "action=accept,tls=TLSv1.3 3
action=defer,tls=TLSv1 1
action=tag,tls=TLSv1 2"
prom_wait 'sum by (listener, rule, mode) (milter_tlspolicy_transactions_total{action!="accept"})' \
    "listener=mx-in,mode=enforce,rule=mx-legacy 2
listener=submission-in,mode=enforce,rule=auth-legacy 1"
t_end

t_begin "prometheus: sessions by TLS version, connections back to 0"
prom_wait 'sum by (tls) (milter_tlspolicy_sessions_total)' "tls=TLSv1 3
tls=TLSv1.3 3"
prom_wait 'milter_tlspolicy_connections' "__name__=milter_tlspolicy_connections 0"
t_end

t_begin "the daemon's counters agree with the transaction log, line by line"
assert_eq "same 6" "$(py vs-log "$METRICS/metrics" "$TXN_LOG")" "metrics against log lines"
t_end

t_begin "rollout gauge: every rule with a rollout, the percentage in force"
prom_wait 'milter_tlspolicy_rollout_percent' "__name__=milter_tlspolicy_rollout_percent,rule=auth-legacy 100
__name__=milter_tlspolicy_rollout_percent,rule=canary 0"
t_end

t_begin "a failed reload: counted, the alert fires, the old policy stays"
cp "$MC_POLICIES/broken.yaml" "$MAIN.new" && mv "$MAIN.new" "$MAIN"
kill -HUP "$MPID"
wait_for "grep -q 'reload failed, keeping the policy in force' '$MLOG'" 10 || t_fail "no reload failure logged"
prom_wait 'milter_tlspolicy_policy_reloads_total' "__name__=milter_tlspolicy_policy_reloads_total,result=failure 1
__name__=milter_tlspolicy_policy_reloads_total,result=success 0"
prom_wait 'milter_tlspolicy_rollout_percent' "__name__=milter_tlspolicy_rollout_percent,rule=auth-legacy 100
__name__=milter_tlspolicy_rollout_percent,rule=canary 0"
wait_for "py alerts '$PROM' | grep -qx 'MilterTlspolicyReloadFailed firing'" 20 \
    || t_fail "MilterTlspolicyReloadFailed not firing: $(py alerts "$PROM" | tr '\n' ' ')"
py alerts "$PROM" | grep -q MilterTlspolicyInternalFailures && t_fail "internal failures alert: $(py alerts "$PROM")"
t_end

t_begin "a good reload: counted, the alert clears, the rollout gauge follows, a removed rule's counter stays"
loaded_before=$(py query "$PROM" milter_tlspolicy_policy_loaded_timestamp_seconds | awk '{print $2}')
sed -e 's/name: mx-legacy/name: mx-legacy-v2/' -e 's/{ from: 2020-01-01, percent: 100 }/{ from: 2020-01-01, percent: 100 }\n        - { from: 2021-01-01, percent: 50 }/' \
    "$(policy main)" > "$MAIN.new" && mv "$MAIN.new" "$MAIN"
sleep 1.1   # a later second for the load time
reload HUP
prom_wait 'milter_tlspolicy_policy_reloads_total' "__name__=milter_tlspolicy_policy_reloads_total,result=failure 1
__name__=milter_tlspolicy_policy_reloads_total,result=success 1"
prom_wait 'milter_tlspolicy_rollout_percent' "__name__=milter_tlspolicy_rollout_percent,rule=auth-legacy 50
__name__=milter_tlspolicy_rollout_percent,rule=canary 0"
loaded_after=$(py query "$PROM" milter_tlspolicy_policy_loaded_timestamp_seconds | awk '{print $2}')
[ "${loaded_after:-0}" -gt "${loaded_before:-0}" ] || t_fail "load time $loaded_before -> $loaded_after"
wait_for "! py alerts '$PROM' | grep -q 'MilterTlspolicyReloadFailed firing'" 20 || t_fail "alert still firing"
send m-tls10-after "127.0.0.1:$(mta_port mx)" 1.0 --to rcpt@example.test
assert_eq 0 "$RC" "probe exit ($LAST)"
prom_wait 'sum by (rule) (milter_tlspolicy_transactions_total{action="tag"})' "rule=mx-legacy 2
rule=mx-legacy-v2 1"
prom_wait 'sum by (tls, action) (milter_tlspolicy_transactions_total)' "action=accept,tls=TLSv1.3 3
action=defer,tls=TLSv1 1
action=tag,tls=TLSv1 3"
assert_eq "same 7" "$(py vs-log "$METRICS/metrics" "$TXN_LOG")" "metrics against log lines"
t_end

t_begin "every panel query of the Grafana dashboard returns data from this Prometheus"
n=0
while IFS=$'\t' read -r title expr; do
    n=$((n + 1))
    got=$(py count "$PROM" "$expr" 2>&1)
    [[ $got =~ ^[1-9][0-9]*$ ]] || t_fail "panel \"$title\": $expr -> $got"
done < <(py panels "$DASHBOARD")
[ "$n" -ge 9 ] || t_fail "only $n panel queries"
t_note "$n panel queries"
t_end

t_summary
