variable "service_id" {
  type = string
}

variable "trusted_accounts" {
  type = set(string)
}

data "vpcep_service_connections" "all" {
  service_id = var.service_id
}

# Approve every connection from a trusted account. Filtering on domain_id (not
# on status) keeps the set stable once the approvals are accepted; `failed`
# connections are left out, since the API cannot approve them.
resource "vpcep_connection_approval" "trusted" {
  for_each = {
    for c in data.vpcep_service_connections.all.connections :
    c.endpoint_id => c if contains(var.trusted_accounts, c.domain_id) && c.status != "failed"
  }
  service_id  = data.vpcep_service_connections.all.service_id
  endpoint_id = each.key
}
