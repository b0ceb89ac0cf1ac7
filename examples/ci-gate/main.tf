# Approve every endpoint listed in var.endpoint_ids; the CI gate
# (check-approvals.sh) refuses the plan when one belongs to an account that
# is not in allowed-accounts.txt.
terraform {
  required_providers {
    vpcep = { source = "terraform.local/vpcep/vpcep", version = "~> 0.1" }
  }
}

variable "service_id" {
  type = string
}

variable "endpoint_ids" {
  type = set(string)
}

resource "vpcep_connection_approval" "this" {
  for_each    = var.endpoint_ids
  service_id  = var.service_id
  endpoint_id = each.value
}
