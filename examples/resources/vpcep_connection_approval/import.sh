# An approval is imported by "<service_id>/<endpoint_id>".
terraform import 'vpcep_connection_approval.consumers["0a6f8c1e-1111-4e2b-8c3d-000000000001"]' \
  5f1e7a52-3c9b-4d0e-9a57-1b2c3d4e5f60/0a6f8c1e-1111-4e2b-8c3d-000000000001
