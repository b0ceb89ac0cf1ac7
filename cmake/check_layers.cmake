# cmake -DRULES=<build>/layers.txt -DSOURCE_DIR=<repo> [-DINJECT=<file>=<header>] -P check_layers.cmake
# Fails when a file of a layer folder #includes a project header from a folder
# whose target its own target does not link (a lower layer reaching up, or two
# siblings reaching across), includes tests/, or when a .cc file of a layer
# folder is built by none of that folder's targets (explicit source lists can
# forget one). RULES comes from vpcep_layers() (cmake/layers.cmake).
# INJECT adds one include line to a (possibly made-up) file, so a test can
# show that the check catches a violation.
cmake_minimum_required(VERSION 3.25)  # IN_LIST and empty list elements in script mode
foreach(var RULES SOURCE_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is required")
  endif()
endforeach()

file(STRINGS "${RULES}" rules)
set(folders "")
foreach(rule IN LISTS rules)
  string(REPLACE "|" ";" parts "${rule}")
  list(GET parts 0 folder)
  list(LENGTH parts n)
  set(uses_${folder} "")
  set(sources_${folder} "")
  if(n GREATER 1)
    list(GET parts 1 uses)
    string(REPLACE "," ";" uses_${folder} "${uses}")
  endif()
  if(n GREATER 2)
    list(GET parts 2 sources)
    string(REPLACE "," ";" sources_${folder} "${sources}")
  endif()
  list(APPEND folders ${folder})
endforeach()
if(NOT folders)
  message(FATAL_ERROR "${RULES} names no layers")
endif()

# The folder of `path` (repository-relative): the longest layer folder it is in.
function(owner path out)
  set(best "")
  foreach(folder IN LISTS folders)
    string(LENGTH "${folder}" len)
    string(LENGTH "${best}" best_len)
    if(path MATCHES "^${folder}/" AND len GREATER best_len)
      set(best ${folder})
    endif()
  endforeach()
  set(${out} "${best}" PARENT_SCOPE)
endfunction()

set(problems "")
set(checked 0)
# Appends to `problems` when `file` may not include `header`.
macro(check_include file header)
  math(EXPR checked "${checked} + 1")
  owner("${file}" layer)
  owner("${header}" header_layer)
  if("${header}" MATCHES "^tests/")
    string(APPEND problems "${file} includes ${header}: test code\n")
  elseif(header_layer AND NOT header_layer STREQUAL layer AND
         NOT header_layer IN_LIST uses_${layer})
    set(below "${uses_${layer}}")
    if(NOT below)
      set(below "nothing")
    endif()
    string(REPLACE ";" ", " below "${below}")
    string(APPEND problems "${file} includes ${header}, but ${layer} does not build on "
                           "${header_layer} (it builds on: ${below})\n")
  endif()
endmacro()

set(files "")
foreach(folder IN LISTS folders)
  file(GLOB_RECURSE found RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/${folder}/*.cc"
       "${SOURCE_DIR}/${folder}/*.h")
  list(APPEND files ${found})
endforeach()
list(REMOVE_DUPLICATES files)

foreach(file IN LISTS files)
  owner("${file}" layer)
  if(file MATCHES "\\.cc$" AND NOT file IN_LIST sources_${layer})
    string(APPEND problems "${file} is built by no target of ${layer}/CMakeLists.txt\n")
  endif()
  file(STRINGS "${SOURCE_DIR}/${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" header "${line}")
    check_include("${file}" "${header}")
  endforeach()
endforeach()
if(DEFINED INJECT)
  if(NOT INJECT MATCHES "^([^=]+)=(.+)$")
    message(FATAL_ERROR "INJECT must be <file>=<header>, not ${INJECT}")
  endif()
  check_include("${CMAKE_MATCH_1}" "${CMAKE_MATCH_2}")
endif()

if(problems)
  message(NOTICE "${problems}")  # unwrapped, one problem a line
  message(FATAL_ERROR "layer order broken (see above)")
endif()
list(LENGTH files nfiles)
message(STATUS "${nfiles} files, ${checked} #include lines: each layer includes only what it builds on")
