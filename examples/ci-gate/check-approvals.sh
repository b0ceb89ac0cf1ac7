#!/usr/bin/env bash
# CI gate: fails when a plan approves a connection from an account that is not
# on the allowlist. Works on every plan because the provider plans the
# endpoint owner (`domain_id`) as a known value.
#
#   terraform plan -out=plan.tfplan
#   terraform show -json plan.tfplan > plan.json
#   ./check-approvals.sh plan.json allowed-accounts.txt
#
# The allowlist holds one account (domain) id per line; `#` starts a comment.
# Exit 0: every planned approval is allowed; 1: at least one is not (each is
# printed); 2: usage or unreadable input. Needs jq.
set -euo pipefail

if [ $# -ne 2 ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
plan_json=$1
allowlist=$2
[ -r "$plan_json" ] || { echo "cannot read $plan_json" >&2; exit 2; }
[ -r "$allowlist" ] || { echo "cannot read $allowlist" >&2; exit 2; }

problems=$(jq -r --rawfile allow "$allowlist" '
  ($allow | split("\n") | map(sub("#.*$"; "") | gsub("\\s"; "")) | map(select(length > 0))) as $ok
  | .resource_changes[]?
  | select(.type == "vpcep_connection_approval")
  | select(.change.actions | index("create"))
  | .change.after as $after
  | if (.change.after_unknown.domain_id // false) then
      "\(.address): the owner of endpoint \($after.endpoint_id) is unknown at plan time"
    elif ($ok | index($after.domain_id)) then
      empty
    else
      "\(.address): endpoint \($after.endpoint_id) belongs to account \($after.domain_id), which is not on the allowlist"
    end' "$plan_json") || exit 2

if [ -n "$problems" ]; then
  echo "Approvals refused by the allowlist ($allowlist):"
  echo "$problems"
  exit 1
fi
echo "Every planned approval is from an allowed account."
