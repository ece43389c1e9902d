#!/usr/bin/env bash
# The post step of the herald GitHub Action (action.yml): runs `herald --json post` with the
# action's inputs and writes its outputs. It takes everything from environment variables, so it
# runs the same anywhere, GitHub or not:
#
#   INPUT_TO          accounts, comma-separated (required)
#   INPUT_TEXT        the text, or
#   INPUT_TEXT_FILE   a file that holds it
#   INPUT_MEDIA       media files, one a line, each with
#   INPUT_ALT         its alt text, one a line, in the same order
#   INPUT_CALENDAR    the calendar (default herald.yaml)
#   INPUT_STATE       the state database (default: herald's own, which a fresh runner lacks)
#   INPUT_ARGS        more arguments for `herald post`, quoted as in a shell (nothing is expanded)
#   INPUT_SECRETS     NAME=value lines: the variables that the calendar's accounts name
#                     (token_env:, webhook_env:, ...); only these accounts can be posted to
#   HERALD            the herald binary (default: herald on PATH)
#   GITHUB_OUTPUT     where the outputs go, when set: json (herald's JSON lines), urls (one a
#                     line, of the posts published now or found published) and exit-code
#   GITHUB_STEP_SUMMARY  a table of the outcomes is added to it, when set
#
# Secrets go to herald in a credentials file (mode 600, in a private directory, removed on exit),
# never on a command line or in this script's output; on GitHub each value is also registered
# with ::add-mask:: so that the log hides it wherever it might appear.
#
# Exit status: herald's (0 only when every account holds the post), 2 for bad inputs.
set -euo pipefail

fail() {
  echo "herald-action: $*" >&2
  exit 2
}

herald=${HERALD:-herald}
calendar=${INPUT_CALENDAR:-herald.yaml}
to=${INPUT_TO:-}
text=${INPUT_TEXT:-}
text_file=${INPUT_TEXT_FILE:-}

[[ -n $to ]] || fail "the 'to' input is required: the accounts to post to, e.g. masto,team"
if [[ -n $text && -n $text_file ]]; then
  fail "give 'text' or 'text-file', not both"
fi
if [[ -z $text && -z $text_file ]]; then
  fail "give 'text' or 'text-file': what to post"
fi

umask 077
work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/herald-action.XXXXXX")
trap 'rm -rf "$work"' EXIT

# NAME=value lines into a credentials file. Every value is written between single quotes, which
# herald removes (one pair), so that a value keeps its own quotes and spaces.
credentials=$work/credentials
: >"$credentials"
line_number=0
while IFS= read -r line || [[ -n $line ]]; do
  line_number=$((line_number + 1))
  line=${line%$'\r'}
  if [[ -z ${line//[[:space:]]/} || $line =~ ^[[:space:]]*# ]]; then
    continue
  fi
  name=${line%%=*}
  name=${name#"${name%%[![:space:]]*}"}
  name=${name%"${name##*[![:space:]]}"}
  if [[ $line != *=* || ! $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    # The line may hold a secret: say where, never what.
    fail "secrets line ${line_number}: expected NAME=value"
  fi
  value=${line#*=}
  if [[ -z $value ]]; then
    continue # an unset repository secret: as if not given
  fi
  if [[ ${GITHUB_ACTIONS:-} == true ]]; then
    echo "::add-mask::${value}"
  fi
  printf "%s='%s'\n" "$name" "$value" >>"$credentials"
done <<<"${INPUT_SECRETS:-}"

args=(-c "$calendar")
if [[ -n ${INPUT_STATE:-} ]]; then
  args+=(--state "$INPUT_STATE")
fi
if [[ -s $credentials ]]; then
  args+=(--credentials "$credentials")
fi
args+=(--json post --to "$to")
if [[ -n $text ]]; then
  args+=(--text "$text")
else
  args+=(--text-file "$text_file")
fi

media=()
alt=()
while IFS= read -r line; do
  line=${line%$'\r'}
  [[ -n $line ]] && media+=("$line")
done <<<"${INPUT_MEDIA:-}"
while IFS= read -r line; do
  line=${line%$'\r'}
  [[ -n $line ]] && alt+=("$line")
done <<<"${INPUT_ALT:-}"
if [[ ${#media[@]} -ne ${#alt[@]} ]]; then
  fail "every media file needs its alt text, one a line (got ${#media[@]} media and ${#alt[@]} alt)"
fi
for i in "${!media[@]}"; do
  args+=(--media "${media[i]}" --alt "${alt[i]}")
done

# args: split like a shell command line (quotes and backslashes), with nothing expanded.
extra_args=${INPUT_ARGS:-}
if [[ -n ${extra_args//[[:space:]]/} ]]; then
  printf '%s\n' "$extra_args" | xargs -r printf '%s\0' >"$work/args" 2>"$work/args.err" ||
    fail "cannot split the 'args' input: $(cat "$work/args.err")"
  mapfile -d '' -t extra <"$work/args"
  args+=("${extra[@]}")
fi

status=0
"$herald" "${args[@]}" >"$work/out" || status=$?
cat "$work/out"

# herald's JSON lines (one flat object a line, keys without spaces): a field of one line.
field() {
  if [[ $1 =~ \"$2\":\"(([^\"\\]|\\.)*)\" ]]; then
    printf '%s' "${BASH_REMATCH[1]}"
  fi
}

# The URLs of the jobs that hold the post: published now, or found already published.
urls=''
rows=''
while IFS= read -r json; do
  [[ $json == \{* ]] || continue
  state=$(field "$json" status)
  url=$(field "$json" url)
  if [[ -n $url && ($state == posted || $state == already-posted) ]]; then
    urls+="${url}"$'\n'
  fi
  detail=${url:-$(field "$json" error)}
  rows+="| $(field "$json" account) | ${state} | ${detail//|/\\|} |"$'\n'
done <"$work/out"

if [[ -n ${GITHUB_OUTPUT:-} ]]; then
  delimiter="herald_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  {
    printf 'json<<%s\n' "$delimiter"
    cat "$work/out"
    printf '%s\n' "$delimiter"
    printf 'urls<<%s\n%s%s\n' "$delimiter" "$urls" "$delimiter"
    printf 'exit-code=%s\n' "$status"
  } >>"$GITHUB_OUTPUT"
fi

if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
  printf '### herald post\n\n| account | status | url or error |\n|---|---|---|\n%s\n' \
    "$rows" >>"$GITHUB_STEP_SUMMARY"
fi

exit "$status"
