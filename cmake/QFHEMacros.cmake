#===- QFHEMacros.cmake - helpers to declare qfhe targets -----------------===#
#
# Every qfhe library is a static library that links the MLIR and LLVM shared
# libraries shipped by Debian (libMLIR.so, libLLVM.so), is installed with its
# headers, and is exported so that `find_package(QFHE)` gives other projects
# the same targets. Each library has an export set of its own
# (lib/cmake/qfhe/<name>Targets.cmake) and belongs to a component of the
# package (Compiler, Runtime, ImportONNX): cmake/CMakeLists.txt generates
# QFHEConfig.cmake from these properties, so that a consumer loads only the
# libraries of the components it asks for and needs only their packages.
#
#===----------------------------------------------------------------------===#

include(GNUInstallDirs)
set(QFHE_INSTALL_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/qfhe)
# Installed tools and plugins find libMLIR/libLLVM where the package was
# built against them, and the project's libraries next to themselves.
set(QFHE_INSTALL_RPATH "${LLVM_LIBRARY_DIR}")

set_property(GLOBAL PROPERTY QFHE_EXPORTED_LIBS "")

# add_qfhe_library(name sources... [COMPONENT component]
#                  [DEPENDS tablegen-targets...] [LINK_LIBS libs...]
#                  [PACKAGES packages...])
# COMPONENT (default Compiler) is the package component the library belongs
# to; PACKAGES are what a consumer must find_package() before linking it
# (in order), besides MLIR.
function(add_qfhe_library name)
  cmake_parse_arguments(ARG "" "COMPONENT" "DEPENDS;LINK_LIBS;PACKAGES" ${ARGN})
  if(NOT ARG_COMPONENT)
    set(ARG_COMPONENT Compiler)
  endif()
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON
    QFHE_COMPONENT ${ARG_COMPONENT} QFHE_PACKAGES "${ARG_PACKAGES}")
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS} MLIR LLVM)
  install(TARGETS ${name} EXPORT ${name}Targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT ${name}Targets NAMESPACE QFHE::
    DESTINATION ${QFHE_INSTALL_PACKAGE_DIR})
  set_property(GLOBAL APPEND PROPERTY QFHE_EXPORTED_LIBS ${name})
endfunction()

# add_qfhe_tool(name sources... [LINK_LIBS libs...])
# Installed into bin/ and exported as QFHE::<name> (QFHEToolsTargets.cmake).
function(add_qfhe_tool name)
  cmake_parse_arguments(ARG "" "" "LINK_LIBS" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS} MLIR LLVM)
  set_target_properties(${name} PROPERTIES
    INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR};${QFHE_INSTALL_RPATH}")
  qfhe_sanitize_executable(${name})
  install(TARGETS ${name} EXPORT QFHEToolsTargets
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endfunction()

# add_qfhe_plugin(name sources... [LINK_LIBS libs...])
# A module that MLIR tools load at run time (mlir-opt --load-pass-plugin),
# linking the same libMLIR.so as the tool that loads it. Installed into
# lib/ and exported as QFHE::<name> (QFHEToolsTargets.cmake).
function(add_qfhe_plugin name)
  cmake_parse_arguments(ARG "" "" "LINK_LIBS" ${ARGN})
  add_library(${name} MODULE ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS} MLIR LLVM)
  set_target_properties(${name} PROPERTIES PREFIX ""
    INSTALL_RPATH "$ORIGIN;${QFHE_INSTALL_RPATH}")
  install(TARGETS ${name} EXPORT QFHEToolsTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
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
