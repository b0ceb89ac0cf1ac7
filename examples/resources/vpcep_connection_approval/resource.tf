variable "service_id" {
  type = string
}

variable "endpoint_ids" {
  type = set(string)
}

# One approval per endpoint: each is its own line in the plan, and a failure
# of one does not hold up the others.
resource "vpcep_connection_approval" "consumers" {
  for_each    = var.endpoint_ids
  service_id  = var.service_id
  endpoint_id = each.value
  description = "approved by terraform"

  timeouts {
    create = "5m"
    update = "5m"
    delete = "5m"
  }
}
