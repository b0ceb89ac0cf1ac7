variable "service_id" {
  type = string
}

variable "trusted_accounts" {
  type = set(string)
}

# Admits the connections of the trusted accounts and rejects the pending
# connections of everyone else; `terraform plan` lists each call.
resource "vpcep_connection_policy" "orders" {
  service_id     = var.service_id
  domain_ids     = var.trusted_accounts
  reject_pending = true

  timeouts {
    create = "5m"
    delete = "5m"
  }
}

output "admitted" {
  value = vpcep_connection_policy.orders.accepted
}
