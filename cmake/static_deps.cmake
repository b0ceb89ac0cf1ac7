# Links gRPC, Protobuf, Abseil and their private helpers (re2, c-ares, upb)
# from Debian's static archives instead of their many shared objects. Start-up
# of the provider is dominated by the dynamic loader's symbol lookups in those
# objects (Terraform starts the provider several times per command), so this
# is worth a bigger binary (figures in bench/RESULTS.md). OpenSSL, zlib and libcurl stay shared: they get
# security updates from Debian.
option(VPCEP_STATIC_DEPS "Link gRPC, Protobuf and Abseil statically" ON)

function(vpcep_use_static_archives)
  get_property(targets DIRECTORY ${CMAKE_SOURCE_DIR} PROPERTY IMPORTED_TARGETS)
  set(switched 0)
  foreach(target IN LISTS targets)
    if(NOT target MATCHES "^(absl|gRPC|protobuf|re2|c-ares)::")
      continue()
    endif()
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "SHARED_LIBRARY|UNKNOWN_LIBRARY")
      continue()
    endif()
    foreach(prop IMPORTED_LOCATION IMPORTED_LOCATION_NONE IMPORTED_LOCATION_RELEASE
                 IMPORTED_LOCATION_DEBUG IMPORTED_LOCATION_RELWITHDEBINFO)
      get_target_property(location ${target} ${prop})
      if(NOT location)
        continue()
      endif()
      # libfoo.so.29.0.0 -> libfoo.a
      string(REGEX REPLACE "\\.so(\\.[0-9.]+)?$" ".a" archive "${location}")
      if(archive STREQUAL location OR NOT EXISTS "${archive}")
        continue()
      endif()
      set_target_properties(${target} PROPERTIES ${prop} "${archive}")
      set_property(TARGET ${target} PROPERTY IMPORTED_NO_SONAME TRUE)
      math(EXPR switched "${switched} + 1")
    endforeach()
  endforeach()
  # gRPC's Findre2 module describes re2 by pkg-config flags (-lre2).
  if(TARGET re2::re2)
    get_target_property(flags re2::re2 INTERFACE_LINK_LIBRARIES)
    find_library(VPCEP_RE2_ARCHIVE NAMES libre2.a)
    if(flags AND VPCEP_RE2_ARCHIVE)
      list(TRANSFORM flags REPLACE "^-lre2$" "${VPCEP_RE2_ARCHIVE}")
      set_target_properties(re2::re2 PROPERTIES INTERFACE_LINK_LIBRARIES "${flags}")
      math(EXPR switched "${switched} + 1")
    endif()
  endif()
  message(STATUS "Static gRPC/Protobuf/Abseil: ${switched} imported libraries use archives")
endfunction()

if(VPCEP_STATIC_DEPS)
  vpcep_use_static_archives()
endif()
