# Every accepted connection of a service (the default status), for
# `terraform query` (Terraform 1.14+).
list "vpcep_connection_approval" "accepted" {
  provider = vpcep

  config {
    service_id = "5f1e7a52-3c9b-4d0e-9a57-1b2c3d4e5f60"
  }
}

# Only the endpoints of one account.
list "vpcep_connection_approval" "team_a" {
  provider = vpcep

  config {
    service_id = "5f1e7a52-3c9b-4d0e-9a57-1b2c3d4e5f60"
    domain_id  = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
  }
}
