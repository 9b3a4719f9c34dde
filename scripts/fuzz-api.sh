#!/usr/bin/env bash
# Fuzzes the JSON API from its own OpenAPI document with schemathesis: `dondoc up` on a scratch home and free ports
# (Temporal dev server, mail capture, web server, worker and the shipped plans), an admin token, then
# `schemathesis run --checks not_a_server_error`. Exits non-zero when any request gets a 5xx answer, when the run
# does not finish within its time bound, or when the servers do not start. Stops everything it started.
#
# Then the public routes (an agency's page and form with a real signed link, the calendar feed, login, health) from a
# document made for them (scripts/fuzz-public.ts openapi), with a session cookie and its CSRF token so that bodies reach
# validation; after it, the store's reports must be exactly those of the accepted (303) submissions.
#
#   scripts/fuzz-api.sh    FUZZ_MAX_EXAMPLES (default 8) cases per operation, FUZZ_TIME_LIMIT (170 s), FUZZ_CHECKS
#                          (default not_a_server_error; e.g. not_a_server_error,status_code_conformance), FUZZ_SEED;
#                          FUZZ_PUBLIC_MAX_EXAMPLES (default 100), FUZZ_PUBLIC_TIME_LIMIT (80 s), FUZZ_PUBLIC=0 skips it
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${FUZZ_VENV:-.venv-fuzz}"
python="${PYTHON:-python3}"
max_examples="${FUZZ_MAX_EXAMPLES:-8}"
time_limit="${FUZZ_TIME_LIMIT:-170}"
schemathesis_version="4.32.5"

log() { printf '== fuzz-api: %s\n' "$*" >&2; }

if [ ! -x "${venv}/bin/schemathesis" ]; then
  log "installing schemathesis ${schemathesis_version} into ${venv}"
  "${python}" -m venv "${venv}"
  # Keep the virtualenv out of git without touching the project's .gitignore.
  printf '*\n' >"${venv}/.gitignore"
  "${venv}/bin/pip" install --quiet --disable-pip-version-check "schemathesis==${schemathesis_version}"
fi

