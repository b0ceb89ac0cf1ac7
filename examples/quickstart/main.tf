# Quickstart: approve the connections of two trusted endpoints to one VPC
# endpoint service. `scripts/demo` runs it against the bundled simulator.
terraform {
  required_providers {
    vpcep = {
      source  = "terraform.local/vpcep/vpcep"
      version = "~> 0.1"
    }
  }
}

variable "vpcep_endpoint" {
  description = "VPCEP API endpoint; the demo points it at the local simulator."
  type        = string
}

variable "project_id" {
  type    = string
  default = "0123456789abcdef0123456789abcdef"
}

variable "service_id" {
  type    = string
  default = "5f1e7a52-3c9b-4d0e-9a57-1b2c3d4e5f60"
}

variable "endpoint_ids" {
  description = "Endpoints whose connections are approved."
  type        = set(string)
  default = [
    "0a6f8c1e-1111-4e2b-8c3d-000000000001",
    "0a6f8c1e-2222-4e2b-8c3d-000000000002",
  ]
}

# The token comes from HW_AUTH_TOKEN, so no secret sits in the configuration.
provider "vpcep" {
  project_id = var.project_id
  endpoints  = { vpcep = var.vpcep_endpoint }
}

resource "vpcep_connection_approval" "trusted" {
  for_each    = var.endpoint_ids
  service_id  = var.service_id
  endpoint_id = each.value
}

output "approvals" {
  value = { for id, a in vpcep_connection_approval.trusted : id => a.status }
}
