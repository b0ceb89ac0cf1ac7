terraform {
  required_providers {
    vpcep = {
      source  = "terraform.local/vpcep/vpcep"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the environment (HW_AUTH_TOKEN), never from the file.
provider "vpcep" {
  region     = "ap-southeast-1"
  project_id = "0123456789abcdef0123456789abcdef"
}