free_port() { "${python}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

home="$(mktemp -d "${TMPDIR:-/tmp}/dondoc-fuzz-XXXXXX")"
web_port="$(free_port)"
up_pid=""
cleanup() {
  local status=$?
  if [ -n "${up_pid}" ] && kill -0 "${up_pid}" 2>/dev/null; then
    log "stopping dondoc up (pid ${up_pid})"
    kill -TERM "${up_pid}" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "${up_pid}" 2>/dev/null || break; sleep 1; done
    kill -KILL "${up_pid}" 2>/dev/null || true
  fi
  rm -rf "${home}"
  exit "${status}"
}
trap cleanup EXIT INT TERM

# A scratch deployment on embedded defaults: nothing of the caller's Temporal, mail or database is used.
export DONDOC_HOME="${home}"
export DONDOC_PLANS_DIR="${DONDOC_PLANS_DIR:-plans}"
export DONDOC_TEMPORAL_PORT="$(free_port)"
export DONDOC_TEMPORAL_UI_PORT="$(free_port)"
export DONDOC_MAIL_CAPTURE_SMTP_PORT="$(free_port)"
export DONDOC_MAIL_CAPTURE_HTTP_PORT="$(free_port)"
export DONDOC_WEB_PORT="${web_port}"
export DONDOC_INBOUND_SMTP_PORT="$(free_port)"
# The fuzzer sends thousands of requests from one address: the public routes' rate limit would answer most with 429.
export DONDOC_PUBLIC_RATE_LIMIT="${DONDOC_PUBLIC_RATE_LIMIT:-1000000}"
unset TEMPORAL_ADDRESS TEMPORAL_NAMESPACE SMTP_URL DATABASE_URL DATABASE_SCHEMA DONDOC_DB DONDOC_PUBLIC_URL DONDOC_SECRET

log "starting dondoc up in ${home} (web on port ${web_port})"
node bin/dondoc.js up >"${home}/up.log" 2>&1 &
up_pid=$!

base="http://127.0.0.1:${web_port}"
ready=0
for _ in $(seq 1 180); do
  if ! kill -0 "${up_pid}" 2>/dev/null; then break; fi
  if grep -q 'Sẵn sàng (ready)' "${home}/up.log" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 1
done
if [ "${ready}" != 1 ]; then
  log "dondoc up did not start; its output:"
  cat "${home}/up.log" >&2
  exit 2
fi

token="$(node bin/dondoc.js token create --name fuzz --role admin --by fuzz-api --json |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).token))')"

# The public routes first: the API run below may close, pause or end the periods the agency's link is for.
public_status=0
if [ "${FUZZ_PUBLIC:-1}" != 0 ]; then
  public_limit="${FUZZ_PUBLIC_TIME_LIMIT:-80}"
  tsx="node_modules/.bin/tsx"
  plan_id="${FUZZ_PUBLIC_PLAN:-ninh-binh-bien-gioi-bien-2022-2030}"
  export TEMPORAL_ADDRESS="127.0.0.1:${DONDOC_TEMPORAL_PORT}"
  links="$("${tsx}" scripts/fuzz-public.ts links "${plan_id}")"
  field() { printf '%s' "${links}" | "${python}" -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
  submit="$(field submit)"
  "${tsx}" scripts/fuzz-public.ts openapi "${submit}" "$(field calendar)" >"${home}/openapi-public.json"
  # A browser's session: the page sets the cookie and puts the matching CSRF token in its form.
  page="$(curl -sS -c "${home}/cookies" -H 'accept: text/html' "${base}/bao-cao/${submit}")"
  csrf="$(printf '%s' "${page}" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)"
  session="$(awk '$6 == "dondoc_session" { print $7 }' "${home}/cookies")"
  if [ -z "${csrf}" ] || [ -z "${session}" ]; then
    log "the agency's page gave no session or CSRF token"
    exit 2
  fi
  before="$("${tsx}" scripts/fuzz-public.ts reports "${plan_id}")"
  log "schemathesis against the public routes (agency $(field agency), ${FUZZ_PUBLIC_MAX_EXAMPLES:-100} examples per operation, at most ${public_limit} s)"
  timeout --signal=INT "${public_limit}" "${venv}/bin/schemathesis" --no-color run "${home}/openapi-public.json" \
    --url "${base}" \
    --checks "${FUZZ_PUBLIC_CHECKS:-not_a_server_error,status_code_conformance}" \
    -H "Cookie: dondoc_session=${session}" \
    -H "x-csrf-token: ${csrf}" \
    -H "Accept: text/html" \
    --max-examples "${FUZZ_PUBLIC_MAX_EXAMPLES:-100}" \
    --phases examples,coverage,fuzzing \
    --max-redirects 0 \
    --workers 1 \
    --request-timeout 30 \
    --seed "${FUZZ_SEED:-12}" \
    --report har --report-har-path "${home}/public.har" \
    --output-sanitize true || public_status=$?
  if [ "${public_status}" = 124 ] || [ "${public_status}" = 130 ]; then
    log "schemathesis (public routes) did not finish within ${public_limit} s"
    public_status=3
  fi
  after="$("${tsx}" scripts/fuzz-public.ts reports "${plan_id}")"
  # Nothing recorded for refused input: the new reports are exactly those whose submission was answered 303.
  BEFORE="${before}" AFTER="${after}" SUBMIT="${submit}" "${python}" - "${home}/public.har" <<'PY' || public_status=4
import json, os, re, sys
from collections import Counter
entries = json.load(open(sys.argv[1]))["log"]["entries"]
form = "/bao-cao/" + os.environ["SUBMIT"]
statuses = Counter()
posted = Counter()
accepted = set()
for e in entries:
    url = re.sub(r"^https?://[^/]+", "", e["request"]["url"]).split("?")[0]
    status = e["response"]["status"]
    statuses[status] += 1
    if e["request"]["method"] == "POST" and url == form:
        posted[status] += 1
    if e["request"]["method"] == "POST" and url == form and status == 303:
        location = next(h["value"] for h in e["response"]["headers"] if h["name"].lower() == "location")
        accepted.add(location.rsplit("/", 1)[-1])
new = set(json.loads(os.environ["AFTER"])) - set(json.loads(os.environ["BEFORE"]))
print(f"== fuzz-api: public routes: {len(entries)} requests, by status {dict(sorted(statuses.items()))}; "
      f"reports posted to the real link, by status {dict(sorted(posted.items()))}; "
      f"{len(accepted)} reports accepted (303), {len(new)} new in the store", file=sys.stderr)
if new != accepted:
    print(f"== fuzz-api: stored without an accepted request: {sorted(new - accepted)}; "
          f"accepted but not stored: {sorted(accepted - new)}", file=sys.stderr)
    sys.exit(1)
PY
fi

log "schemathesis against ${base}/api/openapi.json (${max_examples} examples per operation, at most ${time_limit} s)"
status=0
# One worker: hypothesis's lambda descriptions parse source with `ast`, which fails intermittently across threads on
# Python 3.11 ("AST constructor recursion depth mismatch"), and the server has 2 cores anyway.
timeout --signal=INT "${time_limit}" "${venv}/bin/schemathesis" --no-color run "${base}/api/openapi.json" \
  --checks "${FUZZ_CHECKS:-not_a_server_error}" \
  -H "Authorization: Bearer ${token}" \
  --max-examples "${max_examples}" \
  --workers 1 \
  --request-timeout 30 \
  --seed "${FUZZ_SEED:-12}" \
  --output-sanitize true || status=$?
if [ "${status}" = 124 ] || [ "${status}" = 130 ]; then
  log "schemathesis did not finish within ${time_limit} s"
  status=3
fi

[ "${status}" = 0 ] && status="${public_status}"

if [ "${status}" != 0 ]; then
  log "failed (status ${status}); the server's log:"
  tail -n 60 "${home}/up.log" >&2
fi
exit "${status}"
