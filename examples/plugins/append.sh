#!/bin/sh
# A herald plugin (protocol 1, see herald-plugins(7)) in POSIX shell: appends each post to a
# text file. Use it from a calendar like this:
#
#   accounts:
#     notes:
#       platform: exec
#       command: [./plugins/append.sh, posts.txt]   # the file is relative to the calendar
#
# Each post becomes one block in the file:
#
#   ## <job id> <idempotency key>
#   <the post's text; the parts of a thread a blank line apart>
#   <a blank line>
#
# A resend with the same idempotency key finds its block and answers with the first result
# instead of appending again, so the plugin declares "idempotent": true. The same block answers
# a "find" (a re-run of `herald post` with a fresh state asks before it publishes): "find": true.
#
# JSON in POSIX shell: this plugin does not parse JSON. It relies on what herald promises about
# its requests (herald-plugins(7), "Plugins in shell"): one request per line; "type" first and
# "id" second; in a publish, "idempotency_key" and then "text" right before "parts". It decodes
# the escapes \n \t \" \\ \/ of the text; any other (\u0001 for a control character) is written
# as it is. It takes no media. Use a language with a JSON library for anything more.
set -u

file=${1:?usage: append.sh FILE}
case $file in
/*) path=$file ;;
*) path=$(pwd)/$file ;;
esac

# The value of a string field that holds no escapes (ids and keys never do).
plain_field() {
  printf '%s\n' "$2" | sed -n "s/.*\"$1\":\"\\([^\"\\\\]*\\)\".*/\\1/p"
}

# $1 escaped for use inside a JSON string.
json_escaped() {
  printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'
}

answer() {
  printf '%s\n' "$1"
}

while IFS= read -r line; do
  type=$(printf '%s\n' "$line" | sed -n 's/^{"type":"\([a-z_]*\)".*/\1/p')
  id=$(printf '%s\n' "$line" | sed -n 's/^{"type":"[a-z_]*","id":\([0-9]*\).*/\1/p')
  if [ -z "$id" ]; then
    echo "append.sh: a request without an id: ignored" >&2
    continue
  fi
  case $type in
  hello)
    answer "{\"type\":\"hello\",\"id\":$id,\"protocol\":1,\"name\":\"append\",\"capabilities\":{\"threads\":true,\"media\":false,\"idempotent\":true,\"verify\":true,\"find\":true}}"
    ;;
  verify)
    if touch "$file" 2>/dev/null; then
      where=$(json_escaped "$path")
      answer "{\"type\":\"verified\",\"id\":$id,\"detail\":\"appends to $where\"}"
    else
      answer "{\"type\":\"error\",\"id\":$id,\"kind\":\"permanent\",\"message\":\"cannot write to $(json_escaped "$file")\"}"
    fi
    ;;
  publish)
    job=$(plain_field job "$line")
    key=$(plain_field idempotency_key "$line")
    url=$(json_escaped "file://$path#$key")
    if [ -f "$file" ] && grep -qF "## $job $key" "$file"; then
      echo "append.sh: $key is in $file already" >&2
      answer "{\"type\":\"published\",\"id\":$id,\"remote_id\":\"$key\",\"url\":\"$url\"}"
      continue
    fi
    text=$(printf '%s\n' "$line" |
      sed 's/^.*"idempotency_key":"[^"]*","text":"//; s/","parts":\[.*$//; s/\\"/"/g; s/\\\//\//g')
    # One printf, so that the block is written at once.
    if printf '## %s %s\n%b\n\n' "$job" "$key" "$text" >>"$file"; then
      answer "{\"type\":\"published\",\"id\":$id,\"remote_id\":\"$key\",\"url\":\"$url\"}"
    else
      answer "{\"type\":\"error\",\"id\":$id,\"kind\":\"retryable\",\"message\":\"cannot append to $(json_escaped "$file")\"}"
    fi
    ;;
  find)
    job=$(plain_field job "$line")
    key=$(plain_field idempotency_key "$line")
    if [ -f "$file" ] && grep -qF "## $job $key" "$file"; then
      url=$(json_escaped "file://$path#$key")
      answer "{\"type\":\"found\",\"id\":$id,\"found\":true,\"remote_id\":\"$key\",\"url\":\"$url\"}"
    else
      answer "{\"type\":\"found\",\"id\":$id,\"found\":false}"
    fi
    ;;
  *)
    answer "{\"type\":\"error\",\"id\":$id,\"kind\":\"permanent\",\"message\":\"append.sh does not know '$type' requests\"}"
    ;;
  esac
done
