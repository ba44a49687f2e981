#===- QFHEMacros.cmake - helpers to declare qfhe targets -----------------===#
#
# Every qfhe library is a static library that links the MLIR and LLVM shared
# libraries shipped by Debian (libMLIR.so, libLLVM.so), is installed with its
# headers, and is exported through QFHETargets so that `find_package(QFHE)`
# gives other projects the same targets.
#
#===----------------------------------------------------------------------===#

set_property(GLOBAL PROPERTY QFHE_EXPORTED_LIBS "")

# add_qfhe_library(name sources...
#                  [DEPENDS tablegen-targets...] [LINK_LIBS libs...])
function(add_qfhe_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS} MLIR LLVM)
  install(TARGETS ${name} EXPORT QFHETargets
    ARCHIVE DESTINATION lib
    LIBRARY DESTINATION lib)
  set_property(GLOBAL APPEND PROPERTY QFHE_EXPORTED_LIBS ${name})
endfunction()

# add_qfhe_tool(name sources... [LINK_LIBS libs...])
function(add_qfhe_tool name)
  cmake_parse_arguments(ARG "" "" "LINK_LIBS" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS} MLIR LLVM)
  qfhe_sanitize_executable(${name})
  install(TARGETS ${name} EXPORT QFHETargets RUNTIME DESTINATION bin)
endfunction()

# qfhe_add_doc(td-basename doc-name tablegen-args...)
# Generates docs/reference/<doc-name>.md in the build tree from the ODS file
# <td-basename>.td; the `qfhe-doc` target builds them all.
if(NOT TARGET qfhe-doc)
  add_custom_target(qfhe-doc ALL)
endif()
set_property(GLOBAL PROPERTY QFHE_DOC_NAMES "")
function(qfhe_add_doc td_basename doc_name)
  set(LLVM_TARGET_DEFINITIONS ${td_basename}.td)
  mlir_tablegen(${doc_name}.md ${ARGN})
  set(doc_file ${PROJECT_BINARY_DIR}/docs/reference/${doc_name}.md)
  add_custom_command(OUTPUT ${doc_file}
    COMMAND ${CMAKE_COMMAND} -E copy
            ${CMAKE_CURRENT_BINARY_DIR}/${doc_name}.md ${doc_file}
    DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/${doc_name}.md)
  add_custom_target(qfhe-doc-${doc_name} DEPENDS ${doc_file})
  add_dependencies(qfhe-doc qfhe-doc-${doc_name})
  set_property(GLOBAL APPEND PROPERTY QFHE_DOC_NAMES ${doc_name})
endfunction()
