# Install into Terraform's plugin mirror layout, and a `release` target that
# writes the files a provider registry serves: zip, SHA256SUMS, manifest.
set(VPCEP_REGISTRY_HOST "terraform.local" CACHE STRING "Provider source hostname")
set(VPCEP_REGISTRY_NAMESPACE "vpcep" CACHE STRING "Provider source namespace")
set(VPCEP_PLATFORM "linux_amd64" CACHE STRING "Terraform platform of this build")

install(PROGRAMS $<TARGET_FILE:terraform-provider-vpcep>
  DESTINATION "${VPCEP_REGISTRY_HOST}/${VPCEP_REGISTRY_NAMESPACE}/vpcep/${PROJECT_VERSION}/${VPCEP_PLATFORM}"
  RENAME "terraform-provider-vpcep_v${PROJECT_VERSION}")

set(VPCEP_RELEASE_ARGS
  -DBINARY=$<TARGET_FILE:terraform-provider-vpcep>
  -DVERSION=${PROJECT_VERSION}
  -DPLATFORM=${VPCEP_PLATFORM})
add_custom_target(release
  COMMAND ${CMAKE_COMMAND} ${VPCEP_RELEASE_ARGS} -DOUT=${CMAKE_BINARY_DIR}/release
          -P ${CMAKE_SOURCE_DIR}/cmake/release_package.cmake
  DEPENDS terraform-provider-vpcep
  COMMENT "Packaging terraform-provider-vpcep ${PROJECT_VERSION}")

if(VPCEP_BUILD_TESTS)
  set(pkg_dir ${CMAKE_BINARY_DIR}/release-test)
  add_test(NAME release.Package
    COMMAND ${CMAKE_COMMAND} ${VPCEP_RELEASE_ARGS} -DOUT=${pkg_dir}
            -P ${CMAKE_SOURCE_DIR}/cmake/release_package.cmake)
  add_test(NAME release.ChecksumsVerify
    COMMAND sha256sum --check --strict SHA256SUMS WORKING_DIRECTORY ${pkg_dir})
  set_tests_properties(release.ChecksumsVerify PROPERTIES DEPENDS release.Package)
  set(install_dir ${CMAKE_BINARY_DIR}/install-test)
  add_test(NAME release.InstallMirrorLayout
    COMMAND sh -c "rm -rf '${install_dir}' && '${CMAKE_COMMAND}' --install '${CMAKE_BINARY_DIR}' --prefix '${install_dir}' >/dev/null && test -x '${install_dir}/${VPCEP_REGISTRY_HOST}/${VPCEP_REGISTRY_NAMESPACE}/vpcep/${PROJECT_VERSION}/${VPCEP_PLATFORM}/terraform-provider-vpcep_v${PROJECT_VERSION}'")
endif()
