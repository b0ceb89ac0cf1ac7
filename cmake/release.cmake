# Install into Terraform's plugin mirror layout, and a `release` target that
# writes what a provider registry and a network mirror serve (scripts/release):
# zip, SHA256SUMS (signed when VPCEP_GPG_KEY names a GPG key), manifest, mirror/.
set(VPCEP_REGISTRY_HOST "terraform.local" CACHE STRING "Provider source hostname")
set(VPCEP_REGISTRY_NAMESPACE "vpcep" CACHE STRING "Provider source namespace")
set(VPCEP_PLATFORM "linux_amd64" CACHE STRING "Terraform platform of this build")

install(PROGRAMS $<TARGET_FILE:terraform-provider-vpcep>
  DESTINATION "${VPCEP_REGISTRY_HOST}/${VPCEP_REGISTRY_NAMESPACE}/vpcep/${PROJECT_VERSION}/${VPCEP_PLATFORM}"
  RENAME "terraform-provider-vpcep_v${PROJECT_VERSION}")

# VPCEP_GPG_KEY and SOURCE_DATE_EPOCH reach the script from the environment.
add_custom_target(release
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/release
          --binary $<TARGET_FILE:terraform-provider-vpcep>
          --version ${PROJECT_VERSION} --platform ${VPCEP_PLATFORM}
          --host ${VPCEP_REGISTRY_HOST} --namespace ${VPCEP_REGISTRY_NAMESPACE}
          --out ${CMAKE_BINARY_DIR}/release
  DEPENDS terraform-provider-vpcep
  USES_TERMINAL
  COMMENT "Packaging terraform-provider-vpcep ${PROJECT_VERSION}")

if(VPCEP_BUILD_TESTS)
  set(install_dir ${CMAKE_BINARY_DIR}/install-test)
  add_test(NAME release.InstallMirrorLayout
    COMMAND sh -c "rm -rf '${install_dir}' && '${CMAKE_COMMAND}' --install '${CMAKE_BINARY_DIR}' --prefix '${install_dir}' >/dev/null && test -x '${install_dir}/${VPCEP_REGISTRY_HOST}/${VPCEP_REGISTRY_NAMESPACE}/vpcep/${PROJECT_VERSION}/${VPCEP_PLATFORM}/terraform-provider-vpcep_v${PROJECT_VERSION}'")
endif()
