# Layers above core, in dependency order: cloud, resources, protocol, plugin.
add_library(vpcep_cloud STATIC
  ${CMAKE_CURRENT_LIST_DIR}/cloud/aksk_signer.cc
  ${CMAKE_CURRENT_LIST_DIR}/cloud/api_error.cc
  ${CMAKE_CURRENT_LIST_DIR}/cloud/client.cc
  ${CMAKE_CURRENT_LIST_DIR}/cloud/http.cc
  ${CMAKE_CURRENT_LIST_DIR}/cloud/list_coalescer.cc
  ${CMAKE_CURRENT_LIST_DIR}/cloud/throttle.cc
  ${CMAKE_CURRENT_LIST_DIR}/cloud/watcher.cc)
target_link_libraries(vpcep_cloud PUBLIC vpcep_core vpcep_api_vocabulary OpenSSL::Crypto PRIVATE CURL::libcurl)
vpcep_strict(vpcep_cloud)

file(GLOB_RECURSE VPCEP_RESOURCE_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/resources/*.cc)
add_library(vpcep_resources STATIC ${VPCEP_RESOURCE_SOURCES})
target_compile_definitions(vpcep_resources PRIVATE VPCEP_VERSION="${PROJECT_VERSION}")  # User-Agent
target_link_libraries(vpcep_resources PUBLIC vpcep_cloud)
vpcep_strict(vpcep_resources)

add_library(vpcep_plugin STATIC
  ${CMAKE_CURRENT_LIST_DIR}/protocol/provider_v5.cc
  ${CMAKE_CURRENT_LIST_DIR}/protocol/provider_v6.cc
  ${CMAKE_CURRENT_LIST_DIR}/plugin/certificate.cc
  ${CMAKE_CURRENT_LIST_DIR}/plugin/handshake.cc
  ${CMAKE_CURRENT_LIST_DIR}/plugin/server.cc)
target_link_libraries(vpcep_plugin PUBLIC vpcep_core vpcep_proto gRPC::grpc++ OpenSSL::Crypto)
vpcep_strict(vpcep_plugin)

add_executable(terraform-provider-vpcep ${CMAKE_CURRENT_LIST_DIR}/main.cc)
target_compile_definitions(terraform-provider-vpcep PRIVATE VPCEP_VERSION="${PROJECT_VERSION}")
target_link_libraries(terraform-provider-vpcep PRIVATE vpcep_plugin vpcep_resources)
# GnuTLS (loaded, never used, via libcurl -> librtmp) must see main.cc's hook.
target_link_options(terraform-provider-vpcep PRIVATE
  -Wl,--export-dynamic-symbol=_gnutls_global_init_skip)

vpcep_strict(terraform-provider-vpcep)
